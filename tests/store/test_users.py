from __future__ import annotations

import pytest
from sqlalchemy import Engine

from scamlink.sharing.accounts import WeakPassword, authenticate, register_user
from scamlink.sharing.roles import Role
from scamlink.store.users import UserExists, list_users, set_disabled, user_by_email
from tests.factories import PASSWORD, add_user


def _register(engine: Engine, email: str = "Analyst@KNPA.test") -> int:
    return add_user(engine, email)


def test_register_then_authenticate_case_insensitive_email(engine: Engine) -> None:
    user_id = _register(engine)
    with engine.connect() as conn:
        user = authenticate(conn, "analyst@knpa.TEST", PASSWORD)
        assert user is not None
        assert user.id == user_id
        assert user.role is Role.ANALYST
        assert authenticate(conn, "analyst@knpa.test", "not " + PASSWORD) is None
        assert authenticate(conn, "nobody@knpa.test", PASSWORD) is None


def test_the_same_email_twice_is_refused(engine: Engine) -> None:
    _register(engine)
    with pytest.raises(UserExists):
        _register(engine, "analyst@knpa.test")


def test_short_passwords_are_refused(engine: Engine) -> None:
    with pytest.raises(WeakPassword), engine.begin() as conn:
        register_user(
            conn,
            email="x@knpa.test",
            agency="KNPA",
            role=Role.ANALYST,
            display_name="x",
            password="short",
        )


def test_a_disabled_user_cannot_sign_in(engine: Engine) -> None:
    user_id = _register(engine)
    with engine.begin() as conn:
        assert set_disabled(conn, user_id, disabled=True)
        assert not set_disabled(conn, 999_999, disabled=True)
    with engine.connect() as conn:
        assert authenticate(conn, "analyst@knpa.test", PASSWORD) is None
        stored = user_by_email(conn, "analyst@knpa.test")
        assert stored is not None
        assert stored.disabled


def test_users_are_listed_by_agency_then_e_mail(engine: Engine) -> None:
    add_user(engine, "b@rtp.test", "RTP", Role.ANALYST)
    add_user(engine, "z@knpa.test", "KNPA", Role.ADMIN)
    add_user(engine, "a@knpa.test", "KNPA", Role.ANALYST)
    with engine.connect() as conn:
        assert [u.email for u in list_users(conn)] == ["a@knpa.test", "z@knpa.test", "b@rtp.test"]
        assert [u.email for u in list_users(conn, agency="RTP")] == ["b@rtp.test"]
