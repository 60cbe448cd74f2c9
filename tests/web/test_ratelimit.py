"""Token buckets per address and per key, 429 with Retry-After; the query log's privacy."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Connection, Engine, MetaData, func, select

from scamlink.config import ConfigError, RateLimits, Settings, load_settings
from scamlink.lookup.keys import range_prefix
from scamlink.lookup.query_log import QueryLog
from scamlink.sharing.roles import Role
from scamlink.store.lookup_log import QueryEntry, count_since, insert_entries, prune_before
from scamlink.store.schema import lookup_query_log
from scamlink.web.app import create_app
from scamlink.web.ratelimit import TokenBuckets, forwarded_client
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
    app.state.lookup_query_log.flush()  # (its 1 s timer may have written some already)
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
        log.add("public", "7e57d", "unknown")
    assert log.pending == 500
    with engine.connect() as conn:
        assert logged_since(conn, start, "7e57d") == 0  # nothing written per lookup
    assert log.flush() == 500
    with engine.connect() as conn:
        assert logged_since(conn, start, "7e57d") == 500
        assert count_since(conn, start, "public") >= 500  # (with any another app flushed late)
        assert count_since(conn, start, "range") < count_since(conn, start)
    with engine.begin() as conn:
        # At least ours (an application of an earlier test may flush its timer late).
        assert prune_before(conn, datetime.now(UTC) + timedelta(seconds=1)) >= 500
        assert logged_since(conn, start, "7e57d") == 0
    with pytest.raises(ValueError, match="5-character"):
        log.add("public", "+821012345678")
    with pytest.raises(ValueError, match="channel"):
        log.add("gossip", "abcde")


def test_query_log_timer_writes_by_itself(engine: Engine) -> None:
    import time
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC) - timedelta(seconds=1)
    log = QueryLog(engine, interval=0.05)
    log.add("range", "7e57e")
    deadline = time.monotonic() + 5
    while log.pending and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    with engine.connect() as conn:
        assert logged_since(conn, start, "7e57e") == 1


def test_limits_from_the_environment(tmp_path: Path) -> None:
    env = {"SCAMLINK_DATA_DIR": str(tmp_path), "SCAMLINK_RATELIMIT_PUBLIC": "30"}
    limits = load_settings(env).rate_limits
    assert (limits.public, limits.key, limits.report) == (30, 1200, 12)
    off = load_settings({**env, "SCAMLINK_RATELIMIT_KEY": "0"}).rate_limits
    assert off.key == 0
    for bad in ("-1", "lots", "1.5", "99999999999"):
        with pytest.raises(ConfigError, match="SCAMLINK_RATELIMIT_REPORT"):
            load_settings({**env, "SCAMLINK_RATELIMIT_REPORT": bad})


def test_query_log_prunes_past_its_retention(engine: Engine) -> None:
    from datetime import UTC, datetime, timedelta

    old = datetime.now(UTC) - timedelta(days=40)
    with engine.begin() as conn:
        insert_entries(conn, [QueryEntry(old, "public", "7e57a", "unknown")] * 3)
        insert_entries(conn, [QueryEntry(old + timedelta(days=20), "public", "7e57a", None)])
    log = QueryLog(engine, interval=60, retention=timedelta(days=30), prune_every=3600)
    log.add("range", "7e57b")
    assert log.flush() == 1
    assert log.pruned == 3  # only what is older than 30 days
    with engine.begin() as conn:
        insert_entries(conn, [QueryEntry(old, "public", "7e57a", "unknown")])
    log.add("range", "7e57b")
    log.flush()
    assert log.pruned == 3  # not again within the hour
    with engine.connect() as conn:
        assert logged_since(conn, old - timedelta(days=1), "7e57a", "7e57b") == 4
    kept = QueryLog(engine, interval=60)  # no retention: nothing is deleted
    kept.add("range", "7e57b")
    kept.flush()
    assert kept.pruned == 0


def test_the_app_prunes_with_the_configured_retention(settings: Settings, engine: Engine) -> None:
    from datetime import UTC, datetime, timedelta

    app = create_app(
        dataclasses.replace(settings, lookup_log_retention_days=2), engine, secure_cookies=False
    )
    with engine.begin() as conn:
        insert_entries(
            conn, [QueryEntry(datetime.now(UTC) - timedelta(days=3), "api", "7e57c", None)]
        )
    client = client_for(app)
    assert client.get("/api/v1/lookup/range/7e57c").status_code == 200
    query_log_of(app).flush()  # (its 1 s timer may have written it already)
    with engine.connect() as conn:
        assert (
            logged_since(conn, datetime.now(UTC) - timedelta(days=30), "7e57c") == 1
        )  # the new one


def logged_since(conn: Connection, since: datetime, *prefixes: str) -> int:
    """This test's entries only: an app another test left behind may still flush its log
    (a 1 s timer) into the same PostgreSQL database after that test's tables were emptied."""
    table = lookup_query_log
    query = select(func.count()).where(table.c.at >= since, table.c.prefix.in_(prefixes))
    return int(conn.execute(query).scalar_one())


