"""`scamlink audit verify` and `tail`."""

from __future__ import annotations

from sqlalchemy import Engine, update

from scamlink.store.audit import checkpoints
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


def test_checkpoint_signs_the_head_once(invoke: Invoke, engine: Engine) -> None:
    _actions(invoke)
    first = invoke("audit", "checkpoint")
    assert first.exit_code == 0, first.output
    assert "checkpoint signed at entry 3" in first.output
    again = invoke("audit", "checkpoint")
    assert again.exit_code == 0
    assert "nothing new since the checkpoint at entry 3" in again.output
    with engine.connect() as conn:
        assert [c.seq for c in checkpoints(conn)] == [3]
    invoke("users", "create", "d@knpa.test", "--agency", "KNPA", "--role", "analyst")
    assert "checkpoint signed at entry 4" in invoke("audit", "checkpoint").output
    with engine.connect() as conn:
        assert [c.seq for c in checkpoints(conn)] == [3, 4]
    assert invoke("audit", "verify").exit_code == 0


def test_checkpoint_refuses_a_broken_chain(invoke: Invoke, engine: Engine) -> None:
    _actions(invoke)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 1).values(target="elsewhere"))
    broken = invoke("audit", "checkpoint")
    assert broken.exit_code == 1
    assert "audit chain BROKEN at entry 1" in broken.output
    with engine.connect() as conn:
        assert checkpoints(conn) == []


def test_a_checkpoint_over_a_tampered_head_is_signed_anew_only_if_intact(
    invoke: Invoke, engine: Engine
) -> None:
    """Idempotence looks at the hash too: the head entry edited after its checkpoint is no
    'nothing changed'."""
    _actions(invoke)
    assert invoke("audit", "checkpoint").exit_code == 0
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(hash="0" * 64))
    assert invoke("audit", "checkpoint").exit_code == 1
