"""GET /api/v1/blocklist: members and partners, each over what it may see; audited."""

from __future__ import annotations

import hashlib

from fastapi import FastAPI
from sqlalchemy import Engine, select

from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store.reports import store_reports
from scamlink.store.schema import audit_log
from tests.factories import make_report
from tests.web.support import add_key, add_user, bearer, client_for, sign_in


def _world(engine: Engine) -> None:
    with engine.begin() as conn:
        store_reports(
            conn,
            [
                make_report("c", tlp=Tlp.CLEAR, phones=("+821011110001",)),
                make_report("g", tlp=Tlp.GREEN, phones=("+821011110002",)),
                make_report("a", tlp=Tlp.AMBER, phones=("+821011110003",)),
            ],
        )


def test_snapshot_delta_and_text(app: FastAPI, engine: Engine) -> None:
    _world(engine)
    add_user(engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@rtp.test")
    response = client.get("/api/v1/blocklist?type=phone")
    assert response.status_code == 200
    body = response.json()
    assert body["values"] == ["+821011110001", "+821011110002"]  # not KNPA's AMBER
    assert body["full"] is True
    assert body["count"] == 2
    expected = hashlib.sha256(b"+821011110001\n+821011110002\n").hexdigest()
    assert body["checksum"] == f"sha256:{expected}"
    assert response.headers["x-blocklist-checksum"] == body["checksum"]
    assert response.headers["cache-control"] == "no-store"
    delta = client.get(f"/api/v1/blocklist?type=PHONE&since={body['version']}").json()
    assert delta["full"] is False
    assert delta["values"] == []
    assert delta["removed"] == []
    assert delta["total"] == 2
    assert delta["checksum"] == body["checksum"]  # the whole list at the delta's version
    text = client.get("/api/v1/blocklist?type=phone&format=text")
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text == "+821011110001\n+821011110002\n"
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert actions.count("blocklist.export") == 3


def test_partner_key_needs_the_lookup_scope(app: FastAPI, engine: Engine) -> None:
    _world(engine)
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    client = client_for(app)
    refused = client.get(
        "/api/v1/blocklist?type=phone", headers=bearer(add_key(engine, "partner@bank.test", "read"))
    )
    assert refused.status_code == 403
    token = add_key(engine, "partner@bank.test", "lookup")
    answer = client.get("/api/v1/blocklist?type=phone", headers=bearer(token))
    assert answer.status_code == 200
    assert answer.json()["values"] == ["+821011110001"]  # partners: CLEAR only


def test_bad_requests_are_400_with_the_field(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    for query, field in (
        ("", "type"),
        ("type=fax", "type"),
        ("type=phone&since=yesterday", "since"),
        ("type=phone&format=xml", "format"),
    ):
        response = client.get(f"/api/v1/blocklist?{query}")
        assert response.status_code == 400, query
        assert response.json()["error"]["message"].startswith(f"{field}:"), query
    assert client_for(app).get("/api/v1/blocklist?type=phone").status_code == 401
