"""The landing page for the public and the dashboard for signed-in users."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import set_disclose_hidden_counts
from scamlink.store.reports import store_reports
from scamlink.store.stats import AgencyCount
from scamlink.web.pages import Dashboard
from tests.web.support import (
    EXPECTED_COUNTS,
    VISIBILITY_WORLD,
    add_reports,
    add_user,
    client_for,
    report,
    sign_in,
)

ROW = re.compile(r'<tr data-agency="([A-Z]+)"[^>]*>.*?data-reports="(\d+)"', re.DOTALL)
TOTAL = re.compile(r'<tfoot>.*?data-reports="(\d+)"', re.DOTALL)


def _counts(page: str) -> dict[str, int]:
    return {code: int(n) for code, n in ROW.findall(page)}


def test_the_public_sees_the_landing_page(app: FastAPI) -> None:
    response = client_for(app).get("/")
    assert response.status_code == 200
    page = response.text
    assert "scamlink connects them" in page
    assert 'href="/login"' in page
    assert 'id="agency-counts"' not in page
    assert "Sign out" not in page


def test_a_signed_in_user_sees_every_agency(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST, name="Kim Analyst")
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    page = client.get("/").text
    assert set(_counts(page)) == {a.code for a in REFERENCE_AGENCIES}
    assert "Korean National Police Agency" in page
    assert "Cambodia" in page
    assert "Kim Analyst" in page
    assert "Analyst · " in page
    # The viewer's own agency is marked.
    assert re.search(r'<tr data-agency="KNPA" class="own">', page)
    assert page.count("Your agency") == 1


@pytest.mark.parametrize(("agency", "role"), list(EXPECTED_COUNTS))
def test_dashboard_counts_only_what_the_viewer_may_see(
    app: FastAPI, engine: Engine, agency: str, role: Role
) -> None:
    add_reports(engine, VISIBILITY_WORLD)
    email = f"{role.value}@{agency.lower()}.test"
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    page = client.get("/").text
    counts = _counts(page)
    expected = EXPECTED_COUNTS[(agency, role)]
    assert {code: counts[code] for code in expected} == expected
    assert sum(counts.values()) == sum(expected.values())
    total = TOTAL.search(page)
    assert total is not None
    assert int(total.group(1)) == sum(expected.values())


def test_dashboard_shows_when_reports_were_last_received(app: FastAPI, engine: Engine) -> None:
    with engine.begin() as conn:
        store_reports(
            conn,
            [
                report("RTP", Tlp.GREEN, 1, datetime(2025, 2, 1, 8, 0, tzinfo=UTC)),
                report("CNP", Tlp.GREEN, 1, datetime(2025, 3, 9, 17, 45, tzinfo=UTC)),
            ],
        )
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    page = client.get("/").text
    assert "Feb 1, 2025 08:00 UTC" in page
    # The latest, in the summary and in the totals row.
    assert page.count("Mar 9, 2025 17:45 UTC") == 3
    assert "2 <small>/ 13</small>" in page


def test_dashboard_summary_of_counts() -> None:
    rows = [
        AgencyCount("A", "A", "KR", 3, datetime(2025, 1, 1, 0, 0)),
        AgencyCount("B", "B", "TH", 0, None),
        AgencyCount("C", "C", "KH", 2, datetime(2025, 1, 2, 0, 0, tzinfo=UTC)),
    ]
    summary = Dashboard.of(rows)
    assert summary.total_reports == 5
    assert summary.agencies_with_reports == 2
    assert summary.last_received == datetime(2025, 1, 2, 0, 0, tzinfo=UTC)
    empty = Dashboard.of([AgencyCount("B", "B", "TH", 0, None)])
    assert empty.total_reports == 0
    assert empty.last_received is None


def test_dashboard_says_how_many_reports_a_disclosing_agency_holds_back(
    app: FastAPI, engine: Engine
) -> None:
    add_reports(engine, VISIBILITY_WORLD)
    add_user(engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@rtp.test")
    assert "hidden-count" not in client.get("/").text
    with engine.begin() as conn:
        set_disclose_hidden_counts(conn, "KNPA", disclose=True)
    page = client.get("/").text
    assert re.findall(r'data-hidden="(\d+)"', page) == ["5"]
    assert "Not visible to you: 5" in page
    assert "열람 권한 없음: 5건" in client.get("/?lang=ko").text
    # Counts of visible reports are unchanged by the disclosure.
    assert _counts(page)["KNPA"] == 3
