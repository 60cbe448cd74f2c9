"""A forged or tampered session cookie: anonymous, and one audit entry (rate-limited)."""

from __future__ import annotations

import json

import itsdangerous
from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.roles import Role
from scamlink.store.audit import latest_entries
from scamlink.web.app import session_key
from scamlink.web.auth import SESSION_COOKIE, SESSION_MAX_AGE
from scamlink.web.forged_sessions import RateLimit, is_forged
from tests.web.support import add_user, client_for, sign_in

STATS = "/api/v1/stats/agencies"


def _forged(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        entries = latest_entries(conn, limit=100)
    return [json.loads(e.details) for e in entries if e.action == "session.forged"]


def test_a_cookie_signed_with_another_key_is_anonymous_and_audited(
    app: FastAPI, engine: Engine
) -> None:
    cookie = itsdangerous.TimestampSigner("not our key").sign(b"eyJzZXNzaW9uIjogIngifQ==")
    client = client_for(app, {SESSION_COOKIE: cookie.decode()})
    assert client.get(STATS).status_code == 401
    assert _forged(engine) == [{"ip": "testclient", "path": STATS}]
    assert client.get(STATS).status_code == 401  # same address, same minute: no second entry
    assert len(_forged(engine)) == 1


def test_a_tampered_genuine_cookie_is_anonymous_and_audited(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    assert client.get(STATS).status_code == 200
    genuine = client.cookies[SESSION_COOKIE]
    payload, _, rest = genuine.partition(".")
    tampered = client_for(app, {SESSION_COOKIE: payload[:-2] + "xx." + rest})
    assert tampered.get(STATS).status_code == 401
    assert len(_forged(engine)) == 1
    assert client.get(STATS).status_code == 200  # the genuine cookie: no entry
    assert len(_forged(engine)) == 1


def test_a_valid_or_absent_cookie_records_nothing(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    assert client.get("/login").status_code == 200
    sign_in(client, "analyst@knpa.test")
    assert client.get(STATS).status_code == 200
    assert client_for(app).get(STATS).status_code == 401
    assert _forged(engine) == []


def test_expired_and_cleared_cookies_are_not_forged(settings: Settings) -> None:
    signer = itsdangerous.TimestampSigner(session_key(settings.secret_key))
    assert not is_forged(signer, "null", SESSION_MAX_AGE)
    assert not is_forged(signer, signer.sign(b"e30=").decode(), SESSION_MAX_AGE)
    assert not is_forged(signer, signer.sign(b"e30=").decode(), -1)  # expired
    assert is_forged(signer, "e30=.AAAA.BBBB", SESSION_MAX_AGE)
    assert is_forged(signer, "garbage", SESSION_MAX_AGE)


def test_the_rate_limit_per_address_and_overall() -> None:
    now = [0.0]
    limit = RateLimit(window=60, overall=2, clock=lambda: now[0])
    assert limit.admit("a") == 0
    assert limit.admit("a") is None
    assert limit.admit("b") == 1  # one left out before it
    assert limit.admit("c") is None  # two in this minute already
    now[0] = 61
    assert limit.admit("a") == 1
    assert limit.admit("c") == 0
