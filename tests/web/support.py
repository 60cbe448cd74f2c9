"""Helpers shared by the web tests: accounts, signing in, reports."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Cookies
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.reports.model import Report, ScamType
from scamlink.sharing.administration import create_key
from scamlink.sharing.api_keys import parse_scopes
from scamlink.sharing.audit import Actor
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store.reports import store_reports
from scamlink.store.users import set_disabled
from tests.factories import PASSWORD as PASSWORD  # re-exported for the web tests
from tests.factories import add_user as add_user  # re-exported for the web tests

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def settings_in(folder: Path) -> Settings:
    """Settings for tests that build their own engine (the `settings` fixture runs per backend)."""
    return Settings(data_dir=folder, database_url="sqlite://", secret_key="test-secret-key")


def disable_user(engine: Engine, user_id: int) -> None:
    with engine.begin() as conn:
        assert set_disabled(conn, user_id, disabled=True)


def client_for(app: FastAPI, cookies: Cookies | dict[str, str] | None = None) -> TestClient:
    """A client that does not follow redirects, holding a copy of `cookies`."""
    client = TestClient(app, follow_redirects=False)
    if cookies:
        client.cookies.update(Cookies(cookies))
    return client


def csrf_from(client: TestClient) -> str:
    """The session's CSRF token, read from a page that carries a form."""
    for path in ("/", "/login"):
        found = CSRF_FIELD.search(client.get(path, follow_redirects=False).text)
        if found:
            return found.group(1)
    raise AssertionError("no page carries a CSRF token")


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_from(client)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response


def report(
    agency: str,
    tlp: Tlp,
    number: int,
    received_at: datetime | None = None,
) -> Report:
    return Report(
        agency=agency,
        external_id=f"{agency}-{tlp.value}-{number}",
        received_at=received_at or datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        incident_date=None,
        victim_country="KR",
        language="ko",
        scam_type=ScamType.INVESTMENT,
        loss_amount=None,
        loss_currency=None,
        narrative="test report",
        tlp=tlp,
    )


def add_reports(engine: Engine, counts: dict[tuple[str, Tlp], int]) -> None:
    batch = [
        report(agency, tlp, number)
        for (agency, tlp), how_many in counts.items()
        for number in range(how_many)
    ]
    with engine.begin() as conn:
        store_reports(conn, batch)


# A small world for visibility: KNPA holds every marking, RTP some.
VISIBILITY_WORLD: dict[tuple[str, Tlp], int] = {
    ("KNPA", Tlp.CLEAR): 1,
    ("KNPA", Tlp.GREEN): 2,
    ("KNPA", Tlp.AMBER): 3,
    ("KNPA", Tlp.AMBER_STRICT): 1,
    ("KNPA", Tlp.RED): 1,
    ("RTP", Tlp.GREEN): 1,
    ("RTP", Tlp.AMBER): 2,
}

# (agency, role) of the viewer → visible reports of KNPA and of RTP.
EXPECTED_COUNTS: dict[tuple[str, Role], dict[str, int]] = {
    # Own AMBER and AMBER+STRICT, everyone's CLEAR and GREEN; RED is for named people only.
    ("KNPA", Role.ANALYST): {"KNPA": 7, "RTP": 1},
    ("RTP", Role.ANALYST): {"KNPA": 3, "RTP": 3},
    # Partners see CLEAR only, even of the agency they belong to.
    ("KNPA", Role.PARTNER): {"KNPA": 1, "RTP": 0},
    # The Korea Desk is its own agency: GREEN from KNPA, not KNPA's AMBER.
    ("KDESK", Role.DESK_OFFICER): {"KNPA": 3, "RTP": 1},
}


def add_key(engine: Engine, email: str, scopes: str = "read", days: int | None = None) -> str:
    """An API key for an existing user; the token as its holder would send it."""
    with engine.begin() as conn:
        return create_key(
            conn, Actor("cli:test"), email, parse_scopes(scopes), expires_days=days
        ).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
