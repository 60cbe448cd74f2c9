"""Campaigns and indicators as each viewer sees them: every figure over visible reports only."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from scamlink.indicators import Indicator
from scamlink.linking.query import InvalidQuery, candidates
from scamlink.linking.reference_rates import usd_per_unit
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import campaign_views
from scamlink.store.campaign_views import (
    BadCursor,
    CampaignFilters,
    campaign_detail,
    campaign_graph,
    campaign_indicators,
    campaign_reports,
    find_indicators,
    indicator_detail,
    list_campaigns,
    resolve_campaign,
)
from scamlink.store.markings import resolve_viewer, set_disclose_hidden_counts, set_partner_cap
from scamlink.store.reports import store_reports
from scamlink.store.schema import reports
from tests.factories import make_report
from tests.web.campaign_fixtures import (
    ACCOUNT,
    DOMAIN,
    HANDLE,
    PHONE,
    STRICT_PHONE,
    URL,
    WALLET,
    World,
    build_world,
    link,
    mark_hub,
    viewer_for,
)

RATES = usd_per_unit()


def _visible(engine: Engine, world: World, viewer: Viewer, campaign_id: int = 1) -> set[str]:
    by_id = {v: k for k, v in world.reports.items()}
    with engine.connect() as conn:
        page = campaign_reports(conn, viewer, campaign_id, limit=100)
    return {by_id[x.id] for x in page.items}


def _detail_reports(engine: Engine, viewer: Viewer, campaign_id: int = 1) -> int | None:
    with engine.connect() as conn:
        detail = campaign_detail(conn, viewer, campaign_id, usd_per_unit=RATES)
    return None if detail is None else detail.reports


@pytest.mark.parametrize(
    ("agency", "role", "expected"),
    [
        # Own AMBER, AMBER released to KNPA, everyone's GREEN and CLEAR; not RED, not RTP's STRICT.
        ("KNPA", Role.ANALYST, {"K1", "K2", "T1", "T2", "C1"}),
        ("RTP", Role.ANALYST, {"K1", "T1", "T2", "T3", "C1"}),
        # The desk is its own agency: GREEN and CLEAR only here.
        ("KDESK", Role.DESK_OFFICER, {"K1", "T1", "C1"}),
        # A partner without caps sees CLEAR only.
        ("KNPA", Role.PARTNER, {"C1"}),
    ],
)
def test_campaign_reports_follow_the_markings(
    engine: Engine, agency: str, role: Role, expected: set[str]
) -> None:
    world = build_world(engine)
    viewer = viewer_for(engine, f"{role.value}@{agency.lower()}.test", agency, role)
    assert _visible(engine, world, viewer) == expected
    assert _detail_reports(engine, viewer) == len(expected)


def test_red_reports_count_for_their_named_reader_only(engine: Engine) -> None:
    world = build_world(engine)
    with engine.connect() as conn:
        named = resolve_viewer(conn, agency="KNPA", role=Role.ANALYST, user_id=world.red_recipient)
    assert _visible(engine, world, named) == {"K1", "K2", "K3", "T1", "T2", "C1"}


def test_partner_caps_widen_per_owner(engine: Engine) -> None:
    world = build_world(engine)
    partner = viewer_for(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    assert partner.user_id is not None
    with engine.begin() as conn:
        set_partner_cap(conn, "KNPA", partner.user_id, Tlp.GREEN)
        set_partner_cap(conn, "RTP", partner.user_id, Tlp.AMBER)
        partner = resolve_viewer(conn, agency="KNPA", role=Role.PARTNER, user_id=partner.user_id)
    # KNPA's GREEN now; RTP's AMBER is allowed by the cap but not released to KNPA's partners
    # except T2 (released to KNPA); RTP's STRICT stays out.
    assert _visible(engine, world, partner) == {"K1", "T1", "T2", "C1"}


def test_a_campaign_without_visible_reports_does_not_exist(engine: Engine) -> None:
    build_world(engine)
    knpa = viewer_for(engine, "a@knpa.test")
    rtp = viewer_for(engine, "a@rtp.test", "RTP")
    assert _detail_reports(engine, knpa, 2) is None
    assert _detail_reports(engine, rtp, 2) == 2
    with engine.connect() as conn:
        listed = list_campaigns(conn, knpa, usd_per_unit=RATES).items
        graph = campaign_graph(conn, knpa, 2, max_reports=10)
    assert [c.id for c in listed] == [1, 3]
    assert graph.reports == []
    assert graph.total_reports == 0


def test_campaign_figures_count_visible_reports_only(engine: Engine) -> None:
    build_world(engine)
    knpa = viewer_for(engine, "a@knpa.test")
    with engine.connect() as conn:
        detail = campaign_detail(conn, knpa, 1, usd_per_unit=RATES)
    assert detail is not None
    assert detail.countries == [("KR", 2), ("TH", 2), ("KH", 1)]
    assert detail.agencies == [("KNPA", 2), ("RTP", 2), ("CNP", 1)]
    assert detail.languages == [("ko", 2), ("th", 2), ("km", 1)]
    assert dict(detail.scam_types) == {
        "impersonation_authority": 3,
        "phishing": 1,
        "investment": 1,
    }
    # K3 (RED) and T3 (STRICT) are not in the sums.
    assert detail.losses == {
        "KRW": Decimal("4500000"),
        "THB": Decimal("70000"),
        "USDT": Decimal("1000"),
    }
    expected_usd = Decimal(4500000) / 1380 + Decimal(70000) / Decimal("35.5") + 1000
    assert abs(detail.loss_usd - expected_usd) <= 1
    assert detail.first_seen.replace(tzinfo=None).hour == 9
    assert detail.hidden == {}


def test_hidden_counts_only_where_the_owner_discloses(engine: Engine) -> None:
    build_world(engine)
    knpa = viewer_for(engine, "a@knpa.test")
    partner = viewer_for(engine, "p@bank.test", "KNPA", Role.PARTNER)
    rtp = viewer_for(engine, "a@rtp.test", "RTP")
    with engine.begin() as conn:
        set_disclose_hidden_counts(conn, "RTP", disclose=True)
        set_disclose_hidden_counts(conn, "KNPA", disclose=True)
    with engine.connect() as conn:
        for_knpa = campaign_detail(conn, knpa, 1, usd_per_unit=RATES)
        for_partner = campaign_detail(conn, partner, 1, usd_per_unit=RATES)
        for_rtp = campaign_detail(conn, rtp, 1, usd_per_unit=RATES)
        # Still nothing of campaign 2 for KNPA: a count of hidden reports is no campaign.
        assert campaign_detail(conn, knpa, 2, usd_per_unit=RATES) is None
    assert for_knpa is not None
    assert for_knpa.hidden == {"RTP": 1}
    assert for_partner is not None
    assert for_partner.hidden == {}
    assert for_rtp is not None
    assert for_rtp.hidden == {"KNPA": 2}


def test_list_sorts_filters_and_pages(engine: Engine) -> None:
    build_world(engine)
    rtp = viewer_for(engine, "a@rtp.test", "RTP")
    with engine.connect() as conn:

        def ids(**kwargs: object) -> list[int]:
            page = list_campaigns(conn, rtp, usd_per_unit=RATES, **kwargs)  # type: ignore[arg-type]
            return [c.id for c in page.items]

        assert ids(sort="size") == [1, 2, 3]  # 5 visible reports, 2, 1
        assert ids(sort="recent") == [3, 2, 1]  # K4, then R2, then C1
        assert ids(sort="countries") == [1, 3, 2]  # 3 countries; ties by id, newest first
        assert ids(sort="loss") == [1, 3, 2]  # 3: 200,000 KRW; 2: no loss
        assert ids(filters=CampaignFilters(country="kh")) == [1]
        assert ids(filters=CampaignFilters(agency="RTP", scam_type="impersonation_authority")) == [
            1,
            2,
        ]
        assert ids(filters=CampaignFilters(scam_type="investment")) == [1]
        assert ids(filters=CampaignFilters(country="VN")) == []
        first = list_campaigns(conn, rtp, usd_per_unit=RATES, sort="recent", limit=2)
        assert first.after is not None
        second = list_campaigns(
            conn, rtp, usd_per_unit=RATES, sort="recent", limit=2, after=first.after
        )
        assert [c.id for c in second.items] == [1]
        assert second.after is None
        item = list_campaigns(conn, rtp, usd_per_unit=RATES).items[0]
        assert item.reports == 5
        assert item.countries == 3
        assert item.country_codes[0] == "TH"
        assert set(item.agencies) == {"KNPA", "RTP", "CNP"}
        with pytest.raises(BadCursor):
            list_campaigns(conn, rtp, usd_per_unit=RATES, sort="recent", after="nonsense")


@pytest.mark.parametrize("sort", ["size", "loss", "recent", "countries"])
def test_every_sort_pages_through_every_campaign_once(engine: Engine, sort: str) -> None:
    build_world(engine)
    knpa_with_red = viewer_for(engine, "b@knpa.test")
    seen: list[int] = []
    after = None
    with engine.connect() as conn:
        for _ in range(5):
            page = list_campaigns(
                conn,
                knpa_with_red,
                usd_per_unit=RATES,
                sort=sort,  # type: ignore[arg-type]
                limit=1,
                after=after,
            )
            seen += [c.id for c in page.items]
            after = page.after
            if after is None:
                break
    assert sorted(seen) == [1, 3]


def test_redirects_are_followed_transitively(engine: Engine) -> None:
    build_world(engine)
    with engine.connect() as conn:
        assert resolve_campaign(conn, 3) == 3
        assert resolve_campaign(conn, 4) == 3
        assert resolve_campaign(conn, 5) == 3
        assert resolve_campaign(conn, 99) is None


def test_indicators_of_a_campaign_with_roles_and_hubs(engine: Engine) -> None:
    world = build_world(engine)
    mark_hub(engine, world.indicator(DOMAIN))
    knpa = viewer_for(engine, "a@knpa.test")
    partner = viewer_for(engine, "p@bank.test", "KNPA", Role.PARTNER)
    with engine.connect() as conn:
        found = campaign_indicators(conn, knpa, 1)
        for_partner = campaign_indicators(conn, partner, 1)
    by_value = {x.value: x for x in found.items}
    assert found.total == 6
    assert by_value[PHONE.value].reports == 4  # K1, K2, T1, T2 (not K3, T3)
    assert by_value[PHONE.value].roles == ["contact_phone"]
    assert by_value[DOMAIN.value].hub
    assert not by_value[PHONE.value].hub
    assert found.items[0].value == PHONE.value
    # A partner sees the CLEAR report's indicators only: the phone is not even named.
    assert {x.value for x in for_partner.items} == {WALLET.value, HANDLE.value}


def test_graph_is_capped_with_the_total(engine: Engine) -> None:
    world = build_world(engine)
    knpa = viewer_for(engine, "a@knpa.test")
    with engine.connect() as conn:
        graph = campaign_graph(conn, knpa, 1, max_reports=2)
    assert graph.total_reports == 5
    assert [r.id for r in graph.reports] == [world.reports["C1"], world.reports["T2"]]
    assert {s.report_id for s in graph.sightings} == {world.reports["C1"], world.reports["T2"]}
    assert {i.display for i in graph.indicators} >= {WALLET.display, PHONE.display}


def test_indicator_detail_over_visible_reports(engine: Engine) -> None:
    world = build_world(engine)
    knpa = viewer_for(engine, "a@knpa.test")
    rtp = viewer_for(engine, "a@rtp.test", "RTP")
    with engine.connect() as conn:
        phone = indicator_detail(conn, knpa, world.indicator(PHONE))
        strict_for_knpa = indicator_detail(conn, knpa, world.indicator(STRICT_PHONE))
        strict_for_rtp = indicator_detail(conn, rtp, world.indicator(STRICT_PHONE))
        missing = indicator_detail(conn, knpa, 10_000)
    assert phone is not None
    assert phone.reports == 4
    assert phone.agencies == [("KNPA", 2), ("RTP", 2)]
    assert phone.roles == [("contact_phone", 4)]
    assert [(c.id, c.reports) for c in phone.campaigns] == [(1, 4)]
    assert phone.first_seen.replace(tzinfo=None).hour == 9
    # Known only from reports KNPA may not see: not admitted to exist.
    assert strict_for_knpa is None
    assert missing is None
    assert strict_for_rtp is not None
    assert strict_for_rtp.reports == 2


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("010 1234 5678", PHONE),
        ("+82 10-1234-5678", PHONE),
        ("０１０－１２３４－５６７８", PHONE),
        ("phone:+821012345678", PHONE),
        ("hxxp://kbstar-secure[.]com/login", URL),
        ("kbstar-secure[.]com", DOMAIN),
        ("KB 123456-78-901234", ACCOUNT),
        ("KR:KB:12345678901234", ACCOUNT),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", WALLET),
        ("@usdt_vip_support", HANDLE),
        ("t.me/usdt_vip_support", HANDLE),
        ("telegram:USDT_VIP_SUPPORT", HANDLE),
    ],
)
def test_search_in_any_format(engine: Engine, typed: str, expected: Indicator) -> None:
    world = build_world(engine)
    knpa = viewer_for(engine, "a@knpa.test")
    keys = [(x.type.value, x.value) for x in candidates(typed, "KR")]
    with engine.connect() as conn:
        matches = find_indicators(conn, knpa, keys)
    assert world.indicator(expected) in [m.id for m in matches]


def test_search_counts_visible_reports_and_hides_the_rest(engine: Engine) -> None:
    build_world(engine)
    knpa = viewer_for(engine, "a@knpa.test")
    partner = viewer_for(engine, "p@bank.test", "KNPA", Role.PARTNER)
    keys = [(PHONE.type.value, PHONE.value), (STRICT_PHONE.type.value, STRICT_PHONE.value)]
    with engine.connect() as conn:
        for_knpa = find_indicators(conn, knpa, keys)
        for_partner = find_indicators(conn, partner, keys)
    assert [(m.value, m.reports, m.agencies) for m in for_knpa] == [(PHONE.value, 4, 2)]
    assert for_partner == []


def test_search_refuses_empty_and_oversized_text() -> None:
    with pytest.raises(InvalidQuery):
        candidates("   ", "KR")
    with pytest.raises(InvalidQuery):
        candidates("9" * 5000, "KR")
    assert candidates("hello world", "KR") == []


def _random_campaigns(engine: Engine, campaigns: int, seed: int) -> None:
    """`campaigns` campaigns of random sizes (1–12) and markings, owned by KNPA and RTP."""
    rng = random.Random(seed)
    markings = [Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT]
    batch = []
    sizes = [rng.randint(1, 12) for _ in range(campaigns)]
    for number in range(sum(sizes)):
        agency = rng.choice(["KNPA", "RTP"])
        batch.append(
            make_report(
                f"X{number}",
                agency=agency,
                tlp=rng.choice(markings),
                received_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=number),
            )
        )
    with engine.begin() as conn:
        store_reports(conn, batch)
        ids = sorted(conn.scalars(select(reports.c.id)))
    rng.shuffle(ids)
    start = 0
    for campaign, size in enumerate(sizes, start=1):
        link(engine, campaign, ids[start : start + size])
        start += size


@pytest.mark.parametrize("first_batch", [2, 100])
def test_listing_by_size_reads_few_campaigns_but_gives_the_full_answer(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, first_batch: int
) -> None:
    # With a first batch of 2 the candidates run out and the whole aggregate answers; with
    # 100 the first batch settles the first pages and the later ones read every campaign.
    monkeypatch.setattr(campaign_views, "_FIRST_CANDIDATES", first_batch)
    _random_campaigns(engine, 150, seed=first_batch)
    for viewer in (
        viewer_for(engine, "a@knpa.test"),
        viewer_for(engine, "p@bank.test", "KNPA", Role.PARTNER),
    ):
        with engine.connect() as conn:
            expected = []
            for campaign in range(1, 151):
                detail = campaign_detail(conn, viewer, campaign, usd_per_unit=RATES)
                if detail is not None:
                    expected.append((detail.reports, campaign))
            expected.sort(reverse=True)
            listed: list[tuple[int, int]] = []
            after = None
            while True:
                page = list_campaigns(conn, viewer, usd_per_unit=RATES, limit=7, after=after)
                listed += [(c.reports, c.id) for c in page.items]
                after = page.after
                if after is None:
                    break
        assert listed == expected
