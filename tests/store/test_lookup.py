"""The lookup's queries (SQLite and PostgreSQL): standings for the index, deltas, facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, select

from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.sharing.policy import Releases
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import lookup as store
from scamlink.store.schema import indicator_listings, indicators
from tests.lookup.support import OLD, add, phone, recent

A, B, C = "+821011112222", "+821033334444", "+66812345678"


def _counts(engine: Engine, cutoff: datetime) -> dict[str, tuple[int, int, int, int]]:
    with engine.connect() as conn:
        merged: dict[str, tuple[int, int, int, int]] = {}
        for c in store.stream_standings(conn, cutoff):
            was = merged.get(c.value, (0, 0, 0, 0))
            now = (c.verified, c.unverified, c.public_verified, c.public_unverified)
            merged[c.value] = tuple(x + y for x, y in zip(was, now, strict=True))  # type: ignore[assignment]
        return merged


def test_standings_count_verified_unverified_and_the_public_part(engine: Engine) -> None:
    cutoff = datetime.now(UTC) - timedelta(hours=24)
    add(engine, "police-clear-old", (phone(A),))  # police, CLEAR, old: verified, public
    add(engine, "police-amber", (phone(A),), tlp=Tlp.AMBER)  # members only
    add(engine, "public-new", (phone(B),), source=ReportSource.PUBLIC, received_at=recent())
    add(
        engine,
        "public-verified-old",
        (phone(C),),
        source=ReportSource.PUBLIC,
        review=ReviewStatus.VERIFIED,
    )
    add(engine, "police-rejected", (phone(C),), review=ReviewStatus.REJECTED)
    add(engine, "partner-old", (phone(C),), source=ReportSource.PARTNER)
    counts = _counts(engine, cutoff)
    assert counts[A] == (2, 0, 1, 0)
    # An unverified public report: suspicious for members, nothing for the public.
    assert counts[B] == (0, 1, 0, 0)
    # The rejected report counts nowhere; the partner's unverified one is suspicious.
    assert counts[C] == (1, 1, 1, 1)


def test_the_embargo_keeps_new_clear_reports_from_the_public(engine: Engine) -> None:
    add(engine, "fresh", (phone(A),), received_at=recent())
    cutoff = datetime.now(UTC) - timedelta(hours=24)
    assert _counts(engine, cutoff)[A] == (1, 0, 0, 0)
    assert _counts(engine, datetime.now(UTC))[A] == (1, 0, 1, 0)
    with engine.connect() as conn:
        crossing = store.crossing_embargo(conn, cutoff, datetime.now(UTC))
        (a_id,) = conn.scalars(select(indicators.c.id).where(indicators.c.value == A))
        assert crossing == {a_id}
        assert store.crossing_embargo(conn, OLD - timedelta(days=1), cutoff) == set()


def test_changed_since_reads_only_newer_reports_and_listings(engine: Engine) -> None:
    add(engine, "one", (phone(A),))
    with engine.connect() as conn:
        changed, marks = store.changed_since(conn, store.Watermarks())
        assert len(changed) == 1
        assert store.changed_since(conn, marks) == (set(), marks)
    add(engine, "two", (phone(B), phone(A)))
    with engine.begin() as conn:
        changed, marks2 = store.changed_since(conn, marks)
        ids = store.indicator_ids(conn, [("phone", A), ("phone", B), ("phone", C)])
        assert changed == {ids[("phone", A)], ids[("phone", B)]}
        assert ("phone", C) not in ids
        conn.execute(
            insert(indicator_listings).values(
                indicator_id=ids[("phone", B)],
                list_source="bank-list",
                agency="RTP",
                tlp="CLEAR",
                listed_at=OLD,
            )
        )
        changed, marks3 = store.changed_since(conn, marks2)
        assert changed == {ids[("phone", B)]}
        assert marks3.listing > marks2.listing
        # A listing is a verified report, public when CLEAR and older than the embargo.
        counts = store.standings_of(conn, [ids[("phone", B)]], datetime.now(UTC))
        assert counts[ids[("phone", B)]].verified == 2
        assert counts[ids[("phone", B)]].public_verified == 2


def test_facts_follow_the_sharing_policy(engine: Engine) -> None:
    """An AMBER report's facts reach its owner and the agencies it is released to, never the
    public nor another agency; RED only the named person."""
    add(engine, "knpa-amber", (phone(A),), tlp=Tlp.AMBER, agency="KNPA")
    add(
        engine,
        "cnp-amber-released",
        (phone(A),),
        tlp=Tlp.AMBER,
        agency="CNP",
        releases=Releases(agencies=frozenset({"RTP"})),
    )
    add(engine, "rtp-green", (phone(A),), tlp=Tlp.GREEN, agency="RTP")
    with engine.connect() as conn:
        (a_id,) = conn.scalars(select(indicators.c.id).where(indicators.c.value == A))

        def seen(viewer: Viewer) -> dict[str, int]:
            facts = store.facts_for(conn, viewer, [a_id]).get(a_id)
            return dict(facts.agencies) if facts else {}

        assert seen(PUBLIC) == {}
        assert seen(Viewer("KNPA", Role.ANALYST)) == {"KNPA": 1, "RTP": 1}
        assert seen(Viewer("RTP", Role.ANALYST)) == {"CNP": 1, "RTP": 1}
        assert seen(Viewer("PNP", Role.ANALYST)) == {"RTP": 1}
        assert seen(Viewer("KNPA", Role.PARTNER)) == {}  # partners: CLEAR only, uncapped
        facts = store.facts_for(conn, Viewer("KNPA", Role.ANALYST), [a_id])[a_id]
        assert facts.reports == 2
        assert facts.countries == {"KR": 2}
        assert facts.first_seen is not None
        assert facts.roles == {"contact_phone": 2}
        assert [c.reports for c in facts.campaigns] == [2] or facts.campaigns == []


def test_listing_facts_follow_the_policy(engine: Engine) -> None:
    add(engine, "x", (phone(A),), tlp=Tlp.RED)
    with engine.begin() as conn:
        (a_id,) = conn.scalars(select(indicators.c.id).where(indicators.c.value == A))
        for source, tlp in (("open-list", "CLEAR"), ("strict-list", "AMBER+STRICT")):
            conn.execute(
                insert(indicator_listings).values(
                    indicator_id=a_id, list_source=source, agency="RTP", tlp=tlp, listed_at=OLD
                )
            )
        assert store.facts_for(conn, PUBLIC, [a_id])[a_id].listings == ["open-list (RTP)"]
        rtp = store.facts_for(conn, Viewer("RTP", Role.ANALYST), [a_id])[a_id]
        assert sorted(rtp.listings) == ["open-list (RTP)", "strict-list (RTP)"]
        knpa = store.facts_for(conn, Viewer("KNPA", Role.ANALYST), [a_id])[a_id]
        assert knpa.listings == ["open-list (RTP)"]
        assert knpa.reports == 0
