"""What the world contains: languages, campaigns across borders, victims reporting twice."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from scamlink.reports.model import ScamType
from scamlink.sharing.agencies import REPORTING_AGENCIES, agency_by_code
from scamlink.sharing.tlp import Tlp
from tests.demo.conftest import GeneratedWorld


def test_reports_are_in_the_languages_of_their_agency(world: GeneratedWorld) -> None:
    for agency, row in world.all_rows():
        assert row["language"] in agency_by_code(agency).languages, (agency, row["language"])


def test_reports_come_in_at_least_eight_languages(world: GeneratedWorld) -> None:
    languages = Counter(row["language"] for _, row in world.all_rows())
    assert len(languages) >= 8, languages
    assert {"ko", "en", "th", "vi", "id", "km", "fil", "ms"} <= set(languages)


def test_narratives_are_written_in_their_language(world: GeneratedWorld) -> None:
    # A character of the script each language is written in.
    scripts = {
        "ko": ("\uac00", "\ud7a3"),
        "th": ("\u0e00", "\u0e7f"),
        "km": ("\u1780", "\u17ff"),
        "lo": ("\u0e80", "\u0eff"),
        "my": ("\u1000", "\u109f"),
        "zh": ("\u4e00", "\u9fff"),
    }
    for _, row in world.all_rows():
        text = row["narrative"]
        assert text
        assert "\n" not in text
        span = scripts.get(row["language"])
        if span is not None:
            assert any(span[0] <= ch <= span[1] for ch in text), row["narrative"]


def test_campaigns_cross_borders(world: GeneratedWorld) -> None:
    agencies_of: dict[str, set[str]] = defaultdict(set)
    for t in world.truth():
        agencies_of[t["campaign"]].add(t["agency"])
    crossing = [c for c, agencies in agencies_of.items() if len(agencies) >= 2]
    assert len(crossing) >= 3
    assert max(len(a) for a in agencies_of.values()) >= 3


def test_campaigns_run_from_compounds_in_the_four_countries(world: GeneratedWorld) -> None:
    compounds = {t["compound"] for t in world.truth()}
    assert {c.split("-")[0] for c in compounds} == {"KH", "MM", "LA", "PH"}
    campaigns_of: dict[str, set[str]] = defaultdict(set)
    for t in world.truth():
        campaigns_of[t["compound"]].add(t["campaign"])
    assert max(len(c) for c in campaigns_of.values()) >= 2


def test_every_scam_type_occurs(world: GeneratedWorld) -> None:
    types = {row["scam_type"] for _, row in world.all_rows()}
    assert types == {t.value for t in ScamType}


def test_some_victims_report_in_two_countries(world: GeneratedWorld) -> None:
    reports_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for t in world.truth():
        reports_of[t["victim"]].append(t)
    twice = [r for r in reports_of.values() if len(r) >= 2]
    assert twice
    abroad = [r for r in twice if len({t["agency"] for t in r}) >= 2]
    assert len(abroad) >= 10
    for reports in twice:
        assert len({t["campaign"] for t in reports}) == 1
        assert len({(t["agency"], t["external_id"]) for t in reports}) == len(reports)


def test_a_victim_reporting_twice_tells_the_same_incident(world: GeneratedWorld) -> None:
    rows = {(agency, row["external_id"]): row for agency, row in world.all_rows()}
    by_victim: dict[str, list[dict[str, str]]] = defaultdict(list)
    for t in world.truth():
        by_victim[t["victim"]].append(rows[(t["agency"], t["external_id"])])
    pairs = [r for r in by_victim.values() if len(r) == 2]
    assert pairs
    for first, second in pairs:
        assert first["victim_country"] == second["victim_country"]
        assert first["scam_type"] == second["scam_type"]
        assert first["loss_amount"] == second["loss_amount"]


def test_losses_are_plausible_amounts_in_local_money(world: GeneratedWorld) -> None:
    currencies: dict[str, set[str]] = defaultdict(set)
    for _agency, row in world.all_rows():
        if not row["loss_amount"]:
            assert not row["loss_currency"]
            continue
        amount = Decimal(row["loss_amount"])
        assert amount > 0
        currencies[row["victim_country"]].add(row["loss_currency"])
        if row["loss_currency"] == "KRW":
            assert amount % 1000 == 0
            assert amount < Decimal(10) ** 11
    assert "KRW" in currencies["KR"]
    assert "THB" in currencies["TH"]
    assert "VND" in currencies["VN"]


def test_tlp_markings_are_mostly_green_and_amber(world: GeneratedWorld) -> None:
    markings = Counter(Tlp.parse(row["tlp"]) for _, row in world.all_rows())
    assert markings[Tlp.GREEN] + markings[Tlp.AMBER] > 0.6 * sum(markings.values())
    assert set(markings) == set(Tlp)
    assert markings[Tlp.RED] < markings[Tlp.CLEAR]


def test_noisy_profile_has_more_repeat_reports_than_default(
    world: GeneratedWorld, noisy_world: GeneratedWorld
) -> None:
    def repeated(w: GeneratedWorld) -> int:
        victims = Counter(t["victim"] for t in w.truth())
        return sum(1 for n in victims.values() if n > 1)

    assert repeated(noisy_world) > 1.5 * repeated(world)
    # The noisy world also sends Korean victims to the Korea Desk (demo/noise.py).
    assert {a.code for a in REPORTING_AGENCIES} | {"KDESK"} == set(noisy_world.summary.per_agency)
