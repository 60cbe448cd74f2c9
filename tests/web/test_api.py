"""JSON routes: health, agencies, per-agency counts under the sharing policy."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine

from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.sharing.policy import Releases
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store.engine import open_engine
from scamlink.store.markings import set_disclose_hidden_counts
from scamlink.store.reports import store_reports
from scamlink.web.app import create_app
from tests.web.support import (
    EXPECTED_COUNTS,
    VISIBILITY_WORLD,
    add_reports,
    add_user,
    client_for,
    report,
    settings_in,
    sign_in,
)


def test_health_is_ok_on_a_current_store(app: FastAPI) -> None:
    response = client_for(app).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    # A folder is not a database file: every connection attempt fails.
    broken = create_engine(f"sqlite:///{tmp_path}")
    try:
        response = client_for(create_app(settings_in(tmp_path), broken, secure_cookies=False)).get(
            "/healthz"
        )
    finally:
        broken.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_health_is_503_when_the_schema_is_not_migrated(tmp_path: Path) -> None:
    empty = open_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        response = client_for(create_app(settings_in(tmp_path), empty, secure_cookies=False)).get(
            "/healthz"
        )
    finally:
        empty.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "schema not current"


def test_agencies_are_public_reference_data(app: FastAPI) -> None:
    response = client_for(app).get("/api/v1/agencies")
    assert response.status_code == 200
    listed = {a["code"]: a for a in response.json()["agencies"]}
    assert set(listed) == {a.code for a in REFERENCE_AGENCIES}
    assert listed["KDESK"]["country"] == "KH"
    assert listed["PNP"]["languages"] == ["fil", "en"]
    assert listed["KNPA"]["name"] == "Korean National Police Agency"


def test_stats_need_a_signed_in_user(app: FastAPI) -> None:
    response = client_for(app).get("/api/v1/stats/agencies")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(("agency", "role"), list(EXPECTED_COUNTS))
def test_stats_count_only_what_the_viewer_may_see(
    app: FastAPI, engine: Engine, agency: str, role: Role
) -> None:
    add_reports(engine, VISIBILITY_WORLD)
    email = f"{role.value}@{agency.lower()}.test"
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    body = client.get("/api/v1/stats/agencies").json()
    counts = {a["code"]: a["reports"] for a in body["agencies"]}
    expected = EXPECTED_COUNTS[(agency, role)]
    assert {code: counts[code] for code in expected} == expected
    assert all(n == 0 for code, n in counts.items() if code not in expected)
    assert body["total_reports"] == sum(expected.values())
    assert len(body["agencies"]) == len(REFERENCE_AGENCIES)


def test_stats_give_the_last_report_received_in_utc(app: FastAPI, engine: Engine) -> None:
    latest = datetime(2025, 6, 30, 23, 59, 1, tzinfo=UTC)
    with engine.begin() as conn:
        store_reports(
            conn,
            [
                report("RTP", Tlp.GREEN, 1, datetime(2025, 1, 2, 3, 4, tzinfo=UTC)),
                report("RTP", Tlp.GREEN, 2, latest),
            ],
        )
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    rows = {a["code"]: a for a in client.get("/api/v1/stats/agencies").json()["agencies"]}
    assert rows["RTP"]["reports"] == 2
    assert datetime.fromisoformat(rows["RTP"]["last_received"]) == latest
    assert rows["RTP"]["last_received"].endswith(("Z", "+00:00"))
    assert rows["KNPA"]["last_received"] is None


def test_api_answers_are_never_cached(app: FastAPI) -> None:
    client: TestClient = client_for(app)
    assert client.get("/api/v1/agencies").headers["cache-control"] == "no-store"


def test_hidden_counts_are_present_only_where_the_owner_discloses_them(
    app: FastAPI, engine: Engine
) -> None:
    add_reports(engine, VISIBILITY_WORLD)
    with engine.begin() as conn:
        set_disclose_hidden_counts(conn, "KNPA", disclose=True)
    add_user(engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@rtp.test")
    rows = {a["code"]: a for a in client.get("/api/v1/stats/agencies").json()["agencies"]}
    # KNPA: 3 visible to RTP (CLEAR, GREEN×2); AMBER×3, AMBER+STRICT and RED hidden.
    assert (rows["KNPA"]["reports"], rows["KNPA"]["hidden_reports"]) == (3, 5)
    assert "hidden_reports" not in rows["RTP"]
    assert "hidden_reports" not in rows["CNP"]


def test_amber_released_to_a_group_is_counted_for_its_members(app: FastAPI, engine: Engine) -> None:
    amber = replace(
        report("KNPA", Tlp.AMBER, 1), releases=Releases(groups=frozenset({"kr-kh-desk"}))
    )
    with engine.begin() as conn:
        store_reports(conn, [amber])
    for email, agency, expected in (
        ("desk@kdesk.test", "KDESK", 1),
        ("analyst@cnp.test", "CNP", 1),
        ("analyst@rtp.test", "RTP", 0),
    ):
        add_user(engine, email, agency, Role.ANALYST)
        client = client_for(app)
        sign_in(client, email)
        body = client.get("/api/v1/stats/agencies").json()
        assert body["total_reports"] == expected, agency
