"""HTML routes of crypto tracing: the trace page, the freeze-request exports and opening a
freeze_request case from a trace.

For the staff of member agencies only (partners 403, the public 401); every trace, export and
case is audited (`trace.run`, `trace.freeze_export`, `trace.freeze_case`: who traced what). A
trace is bounded and fast rather than long-running (`tracing/run.py`: at most 100 starting
points and 10 hops), so the page answers in one request and needs no progress bar.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from scamlink.cases.model import CaseError
from scamlink.sharing import audit
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import resolve_viewer
from scamlink.store.users import UserRecord
from scamlink.tracing import freeze
from scamlink.tracing.freeze_cases import open_case
from scamlink.tracing.model import Chain, Direction, Model
from scamlink.tracing.run import (
    MAX_HOPS,
    MAX_SEEDS,
    TraceInputError,
    TraceQuery,
    audit_details,
    graph,
    parse_query,
    run_in_store,
)
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.cases_api import now_of
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.rendering import render
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)

STAFF_ONLY = N_("Tracing is for the staff of member agencies.")
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json", "pdf": "application/pdf"}
MODEL_LABELS = {
    "poison": N_("Poison"),
    "haircut": N_("Haircut"),
    "fifo": N_("FIFO"),
    "lifo": N_("LIFO"),
}
FIELD_LABELS = {
    "chain": N_("Chain"),
    "seeds": N_("Start from"),
    "model": N_("Model"),
    "hops": N_("Hops"),
    "min_amount": N_("Smallest amount followed"),
    "since": N_("From"),
    "until": N_("Until"),
    "direction": N_("Direction"),
}


def _staff(request: Request, user: UserRecord | None) -> tuple[UserRecord, Viewer]:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    if user.role is Role.PARTNER:
        raise HTTPException(status_code=403, detail=STAFF_ONLY)
    with web_state(request).engine.connect() as conn:
        viewer = resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)
    return user, viewer


def _form(values: dict[str, str]) -> dict[str, str]:
    return {
        "chain": values.get("chain", "tron"),
        "seeds": values.get("seeds", ""),
        "model": values.get("model", "haircut"),
        "hops": values.get("hops", "6"),
        "min_amount": values.get("min_amount", ""),
        "since": values.get("since", ""),
        "until": values.get("until", ""),
        "direction": values.get("direction", "forward"),
    }


async def _query_form(
    chain: str = "tron",
    seeds: str = "",
    model: str = "haircut",
    hops: str = "6",
    min_amount: str = "",
    since: str = "",
    until: str = "",
    direction: str = "forward",
) -> dict[str, str]:
    """The trace's fields from the query string (the page's GET form, the export links)."""
    return _form(locals())  # the parameters are named as the form's fields


QueryForm = Annotated[dict[str, str], Depends(_query_form)]


def _query(form: dict[str, str]) -> TraceQuery:
    return parse_query(**form)


def _problem(request: Request, error: TraceInputError) -> str:
    gettext = translations(request_locale(request)).gettext
    field = gettext(FIELD_LABELS.get(error.field, error.field))
    where = f"{field}, " + gettext("line %(n)s") % {"n": error.line} if error.line else field
    return f"{where}: {error.message}"


def _page(
    request: Request, user: UserRecord, form: dict[str, str], status: int = 200, **values: Any
) -> HTMLResponse:
    return render(
        request,
        "trace.html",
        user=user,
        status_code=status,
        form=form,
        chains=[c.value for c in Chain],
        models=[m.value for m in Model],
        directions=[d.value for d in Direction],
        model_labels=MODEL_LABELS,
        max_seeds=MAX_SEEDS,
        max_hops=MAX_HOPS,
        markings=[m.value for m in Tlp],
        **{"problem": None, "run": None, **values},
    )


@router.get("/trace", name="trace_page", response_class=HTMLResponse)
def trace_page(request: Request, user: CurrentUser, form: QueryForm) -> HTMLResponse:
    """The form; with starting points, the trace: graph, cash-out points, every model's view."""
    user, viewer = _staff(request, user)
    if not form["seeds"].strip():
        return _page(request, user, form)
    try:
        query = _query(form)
        done = run_in_store(web_state(request).engine, viewer, query, action="trace.run")
    except TraceInputError as error:
        return _page(request, user, form, 422, problem=_problem(request, error))
    return _page(
        request,
        user,
        form,
        run=done,
        graph_json=json.dumps(graph(done.result), ensure_ascii=False),  # escaped as an attribute
        query_string=request.url.query,
    )


