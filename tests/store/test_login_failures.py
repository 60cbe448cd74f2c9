from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from scamlink.store.login_failures import add_failures, clear_failures, recent_failures

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_failures_are_counted_since_a_time_and_cleared(engine: Engine) -> None:
    early = NOW - timedelta(minutes=10)
    with engine.begin() as conn:
        add_failures(conn, ["email:a", "ip:1"], early, prune_before=early - timedelta(hours=1))
        add_failures(conn, ["email:a"], NOW, prune_before=early - timedelta(hours=1))
        count, oldest = recent_failures(conn, "email:a", NOW - timedelta(minutes=15))
        assert count == 2
        assert oldest is not None
        assert oldest.replace(tzinfo=UTC) == early
        assert recent_failures(conn, "email:a", NOW - timedelta(minutes=5))[0] == 1
        clear_failures(conn, "email:a")
        assert recent_failures(conn, "email:a", early)[0] == 0
        assert recent_failures(conn, "ip:1", early)[0] == 1
