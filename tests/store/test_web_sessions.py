from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from scamlink.store.web_sessions import (
    active_session_user,
    create_session,
    end_session,
    end_sessions_of,
)
from tests.factories import add_user

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _user(engine: Engine, email: str) -> int:
    return add_user(engine, email)


def test_sessions_end_one_by_one_or_all_for_a_user(engine: Engine) -> None:
    kim, lee = _user(engine, "kim@knpa.test"), _user(engine, "lee@knpa.test")
    later = NOW + timedelta(hours=12)
    with engine.begin() as conn:
        for digest, user in (("a" * 64, kim), ("b" * 64, kim), ("c" * 64, lee)):
            create_session(conn, digest, user, NOW, later)
    with engine.begin() as conn:
        assert end_session(conn, "a" * 64, NOW) == kim
        assert end_session(conn, "a" * 64, NOW) is None  # already ended
        assert active_session_user(conn, "b" * 64, NOW) == kim
        assert end_sessions_of(conn, kim, NOW) == 1
        assert active_session_user(conn, "b" * 64, NOW) is None
        assert active_session_user(conn, "c" * 64, NOW) == lee
        assert active_session_user(conn, "c" * 64, later) is None  # expired


def test_a_sign_in_clears_expired_rows(engine: Engine) -> None:
    kim = _user(engine, "kim@knpa.test")
    with engine.begin() as conn:
        create_session(conn, "a" * 64, kim, NOW - timedelta(days=2), NOW - timedelta(days=1))
        create_session(conn, "b" * 64, kim, NOW, NOW + timedelta(hours=1))
        assert end_session(conn, "a" * 64, NOW) is None
        assert end_sessions_of(conn, kim, NOW) == 1  # only the fresh one was left