def query_log_of(app: FastAPI) -> QueryLog:
    found = app.state.lookup_query_log
    assert isinstance(found, QueryLog)
    return found


def test_forwarded_for_is_read_only_from_trusted_proxies() -> None:
    proxies = ("10.0.0.0/24", "::1/128")
    # No proxies configured: the header is ignored.
    assert forwarded_client("10.0.0.5", "203.0.113.9", ()) == "10.0.0.5"
    # From a peer that is not a trusted proxy: ignored (anyone can send it).
    assert forwarded_client("198.51.100.7", "203.0.113.9", proxies) == "198.51.100.7"
    # From a trusted proxy: the rightmost address that is not a trusted proxy.
    assert forwarded_client("10.0.0.5", "203.0.113.9", proxies) == "203.0.113.9"
    assert forwarded_client("10.0.0.5", "1.2.3.4, 203.0.113.9, 10.0.0.7", proxies) == "203.0.113.9"
    assert forwarded_client("::1", "2001:db8::1", proxies) == "2001:db8::1"
    # A malformed entry stops the walk at the last hop that can be believed.
    assert forwarded_client("10.0.0.5", "203.0.113.9, junk", proxies) == "10.0.0.5"
    assert forwarded_client("10.0.0.5", "junk, 203.0.113.9", proxies) == "203.0.113.9"
    # Only proxies in the header: the leftmost (nothing further can be known).
    assert forwarded_client("10.0.0.5", "10.0.0.9, 10.0.0.8", proxies) == "10.0.0.9"
    assert forwarded_client("10.0.0.5", "", proxies) == "10.0.0.5"


def test_rate_limits_key_on_the_forwarded_client(settings: Settings, engine: Engine) -> None:
    from fastapi.testclient import TestClient

    limited = dataclasses.replace(
        settings, rate_limits=RateLimits(public=2, key=100, report=1), trusted_proxies=("10.0.0.5",)
    )
    app = create_app(limited, engine, secure_cookies=False)
    proxy = TestClient(app, client=("10.0.0.5", 4000))
    url = "/api/v1/lookup/range/abcde"

    def status(client: TestClient, forwarded: str) -> int:
        return client.get(url, headers={"X-Forwarded-For": forwarded}).status_code

    # Behind the proxy, each client has its own bucket.
    assert [status(proxy, "203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert status(proxy, "203.0.113.2") == 200
    # A client connecting directly cannot pick a fresh bucket by sending the header.
    direct = TestClient(app, client=("198.51.100.7", 4000))
    assert [status(direct, f"192.0.2.{n}") for n in range(3)] == [200, 200, 429]


def test_trusted_proxies_and_retention_from_the_environment(tmp_path: Path) -> None:
    env = {"SCAMLINK_DATA_DIR": str(tmp_path)}
    default = load_settings(env)
    assert (default.trusted_proxies, default.lookup_log_retention_days) == ((), 90.0)
    custom = load_settings(
        {
            **env,
            "SCAMLINK_TRUSTED_PROXIES": " 10.0.0.5, 10.1.0.0/16 ,::1",
            "SCAMLINK_LOOKUP_LOG_RETENTION_DAYS": "30",
        }
    )
    assert custom.trusted_proxies == ("10.0.0.5/32", "10.1.0.0/16", "::1/128")
    assert custom.lookup_log_retention_days == 30.0
    with pytest.raises(ConfigError, match=r"entry 2 \('proxy.example'\)"):
        load_settings({**env, "SCAMLINK_TRUSTED_PROXIES": "10.0.0.5,proxy.example"})
    with pytest.raises(ConfigError, match="SCAMLINK_LOOKUP_LOG_RETENTION_DAYS='0'"):
        load_settings({**env, "SCAMLINK_LOOKUP_LOG_RETENTION_DAYS": "0"})
