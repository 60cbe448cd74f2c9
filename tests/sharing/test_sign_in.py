"""Signing in: outcomes, throttling and the audit entries they leave."""

from __future__ import annotations

from sqlalchemy import Engine

from scamlink.sharing.login_throttle import MAX_FAILURES
from scamlink.sharing.roles import Role
from scamlink.sharing.sign_in import sign_in
from scamlink.store.audit import latest_entries
from tests.factories import PASSWORD, add_user


def test_success_and_failure_are_audited(engine: Engine) -> None:
    user_id = add_user(engine, "kim@knpa.test", "KNPA", Role.ANALYST)
    assert sign_in(engine, "kim@knpa.test", "wrong password", "10.0.0.1").user is None
    assert sign_in(engine, "nobody@x.test", "wrong password", "10.0.0.1").user is None
    outcome = sign_in(engine, "KIM@knpa.test", PASSWORD, "10.0.0.1")
    assert outcome.user is not None
    assert outcome.user.id == user_id
    with engine.connect() as conn:
        entries = list(reversed(latest_entries(conn, limit=10)))
    assert [(e.action, e.target, e.subject_agency) for e in entries] == [
        ("login.failure", f"user:{user_id}", "KNPA"),
        ("login.failure", "email:nobody@x.test", None),
        ("login.success", f"user:{user_id}", "KNPA"),
    ]
    assert entries[2].actor_agency == "KNPA"
    assert entries[0].actor_agency is None  # whoever tried is not known to be KNPA's
    assert entries[0].details == '{"ip":"10.0.0.1"}'


def test_throttled_attempts_do_not_check_the_password(engine: Engine) -> None:
    add_user(engine, "kim@knpa.test", "KNPA", Role.ANALYST)
    for _ in range(MAX_FAILURES):
        assert sign_in(engine, "kim@knpa.test", "guess", "10.0.0.1").retry_after is None
    blocked = sign_in(engine, "kim@knpa.test", PASSWORD, "10.0.0.2")
    assert blocked.user is None
    assert blocked.retry_after is not None
    assert 0 < blocked.retry_after <= 15 * 60
    with engine.connect() as conn:
        assert latest_entries(conn, limit=1)[0].action == "login.throttled"
