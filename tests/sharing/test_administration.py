"""Account and key administration: each action and its audit entry commit together."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from scamlink.sharing.accounts import WeakPassword
from scamlink.sharing.administration import (
    AccountError,
    create_key,
    create_user,
    generate_password,
    revoke_key,
    set_user_disabled,
)
from scamlink.sharing.api_keys import ApiKeyError, Scope
from scamlink.sharing.audit import Actor
from scamlink.sharing.roles import Role
from scamlink.sharing.sessions import session_user_id, start_session
from scamlink.store.audit import latest_entries
from scamlink.store.users import user_by_email

OPERATOR = Actor("cli:ops")


def _new_user(engine: Engine, email: str = "kim@knpa.test", password: str = "x" * 12) -> None:
    with engine.begin() as conn:
        create_user(
            conn,
            OPERATOR,
            email=email,
            agency="KNPA",
            role=Role.ANALYST,
            display_name="Kim",
            password=password,
        )


def _actions(engine: Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        entries = latest_entries(conn, limit=100)
    return [(e.action, e.target, e.subject_agency) for e in reversed(entries)]


def test_generated_passwords_are_long_and_different() -> None:
    first, second = generate_password(), generate_password()
    assert len(first) >= 20
    assert first != second


def test_creating_disabling_and_enabling_are_audited(engine: Engine) -> None:
    _new_user(engine, "Kim@KNPA.test")
    with engine.begin() as conn:
        set_user_disabled(conn, OPERATOR, "kim@knpa.test", disabled=True)
    with engine.connect() as conn:
        user = user_by_email(conn, "kim@knpa.test")
    assert user is not None
    assert user.disabled
    with engine.begin() as conn:
        set_user_disabled(conn, OPERATOR, "kim@knpa.test", disabled=False)
    target = f"user:{user.id}"
    assert _actions(engine) == [
        ("user.create", target, "KNPA"),
        ("user.disable", target, "KNPA"),
        ("user.enable", target, "KNPA"),
    ]


@pytest.mark.parametrize(
    ("email", "agency", "password", "error"),
    [
        ("not-an-address", "KNPA", "x" * 12, AccountError),
        ("a@b.test", "NOPE", "x" * 12, AccountError),
        ("a@b.test", "KNPA", "short", WeakPassword),
    ],
)
def test_refused_accounts_leave_no_user_and_no_entry(
    engine: Engine, email: str, agency: str, password: str, error: type[Exception]
) -> None:
    with pytest.raises(error), engine.begin() as conn:
        create_user(
            conn,
            OPERATOR,
            email=email,
            agency=agency,
            role=Role.ANALYST,
            display_name="x",
            password=password,
        )
    assert _actions(engine) == []


def test_unknown_accounts_cannot_be_disabled(engine: Engine) -> None:
    with pytest.raises(AccountError, match="no user"), engine.begin() as conn:
        set_user_disabled(conn, OPERATOR, "ghost@knpa.test", disabled=True)


def test_keys_are_created_and_revoked_once(engine: Engine) -> None:
    _new_user(engine)
    with engine.begin() as conn:
        issued = create_key(
            conn, OPERATOR, "kim@knpa.test", frozenset({Scope.READ}), expires_days=30
        )
    with engine.begin() as conn:
        revoke_key(conn, OPERATOR, issued.key_id)
    with pytest.raises(ApiKeyError, match="already revoked"), engine.begin() as conn:
        revoke_key(conn, OPERATOR, issued.key_id)
    with pytest.raises(ApiKeyError, match="no key"), engine.begin() as conn:
        revoke_key(conn, OPERATOR, "000000000000")
    assert [a for a, _, _ in _actions(engine)] == ["user.create", "key.create", "key.revoke"]
    assert _actions(engine)[-1] == ("key.revoke", f"key:{issued.key_id}", "KNPA")


def test_disabling_ends_open_sessions_for_good(engine: Engine) -> None:
    _new_user(engine)
    with engine.begin() as conn:
        user = user_by_email(conn, "kim@knpa.test")
        assert user is not None
        token = start_session(conn, user)
    with engine.begin() as conn:
        set_user_disabled(conn, OPERATOR, "kim@knpa.test", disabled=True)
        set_user_disabled(conn, OPERATOR, "kim@knpa.test", disabled=False)
    with engine.connect() as conn:
        assert session_user_id(conn, token) is None
