"""The address-labels page (`/labels`): the labels, and for analysts and investigators a form to
add or change their agency's labels and a button to delete them.

The same rules and audit entries as the API (`tracing/labelling.py`); plain forms, answered with
a redirect (303) or, when a field is wrong, the page again (400) naming the field.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from scamlink.indicators.types import InvalidIndicator
from scamlink.sharing.roles import Viewer
from scamlink.store.labels import list_labels
from scamlink.store.markings import resolve_viewer
from scamlink.store.users import UserRecord
from scamlink.tracing.labelling import LabelRefused, may_edit, may_read, remove_label, save_label
from scamlink.tracing.model import Category, Chain, Label
from scamlink.tracing.tagpacks import canonical_address
from scamlink.web.auth import SIGN_IN_REQUIRED, CurrentUser
from scamlink.web.i18n import N_, request_locale, translations
from scamlink.web.rendering import render
from scamlink.web.state import web_state

router = APIRouter(include_in_schema=False)
SHOWN = 500

NOT_FOR_YOU = N_("Address labels are for the staff of member agencies.")
NOT_EDITOR = N_("Only analysts and investigators may change address labels.")
BAD_CHAIN = N_("Choose a chain.")
BAD_ADDRESS = N_("This is not a valid address on the chosen chain.")
BAD_CATEGORY = N_("Choose a category.")
NO_LABEL = N_("Write the label.")
NO_SOURCE = N_("Say where the attribution comes from.")
BAD_CONFIDENCE = N_("Confidence is a whole number from 0 to 100.")
OTHER_AGENCY = N_("This address is labelled by another agency; only they may change it.")
NOT_FOUND = N_("There is no label for this address.")
CATEGORY_NAMES = {
    "exchange": N_("exchange"),
    "mixer": N_("mixer"),
    "bridge": N_("bridge"),
    "otc": N_("OTC desk"),
    "scam": N_("scam"),
    "mule": N_("money mule"),
    "other": N_("other"),
}


def _viewer(conn: Connection, user: UserRecord | None) -> tuple[UserRecord, Viewer]:
    if user is None:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    viewer = resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)
    if not may_read(viewer):
        raise HTTPException(status_code=403, detail=NOT_FOR_YOU)
    return user, viewer


def _page(
    request: Request,
    user: UserRecord,
    viewer: Viewer,
    chain: Chain | None,
    *,
    form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    with web_state(request).engine.connect() as conn:
        rows = list_labels(conn, chain, limit=SHOWN)
    return render(
        request,
        "labels.html",
        user=user,
        status_code=status_code,
        rows=rows,
        shown=SHOWN,
        chain=chain.value if chain else "",
        chains=[c.value for c in Chain],
        categories=CATEGORY_NAMES,
        may_edit=may_edit(viewer),
        agency=viewer.agency,
        form=form or {"confidence": "50"},
        problems=problems or {},
    )


def _chain_of(value: object) -> Chain | None:
    try:
        return Chain(str(value).strip().lower()) if value else None
    except ValueError:
        return None


@router.get("/labels", name="labels_page", response_class=HTMLResponse)
def labels_page(
    request: Request,
    user: CurrentUser,
    chain: Annotated[str | None, Query(max_length=8)] = None,
) -> HTMLResponse:
    """The labels (oldest first, at most SHOWN), filtered by chain."""
    with web_state(request).engine.connect() as conn:
        user, viewer = _viewer(conn, user)
    return _page(request, user, viewer, _chain_of(chain))


@router.post("/labels", name="labels_save", response_class=HTMLResponse)
async def labels_save(request: Request, user: CurrentUser) -> Response:
    form = await request.form()
    fields = {
        k: str(form.get(k) or "")
        for k in ("chain", "address", "label", "category", "source", "confidence")
    }
    fields["verified"] = "on" if form.get("verified") else ""
    return await run_in_threadpool(_save, request, user, fields)


def _problem(request: Request, message: str) -> str:
    return translations(request_locale(request)).gettext(message)


def _save(request: Request, user: UserRecord | None, fields: dict[str, str]) -> Response:
    engine = web_state(request).engine
    with engine.connect() as conn:
        user, viewer = _viewer(conn, user)
    if not may_edit(viewer):
        raise HTTPException(status_code=403, detail=NOT_EDITOR)
    problems: dict[str, str] = {}
    chain = _chain_of(fields["chain"])
    address = ""
    if chain is None:
        problems["chain"] = _problem(request, BAD_CHAIN)
    else:
        try:
            address = canonical_address(chain, fields["address"]).value
        except InvalidIndicator:
            problems["address"] = _problem(request, BAD_ADDRESS)
    try:
        category = Category(fields["category"])
    except ValueError:
        problems["category"] = _problem(request, BAD_CATEGORY)
    text, source = fields["label"].strip()[:200], fields["source"].strip()[:500]
    if not text:
        problems["label"] = _problem(request, NO_LABEL)
    if not source:
        problems["source"] = _problem(request, NO_SOURCE)
    confidence = int(fields["confidence"]) if fields["confidence"].strip().isdigit() else -1
    if not 0 <= confidence <= 100:
        problems["confidence"] = _problem(request, BAD_CONFIDENCE)
    if not problems and chain is not None:
        label = Label(chain, address, text, category, source, confidence, bool(fields["verified"]))
        try:
            with engine.begin() as conn:
                save_label(conn, viewer, label)
        except LabelRefused:
            problems["address"] = _problem(request, OTHER_AGENCY)
        else:
            path = request.url_for("labels_page").path
            return RedirectResponse(f"{path}?chain={chain.value}", status_code=303)
    return _page(request, user, viewer, chain, form=fields, problems=problems, status_code=400)


@router.post("/labels/delete", name="labels_delete", response_class=HTMLResponse)
async def labels_delete(request: Request, user: CurrentUser) -> Response:
    form = await request.form()
    chain, address = str(form.get("chain") or ""), str(form.get("address") or "")
    return await run_in_threadpool(_delete, request, user, chain, address)


def _delete(request: Request, user: UserRecord | None, chain_text: str, address: str) -> Response:
    engine = web_state(request).engine
    with engine.connect() as conn:
        user, viewer = _viewer(conn, user)
    if not may_edit(viewer):
        raise HTTPException(status_code=403, detail=NOT_EDITOR)
    chain = _chain_of(chain_text)
    if chain is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    try:
        with engine.begin() as conn:
            remove_label(conn, viewer, chain, address)
    except LabelRefused as e:
        raise HTTPException(
            status_code=e.status, detail=NOT_FOUND if e.status == 404 else OTHER_AGENCY
        ) from None
    path = request.url_for("labels_page").path
    return RedirectResponse(f"{path}?chain={chain.value}", status_code=303)