@router.get("/trace/freeze/{fmt}", name="trace_freeze_export")
def freeze_export(
    request: Request,
    user: CurrentUser,
    fmt: str,
    form: QueryForm,
) -> Response:
    """The trace's freeze requests as CSV, JSON or PDF (one request per service)."""
    user, viewer = _staff(request, user)
    if fmt not in FORMATS:
        raise HTTPException(status_code=404)
    try:
        query = _query(form)
        done = run_in_store(
            web_state(request).engine,
            viewer,
            query,
            action=f"trace.freeze_export.{fmt}",
            compare=False,
        )
    except TraceInputError as error:
        return Response(_problem(request, error), status_code=422, media_type="text/plain")
    requests = list(done.requests)
    now = now_of(request)
    body: bytes
    if fmt == "csv":
        body = freeze.to_csv(requests).encode("utf-8")
    elif fmt == "json":
        body = freeze.to_json(requests).encode("utf-8")
    else:
        body = freeze.to_pdf(requests, now, request_locale(request))
    name = f"freeze-requests-{now:%Y%m%d-%H%M%S}.{fmt}"
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/trace/freeze-case", name="trace_freeze_case")
def freeze_case(
    request: Request,
    user: CurrentUser,
    service: Annotated[str, Form()] = "",
    tlp: Annotated[str, Form()] = "AMBER",
    chain: Annotated[str, Form()] = "",
    seeds: Annotated[str, Form()] = "",
    model: Annotated[str, Form()] = "haircut",
    hops: Annotated[str, Form()] = "6",
    min_amount: Annotated[str, Form()] = "",
    since: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    direction: Annotated[str, Form()] = "forward",
) -> Response:
    """Open a freeze_request case for one service of the trace; answers with the case's page."""
    user, viewer = _staff(request, user)
    form = _form(
        {
            "chain": chain,
            "seeds": seeds,
            "model": model,
            "hops": hops,
            "min_amount": min_amount,
            "since": since,
            "until": until,
            "direction": direction,
        }
    )
    gettext = translations(request_locale(request)).gettext
    if tlp not in {m.value for m in Tlp}:
        return _page(request, user, form, 422, problem=gettext("Marking: unknown value"))
    try:
        query = _query(form)
    except TraceInputError as error:
        return _page(request, user, form, 422, problem=_problem(request, error))
    engine = web_state(request).engine
    try:
        done = run_in_store(engine, viewer, query, action="trace.run", compare=False)
    except TraceInputError as error:
        return _page(request, user, form, 422, problem=_problem(request, error))
    chosen = next((r for r in done.requests if r.service == service), None)
    if chosen is None:
        message = gettext("Service: the trace reached no service of that name")
        return _page(request, user, form, 422, problem=message)
    now = now_of(request)
    try:
        with engine.begin() as conn:
            case_id = open_case(conn, viewer, chosen, done.result, now, tlp=Tlp(tlp))
            audit.record(
                conn,
                audit.actor_of(viewer),
                "trace.freeze_case",
                f"case:{case_id}",
                {**audit_details(query), "service": service},
            )
    except CaseError as error:
        if error.status == 403:
            raise HTTPException(status_code=403, detail=error.message) from None
        return _page(request, user, form, 422, problem=gettext(error.message))
    return RedirectResponse(request.url_for("case_page", case_id=case_id), status_code=303)
