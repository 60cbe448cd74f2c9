"""The blocklist: what each viewer may see reported, snapshot and deltas, checksum."""

from __future__ import annotations

import dataclasses
import hashlib
import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select, update

from scamlink.indicators import Indicator, IndicatorType
from scamlink.lookup.blocklist import (
    MAX_DELTA_AGE,
    BadBlocklistRequest,
    Blocklist,
    BlocklistCache,
    _spliced,
    blocklist,
    checksum,
    parse_type,
    parse_version,
)
from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.listings import ListingBatch, store_listings, withdraw_listings
from scamlink.store.lookup import record_report_changes
from scamlink.store.reports import store_reports
from scamlink.store.schema import reports
from tests.factories import make_report

P = IndicatorType.PHONE
KNPA = Viewer("KNPA", Role.ANALYST, 1)
RTP = Viewer("RTP", Role.ANALYST, 2)
PARTNER = Viewer("KNPA", Role.PARTNER, 3)
HOTLINE = "+8215889999"  # KB Kookmin's hotline: warninglisted


def _world(engine: Engine) -> None:
    reports = [
        make_report("clear", tlp=Tlp.CLEAR, phones=("+821011110001", HOTLINE)),
        make_report("green", tlp=Tlp.GREEN, phones=("+821011110002",)),
        make_report("amber", tlp=Tlp.AMBER, phones=("+821011110003",)),
        make_report("red", tlp=Tlp.RED, phones=("+821011110004",)),
        # A public report nobody verified yet: suspicious, not blocked.
        dataclasses.replace(
            make_report("public", tlp=Tlp.CLEAR, phones=("+821011110005",)),
            source=ReportSource.PUBLIC,
        ),
        dataclasses.replace(
            make_report("rejected", tlp=Tlp.CLEAR, phones=("+821011110006",)),
            review_status=ReviewStatus.REJECTED,
        ),
    ]
    with engine.begin() as conn:
        store_reports(conn, reports)
        store_listings(
            conn,
            [Indicator(P, "+66811110007", "+66811110007")],
            ListingBatch("KB", "RTP", "AMBER+STRICT", datetime.now(UTC)),
        )


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (KNPA, {"+821011110001", "+821011110002", "+821011110003"}),
        (RTP, {"+821011110001", "+821011110002", "+66811110007"}),
        (PARTNER, {"+821011110001"}),
    ],
)
def test_each_viewer_gets_what_it_may_see(
    engine: Engine, viewer: Viewer, expected: set[str]
) -> None:
    _world(engine)
    with engine.connect() as conn:
        answer = blocklist(conn, viewer, P)
    assert set(answer.values) == expected
    assert list(answer.values) == sorted(answer.values)
    assert HOTLINE not in answer.values
    assert answer.full
    assert answer.since is None
    body = "".join(v + "\n" for v in answer.values).encode()
    assert answer.checksum == "sha256:" + hashlib.sha256(body).hexdigest()
    assert answer.as_text().encode() == body


def test_delta_since_a_version(engine: Engine) -> None:
    _world(engine)
    with engine.connect() as conn:
        first = blocklist(conn, KNPA, P)
        nothing = blocklist(conn, KNPA, P, first.version)
    assert not nothing.full
    assert nothing.values == ()
    with engine.begin() as conn:
        store_reports(conn, [make_report("new", tlp=Tlp.GREEN, phones=("+821099990000",))])
        store_listings(
            conn,
            [Indicator(P, "+66899990000", "+66899990000")],
            ListingBatch("Telco", "RTP", "GREEN", datetime.now(UTC)),
        )
    with engine.connect() as conn:
        delta = blocklist(conn, KNPA, P, first.version)
        again = blocklist(conn, KNPA, P, delta.version)
        full = blocklist(conn, KNPA, P)
    assert not delta.full
    assert delta.values == ("+66899990000", "+821099990000")
    assert delta.removed == ()
    assert again.values == ()
    assert set(full.values) == set(first.values) | set(delta.values)
    # Every answer's checksum describes the whole list at its version.
    assert delta.checksum == full.checksum
    assert delta.total == full.total == len(full.values)


def _applied(copy: tuple[str, ...], delta: Blocklist) -> tuple[str, ...]:
    return tuple(sorted((set(copy) | set(delta.values)) - set(delta.removed)))


