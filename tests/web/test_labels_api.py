"""The labels API: staff read, analysts change their own agency's labels, every change audited,
problems name their field."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from scamlink.sharing.roles import Role
from scamlink.store.schema import audit_log
from tests.web.support import add_key, add_user, bearer, client_for, csrf_from, sign_in

ADDRESS = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
BODY = {
    "chain": "tron",
    "address": ADDRESS,
    "label": "Exchange X deposit",
    "category": "exchange",
    "source": "exchange's answer to request 2026-17",
    "confidence": 90,
    "verified": True,
}


def _officer(app: FastAPI, engine: Engine, email: str, agency: str, role: Role) -> TestClient:
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    client.headers["X-CSRF-Token"] = csrf_from(client)
    return client


def test_add_change_list_delete(app: FastAPI, engine: Engine) -> None:
    knpa = _officer(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    rtp = _officer(app, engine, "a@rtp.test", "RTP", Role.ANALYST)
    desk = _officer(app, engine, "d@kdesk.test", "KDESK", Role.DESK_OFFICER)
    created = knpa.post("/api/v1/labels", json=BODY)
    assert created.status_code == 201, created.text
    assert created.json()["is_service"] is True
    assert created.json()["created_by"] == "KNPA"
    changed = knpa.post("/api/v1/labels", json={**BODY, "label": "Exchange X hot wallet"})
    assert changed.status_code == 200
    theirs = rtp.post("/api/v1/labels", json={**BODY, "label": "mine"})
    assert theirs.status_code == 403
    assert (
        theirs.json()["error"]["message"] == "this label belongs to KNPA; only they may change it"
    )
    listed = desk.get("/api/v1/labels", params={"chain": "tron"}).json()
    assert [x["label"] for x in listed["labels"]] == ["Exchange X hot wallet"]
    one = desk.get("/api/v1/labels", params={"chain": "tron", "address": ADDRESS}).json()
    assert one["labels"][0]["address"] == ADDRESS
    assert desk.post("/api/v1/labels", json=BODY).status_code == 403
    assert rtp.delete(f"/api/v1/labels/tron/{ADDRESS}").status_code == 403
    deleted = knpa.delete(f"/api/v1/labels/tron/{ADDRESS}")
    assert deleted.status_code == 200
    assert knpa.delete(f"/api/v1/labels/tron/{ADDRESS}").status_code == 404
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert actions.count("label.save") == 2
    assert actions.count("label.delete") == 1


def test_problems_name_their_field(app: FastAPI, engine: Engine) -> None:
    knpa = _officer(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    cases: list[tuple[dict[str, object], str]] = [
        ({"chain": "doge"}, "chain"),
        ({"address": ADDRESS[:-1] + "u"}, "address"),
        ({"category": "casino"}, "category"),
        ({"confidence": 101}, "confidence"),
        ({"label": "  "}, "label"),
        ({"source": ""}, "source"),
    ]
    for change, field in cases:
        response = knpa.post("/api/v1/labels", json={**BODY, **change})
        assert response.status_code == 422, change
        assert response.json()["error"]["field"] == field
    extra = knpa.post("/api/v1/labels", json={**BODY, "colour": "red"})
    assert extra.status_code == 422
    bad_chain = knpa.get("/api/v1/labels", params={"chain": "doge"})
    assert bad_chain.status_code == 422
    assert knpa.delete("/api/v1/labels/tron/nonsense").json()["error"]["field"] == "address"


def test_partners_and_keys(app: FastAPI, engine: Engine) -> None:
    partner = _officer(app, engine, "p@bank.test", "KNPA", Role.PARTNER)
    assert partner.get("/api/v1/labels").status_code == 403
    add_user(engine, "key@knpa.test", "KNPA", Role.ANALYST)
    reading = bearer(add_key(engine, "key@knpa.test", "read"))
    client = client_for(app)
    assert client.get("/api/v1/labels", headers=reading).status_code == 200
    assert client.post("/api/v1/labels", json=BODY, headers=reading).status_code == 403
    writing = bearer(add_key(engine, "key@knpa.test", "report"))
    assert client.post("/api/v1/labels", json=BODY, headers=writing).status_code == 201
