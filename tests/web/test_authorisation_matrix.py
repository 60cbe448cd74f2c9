"""Who may call what: every route of the application, for every kind of viewer.

PROJECT RULE: every route gets a row here. `test_every_route_has_a_row` enumerates the routes of
the application and fails for a route without a row (and for a row without a route).

Unsafe methods are sent with the session's CSRF token (and the form fields in `form`); each is
also sent without it, which must be refused with 403 for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from httpx2 import Cookies
from sqlalchemy import Engine, create_engine
from starlette.routing import Mount, Route

from scamlink.sharing.roles import Role
from scamlink.web.app import create_app
from tests.web.support import (
    add_user,
    client_for,
    csrf_from,
    disable_user,
    settings_in,
    sign_in,
)

ANONYMOUS = "anonymous"
DISABLED = "disabled user"

# Viewer → (e-mail, agency, role) of the account it signs in with.
ACCOUNTS: dict[str, tuple[str, str, Role]] = {
    "KNPA analyst": ("analyst@knpa.test", "KNPA", Role.ANALYST),
    "RTP analyst": ("analyst@rtp.test", "RTP", Role.ANALYST),
    "KNPA investigator": ("investigator@knpa.test", "KNPA", Role.INVESTIGATOR),
    "KNPA admin": ("admin@knpa.test", "KNPA", Role.ADMIN),
    "partner": ("partner@bank.test", "KNPA", Role.PARTNER),
    "desk officer": ("desk@kdesk.test", "KDESK", Role.DESK_OFFICER),
    DISABLED: ("disabled@knpa.test", "KNPA", Role.ANALYST),
}
SIGNED_IN = [name for name in ACCOUNTS if name != DISABLED]
VIEWERS = [ANONYMOUS, *ACCOUNTS]
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(VIEWERS, status)


def signed_in(status: int, otherwise: int) -> dict[str, int]:
    """`status` for signed-in users, `otherwise` for the public and disabled accounts."""
    return {name: status if name in SIGNED_IN else otherwise for name in VIEWERS}


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the route's path as the application declares it
    expected: dict[str, int]
    url: str = ""  # what to request, when it differs from `route` (mounts, path parameters)
    form: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.route)


WRONG_CREDENTIALS = {"email": "nobody@example.test", "password": "not the password"}

MATRIX: list[Row] = [
    Row("GET", "/healthz", everyone(200)),
    Row("GET", "/api/v1/openapi.json", everyone(200)),
    Row("GET", "/api/v1/agencies", everyone(200)),
    Row("GET", "/api/v1/stats/agencies", signed_in(200, 401)),
    # Victims' personal data: absent and "not yours" are the same 404 (tests/web/test_victims.py
    # reads a real victim as its owner, another agency and a partner).
    Row(
        "GET",
        "/api/v1/victims/{ref}",
        signed_in(404, 401),
        url="/api/v1/victims/00000000-0000-4000-8000-000000000000",
    ),
    Row("GET", "/", everyone(200)),
    # Signed-in users are sent to the dashboard.
    Row("GET", "/login", signed_in(303, 200)),
    Row("POST", "/login", everyone(400), form=WRONG_CREDENTIALS),
    Row("POST", "/logout", everyone(303)),
    Row("GET", "/static", everyone(200), url="/static/scamlink.css"),
    # Campaigns, indicators and search (issue 5): signed-in users, every figure over the reports
    # they may see; an unknown campaign or indicator and one without a visible report are the
    # same 404 (tests/web/test_campaigns.py shows real ones per viewer).
    Row("GET", "/campaigns", signed_in(200, 401)),
    Row("GET", "/campaigns/{campaign_id}", signed_in(404, 401), url="/campaigns/999999"),
    Row("GET", "/indicators/{indicator_id}", signed_in(404, 401), url="/indicators/999999"),
    Row("GET", "/search", signed_in(200, 401), url="/search?q=010-1234-5678"),
    Row("GET", "/api/v1/campaigns", signed_in(200, 401)),
    Row(
        "GET",
        "/api/v1/campaigns/{campaign_id}",
        signed_in(404, 401),
        url="/api/v1/campaigns/999999",
    ),
    Row(
        "GET",
        "/api/v1/campaigns/{campaign_id}/graph",
        signed_in(404, 401),
        url="/api/v1/campaigns/999999/graph",
    ),
    Row(
        "GET",
        "/api/v1/indicators/{indicator_id}",
        signed_in(404, 401),
        url="/api/v1/indicators/999999",
    ),
    Row("GET", "/api/v1/search", signed_in(200, 401), url="/api/v1/search?q=010-1234-5678"),
    # Admins only: the public and disabled accounts must sign in, other roles are refused.
    Row("GET", "/admin/audit", {**signed_in(403, 401), "KNPA admin": 200}),
    # Intake (tests/web/test_intake_api.py, test_intake_pages.py). The matrix posts a form, not
    # JSON: 422 names the body. Reports that do not exist are the same 404 as hidden ones.
    Row("POST", "/api/v1/reports", signed_in(422, 401)),
    Row(
        "POST",
        "/api/v1/reports/{report_id}/review",
        signed_in(404, 401),
        url="/api/v1/reports/999999/review",
    ),
    Row(
        "PATCH",
        "/api/v1/reports/{report_id}/language",
        signed_in(404, 401),
        url="/api/v1/reports/999999/language",
    ),
    Row(
        "POST",
        "/api/v1/reports/{report_id}/attachments",
        signed_in(404, 401),
        url="/api/v1/reports/999999/attachments",
    ),
    Row("GET", "/reports/new", signed_in(200, 401)),
    Row("POST", "/reports/new/check", signed_in(200, 401)),
    Row("POST", "/reports/new", signed_in(400, 401)),  # an empty form: its problems shown
    Row("GET", "/reports/upload", signed_in(200, 401)),
    Row("POST", "/reports/upload", signed_in(400, 401)),  # no file chosen
    Row("GET", "/reports/upload/{job_id}", signed_in(404, 401), url="/reports/upload/unknown"),
    # Lookup (issue 6; tests/web/test_lookup_api.py, test_lookup_pages.py): one value for
    # everyone (the public sees the public standing, signed-in callers the facts they may see);
    # the batch for signed-in callers (the matrix posts a form, not JSON: 422 names the body).
    Row("GET", "/api/v1/lookup", everyone(200), url="/api/v1/lookup?q=010-1234-5678&country=KR"),
    Row("POST", "/api/v1/lookup/batch", signed_in(422, 401)),
    # Where the lookup index stands (building in a thread after a start without a snapshot).
    Row("GET", "/api/v1/lookup/status", signed_in(200, 401)),
    Row("GET", "/lookup", everyone(200), url="/lookup?q=010-1234-5678&country=KR"),
    # The private (k-anonymity) range and the blocklist (issue 6, H6; test_lookup_range.py,
    # test_blocklist_api.py): ranges hold public standings only, for anyone; the blocklist is for
    # members and partners, each over what it may see.
    Row("GET", "/api/v1/lookup/range/{prefix}", everyone(200), url="/api/v1/lookup/range/abcde"),
    Row("GET", "/api/v1/blocklist", signed_in(200, 401), url="/api/v1/blocklist?type=phone"),
    # Report page, review queue, public form (issue 5, H4; tests/web/test_report_pages.py and
    # test_public_report.py show real reports per viewer). Hidden and absent are the same 404;
    # only officers have a review queue.
    Row(
        "GET",
        "/reports/review",
        {**signed_in(200, 401), "KNPA admin": 403, "partner": 403},
    ),
    Row("GET", "/reports/{report_id:int}", signed_in(404, 401), url="/reports/999999"),
    Row(
        "POST",
        "/reports/{report_id:int}/review",
        signed_in(404, 401),
        url="/reports/999999/review",
        form={"status": "verified"},
    ),
    Row(
        "POST",
        "/reports/{report_id:int}/language",
        signed_in(404, 401),
        url="/reports/999999/language",
        form={"language": "ko"},
    ),
    Row(
        "GET",
        "/reports/{report_id:int}/attachments/{sha256}",
        signed_in(404, 401),
        url="/reports/999999/attachments/" + "ab" * 32,
    ),
    Row("GET", "/report", everyone(200)),
    Row("POST", "/report", everyone(400)),  # an empty form: its problems shown
    # Cases and referrals (issue 7, H7; tests/web/test_cases_api.py, tests/store/test_cases.py
    # show real cases per agency): staff of member agencies only, partners refused. The matrix
    # posts a form, not JSON: 422 names the body. Absent and hidden cases are the same 404; admins
    # read their agency's cases but do not work on them (403 where no body is checked first).
    # Address labels (issue 8; tests/web/test_labels_api.py): agency staff read, analysts and
    # investigators change their own agency's; partners refused. The matrix posts a form: 422.
    Row("GET", "/api/v1/labels", {**signed_in(200, 401), "partner": 403}),
    Row(
        "POST",
        "/api/v1/labels",
        {**signed_in(403, 401), "KNPA analyst": 422, "RTP analyst": 422, "KNPA investigator": 422},
    ),
    Row(
        "DELETE",
        "/api/v1/labels/{chain}/{address}",
        {**signed_in(403, 401), "KNPA analyst": 404, "RTP analyst": 404, "KNPA investigator": 404},
        url="/api/v1/labels/tron/TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    ),
    # The labels page: the same rules; an empty form is refused naming its fields (400), an
    # empty delete finds no label (404).
    Row("GET", "/labels", {**signed_in(200, 401), "partner": 403}),
    Row(
        "POST",
        "/labels",
        {**signed_in(403, 401), "KNPA analyst": 400, "RTP analyst": 400, "KNPA investigator": 400},
    ),
    Row(
        "POST",
        "/labels/delete",
        {**signed_in(403, 401), "KNPA analyst": 404, "RTP analyst": 404, "KNPA investigator": 404},
    ),
    Row("GET", "/api/v1/cases", {**signed_in(200, 401), "partner": 403}),
    Row("GET", "/api/v1/cases/inbox", {**signed_in(200, 401), "partner": 403}),
    Row("POST", "/api/v1/cases", {**signed_in(422, 401), "partner": 403}),
    Row(
        "GET",
        "/api/v1/cases/{case_id}",
        {**signed_in(404, 401), "partner": 403},
        url="/api/v1/cases/999999",
    ),
    *(
        Row(
            "POST",
            f"/api/v1/cases/{{case_id}}/{action}",
            {**signed_in(422, 401), "partner": 403},
            url=f"/api/v1/cases/999999/{action}",
        )
        for action in ("transition", "referrals", "notes", "tasks", "links")
    ),
    Row(
        "POST",
        "/api/v1/referrals/{referral_id}/accept",
        {**signed_in(404, 401), "partner": 403, "KNPA admin": 403},
        url="/api/v1/referrals/999999/accept",
    ),
    Row(
        "POST",
        "/api/v1/referrals/{referral_id}/decline",
        {**signed_in(422, 401), "partner": 403},
        url="/api/v1/referrals/999999/decline",
    ),
    # The case pages (tests/web/test_case_pages.py): changes go through the JSON API above.
    Row("GET", "/cases", {**signed_in(200, 401), "partner": 403}),
    Row("GET", "/cases/inbox", {**signed_in(200, 401), "partner": 403}),
    Row("GET", "/cases/new", {**signed_in(200, 401), "partner": 403}),
    Row(
        "GET",
        "/cases/{case_id:int}",
        {**signed_in(404, 401), "partner": 403},
        url="/cases/999999",
    ),
    Row(
        "POST",
        "/api/v1/tasks/{task_id}/done",
        {**signed_in(404, 401), "partner": 403, "KNPA admin": 403},
        url="/api/v1/tasks/999999/done",
    ),
    # Notifications of cases (issue 7; tests/web/test_notifications_admin.py shows real ones):
    # the agency's administrators only, everyone else refused before the body is read; another
    # agency's subscription is the same 404 as an absent one. The matrix posts a form: 422.
    Row("GET", "/api/v1/notifications/subscriptions", {**signed_in(403, 401), "KNPA admin": 200}),
    Row("POST", "/api/v1/notifications/subscriptions", {**signed_in(403, 401), "KNPA admin": 422}),
    Row(
        "DELETE",
        "/api/v1/notifications/subscriptions/{subscription_id}",
        {**signed_in(403, 401), "KNPA admin": 404},
        url="/api/v1/notifications/subscriptions/999999",
    ),
    Row("GET", "/api/v1/notifications/deliveries", {**signed_in(403, 401), "KNPA admin": 200}),
    Row("GET", "/admin/notifications", {**signed_in(403, 401), "KNPA admin": 200}),
    Row("POST", "/admin/notifications", {**signed_in(403, 401), "KNPA admin": 422}),
    Row(
        "POST",
        "/admin/notifications/{subscription_id:int}/remove",
        {**signed_in(403, 401), "KNPA admin": 404},
        url="/admin/notifications/999999/remove",
    ),
    # Evidence and the dossier (issue 7; tests/web/test_evidence.py, tests/cases/test_evidence.py
    # show real evidence per agency and referral): staff only; absent and hidden are the same 404;
    # admins read but add and hand over nothing (refused before the case is looked up). The
    # matrix posts a form: the upload finds no case first (404), the JSON hand-over's body is 422.
    Row(
        "POST",
        "/api/v1/cases/{case_id}/evidence",
        {**signed_in(404, 401), "partner": 403, "KNPA admin": 403},
        url="/api/v1/cases/999999/evidence",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/evidence",
        {**signed_in(404, 401), "partner": 403},
        url="/api/v1/cases/999999/evidence",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/evidence/{evidence_id}/content",
        {**signed_in(404, 401), "partner": 403},
        url="/api/v1/cases/999999/evidence/1/content",
    ),
    Row(
        "POST",
        "/api/v1/cases/{case_id}/evidence/{evidence_id}/handover",
        {**signed_in(422, 401), "partner": 403},
        url="/api/v1/cases/999999/evidence/1/handover",
    ),
    Row(
        "GET",
        "/api/v1/cases/{case_id}/dossier",
        {**signed_in(404, 401), "partner": 403},
        url="/api/v1/cases/999999/dossier",
    ),
    Row(
        "POST",
        "/cases/{case_id:int}/evidence",
        {**signed_in(404, 401), "partner": 403, "KNPA admin": 403},
        url="/cases/999999/evidence",
    ),
    Row(
        "GET",
        "/cases/{case_id:int}/evidence/{evidence_id:int}",
        {**signed_in(404, 401), "partner": 403},
        url="/cases/999999/evidence/1",
    ),
    Row(
        "POST",
        "/cases/{case_id:int}/evidence/{evidence_id:int}/handover",
        {**signed_in(404, 401), "partner": 403, "KNPA admin": 403},
        url="/cases/999999/evidence/1/handover",
    ),
    Row(
        "GET",
        "/cases/{case_id:int}/dossier.pdf",
        {**signed_in(404, 401), "partner": 403},
        url="/cases/999999/dossier.pdf",
    ),
    # Crypto tracing (issue 8; tests/web/test_trace_pages.py traces a real flow): agency staff
    # only, partners and the public refused; every trace is audited. Without starting points the
    # page is the form; the exports, the case and the API then name the missing field (422).
    Row("GET", "/trace", {**signed_in(200, 401), "partner": 403}),
    Row(
        "GET",
        "/trace/freeze/{fmt}",
        {**signed_in(422, 401), "partner": 403},
        url="/trace/freeze/csv",
    ),
    Row("POST", "/trace/freeze-case", {**signed_in(422, 401), "partner": 403}),
    Row("POST", "/api/v1/trace", {**signed_in(422, 401), "partner": 403}),
    # Importing transfers (tests/web/test_transfer_pages.py): agency staff only; a post without
    # a chain or file is 400; another user's or an unknown job is 404.
    Row("GET", "/tracing/transfers/upload", {**signed_in(200, 401), "partner": 403}),
    Row("POST", "/tracing/transfers/upload", {**signed_in(400, 401), "partner": 403}),
    Row(
        "GET",
        "/tracing/transfers/upload/{job_id}",
        {**signed_in(404, 401), "partner": 403},
        url="/tracing/transfers/upload/unknown",
    ),
]


def _declared(app: FastAPI) -> set[tuple[str, str]]:
    declared: set[tuple[str, str]] = set()
    # Included routers are not flattened into app.routes: walk their effective routes.
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        assert path is not None, f"route without a path: {route!r}"
        if isinstance(route, Mount):
            declared.add(("GET", path))
        elif isinstance(route, APIRoute | Route) and context.methods:
            declared.update((method, path) for method in context.methods - {"HEAD"})
        else:
            raise AssertionError(f"unknown kind of route: {route!r}")
    return declared


def test_every_route_has_a_row(tmp_path: Path) -> None:
    engine = create_engine("sqlite://")
    app = create_app(settings_in(tmp_path), engine, secure_cookies=False)
    engine.dispose()
    rows = [row.key for row in MATRIX]
    assert len(rows) == len(set(rows)), "a route has two rows"
    declared = _declared(app)
    missing = sorted(declared - set(rows))
    stale = sorted(set(rows) - declared)
    assert not missing, f"routes without a row in the authorisation matrix: {missing}"
    assert not stale, f"rows for routes the application does not have: {stale}"


def test_every_row_names_every_viewer() -> None:
    for row in MATRIX:
        assert set(row.expected) == set(VIEWERS), row.key


def _cookies_of(app: FastAPI, engine: Engine, viewer: str) -> Cookies:
    if viewer == ANONYMOUS:
        return Cookies()
    email, agency, role = ACCOUNTS[viewer]
    user_id = add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    if viewer == DISABLED:
        disable_user(engine, user_id)
    return Cookies(client.cookies)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_authorisation_matrix(app: FastAPI, engine: Engine, viewer: str) -> None:
    cookies = _cookies_of(app, engine, viewer)
    wrong: list[str] = []
    # Signing out ends the session on the server, so that row comes last.
    for row in sorted(MATRIX, key=lambda r: r.key == ("POST", "/logout")):
        url = row.url or row.route
        client = client_for(app, cookies)
        if row.method in UNSAFE:
            token = csrf_from(client)
            refused = client.request(row.method, url, data=row.form)
            if refused.status_code != 403:
                wrong.append(f"{row.method} {url} without CSRF token: {refused.status_code}")
            client = client_for(app, Cookies(client.cookies))
            response = client.request(row.method, url, data={**row.form, "csrf_token": token})
        else:
            response = client.request(row.method, url)
        if response.status_code != row.expected[viewer]:
            wrong.append(
                f"{row.method} {url}: {response.status_code}, expected {row.expected[viewer]}"
            )
    assert not wrong, f"as {viewer}:\n" + "\n".join(wrong)
