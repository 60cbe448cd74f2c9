"""Notifications for an agency's administrators (API and page), the case API's errors in the
reader's language, and the web app's delivery worker sending a webhook while it serves."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.roles import Role
from scamlink.web.app import create_app
from tests.web.support import CSRF_FIELD, add_user, client_for, csrf_from, sign_in

KO = {"Accept-Language": "ko"}


def _client(app: FastAPI, engine: Engine, email: str, agency: str, role: Role) -> TestClient:
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    client.headers["X-CSRF-Token"] = csrf_from(client)
    return client


def test_an_admin_manages_the_agencys_subscriptions(app: FastAPI, engine: Engine) -> None:
    admin = _client(app, engine, "admin@cnp.test", "CNP", Role.ADMIN)
    made = admin.post(
        "/api/v1/notifications/subscriptions",
        json={"channel": "webhook", "target": "https://hooks.cnp.test/in"},
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == [
        "referral.created",
        "referral.accepted",
        "referral.declined",
        "case.deadline_breached",
        "case.report_matched",
    ]
    assert body["language"] == "en"
    listed = admin.get("/api/v1/notifications/subscriptions").json()
    assert [s["id"] for s in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert admin.get("/api/v1/notifications/deliveries").json() == []

    # Another agency's admin: the same 404 as an absent subscription; its list is its own.
    other = _client(app, engine, "admin@knpa.test", "KNPA", Role.ADMIN)
    assert other.get("/api/v1/notifications/subscriptions").json() == []
    hidden = other.delete(f"/api/v1/notifications/subscriptions/{body['id']}")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["field"] == "subscription"

    assert admin.delete(f"/api/v1/notifications/subscriptions/{body['id']}").status_code == 200
    again = admin.delete(f"/api/v1/notifications/subscriptions/{body['id']}", headers=KO)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "구독이 이미 삭제되었습니다"

    # Officers are refused before anything is read.
    analyst = _client(app, engine, "a@cnp.test", "CNP", Role.ANALYST)
    assert analyst.get("/api/v1/notifications/subscriptions").status_code == 403


@pytest.mark.parametrize(
    ("body", "field", "english", "korean"),
    [
        (
            {"channel": "webhook", "target": "http://hooks.cnp.test/in"},
            "target",
            "a webhook's target must be an https:// URL",
            "웹훅 대상은 https:// URL이어야 합니다",
        ),
        (
            {"channel": "email", "target": "desk", "events": []},
            "target",
            "'desk' is not an e-mail address",
            "'desk'은(는) 이메일 주소가 아닙니다",
        ),
        (
            {"channel": "email", "target": "a@cnp.test", "events": ["case.closed"]},
            "events",
            "unknown event 'case.closed' (one of referral.created, referral.accepted, "
            "referral.declined, case.deadline_breached, case.report_matched)",
            "알 수 없는 이벤트 'case.closed' (가능: referral.created, referral.accepted, "
            "referral.declined, case.deadline_breached, case.report_matched)",
        ),
    ],
)
def test_a_bad_subscription_is_refused_in_the_readers_language(
    app: FastAPI,
    engine: Engine,
    body: dict[str, Any],
    field: str,
    english: str,
    korean: str,
) -> None:
    admin = _client(app, engine, "admin@cnp.test", "CNP", Role.ADMIN)
    for headers, message in (({}, english), (KO, korean)):
        refused = admin.post("/api/v1/notifications/subscriptions", json=body, headers=headers)
        assert refused.status_code == 422
        assert refused.json()["error"]["field"] == field
        assert refused.json()["error"]["message"] == message
    assert admin.get("/api/v1/notifications/subscriptions").json() == []


def test_the_page_adds_shows_and_removes_subscriptions(app: FastAPI, engine: Engine) -> None:
    admin = _client(app, engine, "admin@knpa.test", "KNPA", Role.ADMIN)
    page = admin.get("/admin/notifications?lang=ko")
    assert page.status_code == 200
    assert "<h1>알림</h1>" in page.text
    assert "아직 구독이 없습니다." in page.text
    token = CSRF_FIELD.search(page.text)
    assert token is not None
    form = {"csrf_token": token.group(1), "channel": "webhook", "target": "http://x.test/"}
    refused = admin.post("/admin/notifications", data=form)
    assert refused.status_code == 422
    assert 'data-field="target"' in refused.text
    assert "웹훅 대상은 https:// URL이어야 합니다" in refused.text
    assert 'value="http://x.test/"' in refused.text  # what was typed stays in the form

    form.update(
        channel="email",
        target="desk@knpa.test",
        events=["referral.accepted", "referral.declined"],
    )
    added = admin.post("/admin/notifications", data=form)
    assert added.status_code == 201
    assert "desk@knpa.test" in added.text
    assert 'id="new-secret"' not in added.text  # e-mail has no secret
    (sub,) = admin.get("/api/v1/notifications/subscriptions").json()
    assert sub["events"] == ["referral.accepted", "referral.declined"]
    assert sub["language"] == "ko"

    form.update(channel="webhook", target="https://hooks.knpa.test/")
    with_secret = admin.post("/admin/notifications", data=form)
    assert 'id="new-secret"' in with_secret.text
    assert "whsec_" in with_secret.text
    assert "whsec_" not in admin.get("/admin/notifications").text  # shown once

    removed = admin.post(
        f"/admin/notifications/{sub['id']}/remove", data={"csrf_token": token.group(1)}
    )
    assert removed.status_code == 303
    assert "삭제됨" in admin.get("/admin/notifications?lang=ko").text


def test_case_api_errors_speak_the_readers_language(app: FastAPI, engine: Engine) -> None:
    knpa = _client(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    case = knpa.post(
        "/api/v1/cases", json={"kind": "person_at_risk", "title": "Held", "nationality": "KR"}
    ).json()
    url = f"/api/v1/cases/{case['id']}/transition"
    english = knpa.post(url, json={"status": "closed"})
    assert english.status_code == 409
    assert english.json()["error"] == {
        "code": english.json()["error"]["code"],
        "message": "a case cannot go from new to closed (from new: triaged, declined)",
        "field": "status",
    }
    korean = knpa.post(url, json={"status": "closed"}, headers=KO)
    assert korean.status_code == 409
    assert korean.json()["error"]["field"] == "status"
    assert korean.json()["error"]["message"] == (
        "사건을 new에서 closed(으)로 옮길 수 없습니다 (new에서 가능: triaged, declined)"
    )
    reason = knpa.post(url, json={"status": "declined"}, headers=KO)
    assert reason.json()["error"] == {
        "code": reason.json()["error"]["code"],
        "message": "사건을 declined(으)로 옮기려면 사유가 필요합니다",
        "field": "reason",
    }
    absent = knpa.get("/api/v1/cases/999999", headers=KO)
    assert absent.status_code == 404
    assert absent.json()["error"]["message"] == "해당 사건이 없습니다"
    knpa.post(url, json={"status": "triaged"})
    own = knpa.post(
        f"/api/v1/cases/{case['id']}/referrals",
        json={"to_agency": "KNPA", "message": "x", "language": "ko"},
        headers=KO,
    )
    assert own.json()["error"]["field"] == "to_agency"
    assert own.json()["error"]["message"] == "사건을 자기 기관으로 이관할 수 없습니다"
    by_referral = knpa.post(url, json={"status": "referred"}, headers=KO)
    assert by_referral.json()["error"]["message"] == (
        "triaged → referred 변경은 이관, 이관 수락 또는 거절을 통해서만 가능합니다"
    )


# --- the worker in the web app's lifespan ---------------------------------------------------

RECEIVED: list[tuple[str, bytes]] = []


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        RECEIVED.append((self.headers["Scamlink-Event"], body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    RECEIVED.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/in"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_web_apps_worker_delivers_while_it_serves(
    settings: Settings, engine: Engine, hook: str
) -> None:
    app = create_app(replace(settings, notify_seconds=0.1), engine, secure_cookies=False)
    with TestClient(app, follow_redirects=False):  # the lifespan: the worker runs
        admin = _client(app, engine, "admin@cnp.test", "CNP", Role.ADMIN)
        made = admin.post(
            "/api/v1/notifications/subscriptions",
            json={"channel": "webhook", "target": hook, "events": ["referral.created"]},
        )
        assert made.status_code == 201, made.text
        knpa = _client(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
        case = knpa.post("/api/v1/cases", json={"kind": "repatriation", "title": "Home"}).json()
        knpa.post(f"/api/v1/cases/{case['id']}/transition", json={"status": "triaged"})
        referred = knpa.post(
            f"/api/v1/cases/{case['id']}/referrals",
            json={"to_agency": "CNP", "message": "please", "language": "en"},
        )
        assert referred.status_code == 201, referred.text
        deadline = time.monotonic() + 20
        while not RECEIVED and time.monotonic() < deadline:
            time.sleep(0.05)
    ((event, body),) = RECEIVED
    assert event == "referral.created"
    assert json.loads(body)["data"]["referral"]["message"] == "please"
