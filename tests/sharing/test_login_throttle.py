"""Throttling sign-in failures per e-mail and per client address, shared through the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from scamlink.sharing.login_throttle import (
    MAX_FAILURES,
    WINDOW,
    note_failure,
    note_success,
    retry_after,
)
from scamlink.store.schema import login_failures

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _fail(engine: Engine, email: str, ip: str, times: int, at: datetime = NOW) -> None:
    with engine.begin() as conn:
        for _ in range(times):
            note_failure(conn, email, ip, at)


def test_the_fifth_failure_blocks_the_e_mail_until_the_window_passes(engine: Engine) -> None:
    _fail(engine, "a@knpa.test", "10.0.0.1", MAX_FAILURES - 1)
    with engine.connect() as conn:
        assert retry_after(conn, "a@knpa.test", "10.0.0.9", NOW) is None
    _fail(engine, "A@knpa.test", "10.0.0.2", 1)
    with engine.connect() as conn:
        assert retry_after(conn, "a@knpa.test", "10.0.0.9", NOW) == WINDOW.total_seconds()
        later = NOW + WINDOW - timedelta(seconds=30)
        assert retry_after(conn, "a@knpa.test", "10.0.0.9", later) == 30
        assert retry_after(conn, "a@knpa.test", "10.0.0.9", NOW + WINDOW) is None


def test_one_address_guessing_many_accounts_is_blocked(engine: Engine) -> None:
    for number in range(MAX_FAILURES):
        _fail(engine, f"user{number}@knpa.test", "203.0.113.7", 1)
    with engine.connect() as conn:
        assert retry_after(conn, "someone@knpa.test", "203.0.113.7", NOW) is not None
        assert retry_after(conn, "someone@knpa.test", "203.0.113.8", NOW) is None


def test_success_clears_the_e_mail_count(engine: Engine) -> None:
    _fail(engine, "a@knpa.test", "10.0.0.1", MAX_FAILURES - 1)
    with engine.begin() as conn:
        note_success(conn, "a@knpa.test")
    _fail(engine, "a@knpa.test", "10.0.0.2", 1)
    with engine.connect() as conn:
        assert retry_after(conn, "a@knpa.test", None, NOW) is None


def test_old_failures_are_pruned(engine: Engine) -> None:
    _fail(engine, "a@knpa.test", "10.0.0.1", 3, NOW - WINDOW - timedelta(minutes=1))
    _fail(engine, "b@knpa.test", "10.0.0.2", 1)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(login_failures)).scalar() == 2
