"""The cases API: create, read, move, refer, accept/decline, notes, tasks, links; errors with
their field; the other agency sees only the referred part."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from scamlink.sharing.roles import Role
from scamlink.store.schema import cases
from tests.web.support import add_key, add_user, bearer, client_for, csrf_from, sign_in

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)

HELD = {
    "kind": "person_at_risk",
    "title": "Held near Sihanoukville",
    "summary": "Lured by a job offer; passport taken.",
    "nationality": "KR",
    "country": "KH",
    "province": "Preah Sihanouk",
    "compound": "Golden Fortune",
    "latitude": "10.6093",
    "longitude": "103.5296",
    "last_contact_at": "2026-11-28T22:00:00+09:00",
    "recruitment": "Telegram job advert",
}


def _officer(app: FastAPI, engine: Engine, email: str, agency: str, role: Role) -> TestClient:
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    client.headers["X-CSRF-Token"] = csrf_from(client)
    return client


@pytest.fixture
def clocked(app: FastAPI) -> FastAPI:
    app.state.clock = lambda: NOW
    return app


def _create(client: TestClient, body: dict[str, Any] = HELD) -> dict[str, Any]:
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_read_and_move(clocked: FastAPI, engine: Engine) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    case = _create(knpa)
    assert case["priority"] == "P1"
    assert case["status"] == "new"
    assert case["next_due"] == (NOW + timedelta(hours=1)).isoformat()
    assert case["person"]["compound"] == "Golden Fortune"
    assert case["moves"] == ["triaged", "declined"]
    refused = knpa.post(f"/api/v1/cases/{case['id']}/transition", json={"status": "closed"})
    assert refused.status_code == 409
    assert refused.json()["error"]["field"] == "status"
    moved = knpa.post(f"/api/v1/cases/{case['id']}/transition", json={"status": "triaged"})
    assert moved.status_code == 200
    assert moved.json()["status"] == "triaged"
    assert [e["action"] for e in moved.json()["events"]] == ["created", "status"]
    board = knpa.get("/api/v1/cases").json()
    assert board["counts"]["triaged"] == 1
    assert [c["id"] for c in board["columns"]["triaged"]] == [case["id"]]
    assert knpa.get("/api/v1/cases?priority=P2").json()["counts"]["triaged"] == 0


def test_referral_accepted_shows_only_the_referred_part(clocked: FastAPI, engine: Engine) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    cnp = _officer(clocked, engine, "i@cnp.test", "CNP", Role.INVESTIGATOR)
    rtp = _officer(clocked, engine, "a@rtp.test", "RTP", Role.ANALYST)
    case = _create(knpa)
    cid = case["id"]
    knpa.post(f"/api/v1/cases/{cid}/transition", json={"status": "triaged"})
    knpa.post(f"/api/v1/cases/{cid}/notes", json={"body": "<b>ours</b>"})
    own = knpa.post(
        f"/api/v1/cases/{cid}/referrals",
        json={"to_agency": "KNPA", "message": "x", "language": "ko"},
    )
    assert own.status_code == 422
    assert own.json()["error"]["field"] == "to_agency"
    referred = knpa.post(
        f"/api/v1/cases/{cid}/referrals",
        json={
            "to_agency": "CNP",
            "message": "សូមជួយសង្គ្រោះ — 구조 요청",
            "language": "km",
            "include_details": False,
        },
    )
    assert referred.status_code == 201, referred.text
    assert referred.json()["status"] == "referred"
    assert cnp.get(f"/api/v1/cases/{cid}").status_code == 404
    inbox = cnp.get("/api/v1/cases/inbox").json()
    assert [r["case"]["id"] for r in inbox["referrals"]] == [cid]
    assert inbox["referrals"][0]["message"] == "សូមជួយសង្គ្រោះ — 구조 요청"
    referral_id = inbox["referrals"][0]["id"]
    assert rtp.post(f"/api/v1/referrals/{referral_id}/accept").status_code == 404
    accepted = cnp.post(f"/api/v1/referrals/{referral_id}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    seen = cnp.get(f"/api/v1/cases/{cid}").json()
    assert seen["access"] == "recipient"
    assert seen["status"] == "accepted"
    assert seen["summary"] == ""
    assert seen["person"]["compound"] is None
    assert seen["notes"] == []
    assert seen["links"] == []
    assert cnp.get("/api/v1/cases").json()["counts"]["accepted"] == 1
    assert knpa.get("/api/v1/cases").json()["counts"]["accepted"] == 1
    assert rtp.get(f"/api/v1/cases/{cid}").status_code == 404
    again = cnp.post(f"/api/v1/referrals/{referral_id}/decline", json={"reason": "late"})
    assert again.status_code == 409


def test_decline_needs_a_reason(clocked: FastAPI, engine: Engine) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    cnp = _officer(clocked, engine, "i@cnp.test", "CNP", Role.INVESTIGATOR)
    cid = _create(knpa)["id"]
    knpa.post(f"/api/v1/cases/{cid}/transition", json={"status": "triaged"})
    knpa.post(
        f"/api/v1/cases/{cid}/referrals",
        json={"to_agency": "CNP", "message": "please", "language": "en"},
    )
    referral_id = cnp.get("/api/v1/cases/inbox").json()["referrals"][0]["id"]
    empty = cnp.post(f"/api/v1/referrals/{referral_id}/decline", json={"reason": " "})
    assert empty.status_code == 422
    assert empty.json()["error"]["field"] == "reason"
    declined = cnp.post(f"/api/v1/referrals/{referral_id}/decline", json={"reason": "not ours"})
    assert declined.status_code == 200
    assert knpa.get(f"/api/v1/cases/{cid}").json()["status"] == "declined"


def test_notes_tasks_and_links(clocked: FastAPI, engine: Engine) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    cid = _create(knpa)["id"]
    note = knpa.post(f"/api/v1/cases/{cid}/notes", json={"body": "called the family"})
    assert note.status_code == 201
    assert note.json()["notes"][0]["tlp"] == "AMBER+STRICT"
    task = knpa.post(
        f"/api/v1/cases/{cid}/tasks",
        json={"title": "ask CNP for a welfare check", "due_at": "2026-11-29T06:00:00Z"},
    )
    assert task.status_code == 201
    task_id = task.json()["tasks"][0]["id"]
    assert knpa.get("/api/v1/cases/inbox").json()["tasks"][0]["id"] == task_id
    assert knpa.post(f"/api/v1/tasks/{task_id}/done").status_code == 200
    assert knpa.post(f"/api/v1/tasks/{task_id}/done").status_code == 409
    absent = knpa.post(
        f"/api/v1/cases/{cid}/links", json={"kind": "indicator", "target_id": 424242}
    )
    assert absent.status_code == 422
    assert absent.json()["error"]["field"] == "target_id"


def test_bad_bodies_name_their_field(clocked: FastAPI, engine: Engine) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    wrong_kind = knpa.post("/api/v1/cases", json={**HELD, "kind": "kidnapping"})
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["error"]["details"][0]["location"] == ["body", "kind"]
    far = knpa.post("/api/v1/cases", json={**HELD, "latitude": "123"})
    assert far.status_code == 422
    assert far.json()["error"]["field"] == "latitude"
    freeze = knpa.post("/api/v1/cases", json={"kind": "freeze_request", "title": "freeze"})
    assert freeze.json()["error"]["field"] == "target"
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(cases)) == 0


def test_partners_have_no_cases(clocked: FastAPI, engine: Engine) -> None:
    partner = _officer(clocked, engine, "p@bank.test", "KNPA", Role.PARTNER)
    assert partner.get("/api/v1/cases").status_code == 403
    assert partner.post("/api/v1/cases", json=HELD).status_code == 403


def test_an_api_key_reads_and_writes_with_its_scopes(clocked: FastAPI, engine: Engine) -> None:
    add_user(engine, "k@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(clocked)
    client.headers.update(bearer(add_key(engine, "k@knpa.test", "report")))
    assert client.post("/api/v1/cases", json=HELD).status_code == 201
    assert client.get("/api/v1/cases").status_code == 403  # no `read` scope
    reader = client_for(clocked)
    reader.headers.update(bearer(add_key(engine, "k@knpa.test", "read")))
    assert reader.get("/api/v1/cases").json()["counts"]["new"] == 1
    assert reader.post("/api/v1/cases", json=HELD).status_code == 403
