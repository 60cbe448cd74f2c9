from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update

from scamlink.sharing.sessions import digest, end_session, session_user_id, start_session
from scamlink.store.audit import latest_entries
from scamlink.store.schema import web_sessions
from scamlink.store.users import user_by_id
from tests.factories import add_user


def _user_id(engine: Engine) -> int:
    return add_user(engine, "analyst@knpa.test")


def test_a_session_signs_its_user_in_until_it_ends(engine: Engine) -> None:
    user_id = _user_id(engine)
    with engine.begin() as conn:
        user = user_by_id(conn, user_id)
        assert user is not None
        token = start_session(conn, user)
    with engine.begin() as conn:
        assert session_user_id(conn, token) == user_id
        assert session_user_id(conn, token + "x") is None
        end_session(conn, token)
    with engine.connect() as conn:
        assert session_user_id(conn, token) is None
        assert next(e.action for e in latest_entries(conn, limit=5)) == "logout"


def test_only_the_digest_is_stored(engine: Engine) -> None:
    user_id = _user_id(engine)
    with engine.begin() as conn:
        user = user_by_id(conn, user_id)
        assert user is not None
        token = start_session(conn, user)
    with engine.connect() as conn:
        stored = list(conn.scalars(select(web_sessions.c.token_digest)))
    assert stored == [digest(token)]
    assert token not in stored


def test_an_expired_session_signs_nobody_in(engine: Engine) -> None:
    user_id = _user_id(engine)
    with engine.begin() as conn:
        user = user_by_id(conn, user_id)
        assert user is not None
        token = start_session(conn, user)
        conn.execute(
            update(web_sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    with engine.connect() as conn:
        assert session_user_id(conn, token) is None