def _review_all(engine: Engine, external_id: str, status: ReviewStatus) -> None:
    with engine.begin() as conn:
        (report_id,) = conn.scalars(
            select(reports.c.id).where(reports.c.external_id == external_id)
        )
        conn.execute(update(reports).where(reports.c.id == report_id).values(review_status=status))
        record_report_changes(conn, [report_id], "review")


def test_deltas_carry_removals_and_the_whole_list_checksum(engine: Engine) -> None:
    _world(engine)
    with engine.begin() as conn:
        store_listings(
            conn,
            [Indicator(P, "+66822220000", "+66822220000")],
            ListingBatch("Telco", "RTP", "GREEN", datetime.now(UTC)),
        )
    with engine.connect() as conn:
        first = blocklist(conn, KNPA, P)
    assert {"+821011110001", "+66822220000"} <= set(first.values)
    # A report rejected, a public report verified, a listing withdrawn.
    _review_all(engine, "clear", ReviewStatus.REJECTED)
    _review_all(engine, "public", ReviewStatus.VERIFIED)
    with engine.begin() as conn:
        assert withdraw_listings(conn, "Telco", "RTP") == 1
    with engine.connect() as conn:
        delta = blocklist(conn, KNPA, P, first.version)
        full = blocklist(conn, KNPA, P)
    assert not delta.full
    assert delta.values == ("+821011110005",)
    assert delta.removed == ("+66822220000", "+821011110001")
    assert _applied(first.values, delta) == full.values
    assert delta.checksum == full.checksum == "sha256:" + checksum(full.values)
    assert delta.as_text() == "++821011110005\n-+66822220000\n-+821011110001\n"
    assert delta.as_json()["removed"] == ["+66822220000", "+821011110001"]
    assert delta.as_json()["total"] == len(full.values)
    # A client one version behind applies both deltas in turn and ends at the same list.
    _review_all(engine, "clear", ReviewStatus.VERIFIED)
    with engine.connect() as conn:
        second = blocklist(conn, KNPA, P, delta.version)
        now = blocklist(conn, KNPA, P)
    assert (second.values, second.removed) == (("+821011110001",), ())
    assert _applied(_applied(first.values, delta), second) == now.values
    assert second.checksum == now.checksum


def test_a_version_of_an_earlier_release_is_still_read(engine: Engine) -> None:
    _world(engine)
    with engine.connect() as conn:
        first = blocklist(conn, KNPA, P)
    at, report, listing, _ = first.version.split(".")
    _review_all(engine, "clear", ReviewStatus.REJECTED)
    with engine.connect() as conn:
        delta = blocklist(conn, KNPA, P, f"{at}.{report}.{listing}")
        full = blocklist(conn, KNPA, P)
    assert not delta.full
    # Read as "every change since the beginning": more than needed, never less.
    assert "+821011110001" in delta.removed
    assert _applied(first.values, delta) == full.values


def test_an_old_version_gets_a_full_snapshot(engine: Engine) -> None:
    _world(engine)
    with engine.connect() as conn:
        first = blocklist(conn, KNPA, P, now=1_000_000)
        later = blocklist(conn, KNPA, P, first.version, now=1_000_000 + MAX_DELTA_AGE + 1)
    assert later.full
    assert later.values == first.values


def test_bad_requests(engine: Engine) -> None:
    with pytest.raises(BadBlocklistRequest, match="type: 'fax'"):
        parse_type("fax")
    for bad in ("", "abc", "1.2", "1.2.3.4.5", "1.2.3.", "x" * 100):
        with pytest.raises(BadBlocklistRequest, match="since:"):
            parse_version(bad)
    with engine.connect() as conn, pytest.raises(BadBlocklistRequest, match="newer"):
        blocklist(conn, KNPA, P, "1.999.999")


def test_the_public_sees_clear_only(engine: Engine) -> None:
    _world(engine)
    with engine.connect() as conn:
        assert blocklist(conn, PUBLIC, P).values == ("+821011110001",)


