"""API keys on /api/v1: the key's user as viewer; refused keys get 401, an entry, no effect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select, update

from scamlink.sharing.administration import revoke_key, set_user_disabled
from scamlink.sharing.audit import Actor
from scamlink.sharing.roles import Role
from scamlink.store.audit import latest_entries
from scamlink.store.schema import api_keys, audit_log, users
from tests.web.support import (
    EXPECTED_COUNTS,
    VISIBILITY_WORLD,
    add_key,
    add_reports,
    add_user,
    bearer,
    client_for,
    sign_in,
)

STATS = "/api/v1/stats/agencies"


def _counts(body: dict[str, object]) -> dict[str, int]:
    rows = body["agencies"]
    assert isinstance(rows, list)
    return {row["code"]: row["reports"] for row in rows if row["code"] in {"KNPA", "RTP"}}


def test_a_key_sees_what_its_user_sees(app: FastAPI, engine: Engine) -> None:
    add_reports(engine, VISIBILITY_WORLD)
    add_user(engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    token = add_key(engine, "analyst@rtp.test")
    by_key = client_for(app).get(STATS, headers=bearer(token))
    assert by_key.status_code == 200
    assert _counts(by_key.json()) == EXPECTED_COUNTS[("RTP", Role.ANALYST)]
    session = client_for(app)
    sign_in(session, "analyst@rtp.test")
    assert session.get(STATS).json() == by_key.json()


def _state(engine: Engine) -> tuple[tuple[object, ...], tuple[object, ...], int]:
    with engine.connect() as conn:
        key_rows = conn.execute(select(api_keys).order_by(api_keys.c.id)).all()
        user_rows = conn.execute(select(users).order_by(users.c.id)).all()
        entries = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    return tuple(key_rows), tuple(user_rows), int(entries)


def _expire(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(api_keys)
            .where(api_keys.c.key_id == token.split("_")[1])
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )


def _revoke(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        revoke_key(conn, Actor("cli:test"), token.split("_")[1])


def _disable(engine: Engine, _token: str) -> None:
    with engine.begin() as conn:
        set_user_disabled(conn, Actor("cli:test"), "partner@bank.test", disabled=True)


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_expire, "expired"),
        (_revoke, "revoked"),
        (_disable, "user disabled"),
        (lambda _engine, _token: None, "unknown"),  # the token is forged below
    ],
)
def test_refused_keys_get_401_and_an_entry(
    app: FastAPI, engine: Engine, spoil: Callable[[Engine, str], None], reason: str
) -> None:
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    token = add_key(engine, "partner@bank.test")
    spoil(engine, token)
    if reason == "unknown":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    before = _state(engine)
    response = client_for(app).get(STATS, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "agencies" not in response.json()
    keys_before, users_before, entries_before = before
    assert _state(engine) == (keys_before, users_before, entries_before + 1)
    with engine.connect() as conn:
        entry = latest_entries(conn, limit=1)[0]
    assert entry.action == "api_key.refused"
    assert entry.target == f"key:{token.split('_')[1]}"
    assert f'"reason":"{reason}"' in entry.details


def test_a_malformed_key_is_refused_and_recorded(app: FastAPI, engine: Engine) -> None:
    response = client_for(app).get(STATS, headers=bearer("letmein"))
    assert response.status_code == 401
    with engine.connect() as conn:
        assert latest_entries(conn, limit=1)[0].target == "key:?"


def test_pages_ignore_keys(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    token = add_key(engine, "analyst@knpa.test")
    page = client_for(app).get("/", headers=bearer(token))
    assert page.status_code == 200
    assert 'id="agency-counts"' not in page.text  # the public landing page
    refused = client_for(app).get("/", headers=bearer("slk_forged"))
    assert refused.status_code == 200
