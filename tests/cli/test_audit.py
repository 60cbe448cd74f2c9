"""`scamlink audit verify` and `tail`."""

from __future__ import annotations

from sqlalchemy import Engine, update

from scamlink.store.schema import audit_log
from tests.cli.conftest import Invoke


def _actions(invoke: Invoke) -> None:
    for email in ("a@knpa.test", "b@knpa.test", "c@knpa.test"):
        assert (
            invoke("users", "create", email, "--agency", "KNPA", "--role", "analyst").exit_code == 0
        )


def test_verify_an_intact_chain_then_tail(invoke: Invoke) -> None:
    _actions(invoke)
    verified = invoke("audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "audit chain intact: 3 entries" in verified.output
    tail = invoke("audit", "tail", "-n", "2")
    assert tail.exit_code == 0
    assert "b@knpa.test" in tail.output
    assert "c@knpa.test" in tail.output
    assert "a@knpa.test" not in tail.output


def test_verify_names_the_first_broken_entry(invoke: Invoke, engine: Engine) -> None:
    _actions(invoke)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(actor="someone else"))
    broken = invoke("audit", "verify")
    assert broken.exit_code == 1
    assert "audit chain BROKEN at entry 2" in broken.output