def test_with_a_cache_deltas_read_only_what_changed_and_agree(engine: Engine) -> None:
    _world(engine)
    cache = BlocklistCache()
    with engine.connect() as conn:
        first = blocklist(conn, KNPA, P, cache=cache)
        assert cache.full_reads == 1
        nothing = blocklist(conn, KNPA, P, first.version, cache=cache)
    assert (nothing.values, nothing.removed, nothing.checksum) == ((), (), first.checksum)
    with engine.begin() as conn:
        store_reports(conn, [make_report("new", tlp=Tlp.GREEN, phones=("+821099990000",))])
    _review_all(engine, "clear", ReviewStatus.REJECTED)
    _review_all(engine, "public", ReviewStatus.VERIFIED)
    with engine.connect() as conn:
        cached = blocklist(conn, KNPA, P, first.version, cache=cache)
        again = blocklist(conn, KNPA, P, cached.version, cache=cache)
        assert cache.full_reads == 1  # every delta from the cached list, brought up
        uncached = blocklist(conn, KNPA, P, first.version)
        full = blocklist(conn, KNPA, P)
    assert (cached.values, cached.removed) == (uncached.values, uncached.removed)
    assert cached.values == ("+821011110005", "+821099990000")
    assert cached.removed == ("+821011110001",)
    assert cached.checksum == uncached.checksum == full.checksum
    assert cached.total == full.total
    assert (again.values, again.removed, again.checksum) == ((), (), full.checksum)
    assert _applied(first.values, cached) == full.values
    # Another viewer has its own list.
    with engine.connect() as conn:
        rtp = blocklist(conn, RTP, P, first.version, cache=cache)
    assert cache.full_reads == 2
    assert rtp.checksum == "sha256:" + checksum(blocklist_of(engine, RTP))


def test_many_changes_at_once_are_merged_into_the_cached_list(engine: Engine) -> None:
    _world(engine)
    cache = BlocklistCache()
    with engine.connect() as conn:
        first = blocklist(conn, KNPA, P, cache=cache)
    phones = tuple(f"+6681{n:07d}" for n in range(200))
    with engine.begin() as conn:
        store_reports(conn, [make_report("many", tlp=Tlp.GREEN, phones=phones)])
    _review_all(engine, "clear", ReviewStatus.REJECTED)
    with engine.connect() as conn:
        delta = blocklist(conn, KNPA, P, first.version, cache=cache)
        full = blocklist(conn, KNPA, P)
    assert cache.full_reads == 1  # the delta merged 201 changes into the cached list
    assert delta.values == tuple(sorted(phones))
    assert delta.removed == ("+821011110001",)
    assert _applied(first.values, delta) == full.values
    assert delta.checksum == full.checksum


def test_a_cached_list_is_read_again_after_its_time(engine: Engine) -> None:
    _world(engine)
    cache = BlocklistCache(seconds=0.0)
    with engine.connect() as conn:
        first = blocklist(conn, KNPA, P, cache=cache)
        blocklist(conn, KNPA, P, first.version, cache=cache)
    assert cache.full_reads == 2


def blocklist_of(engine: Engine, viewer: Viewer) -> tuple[str, ...]:
    with engine.connect() as conn:
        return blocklist(conn, viewer, P).values


def test_a_list_longer_than_the_cache_holds_is_read_whole_each_time(engine: Engine) -> None:
    _world(engine)
    cache = BlocklistCache(values=2)
    with engine.connect() as conn:
        first = blocklist(conn, KNPA, P, cache=cache)  # three values: not kept
        delta = blocklist(conn, KNPA, P, first.version, cache=cache)
        small = blocklist(conn, PARTNER, P, cache=cache)  # one value: kept
        blocklist(conn, PARTNER, P, small.version, cache=cache)
    assert cache.full_reads == 3
    assert (delta.values, delta.checksum) == ((), first.checksum)


def test_a_cached_list_is_spliced_as_the_sorted_set_would_be() -> None:
    rng = random.Random(3)
    for _ in range(300):
        base = sorted({str(rng.randrange(1000)) for _ in range(rng.randrange(0, 60))})
        gone = set(rng.sample(base, rng.randrange(0, len(base) + 1)))
        new = sorted({str(rng.randrange(1000)) for _ in range(rng.randrange(0, 30))} - set(base))
        expected = tuple(sorted((set(base) - gone) | set(new)))
        assert _spliced(tuple(base), gone, new) == expected
