"""The labels page: staff see the labels; analysts add, change and delete their agency's, with
problems named per field in the reader's language."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from scamlink.sharing.roles import Role
from scamlink.store.schema import address_labels, audit_log
from tests.web.support import add_user, client_for, csrf_from, sign_in

ADDRESS = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
FORM = {
    "chain": "tron",
    "address": ADDRESS,
    "label": "Exchange X deposit",
    "category": "exchange",
    "source": "exchange's answer, request 17",
    "confidence": "80",
}


def _officer(app: FastAPI, engine: Engine, email: str, agency: str, role: Role) -> TestClient:
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    return client


def test_add_list_delete(app: FastAPI, engine: Engine) -> None:
    knpa = _officer(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    token = csrf_from(knpa)
    saved = knpa.post("/labels", data={**FORM, "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/labels?chain=tron"
    page = knpa.get("/labels?chain=tron")
    assert page.status_code == 200
    assert "Exchange X deposit" in page.text
    assert "no — to be verified" in page.text
    desk = _officer(app, engine, "d@kdesk.test", "KDESK", Role.DESK_OFFICER)
    seen = desk.get("/labels")
    assert "Exchange X deposit" in seen.text
    assert 'id="label-form"' not in seen.text  # desk officers read only
    rtp = _officer(app, engine, "a@rtp.test", "RTP", Role.ANALYST)
    theirs = rtp.post("/labels", data={**FORM, "csrf_token": csrf_from(rtp)})
    assert theirs.status_code == 400
    assert "labelled by another agency" in theirs.text
    gone = knpa.post(
        "/labels/delete",
        data={"chain": "tron", "address": ADDRESS, "csrf_token": csrf_from(knpa)},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    with engine.connect() as conn:
        assert conn.execute(select(address_labels)).first() is None
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert actions.count("label.save") == 1
    assert actions.count("label.delete") == 1


def test_problems_are_named_in_korean(app: FastAPI, engine: Engine) -> None:
    knpa = _officer(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    bad = {**FORM, "address": "T-not-an-address", "confidence": "101", "source": " "}
    response = knpa.post("/labels?lang=ko", data={**bad, "csrf_token": csrf_from(knpa)})
    assert response.status_code == 400
    assert "선택한 체인의 올바른 주소가 아닙니다." in response.text
    assert "신뢰도는 0부터 100까지의 정수입니다." in response.text
    assert "귀속 정보의 출처를 적으십시오." in response.text
    assert 'id="problem-address"' in response.text
    assert "주소 라벨" in knpa.get("/labels?lang=ko").text


def test_partners_and_the_public_are_refused(app: FastAPI, engine: Engine) -> None:
    partner = _officer(app, engine, "p@bank.test", "KNPA", Role.PARTNER)
    assert partner.get("/labels").status_code == 403
    assert client_for(app).get("/labels").status_code == 401
