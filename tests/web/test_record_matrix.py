"""The authorisation matrix for records, as data: every TLP marking × owner × viewer role.

Every viewer signs in as staff of KNPA (the desk officer is a KNPA officer posted abroad; the
partners are partner accounts of KNPA). The owners of the records are:
- `own`: KNPA itself;
- `other`: RTP, which releases nothing to KNPA;
- `released`: CNP, whose AMBER reports are released to `KR-KH desk` (KNPA is a member). CNP
  also discloses hidden counts, so staff of other agencies learn how many of its reports they
  cannot see (never partners).
Every RED report names one person, the KNPA investigator. The capped partner was given
`AMBER+STRICT` by KNPA, `GREEN` by RTP and `AMBER` by CNP (its API key sees the same); the
other partner has none.

Routes that return records or counts of them are checked through HTTP:
- `GET /api/v1/stats/agencies`: adding one report of a cell must raise the owner's visible
  count by exactly the expected 0 or 1 (and the total with it; nobody else's count moves).
- `GET /api/v1/victims/{ref}`: victims carry no marking; their personal data is for the
  owning agency's non-partner staff only, and "not yours" is the same 404 as "absent".
- `GET /reports/{id}`, `GET /reports/{id}/attachments/{sha256}` and `GET /reports/review`
  (at the end of this file).
- `GET /api/v1/lookup`: a value's facts (agencies, counts) only from the reports the table
  allows; the public gets the public verdict and no facts (at the end of this file).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from scamlink.config import Settings
from scamlink.indicators import Indicator, IndicatorType
from scamlink.reports.attachments import attach
from scamlink.reports.model import ReportSource, Sighting, SightingRole
from scamlink.sharing.keystore import KeyStore
from scamlink.sharing.personal_data import PersonalData
from scamlink.sharing.policy import Releases
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.sharing.victims import add_victim
from scamlink.store import markings
from scamlink.store.attachments import BlobStore
from scamlink.store.reports import store_reports
from scamlink.store.schema import reports
from tests.web.support import add_key, add_user, bearer, client_for, report, sign_in

OWN, OTHER, RELEASED = "own", "other", "released"
OWNERS = {OWN: "KNPA", OTHER: "RTP", RELEASED: "CNP"}
RELEASE_GROUP = "kr-kh-desk"

ANONYMOUS = "anonymous"
KEY = "capped partner, API key"  # the capped partner's system, `Authorization: Bearer`
ACCOUNTS: dict[str, tuple[str, Role]] = {
    "analyst": ("analyst@knpa.test", Role.ANALYST),
    "investigator": ("investigator@knpa.test", Role.INVESTIGATOR),
    "admin": ("admin@knpa.test", Role.ADMIN),
    "desk officer": ("desk@knpa.test", Role.DESK_OFFICER),
    "partner": ("partner@bank.test", Role.PARTNER),
    "capped partner": ("capped@bank.test", Role.PARTNER),
}
VIEWERS = [*ACCOUNTS, KEY, ANONYMOUS]
RED_RECIPIENT = "investigator"
CAPS = {"KNPA": Tlp.AMBER_STRICT, "RTP": Tlp.GREEN, "CNP": Tlp.AMBER}

C, G, A, S, R = Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED
Y, N = True, False
_STAFF_ROW: dict[Tlp, tuple[bool, bool, bool]] = {
    #    own other released
    C: (Y, Y, Y),
    G: (Y, Y, Y),
    A: (Y, N, Y),
    S: (Y, N, N),
    R: (N, N, N),
}
# (marking) → may see a report of (own, other, released), per viewer. Written out, not derived.
EXPECTED: dict[str, dict[Tlp, tuple[bool, bool, bool]]] = {
    "analyst": _STAFF_ROW,
    "admin": _STAFF_ROW,
    "desk officer": _STAFF_ROW,
    # The one person named on every RED report.
    "investigator": {**_STAFF_ROW, R: (Y, Y, Y)},
    # No caps: CLEAR only, whoever owns it.
    "partner": {
        C: (Y, Y, Y),
        G: (N, N, N),
        A: (N, N, N),
        S: (N, N, N),
        R: (N, N, N),
    },
    # Caps: KNPA up to AMBER+STRICT, RTP up to GREEN, CNP up to AMBER (and only what the rules
    # give a member of KNPA under them: CNP's AMBER because it is released to KR-KH desk).
    "capped partner": {
        C: (Y, Y, Y),
        G: (Y, Y, Y),
        A: (Y, N, Y),
        S: (Y, N, N),
        R: (N, N, N),
    },
    # A partner's key sees what its account sees.
    KEY: {
        C: (Y, Y, Y),
        G: (Y, Y, Y),
        A: (Y, N, Y),
        S: (Y, N, N),
        R: (N, N, N),
    },
    # The statistics need a signed-in viewer: 401 whatever is stored.
    ANONYMOUS: {m: (N, N, N) for m in Tlp},
}
# Victims' personal data: 200 for these viewers on their own agency's victims, 404 otherwise.
READS_OWN_VICTIMS = {"analyst": Y, "investigator": Y, "admin": Y, "desk officer": Y}
ABSENT = "00000000-0000-4000-8000-000000000000"


def test_the_tables_cover_every_viewer_marking_and_owner() -> None:
    assert set(EXPECTED) == set(VIEWERS)
    for viewer, rows in EXPECTED.items():
        assert set(rows) == set(Tlp), viewer
        assert all(len(cells) == len(OWNERS) for cells in rows.values()), viewer


def _world(engine: Engine) -> dict[str, int]:
    """The accounts (name → user id), the capped partner's caps and CNP's disclosure."""
    ids = {name: add_user(engine, email, "KNPA", role) for name, (email, role) in ACCOUNTS.items()}
    with engine.begin() as conn:
        for owner, cap in CAPS.items():
            markings.set_partner_cap(conn, owner, ids["capped partner"], cap)
        markings.set_disclose_hidden_counts(conn, "CNP", disclose=True)
    return ids


def _client(app: FastAPI, engine: Engine, viewer: str) -> TestClient:
    client = client_for(app)
    if viewer == KEY:
        client.headers.update(bearer(add_key(engine, ACCOUNTS["capped partner"][0])))
    elif viewer != ANONYMOUS:
        sign_in(client, ACCOUNTS[viewer][0])
    return client


def _stats(client: TestClient) -> tuple[int, dict[str, dict[str, Any]]]:
    response = client.get("/api/v1/stats/agencies")
    if response.status_code != 200:
        return response.status_code, {}
    body = response.json()
    by_code = {a["code"]: a for a in body["agencies"]}
    assert body["total_reports"] == sum(a["reports"] for a in body["agencies"])
    return 200, by_code


def _add(engine: Engine, owner: str, marking: Tlp, number: int, recipient: int) -> None:
    stored = report(owner, marking, number)
    if marking is Tlp.AMBER and owner == OWNERS[RELEASED]:
        stored = replace(stored, releases=Releases(groups=frozenset({RELEASE_GROUP})))
    if marking is Tlp.RED:
        stored = replace(stored, recipients=frozenset({recipient}))
    with engine.begin() as conn:
        assert store_reports(conn, [stored]).stored == 1


@pytest.mark.parametrize("viewer", VIEWERS)
def test_stats_count_exactly_what_the_table_allows(
    app: FastAPI, engine: Engine, viewer: str
) -> None:
    ids = _world(engine)
    client = _client(app, engine, viewer)
    status, before = _stats(client)
    expected_status = 401 if viewer == ANONYMOUS else 200
    assert status == expected_status
    staff = viewer in READS_OWN_VICTIMS
    wrong: list[str] = []
    for number, (marking, cells) in enumerate(EXPECTED[viewer].items()):
        for (column, owner), allowed in zip(OWNERS.items(), cells, strict=True):
            _add(engine, owner, marking, number, ids[RED_RECIPIENT])
            status, after = _stats(client)
            if status != expected_status:
                wrong.append(f"{marking} {column}: status {status}")
                continue
            if status != 200:
                continue
            for code, counts in after.items():
                grew = counts["reports"] - before[code]["reports"]
                want = int(allowed) if code == owner else 0
                if grew != want:
                    wrong.append(f"{marking} {column}: {code} count +{grew}, expected +{want}")
                hidden = counts.get("hidden_reports")
                if code == "CNP" and staff:
                    was = before[code].get("hidden_reports")
                    want_hidden = (1 - int(allowed)) if code == owner else 0
                    if hidden is None or was is None or hidden - was != want_hidden:
                        wrong.append(f"{marking} {column}: CNP hidden {was} → {hidden}")
                elif hidden is not None:
                    wrong.append(f"{marking} {column}: {code} discloses hidden {hidden}")
            before = after
    assert not wrong, f"as {viewer}:\n" + "\n".join(wrong)


PERSON = PersonalData(name="Somchai", nationality="TH", phone="+66812345678")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_victims_are_read_only_by_their_agency_staff(
    app: FastAPI, settings: Settings, engine: Engine, viewer: str
) -> None:
    _world(engine)
    keystore = KeyStore(settings.data_dir)
    refs: dict[str, str] = {}
    with engine.begin() as conn:
        for column, owner in OWNERS.items():
            owner_viewer = Viewer(owner, Role.ANALYST, 1)
            refs[column] = add_victim(conn, keystore, owner_viewer, PERSON).ref
    client = _client(app, engine, viewer)
    absent = client.get(f"/api/v1/victims/{ABSENT}")
    for column, ref in refs.items():
        response = client.get(f"/api/v1/victims/{ref}")
        if viewer == ANONYMOUS:
            assert response.status_code == 401, column
            continue
        if column == OWN and READS_OWN_VICTIMS.get(viewer, N):
            assert response.status_code == 200, (column, response.text)
            assert response.json()["name"] == "Somchai"
        else:
            assert response.status_code == 404, (column, response.text)
            assert response.content == absent.content
            assert response.headers.get("content-length") == absent.headers.get("content-length")
            assert "Somchai" not in response.text


# --- one report's page, its attachments and the review queue (issue 5, H4) -------------------
#
# `GET /reports/{id}` and `GET /reports/{id}/attachments/{sha256}`: 200 exactly where the table
# says the viewer sees the report, else the same 404 as an absent report. They are pages for
# people: an API key is not a session (401), nor is the public.
# `GET /reports/review`: the viewer's own agency's unverified public reports it may see, for
# officers only (admins and partners: 403).

PAGE_STATUS_WITHOUT_SESSION = {KEY: 401, ANONYMOUS: 401}
QUEUE_OFFICERS = {"analyst", "investigator", "desk officer"}


def _store_every_cell(engine: Engine, recipient: int) -> dict[tuple[Tlp, str], int]:
    """One public report per marking and owner (in one transaction); their ids."""
    batch: dict[tuple[Tlp, str], Any] = {}
    for number, marking in enumerate(Tlp):
        for column, owner in OWNERS.items():
            stored = replace(report(owner, marking, number), source=ReportSource.PUBLIC)
            if marking is Tlp.AMBER and owner == OWNERS[RELEASED]:
                stored = replace(stored, releases=Releases(groups=frozenset({RELEASE_GROUP})))
            if marking is Tlp.RED:
                stored = replace(stored, recipients=frozenset({recipient}))
            batch[(marking, column)] = stored
    with engine.begin() as conn:
        assert store_reports(conn, list(batch.values())).stored == len(batch)
        found = {
            (row.agency, row.external_id): row.id
            for row in conn.execute(select(reports.c.id, reports.c.agency, reports.c.external_id))
        }
    return {cell: found[(r.agency, r.external_id)] for cell, r in batch.items()}


def _attach_to_all(engine: Engine, settings: Settings, ids: dict[tuple[Tlp, str], int]) -> str:
    blobs = BlobStore(settings.attachments_dir)
    sha = ""
    for report_id in ids.values():
        sha = attach(
            engine,
            blobs,
            report_id,
            filename="chat.txt",
            declared="text/plain",
            chunks=[b"chat export\n"],
            now=datetime.now(UTC),
        ).sha256
    return sha


def _unnamed(page: str, report_id: int) -> str:
    """The page with its own address (in the language links) written as the absent one's."""
    return page.replace(f"/reports/{report_id}?", "/reports/999999?")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_report_pages_and_files_show_exactly_what_the_table_allows(
    app: FastAPI, settings: Settings, engine: Engine, viewer: str
) -> None:
    people = _world(engine)
    ids = _store_every_cell(engine, people[RED_RECIPIENT])
    sha = _attach_to_all(engine, settings, ids)
    client = _client(app, engine, viewer)
    absent = client.get("/reports/999999")
    wrong: list[str] = []
    for marking, cells in EXPECTED[viewer].items():
        for column, allowed in zip(OWNERS, cells, strict=True):
            report_id = ids[(marking, column)]
            page = client.get(f"/reports/{report_id}")
            file = client.get(f"/reports/{report_id}/attachments/{sha}")
            want = PAGE_STATUS_WITHOUT_SESSION.get(viewer, 200 if allowed else 404)
            if page.status_code != want or file.status_code != want:
                wrong.append(
                    f"{marking} {column}: page {page.status_code}, file "
                    f"{file.status_code}, expected {want}"
                )
            elif want == 404 and _unnamed(page.text, report_id) != absent.text:
                wrong.append(f"{marking} {column}: hidden differs from absent")
            elif want == 200 and f"TLP:{marking.value}" not in page.text:
                wrong.append(f"{marking} {column}: marking not shown")
    assert not wrong, f"as {viewer}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_review_queue_lists_exactly_the_own_reports_the_table_allows(
    app: FastAPI, engine: Engine, viewer: str
) -> None:
    people = _world(engine)
    ids = _store_every_cell(engine, people[RED_RECIPIENT])
    client = _client(app, engine, viewer)
    response = client.get("/reports/review")
    if viewer in PAGE_STATUS_WITHOUT_SESSION:
        assert response.status_code == 401
        return
    if viewer not in QUEUE_OFFICERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    listed = {int(x) for x in re.findall(r'data-report="(\d+)"', response.text)}
    expected = {ids[(marking, OWN)] for marking, cells in EXPECTED[viewer].items() if cells[0]}
    assert listed == expected


