"""The live index: built from the store or loaded from its snapshot, kept current."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, update

from scamlink.config import ConfigError, load_settings
from scamlink.lookup.keys import key_hash
from scamlink.lookup.live import LiveIndex, build_arrays
from scamlink.lookup.verdict import Standing, pack, unpack
from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.sharing.tlp import Tlp
from scamlink.store.lookup import Counts
from scamlink.store.schema import reports, sightings
from tests.lookup.support import add, phone, recent

A, B = "+821011112222", "+821033334444"
DAY = timedelta(hours=24)


def _standings(live: LiveIndex, value: str) -> tuple[Standing, Standing]:
    return unpack(live.ready().code(key_hash(value)) or 0)


def test_build_arrays_keeps_the_highest_standing_nibble_by_nibble() -> None:
    rows = [
        Counts(1, A, verified=0, unverified=3, public_verified=0, public_unverified=1),
        Counts(1, A, verified=1),  # the same indicator, from a listing
        Counts(2, B, unverified=1),
    ]
    hashes, codes = build_arrays(rows)
    found = dict(zip(hashes.tolist(), codes.tolist(), strict=True))
    assert found[key_hash(A)] == pack(Standing.REPORTED, Standing.SUSPICIOUS)
    assert found[key_hash(B)] == pack(Standing.SUSPICIOUS, Standing.UNKNOWN)


def test_first_start_builds_and_saves_then_the_snapshot_loads_with_its_delta(
    engine: Engine, tmp_path: Path
) -> None:
    add(engine, "one", (phone(A),))
    first = LiveIndex(engine, tmp_path, embargo=DAY)
    loaded = first.load()
    assert loaded.how == "build"
    assert loaded.indicators >= 1
    assert _standings(first, A) == (Standing.REPORTED, Standing.REPORTED)
    assert (tmp_path / "meta.json").exists()
    add(engine, "two", (phone(B),), tlp=Tlp.AMBER)  # after the snapshot
    second = LiveIndex(engine, tmp_path, embargo=DAY)
    loaded = second.load()
    assert loaded.how == "snapshot"
    assert loaded.delta == 1
    assert _standings(second, A) == (Standing.REPORTED, Standing.REPORTED)
    assert _standings(second, B) == (Standing.REPORTED, Standing.UNKNOWN)


def test_a_snapshot_of_an_emptied_store_is_not_used(engine: Engine, tmp_path: Path) -> None:
    add(engine, "one", (phone(A),))
    LiveIndex(engine, tmp_path, embargo=DAY).load()
    with engine.begin() as conn:
        conn.execute(delete(sightings))
        conn.execute(delete(reports))
    again = LiveIndex(engine, tmp_path, embargo=DAY)
    assert again.load().how == "build"
    assert _standings(again, A) == (Standing.UNKNOWN, Standing.UNKNOWN)


def test_warninglist_values_are_safe_listed(engine: Engine) -> None:
    live = LiveIndex(engine, None, embargo=DAY)
    live.load()
    assert _standings(live, "google.com") == (Standing.SAFE_LISTED, Standing.SAFE_LISTED)


def test_new_reports_are_visible_within_a_second_while_the_thread_runs(engine: Engine) -> None:
    live = LiveIndex(engine, None, embargo=DAY, poll=0.05)
    live.load()
    live.start()
    try:
        assert live.index.code(key_hash(A)) is None
        add(engine, "new", (phone(A),), source=ReportSource.PUBLIC, received_at=recent())
        deadline = time.monotonic() + 1.0
        while live.index.code(key_hash(A)) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        code = live.index.code(key_hash(A))
        # Members: suspicious (an unverified public report); the public: nothing yet.
        assert code == pack(Standing.SUSPICIOUS, Standing.UNKNOWN)
    finally:
        live.stop()


def test_the_sweep_lets_the_public_see_a_report_once_the_embargo_passed(engine: Engine) -> None:
    live = LiveIndex(engine, None, embargo=timedelta(seconds=1), sweep=0.0)
    add(engine, "fresh", (phone(A),), received_at=recent() + timedelta(minutes=5))
    live.load()
    assert _standings(live, A)[1] is Standing.UNKNOWN  # received just now: embargoed
    time.sleep(1.1)
    live.refresh()
    assert _standings(live, A) == (Standing.REPORTED, Standing.REPORTED)


def test_a_rebuild_takes_in_review_decisions(engine: Engine, tmp_path: Path) -> None:
    add(engine, "public", (phone(A),), source=ReportSource.PUBLIC)
    live = LiveIndex(engine, tmp_path, embargo=DAY)
    live.load()
    assert _standings(live, A) == (Standing.SUSPICIOUS, Standing.UNKNOWN)
    with engine.begin() as conn:
        conn.execute(update(reports).values(review_status=ReviewStatus.VERIFIED.value))
    live.rebuild()
    assert _standings(live, A) == (Standing.REPORTED, Standing.REPORTED)
    with engine.begin() as conn:
        conn.execute(update(reports).values(review_status=ReviewStatus.REJECTED.value))
    live.rebuild()
    assert _standings(live, A) == (Standing.UNKNOWN, Standing.UNKNOWN)


def test_the_embargo_and_rebuild_period_come_from_the_environment(tmp_path: Path) -> None:
    env = {"SCAMLINK_DATA_DIR": str(tmp_path)}
    default = load_settings(env)
    assert (default.lookup_embargo_hours, default.lookup_rebuild_minutes) == (24.0, 60.0)
    custom = load_settings(
        {**env, "SCAMLINK_LOOKUP_EMBARGO_HOURS": "6", "SCAMLINK_LOOKUP_REBUILD_MINUTES": "15"}
    )
    assert (custom.lookup_embargo_hours, custom.lookup_rebuild_minutes) == (6.0, 15.0)
    with pytest.raises(ConfigError, match="SCAMLINK_LOOKUP_EMBARGO_HOURS='soon'"):
        load_settings({**env, "SCAMLINK_LOOKUP_EMBARGO_HOURS": "soon"})
    with pytest.raises(ConfigError, match="between 1 and 10080"):
        load_settings({**env, "SCAMLINK_LOOKUP_REBUILD_MINUTES": "0"})
