"""`scamlink keys`: a key is printed once, listed without its secret, revoked once."""

from __future__ import annotations

from sqlalchemy import Engine

from scamlink.sharing.api_keys import KEY_PATTERN, Scope, check_key
from tests.cli.conftest import Invoke


def _user(invoke: Invoke) -> None:
    result = invoke("users", "create", "p@bank.test", "--agency", "KNPA", "--role", "partner")
    assert result.exit_code == 0, result.output


def test_create_list_revoke(invoke: Invoke, engine: Engine) -> None:
    _user(invoke)
    created = invoke("keys", "create", "--user", "p@bank.test", "--expires-days", "30")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    found = KEY_PATTERN.match(token)
    assert found is not None
    key_id, secret = found.groups()
    assert "cannot be shown again" in created.output
    with engine.connect() as conn:
        presented = check_key(conn, token)
    assert presented.scopes == {Scope.LOOKUP, Scope.REPORT}
    listed = invoke("keys", "list")
    assert key_id in listed.output
    assert secret not in listed.output
    assert invoke("keys", "revoke", key_id).exit_code == 0
    with engine.connect() as conn:
        assert check_key(conn, token).refusal == "revoked"
    again = invoke("keys", "revoke", key_id)
    assert again.exit_code == 2
    assert f"error: key {key_id} is already revoked" in again.output


def test_scopes_and_owner_are_checked(invoke: Invoke) -> None:
    _user(invoke)
    scope = invoke("keys", "create", "--user", "p@bank.test", "--scope", "lookup,delete")
    assert scope.exit_code == 2
    assert "error: unknown scope delete" in scope.output
    owner = invoke("keys", "create", "--user", "ghost@bank.test")
    assert owner.exit_code == 2
    assert "error: no user with e-mail ghost@bank.test" in owner.output
    unknown = invoke("keys", "revoke", "ffffffffffff")
    assert unknown.exit_code == 2
    assert "error: no key ffffffffffff" in unknown.output
