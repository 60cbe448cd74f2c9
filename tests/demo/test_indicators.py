"""The values in the world read back through the project's own parsers."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import phonenumbers
import pytest

from scamlink.demo import benign
from scamlink.demo.countries import COUNTRIES
from scamlink.demo.numbers import plan
from scamlink.demo.pools import PoolCache, Pools, build_pools
from scamlink.demo.rand import FastRandom
from scamlink.demo.world import World
from scamlink.demo.writing import Scribe, bank_names
from scamlink.indicators import IndicatorType, InvalidIndicator, canonicalise, parse_field
from scamlink.indicators.banks import BANKS
from scamlink.interop.report_csv import INDICATOR_COLUMNS, VALUE_SEPARATOR, read_reports
from scamlink.sharing.agencies import REFERENCE_AGENCIES, REPORTING_AGENCIES
from tests.demo.conftest import REPORTS, SEED, GeneratedWorld

WALLET_TYPES = {IndicatorType.TRON, IndicatorType.ETH, IndicatorType.BTC}


def _values(world: GeneratedWorld) -> Counter[str]:
    counts: Counter[str] = Counter()
    for _, row in world.all_rows():
        for column in INDICATOR_COLUMNS:
            counts[column] += sum(1 for v in row[column].split(VALUE_SEPARATOR) if v.strip())
    return counts


def _read(world: GeneratedWorld) -> tuple[int, Counter[str], list[str]]:
    """(rows read, values left out per column, every problem) over all agencies' files."""
    rows = 0
    dropped: Counter[str] = Counter()
    rejected: list[str] = []
    for agency in REFERENCE_AGENCIES:  # the noisy world adds the Korea Desk's file
        path = world.path / f"reports-{agency.code}.csv"
        if agency not in REPORTING_AGENCIES and not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as stream:
            for parsed in read_reports(stream, agency):
                rows += 1
                if parsed.report is None:
                    rejected.extend(str(p) for p in parsed.problems)
                    continue
                dropped.update(p.column for p in parsed.problems)
    return rows, dropped, rejected


def test_every_row_is_accepted_and_nearly_every_value_yields_indicators(
    world: GeneratedWorld,
) -> None:
    rows, dropped, rejected = _read(world)
    assert rows == REPORTS
    assert rejected == []
    values = _values(world)
    for column in INDICATOR_COLUMNS:
        assert values[column] > 0, column
        assert dropped[column] <= 0.01 * values[column], (column, dropped[column], values[column])
    assert sum(dropped.values()) <= 0.01 * sum(values.values())


def test_noisy_rows_are_accepted_but_more_values_are_left_out(
    world: GeneratedWorld, noisy_world: GeneratedWorld
) -> None:
    rows, noisy_dropped, rejected = _read(noisy_world)
    assert rows == REPORTS
    assert rejected == []
    _, dropped, _ = _read(world)
    assert sum(noisy_dropped.values()) > 3 * max(1, sum(dropped.values()))


def test_reports_carry_the_values_of_their_campaign(world: GeneratedWorld) -> None:
    # Reports of one campaign share indicators (that is what linking finds); two campaigns share
    # none except the widely shared benign values.
    campaign_of = {(t["agency"], t["external_id"]): t["campaign"] for t in world.truth()}
    benign_keys = _benign_keys()
    campaigns_of: dict[str, set[str]] = defaultdict(set)
    for agency in REPORTING_AGENCIES:
        path = world.path / f"reports-{agency.code}.csv"
        with path.open(encoding="utf-8", newline="") as stream:
            for parsed in read_reports(stream, agency):
                assert parsed.report is not None
                campaign = campaign_of[(agency.code, parsed.report.external_id)]
                for sighting in parsed.report.sightings:
                    key = f"{sighting.indicator.type.value}:{sighting.indicator.value}"
                    if key not in benign_keys:
                        campaigns_of[key].add(campaign)
    shared = {k: c for k, c in campaigns_of.items() if len(c) > 1}
    # Typos can turn one number into another campaign's; nothing else may collide.
    assert len(shared) <= 0.002 * len(campaigns_of), sorted(shared.items())[:10]
    per_campaign = Counter(next(iter(c)) for c in campaigns_of.values())
    assert len(per_campaign) >= 20


def _benign_keys() -> set[str]:
    keys: set[str] = set()
    for kind, value, country in benign.listing():
        for indicator in parse_field(kind, value, country or "KR"):  # type: ignore[arg-type]
            keys.add(f"{indicator.type.value}:{indicator.value}")
    keys.add("domain:facebook.com")
    return keys


def test_benign_values_are_valid_and_shared_by_many_campaigns(world: GeneratedWorld) -> None:
    assert _benign_keys()  # every listed value parses (parse_field raises otherwise)
    with (world.path / "benign.csv").open(encoding="utf-8", newline="") as f:
        listed = list(csv.DictReader(f))
    assert {r["kind"] for r in listed} == {"phones", "urls", "wallets"}
    campaign_of = {(t["agency"], t["external_id"]): t["campaign"] for t in world.truth()}
    used_by: set[str] = set()
    for agency, row in world.all_rows():
        cells = (row["phones"], row["urls"], row["wallets"])
        if any(b["value"] in cell for b in listed for cell in cells):
            used_by.add(campaign_of[(agency, row["external_id"])])
    assert len(used_by) >= 5


@pytest.fixture(scope="module")
def pools() -> list[Pools]:
    world = World(REPORTS, SEED)
    return [build_pools(world, world.campaign(c)) for c in range(world.campaign_total)]


