"""The case pages: board, inbox, new-case form and a case's page, for the owner, the agency it
was referred to, and others; English and Korean; markup in notes is shown, never run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from tests.web.support import add_user, client_for, csrf_from, sign_in

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def _officer(app: FastAPI, engine: Engine, email: str, agency: str, role: Role) -> TestClient:
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    client.headers["X-CSRF-Token"] = csrf_from(client)
    return client


def test_board_case_page_and_inbox(app: FastAPI, engine: Engine) -> None:
    app.state.clock = lambda: NOW
    knpa = _officer(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    cnp = _officer(app, engine, "i@cnp.test", "CNP", Role.INVESTIGATOR)
    created = knpa.post(
        "/api/v1/cases",
        json={
            "kind": "person_at_risk",
            "title": "Held <script>alert(1)</script>",
            "summary": "secret summary",
            "nationality": "KR",
            "country": "KH",
        },
    ).json()
    cid = created["id"]
    knpa.post(f"/api/v1/cases/{cid}/notes", json={"body": "<img src=x onerror=alert(1)>"})
    board = knpa.get("/cases")
    assert board.status_code == 200
    assert f'data-case="{cid}"' in board.text
    assert "<script>alert(1)</script>" not in board.text
    assert "Held &lt;script&gt;" in board.text
    page = knpa.get(f"/cases/{cid}")
    assert page.status_code == 200
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "secret summary" in page.text
    assert 'id="refer-form"' in page.text
    assert cnp.get(f"/cases/{cid}").status_code == 404
    knpa.post(f"/api/v1/cases/{cid}/transition", json={"status": "triaged"})
    knpa.post(
        f"/api/v1/cases/{cid}/referrals",
        json={
            "to_agency": "CNP",
            "message": "សូមជួយ",
            "language": "km",
            "include_details": False,
        },
    )
    inbox = cnp.get("/cases/inbox")
    assert inbox.status_code == 200
    assert '<blockquote lang="km">សូមជួយ</blockquote>' in inbox.text
    referral = cnp.get("/api/v1/cases/inbox").json()["referrals"][0]["id"]
    cnp.post(f"/api/v1/referrals/{referral}/accept")
    theirs = cnp.get(f"/cases/{cid}")
    assert theirs.status_code == 200
    assert 'id="referred-part"' in theirs.text
    assert "secret summary" not in theirs.text
    assert "onerror" not in theirs.text  # KNPA's note stays with KNPA
    assert f'data-case="{cid}"' in cnp.get("/cases").text
    # Overdue after the first response deadline passed without an update.
    app.state.clock = lambda: NOW + timedelta(days=2)
    assert 'id="case-overdue"' in knpa.get(f"/cases/{cid}").text
    assert knpa.get("/cases?overdue=true").status_code == 200


def test_pages_in_korean(app: FastAPI, engine: Engine) -> None:
    knpa = _officer(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    for path in ("/cases", "/cases/inbox", "/cases/new"):
        page = knpa.get(path, params={"lang": "ko"})
        assert page.status_code == 200, path
        assert "사건" in page.text, path


def test_partners_and_the_public(app: FastAPI, engine: Engine) -> None:
    partner = _officer(app, engine, "p@bank.test", "KNPA", Role.PARTNER)
    assert partner.get("/cases").status_code == 403
    assert 'href="/cases"' not in partner.get("/").text
    assert client_for(app).get("/cases").status_code == 401