# --- lookup (issue 6): `GET /api/v1/lookup` shows a value's facts exactly as the table allows ---
# Every cell's report carries a phone number of its own. Signed-in callers (and the capped
# partner's key, with the `lookup` scope) learn the verdict and the facts only of reports the
# table lets them see ("unknown" otherwise: not even that the value was reported); the public
# learns the public verdict only (CLEAR, verified, older than the embargo: police reports of
# 2025) and no facts.


def _cell_phone(marking: Tlp, column: str) -> str:
    return f"+8210{list(Tlp).index(marking)}{list(OWNERS).index(column)}{0:06d}"


def _lookup_client(app: FastAPI, engine: Engine, viewer: str) -> TestClient:
    client = client_for(app)
    if viewer == KEY:
        token = add_key(engine, ACCOUNTS["capped partner"][0], "lookup")
        client.headers.update(bearer(token))
    elif viewer != ANONYMOUS:
        sign_in(client, ACCOUNTS[viewer][0])
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
def test_lookup_facts_follow_the_table(app: FastAPI, engine: Engine, viewer: str) -> None:
    ids = _world(engine)
    for marking in Tlp:
        for column, owner in OWNERS.items():
            stored = replace(
                report(owner, marking, 0),
                sightings=(
                    Sighting(
                        Indicator(IndicatorType.PHONE, _cell_phone(marking, column), "x"),
                        SightingRole.CONTACT_PHONE,
                    ),
                ),
            )
            if marking is Tlp.AMBER and column == RELEASED:
                stored = replace(stored, releases=Releases(groups=frozenset({RELEASE_GROUP})))
            if marking is Tlp.RED:
                stored = replace(stored, recipients=frozenset({ids[RED_RECIPIENT]}))
            with engine.begin() as conn:
                assert store_reports(conn, [stored]).stored == 1
    client = _lookup_client(app, engine, viewer)
    wrong: list[str] = []
    for marking, cells in (EXPECTED[viewer] if viewer != ANONYMOUS else _PUBLIC_ROW).items():
        for (column, owner), allowed in zip(OWNERS.items(), cells, strict=True):
            body = client.get("/api/v1/lookup", params={"q": _cell_phone(marking, column)}).json()
            if viewer == ANONYMOUS:
                verdict = "reported" if marking is Tlp.CLEAR else "unknown"
                if body["verdict"] != verdict or "facts" in body:
                    wrong.append(f"{marking} {column}: {body}")
                continue
            if body["verdict"] != ("reported" if allowed else "unknown"):
                wrong.append(f"{marking} {column}: verdict {body['verdict']}, expected {allowed}")
            shown = body.get("facts", {}).get("agencies", {})
            if shown != ({owner: 1} if allowed else {}):
                wrong.append(f"{marking} {column}: facts {shown}, expected {allowed}")
    assert not wrong, f"as {viewer}:\n" + "\n".join(wrong)


