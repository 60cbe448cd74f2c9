"""The live index: built from the store or loaded from its snapshot, kept current."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, update

from scamlink.config import ConfigError, load_settings
from scamlink.lookup.keys import key_hash
from scamlink.lookup.live import LiveIndex, build_arrays, build_from_columns
from scamlink.lookup.verdict import Standing, pack, unpack
from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.reports.review import review
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.intake import visible_report
from scamlink.store.listings import ListingBatch, store_listings
from scamlink.store.lookup import Counts, standing_columns, stream_standings
from scamlink.store.schema import lookup_changes, reports, sightings
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


def test_the_column_build_equals_the_row_build(engine: Engine) -> None:
    add(engine, "police", (phone(A),))
    add(engine, "public", (phone(B),), source=ReportSource.PUBLIC, received_at=recent())
    add(engine, "rejected", (phone("+821055556666"),), review=ReviewStatus.REJECTED)
    with engine.begin() as conn:
        store_listings(
            conn,
            [phone(B), phone("+66811112222")],
            ListingBatch("Telco", "RTP", "CLEAR", datetime.now(UTC) - 2 * DAY),
        )
    cutoff = datetime.now(UTC) - DAY
    with engine.connect() as conn:
        fast = build_from_columns(standing_columns(conn, cutoff))
        slow = build_arrays(stream_standings(conn, cutoff))
    assert fast[0].tolist() == slow[0].tolist()
    assert fast[1].tolist() == slow[1].tolist()
    found = dict(zip(*(a.tolist() for a in fast), strict=True))
    assert found[key_hash(B)] == pack(Standing.REPORTED, Standing.REPORTED)  # the listing
    assert found[key_hash("+821055556666")] == 0  # rejected: counts nowhere


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


def _review(engine: Engine, status: ReviewStatus) -> None:
    officer = Viewer("KNPA", Role.ANALYST, 1)
    with engine.connect() as conn:
        (report_id,) = conn.execute(select(reports.c.id)).scalars().all()
        head = visible_report(conn, officer, report_id)
    assert head is not None
    review(engine, officer, head, status)


def _until(live: LiveIndex, value: str, wanted: tuple[Standing, Standing]) -> float:
    started = time.monotonic()
    while _standings(live, value) != wanted and time.monotonic() - started < 1.0:
        time.sleep(0.01)
    assert _standings(live, value) == wanted
    return time.monotonic() - started


def test_review_decisions_reach_the_index_within_a_second(engine: Engine) -> None:
    add(engine, "public", (phone(A),), source=ReportSource.PUBLIC)
    live = LiveIndex(engine, None, embargo=DAY, poll=0.05, rebuild_every=timedelta(days=1))
    live.load()
    live.start()
    try:
        assert _standings(live, A) == (Standing.SUSPICIOUS, Standing.UNKNOWN)
        _review(engine, ReviewStatus.VERIFIED)
        assert _until(live, A, (Standing.REPORTED, Standing.REPORTED)) < 1.0
        _review(engine, ReviewStatus.REJECTED)
        assert _until(live, A, (Standing.UNKNOWN, Standing.UNKNOWN)) < 1.0
    finally:
        live.stop()
    with engine.connect() as conn:
        causes = conn.execute(select(lookup_changes.c.cause)).scalars().all()
    assert causes == ["review", "review"]


def test_a_snapshot_keeps_the_change_watermark(engine: Engine, tmp_path: Path) -> None:
    add(engine, "public", (phone(A),), source=ReportSource.PUBLIC)
    LiveIndex(engine, tmp_path, embargo=DAY).load()  # built and saved
    _review(engine, ReviewStatus.VERIFIED)  # after the snapshot: its delta
    again = LiveIndex(engine, tmp_path, embargo=DAY)
    loaded = again.load()
    assert (loaded.how, loaded.delta) == ("snapshot", 1)
    assert _standings(again, A) == (Standing.REPORTED, Standing.REPORTED)
    again.save()
    third = LiveIndex(engine, tmp_path, embargo=DAY)
    assert third.load().delta == 0  # the change is inside the snapshot now


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
