"""The live index: built from the store or loaded from its snapshot, kept current."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, delete, select, update

from scamlink.config import ConfigError, load_settings
from scamlink.indicators import Indicator, IndicatorType
from scamlink.lookup import live as live_module
from scamlink.lookup.keys import key_hash
from scamlink.lookup.live import IndexBuilding, LiveIndex
from scamlink.lookup.service import LookupService
from scamlink.lookup.verdict import Standing, Verdict, pack, unpack
from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.reports.review import review
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import lookup as store_lookup
from scamlink.store.intake import visible_report
from scamlink.store.listings import ListingBatch, store_listings
from scamlink.store.lookup import CountColumns
from scamlink.store.schema import lookup_changes, reports, sightings
from tests.lookup.support import add, held_build, phone, recent, url_keys, wait_ready

A, B = "+821011112222", "+821033334444"
C, D, E, F, G = "+66812345678", "+66812345679", "+66812345680", "+66812345681", "+66812345682"
DAY = timedelta(hours=24)


def _standings(live: LiveIndex, value: str) -> tuple[Standing, Standing]:
    return unpack(live.ready().code(key_hash(value)) or 0)


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
    live.refresh()  # the refresher's watermark sees the new row
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


# --- start-up without a usable snapshot: the build in a thread, the store answering ----------


def test_a_start_without_snapshot_answers_at_once_from_the_store_while_it_builds(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(engine, "one", (phone(A),))
    add(engine, "two", (phone(B),), source=ReportSource.PUBLIC)
    live = LiveIndex(engine, tmp_path, embargo=DAY)
    service = LookupService(engine, live)
    with held_build(monkeypatch) as release:
        started = time.perf_counter()
        loaded = live.load(background=True)
        assert loaded.how == "background"
        assert time.perf_counter() - started < 2.0
        assert live.building
        assert not live.loaded
        assert live.current() is None
        with pytest.raises(IndexBuilding, match="being built"):
            live.ready()
        assert live.progress().state == "building"
        answers = service.lookup_many(
            ["+82 10 1111 2222", "+82 10 3333 4444", "google.com"], PUBLIC
        )
        assert [a.verdict for a in answers] == [
            Verdict.REPORTED,
            Verdict.UNKNOWN,
            Verdict.SAFE_LISTED,
        ]
        member = service.lookup("+82 10 3333 4444", Viewer("KNPA", Role.ANALYST))
        assert member.verdict is Verdict.SUSPICIOUS
        add(engine, "three", (phone(C),))  # stored while the build runs
        release.set()
        wait_ready(live)
    assert live.progress().state == "ready"
    assert _standings(live, A) == (Standing.REPORTED, Standing.REPORTED)
    assert _standings(live, C) == (Standing.REPORTED, Standing.REPORTED)  # taken in after it
    assert (tmp_path / "meta.json").exists()  # saved: the next start loads it
    assert LiveIndex(engine, tmp_path, embargo=DAY).load(background=True).how == "snapshot"


def test_a_large_delta_after_the_snapshot_is_taken_in_by_a_thread(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(engine, "one", (phone(A),))
    LiveIndex(engine, tmp_path, embargo=DAY).load()  # the snapshot
    for n in range(3):  # "a bulk import" while the server was down
        add(engine, f"bulk-{n}", (phone(f"+6681234567{n}"),))
    monkeypatch.setattr(live_module, "FOREGROUND_DELTA", 2)
    live = LiveIndex(engine, tmp_path, embargo=DAY)
    assert live.load(background=True).how == "background"
    wait_ready(live)
    assert live.progress().how in ("delta", "build")
    assert _standings(live, "+66812345672") == (Standing.REPORTED, Standing.REPORTED)
    assert _standings(live, A) == (Standing.REPORTED, Standing.REPORTED)


def test_the_stores_codes_are_the_index_codes(engine: Engine) -> None:
    """The answer while building (`codes_from_store`) equals the built index's, key by key."""
    clear_old = (phone(A),)
    add(engine, "police", clear_old)
    add(engine, "public", (phone(B),), source=ReportSource.PUBLIC)
    add(engine, "partner", (phone(C),), source=ReportSource.PARTNER, review=ReviewStatus.VERIFIED)
    add(engine, "amber", (phone(D),), tlp=Tlp.AMBER)
    add(engine, "fresh", (phone(E),), received_at=recent())
    add(engine, "rejected", (phone(F),), review=ReviewStatus.REJECTED)
    add(engine, "link", url_keys("hxxps://kbstar-secure[.]com/login"))
    add(engine, "official", (Indicator(IndicatorType.DOMAIN, "google.com", "google.com"),))
    with engine.begin() as conn:
        store_listings(
            conn,
            [phone(G), phone(B)],
            ListingBatch("Telco", "RTP", "CLEAR", datetime.now(UTC) - 2 * DAY),
        )
    live = LiveIndex(engine, None, embargo=DAY)
    live.load()
    keys = [
        *(phone(v) for v in (A, B, C, D, E, F, G, "+821099998888")),
        *url_keys("hxxps://kbstar-secure[.]com/login"),
        Indicator(IndicatorType.DOMAIN, "google.com", "google.com"),
    ]
    from_store = live.codes_from_store(keys)
    for key in keys:
        assert from_store.code(key_hash(key.value)) == live.index.code(key_hash(key.value)), key
    assert from_store.code(key_hash(G)) == pack(Standing.REPORTED, Standing.REPORTED)


