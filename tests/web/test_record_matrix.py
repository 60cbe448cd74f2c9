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
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.keystore import KeyStore
from scamlink.sharing.personal_data import PersonalData
from scamlink.sharing.policy import Releases
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.sharing.victims import add_victim
from scamlink.store import markings
from scamlink.store.reports import store_reports
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