# The public: CLEAR reports only (the statistics table's row for it is all "no": 401).
_PUBLIC_ROW: dict[Tlp, tuple[bool, bool, bool]] = {m: (m is Tlp.CLEAR,) * 3 for m in Tlp}


# --- cases (issue 7, H7) --------------------------------------------------------------------
#
# `GET /api/v1/cases/{id}` and the board's counts (`GET /api/v1/cases`): a case owned by KNPA
# (`own`), one of RTP never referred (`other`), one of CNP referred to KNPA and accepted
# (`released`: the referred part only). Cases are for member agencies' staff: partners and
# their keys are refused (403), the public must sign in (401). Hidden and absent: the same 404.

CASE_STATUS: dict[str, tuple[int, int, int]] = {
    #              own other released
    "analyst": (200, 404, 200),
    "investigator": (200, 404, 200),
    "admin": (200, 404, 200),
    "desk officer": (200, 404, 200),
    "partner": (403, 403, 403),
    "capped partner": (403, 403, 403),
    KEY: (403, 403, 403),
    ANONYMOUS: (401, 401, 401),
}


def _cases_of_every_owner(engine: Engine) -> dict[str, int]:
    from datetime import UTC, datetime

    from scamlink.cases import service
    from scamlink.cases.model import CaseKind, NewCase, NewReferral, Status

    now = datetime(2026, 11, 29, tzinfo=UTC)
    ids: dict[str, int] = {}
    with engine.begin() as conn:
        for column, owner in OWNERS.items():
            officer = Viewer(owner, Role.INVESTIGATOR, 1)
            new = NewCase(CaseKind.FINANCIAL_LOSS, f"case of {owner}", summary="secret summary")
            ids[column] = service.create_case(conn, officer, new, now)
        cnp = Viewer(OWNERS[RELEASED], Role.INVESTIGATOR, 1)
        service.transition(conn, cnp, ids[RELEASED], Status.TRIAGED, now)
        referral = service.refer(
            conn,
            cnp,
            ids[RELEASED],
            NewReferral("KNPA", "for KNPA", "en", Tlp.AMBER, include_details=False),
            now,
        )
        service.respond(conn, Viewer("KNPA", Role.ANALYST, 1), referral, accept=True, now=now)
    return ids