def test_every_phone_is_a_valid_number_of_its_country(pools: list[Pools]) -> None:
    phones = [p for pool in pools for t in pool.targets.values() for p in t.phones]
    phones += [p for pool in pools for p in pool.foreign_phones]
    phones += [
        h.phone for pool in pools for t in pool.targets.values() for h in t.handles if h.phone
    ]
    assert len(phones) > 100
    for phone in phones:
        number = phonenumbers.parse(phone.e164)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.region_code_for_number(number) == phone.country, phone
        for form in phone.local:
            assert canonicalise(IndicatorType.PHONE, form, phone.country).value == phone.e164
        for form in phone.international:
            assert canonicalise(IndicatorType.PHONE, form, "KR").value == phone.e164


def test_phones_as_written_in_reports_are_valid_numbers(world: GeneratedWorld) -> None:
    checked = 0
    for agency, row in world.all_rows():
        country = next(a.country for a in REPORTING_AGENCIES if a.code == agency)
        for value in row["phones"].split(VALUE_SEPARATOR):
            if not value:
                continue
            try:
                (indicator,) = parse_field("phones", value, country)
            except InvalidIndicator:
                continue  # a typo (counted by the 99 % test)
            assert phonenumbers.is_valid_number(phonenumbers.parse(indicator.value))
            checked += 1
    assert checked > 500


def test_wallets_have_valid_checksums(pools: list[Pools]) -> None:
    chains: Counter[str] = Counter()
    for pool in pools:
        for wallet in pool.wallets:
            for form in wallet.forms:
                indicator = canonicalise(IndicatorType(wallet.chain), form)
                assert indicator.type in WALLET_TYPES
            chains[wallet.chain] += 1
            if wallet.chain == "eth":
                mixed, lower = wallet.forms
                assert mixed != lower
                assert mixed.lower() == lower
    assert set(chains) == {"tron", "eth", "btc"}
    assert chains["tron"] > chains["eth"]
    for address in benign.EXCHANGE_WALLETS:
        assert parse_field("wallets", address, "KR")


def test_values_never_repeat_across_campaigns(pools: list[Pools]) -> None:
    owner: dict[str, int] = {}

    def claim(key: str, campaign: int) -> None:
        assert owner.setdefault(key, campaign) == campaign, key

    for pool in pools:
        c = pool.campaign.index
        for target in pool.targets.values():
            for phone in target.phones:
                claim(phone.e164, c)
            for site in target.sites:
                claim(site.domain, c)
            for handle in target.handles:
                if handle.phone is None:
                    claim(f"{handle.platform}:{handle.name}", c)
            for account in target.accounts:
                claim(f"{account.bank.country}:{account.bank.code}:{account.digits}", c)
        for phone in pool.foreign_phones:
            claim(phone.e164, c)
        for wallet in pool.wallets:
            claim(wallet.forms[-1], c)


def test_domains_imitate_brands_and_some_are_internationalised(pools: list[Pools]) -> None:
    domains = [s.domain for p in pools for t in p.targets.values() for s in t.sites]
    for domain in domains:
        assert parse_field("urls", domain, "KR")
    world = World(200_000, SEED)
    many = [
        s.domain
        for c in range(0, world.campaign_total, 3)
        for t in build_pools(world, world.campaign(c)).targets.values()
        for s in t.sites
    ]
    assert any(not d.isascii() for d in many)
    assert any(d.startswith(("kbstar", "police-go-kr", "kerry-express-th")) for d in many)


def test_mule_accounts_read_back_in_every_agency(pools: list[Pools]) -> None:
    scribe = Scribe(FastRandom("accounts"), noisy=False)
    scribe.typo_rate = 0.0
    accounts = [a for p in pools for t in p.targets.values() for a in t.accounts]
    assert {a.bank.country for a in accounts} >= {"KR", "TH", "VN"}
    for account in accounts:
        key = f"{account.bank.country}:{account.bank.code}:{account.digits}"
        assert len(account.digits) in account.bank.account_lengths
        for agency in REPORTING_AGENCIES:
            lang = agency.languages[0]
            for _ in range(3):
                written = scribe.account(account, agency.country, lang)
                found = canonicalise(IndicatorType.BANK_ACCOUNT, written, agency.country)
                assert found.value == key, (written, agency.code)


def test_every_bank_of_the_registry_can_be_written_in_every_agency() -> None:
    for bank in BANKS:
        assert bank.country in COUNTRIES
        for length in {bank.account_lengths[0], bank.account_lengths[-1]}:
            digits = "7" * length
            for agency in REPORTING_AGENCIES:
                names, _ = bank_names(bank.country, bank.code, length, agency.country, "en")
                assert names
                for name in names:
                    found = canonicalise(
                        IndicatorType.BANK_ACCOUNT, f"{name} {digits}", agency.country
                    )
                    assert found.value == f"{bank.country}:{bank.code}:{digits}", (name, agency)


def test_number_plans_map_serials_to_distinct_numbers() -> None:
    for country in COUNTRIES:
        p = plan(country, "mobile")
        numbers = {p.number(s) for s in range(0, 50_000, 7)}
        assert len(numbers) == len(range(0, 50_000, 7))
        assert p.capacity >= 10**6


def test_pool_cache_is_bounded() -> None:
    world = World(REPORTS, SEED)
    cache = PoolCache(world, capacity=3)
    first = cache(0)
    for c in range(1, 6):
        cache(c)
    assert len(cache._items) == 3
    assert cache(0) == first  # rebuilt the same from the seed