def test_changes_are_pruned_once_the_snapshot_has_them_and_deltas_cannot_ask(
    engine: Engine, tmp_path: Path
) -> None:
    add(engine, "public", (phone(A),), source=ReportSource.PUBLIC)
    _review(engine, ReviewStatus.VERIFIED)
    _review(engine, ReviewStatus.REJECTED)
    _review(engine, ReviewStatus.VERIFIED)
    with engine.begin() as conn:
        ids = list(
            conn.execute(select(lookup_changes.c.id).order_by(lookup_changes.c.id)).scalars()
        )
        old = datetime.now(UTC) - timedelta(days=30)
        conn.execute(update(lookup_changes).where(lookup_changes.c.id < ids[-1]).values(at=old))
        conn.execute(update(lookup_changes).where(lookup_changes.c.id == ids[-1]).values(at=old))
    live = LiveIndex(engine, tmp_path, embargo=DAY)
    live.load()  # built and saved: every change taken in
    with engine.connect() as conn:
        left = conn.execute(select(lookup_changes.c.id)).scalars().all()
    assert left == [ids[-1]]  # the newest is kept: SQLite's ids never go down
    _review(engine, ReviewStatus.REJECTED)  # a new change gets a higher id
    with engine.connect() as conn:
        assert max(conn.execute(select(lookup_changes.c.id)).scalars()) > ids[-1]
    live.refresh()  # the refresher's watermark sees the new row
    assert _standings(live, A) == (Standing.UNKNOWN, Standing.UNKNOWN)


def test_a_snapshot_whose_changes_were_pruned_is_not_used(engine: Engine, tmp_path: Path) -> None:
    add(engine, "public", (phone(A),), source=ReportSource.PUBLIC)
    LiveIndex(engine, tmp_path / "old", embargo=DAY).load()  # another data dir's snapshot
    for status in (ReviewStatus.VERIFIED, ReviewStatus.REJECTED, ReviewStatus.VERIFIED):
        _review(engine, status)
    with engine.begin() as conn:
        conn.execute(update(lookup_changes).values(at=datetime.now(UTC) - timedelta(days=30)))
    LiveIndex(engine, tmp_path / "new", embargo=DAY).load()  # saves, prunes the first two
    stale = LiveIndex(engine, tmp_path / "old", embargo=DAY)
    assert stale.load().how == "build"
    assert _standings(stale, A) == (Standing.REPORTED, Standing.REPORTED)


def test_a_command_without_a_snapshot_answers_from_the_store_and_builds_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    add(engine, "one", (phone(A),))
    live = LiveIndex(engine, tmp_path, embargo=DAY, writes_snapshot=False, builds=False)
    assert live.load().how == "store"
    assert live.current() is None
    with pytest.raises(IndexBuilding):
        live.ready()
    answer = LookupService(engine, live).lookup("+82 10 1111 2222", PUBLIC)
    assert answer.verdict is Verdict.REPORTED
    assert not (tmp_path / "meta.json").exists()


def test_make_current_leaves_a_snapshot_the_next_start_loads_without_delta(
    engine: Engine, tmp_path: Path
) -> None:
    for n in range(7):
        add(engine, f"old-{n}", (phone(f"+8210555500{n}0"),))
    add(engine, "one", (phone(A),))
    assert LiveIndex(engine, tmp_path, embargo=DAY).make_current().how == "build"
    add(engine, "two", (phone(B),))  # a small import: the snapshot and its delta
    done = LiveIndex(engine, tmp_path, embargo=DAY).make_current()
    assert (done.how, done.delta) == ("snapshot", 1)
    for n in range(5):  # much of the store is new (more than a quarter): a full build
        add(engine, f"bulk-{n}", (phone(f"+6681234567{n}"),))
    assert LiveIndex(engine, tmp_path, embargo=DAY).make_current().how == "build"
    again = LiveIndex(engine, tmp_path, embargo=DAY)
    loaded = again.load()
    assert (loaded.how, loaded.delta) == ("snapshot", 0)
    assert _standings(again, "+66812345672") == (Standing.REPORTED, Standing.REPORTED)


def test_the_start_up_build_can_run_in_a_process_of_its_own(engine: Engine, tmp_path: Path) -> None:
    add(engine, "one", (phone(A),))
    live = LiveIndex(engine, tmp_path, embargo=DAY, build_process=True)
    assert live.load(background=True).how == "background"
    assert live.wait_built(timeout=60)
    assert live.progress().state == "ready"
    assert _standings(live, A) == (Standing.REPORTED, Standing.REPORTED)
    assert (tmp_path / "meta.json").exists()  # written by the build process


def test_a_failed_build_leaves_the_store_answering_and_never_builds_in_the_caller(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(engine, "one", (phone(A),))

    def broken(conn: Connection, cutoff: datetime) -> Iterator[CountColumns]:
        raise RuntimeError("disk on fire")
        yield  # pragma: no cover

    monkeypatch.setattr(store_lookup, "standing_columns", broken)
    live = LiveIndex(engine, tmp_path, embargo=DAY)
    live.load(background=True)
    assert not live.wait_built(timeout=10)
    assert live.current() is None
    with pytest.raises(IndexBuilding):
        live.ready()  # not a build here
    answer = LookupService(engine, live).lookup("+82 10 1111 2222", PUBLIC)
    assert answer.verdict is Verdict.REPORTED
