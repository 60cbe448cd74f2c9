"""API keys: shown once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from scamlink.sharing.api_keys import (
    ApiKeyError,
    Scope,
    check_key,
    issue_key,
    parse_scopes,
    secret_hash,
)
from scamlink.sharing.roles import Role
from scamlink.store.api_keys import revoke_key
from scamlink.store.schema import api_keys
from tests.factories import add_user
from tests.web.support import disable_user


def _issue(engine: Engine, *, days: int | None = None, scopes: str = "lookup") -> str:
    with engine.begin() as conn:
        issued, _ = issue_key(conn, "p@bank.test", parse_scopes(scopes), expires_days=days)
    return issued.token


def test_a_key_acts_as_its_user_with_its_scopes(engine: Engine) -> None:
    user_id = add_user(engine, "p@bank.test", "KNPA", Role.PARTNER)
    token = _issue(engine, scopes="lookup,read")
    with engine.connect() as conn:
        presented = check_key(conn, token)
    assert presented.refusal == ""
    assert presented.user is not None
    assert presented.user.id == user_id
    assert presented.scopes == {Scope.LOOKUP, Scope.READ}


def test_only_the_hash_of_the_secret_is_stored(engine: Engine) -> None:
    add_user(engine, "p@bank.test", "KNPA", Role.PARTNER)
    token = _issue(engine)
    _, key_id, secret = token.split("_", 2)
    with engine.connect() as conn:
        row = conn.execute(select(api_keys)).one()
    assert row.key_id == key_id
    assert row.secret_hash == secret_hash(secret)
    assert secret not in " ".join(str(value) for value in row)


@pytest.mark.parametrize(
    ("mangle", "refusal"),
    [
        (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), "unknown"),  # forged secret
        (lambda t: "slk_000000000000_" + t.split("_", 2)[2], "unknown"),  # unknown id
        (lambda t: t + "x", "malformed"),
        (lambda t: "not a key", "malformed"),
    ],
)
def test_forged_keys_are_refused(
    engine: Engine, mangle: Callable[[str], str], refusal: str
) -> None:
    add_user(engine, "p@bank.test", "KNPA", Role.PARTNER)
    token = _issue(engine)
    with engine.connect() as conn:
        assert check_key(conn, mangle(token)).refusal == refusal


def test_an_expired_key_is_refused(engine: Engine) -> None:
    add_user(engine, "p@bank.test", "KNPA", Role.PARTNER)
    token = _issue(engine, days=1)
    later = datetime.now(UTC) + timedelta(days=1, seconds=1)
    with engine.connect() as conn:
        assert check_key(conn, token).refusal == ""
        assert check_key(conn, token, now=later).refusal == "expired"


def test_a_revoked_key_is_refused(engine: Engine) -> None:
    add_user(engine, "p@bank.test", "KNPA", Role.PARTNER)
    token = _issue(engine)
    with engine.begin() as conn:
        assert revoke_key(conn, token.split("_")[1], datetime.now(UTC))
    with engine.connect() as conn:
        presented = check_key(conn, token)
    assert (presented.refusal, presented.scopes) == ("revoked", frozenset())


def test_a_disabled_users_key_is_refused(engine: Engine) -> None:
    user_id = add_user(engine, "p@bank.test", "KNPA", Role.PARTNER)
    token = _issue(engine)
    disable_user(engine, user_id)
    with engine.connect() as conn:
        assert check_key(conn, token).refusal == "user disabled"


def test_keys_need_an_enabled_user_and_a_sane_expiry(engine: Engine) -> None:
    with pytest.raises(ApiKeyError, match="no user"), engine.begin() as conn:
        issue_key(conn, "nobody@x.test", frozenset({Scope.LOOKUP}), expires_days=None)
    add_user(engine, "p@bank.test", "KNPA", Role.PARTNER)
    with pytest.raises(ApiKeyError, match="1 or more"), engine.begin() as conn:
        issue_key(conn, "p@bank.test", frozenset({Scope.LOOKUP}), expires_days=0)


def test_scopes_are_parsed_strictly() -> None:
    assert parse_scopes(" Lookup , report") == {Scope.LOOKUP, Scope.REPORT}
    with pytest.raises(ApiKeyError, match="unknown scope admin"):
        parse_scopes("lookup,admin")
    with pytest.raises(ApiKeyError, match="at least one"):
        parse_scopes(" , ")
