"""A key's scopes limit what it may call; sessions are limited by the role alone."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from tests.web.support import add_key, add_user, bearer, client_for, sign_in

STATS = "/api/v1/stats/agencies"


def test_a_key_without_the_read_scope_is_refused(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    token = add_key(engine, "partner@bank.test", scopes="lookup,report")
    response = client_for(app).get(STATS, headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert (
        client_for(app).get(STATS, headers=bearer(add_key(engine, "partner@bank.test"))).status_code
        == 200
    )


def test_a_session_is_not_limited_by_scopes(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    client = client_for(app)
    sign_in(client, "partner@bank.test")
    assert client.get(STATS).status_code == 200