@pytest.mark.parametrize("viewer", VIEWERS)
def test_cases_show_exactly_what_the_table_allows(
    app: FastAPI, engine: Engine, viewer: str
) -> None:
    _world(engine)
    ids = _cases_of_every_owner(engine)
    client = _client(app, engine, viewer)
    absent = client.get("/api/v1/cases/999999")
    wrong: list[str] = []
    for (column, case_id), want in zip(ids.items(), CASE_STATUS[viewer], strict=True):
        response = client.get(f"/api/v1/cases/{case_id}")
        if response.status_code != want:
            wrong.append(f"{column}: {response.status_code}, expected {want}")
        elif want == 404 and response.content != absent.content:
            wrong.append(f"{column}: hidden differs from absent")
        elif want == 200 and column == RELEASED and "secret summary" in response.text:
            wrong.append(f"{column}: details shown that were not referred")
    board = client.get("/api/v1/cases")
    visible = sum(1 for status in CASE_STATUS[viewer] if status == 200)
    if board.status_code == 200:
        if sum(board.json()["counts"].values()) != visible:
            wrong.append(f"board counts {board.json()['counts']}, expected {visible} in all")
    elif board.status_code != CASE_STATUS[viewer][0]:
        wrong.append(f"board: {board.status_code}")
    assert not wrong, f"as {viewer}:\n" + "\n".join(wrong)
