"""Token buckets per address and per key, 429 with Retry-After; the query log's privacy."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, MetaData, select

from scamlink.config import ConfigError, RateLimits, Settings, load_settings
from scamlink.lookup.keys import range_prefix
from scamlink.lookup.query_log import QueryLog
from scamlink.sharing.roles import Role
from scamlink.store.lookup_log import count_since, prune_before
from scamlink.store.schema import lookup_query_log
from scamlink.web.app import create_app
from scamlink.web.ratelimit import TokenBuckets
from tests.web.support import add_user, client_for, sign_in


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_grants_a_burst_then_refills() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=1.0, capacity=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0  # another key has its own bucket
    clock.now += 0.5
    assert buckets.take("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert buckets.take("a") == 0.0
    clock.now += 100
    assert [buckets.take("a") for _ in range(4)][-1] > 0  # never more than the capacity


def limited_app(settings: Settings, engine: Engine, **limits: int) -> FastAPI:
    limited = dataclasses.replace(settings, rate_limits=RateLimits(**limits))
    return create_app(limited, engine, secure_cookies=False)


def test_anonymous_429_with_retry_after(settings: Settings, engine: Engine) -> None:
    app = limited_app(settings, engine, public=3, key=100, report=1)
    client = client_for(app)
    statuses = [client.get("/api/v1/lookup/range/abcde").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/lookup/range/abcde")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"  # 3 a minute: one token every 20 s
    assert refused.json()["error"]["code"] == "rate_limited"
    # A made-up key does not buy a fresh bucket: it is refused before it is counted.
    fake = client.get("/api/v1/lookup/range/abcde", headers={"Authorization": "Bearer slk_x_y"})
    assert fake.status_code == 401


def test_signed_in_users_have_their_own_bucket(settings: Settings, engine: Engine) -> None:
    app = limited_app(settings, engine, public=1, key=5, report=1)
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    anonymous = client_for(app)
    assert anonymous.get("/api/v1/lookup/range/abcde").status_code == 200
    assert anonymous.get("/api/v1/lookup/range/abcde").status_code == 429
    user = client_for(app)
    sign_in(user, "analyst@knpa.test")
    statuses = [user.get("/api/v1/lookup/range/abcde").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_zero_switches_a_limit_off(settings: Settings, engine: Engine) -> None:
    app = limited_app(settings, engine, public=0, key=0, report=0)
    client = client_for(app)
    assert {client.get("/api/v1/lookup/range/abcde").status_code for _ in range(200)} == {200}


def test_the_value_appears_nowhere_in_the_store(settings: Settings, engine: Engine) -> None:
    app = create_app(settings, engine, secure_cookies=False)
    value = "+821098765432"
    client = client_for(app)
    assert client.get(f"/api/v1/lookup/range/{range_prefix(value)}").status_code == 200
    assert client.get("/api/v1/lookup", params={"q": "010-9876-5432", "country": "KR"}).is_success
    assert client.get("/lookup", params={"q": "+82 10 9876 5432"}).is_success
    link = "hxxp://kbstar-secure[.]com/login"
    assert client.get("/api/v1/lookup", params={"q": link}).is_success
    assert app.state.lookup_query_log.flush() == 4
    dump = []
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                dump.append(" ".join(str(v) for v in row))
    text = "\n".join(dump)
    for secret in (value, value[1:], "98765432", "9876-5432", "kbstar-secure", "login"):
        assert secret not in text
    with engine.connect() as conn:
        logged = {
            (row.channel, row.prefix, row.verdict) for row in conn.execute(select(lookup_query_log))
        }
    assert {
        ("range", range_prefix(value), None),
        ("api", range_prefix(value), "unknown"),
        ("public", range_prefix(value), "unknown"),
        ("api", range_prefix("http://kbstar-secure.com/login"), "unknown"),
    } <= logged


def test_lookup_routes_are_limited(settings: Settings, engine: Engine) -> None:
    app = limited_app(settings, engine, public=2, key=100, report=1)
    client = client_for(app)
    statuses = [
        client.get("/api/v1/lookup", params={"q": "+66812345678"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert client.get("/lookup", params={"q": "+66812345678"}).status_code == 429


def test_query_log_batches(engine: Engine) -> None:
    from datetime import UTC, datetime, timedelta

    log = QueryLog(engine, interval=60, max_batch=10_000)
    start = datetime.now(UTC) - timedelta(seconds=1)
    for _ in range(500):
        log.add("public", "abcde", "unknown")
    assert log.pending == 500
    with engine.connect() as conn:
        assert count_since(conn, start) == 0  # nothing written per lookup
    assert log.flush() == 500
    with engine.connect() as conn:
        assert count_since(conn, start, "public") == 500
    with engine.begin() as conn:
        # At least ours (an application of an earlier test may flush its timer late).
        assert prune_before(conn, datetime.now(UTC) + timedelta(seconds=1)) >= 500
        assert count_since(conn, start, "public") == 0
    with pytest.raises(ValueError, match="5-character"):
        log.add("public", "+821012345678")
    with pytest.raises(ValueError, match="channel"):
        log.add("gossip", "abcde")


def test_query_log_timer_writes_by_itself(engine: Engine) -> None:
    import time
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC) - timedelta(seconds=1)
    log = QueryLog(engine, interval=0.05)
    log.add("range", "01234")
    deadline = time.monotonic() + 5
    while log.pending and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    with engine.connect() as conn:
        assert count_since(conn, start, "range") == 1


def test_limits_from_the_environment(tmp_path: Path) -> None:
    env = {"SCAMLINK_DATA_DIR": str(tmp_path), "SCAMLINK_RATELIMIT_PUBLIC": "30"}
    limits = load_settings(env).rate_limits
    assert (limits.public, limits.key, limits.report) == (30, 1200, 12)
    off = load_settings({**env, "SCAMLINK_RATELIMIT_KEY": "0"}).rate_limits
    assert off.key == 0
    for bad in ("-1", "lots", "1.5", "99999999999"):
        with pytest.raises(ConfigError, match="SCAMLINK_RATELIMIT_REPORT"):
            load_settings({**env, "SCAMLINK_RATELIMIT_REPORT": bad})
