"""The indicator pools a campaign rotates through: phones, mule accounts, wallets, sites, e-mail
addresses and messaging handles.

A campaign's pools are a pure function of (seed, campaign): built when the campaign is first
needed and kept in a bounded cache. Values that must not collide between campaigns (numbers,
domains, handles, e-mail addresses) come from serials allotted per campaign and mapped one-to-one
onto names; wallets and account numbers are hashes of the seed and the campaign.
"""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from scamlink.demo import lexicon
from scamlink.demo.countries import COUNTRIES
from scamlink.demo.numbers import Phone, phone
from scamlink.demo.world import Campaign, World
from scamlink.indicators.banks import Bank, banks_of
from scamlink.indicators.codecs import base58check_encode, bech32_encode, eip55
from scamlink.reports.model import ScamType

_COUNTRY_INDEX = {code: i for i, code in enumerate(COUNTRIES)}
SLOTS = 16  # at most this many values of one kind per campaign (and per victim country)


@dataclass(frozen=True, slots=True)
class Site:
    domain: str  # as registered: ASCII, or Unicode for the IDN lookalikes
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Wallet:
    chain: str  # tron | eth | btc
    coin: str  # what victims call the money they sent
    forms: tuple[str, ...]  # as written (an ETH address in EIP-55 and lower case)


@dataclass(frozen=True, slots=True)
class Account:
    bank: Bank
    digits: str
    grouped: str  # how the mule's number is usually written
    holder: str | None


@dataclass(frozen=True, slots=True)
class Handle:
    platform: str  # telegram | line | kakao | wechat | zalo | whatsapp
    name: str  # user name, "o/<code>" for a Kakao open chat; "" when the handle is a phone
    phone: Phone | None


@dataclass(frozen=True, slots=True)
class TargetPools:
    """What the campaign uses on the victims of one country."""

    phones: tuple[Phone, ...]
    accounts: tuple[Account, ...]
    handles: tuple[Handle, ...]
    sites: tuple[Site, ...]


@dataclass(frozen=True, slots=True)
class Pools:
    campaign: Campaign
    targets: dict[str, TargetPools]
    foreign_phones: tuple[Phone, ...]  # the compound's own SIM cards
    wallets: tuple[Wallet, ...]
    emails: tuple[str, ...]


_SITE_CATEGORY: dict[ScamType, tuple[str, ...]] = {
    ScamType.IMPERSONATION_AUTHORITY: ("authority",),
    ScamType.IMPERSONATION_BUSINESS: ("delivery", "bank"),
    ScamType.PHISHING: ("bank", "bank", "delivery"),
    ScamType.INVESTMENT: ("platform",),
    ScamType.CRYPTO_THEFT: ("platform",),
    ScamType.ROMANCE: ("platform",),
    ScamType.JOB_TASK: ("task",),
    ScamType.LOAN: ("loan",),
    ScamType.ECOMMERCE: ("shop",),
    ScamType.SEXTORTION: ("chat",),
    ScamType.OTHER: ("chat",),
}
_BRANDED = frozenset({"authority", "delivery", "bank"})
_PRIMES = (7919, 104729, 1299709, 15485863, 179424673)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def _size(expected: float, per: float, cap: int) -> int:
    """Pool size: grows with the log of the reports it will serve."""
    return max(1, min(cap, 1 + int(math.log2(1 + expected / per))))


def _coprime(m: int) -> int:
    return next(p for p in _PRIMES if math.gcd(p, m) == 1)


def _spread(serial: int, size: int) -> tuple[int, int]:
    """A one-to-one map of serials to (round, index < size) that scatters neighbours."""
    rnd, rest = divmod(serial, size)
    return rnd, (rest * _coprime(size) + 11) % size


def _combine(serial: int, *sizes: int) -> tuple[int, list[int]]:
    total = math.prod(sizes)
    rnd, j = _spread(serial, total)
    picks = []
    for size in sizes:
        j, k = divmod(j, size)
        picks.append(k)
    return rnd, picks


def _suffix(rnd: int) -> str:
    return str(rnd + 1) if rnd else ""


def site_name(category: str, country: str, serial: int) -> str:
    """The domain of `serial` in a family of names: unique per (category, country) family."""
    tlds = lexicon.TLDS
    if category in _BRANDED:
        brands = lexicon.BRANDS[country][category]
        patterns = lexicon.SITE_PATTERNS[category]
        rnd, (b, p, t) = _combine(serial, len(brands), len(patterns), len(tlds))
        return f"{patterns[p].format(b=brands[b])}{_suffix(rnd)}.{tlds[t]}"
    first, second = lexicon.PLATFORM_WORDS[category]
    rnd, (a, b, t) = _combine(serial, len(first), len(second), len(tlds))
    return f"{first[a]}{second[b]}{_suffix(rnd)}.{tlds[t]}"


def idn_site_name(country: str, serial: int) -> str:
    brands, words = lexicon.IDN_BRANDS[country], lexicon.IDN_WORDS[country]
    tlds = ("com", "net")
    rnd, (b, w, t) = _combine(serial, len(brands), len(words), len(tlds))
    return f"{brands[b]}-{words[w]}{_suffix(rnd)}.{tlds[t]}"


def handle_name(platform: str, serial: int) -> str:
    first, second = lexicon.HANDLE_FIRST, lexicon.HANDLE_SECOND
    rnd, (a, b, shape) = _combine(serial, len(first), len(second), 3)
    number = 10 + rnd
    if platform == "telegram":
        shapes = (f"{first[a]}_{second[b]}{number}", f"{second[b]}_{first[a]}{number}")
        return shapes[shape % 2] if shape < 2 else f"{first[a]}{second[b]}{number}"
    if platform == "wechat":
        return (f"{second[b]}_{first[a]}{number}", f"{first[a]}_{second[b]}{number}")[shape % 2]
    shapes = (f"{second[b]}.{first[a]}{number}", f"{first[a]}_{second[b]}{number}")
    return shapes[shape % 2] if shape < 2 else f"{second[b]}{number}{first[a]}"


def email_local(serial: int) -> str:
    first, second = lexicon.HANDLE_FIRST, lexicon.HANDLE_SECOND
    rnd, (a, b, shape) = _combine(serial, len(first), len(second), 2)
    number = 10 + rnd
    return f"{second[b]}.{first[a]}{number}" if shape else f"{first[a]}{second[b]}{number}"


@cache
def _bank_weights(country: str) -> tuple[tuple[Bank, ...], tuple[float, ...]]:
    banks = banks_of(country)
    # The registry lists the big banks first: mules are mostly recruited there.
    return banks, tuple(accumulate(1.0 / (1 + i * 0.35) for i in range(len(banks))))


def _group(country: str, digits: str) -> str:
    n = len(digits)
    if country == "KR":
        cuts = {14: (6, 2), 13: (4, 2), 12: (3, 3), 11: (3, 2), 10: (3, 3)}.get(n)
        if cuts:
            a, b = cuts
            return f"{digits[:a]}-{digits[a : a + b]}-{digits[a + b :]}"
    if country == "TH" and n == 10:
        return f"{digits[:3]}-{digits[3]}-{digits[4:9]}-{digits[9]}"
    if country in ("ID", "MY", "SG", "PH") and n >= 10:
        return " ".join(digits[i : i + 4] for i in range(0, n, 4))
    return digits


def _digest(*parts: object) -> bytes:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()


def _account_digits(seed: int, campaign: int, country: str, slot: int, length: int) -> str:
    number = int.from_bytes(_digest(seed, campaign, country, "account", slot), "big")
    text = str(number)[-length:]
    return str(1 + number % 9) + text[1:] if text[0] == "0" else text


def _wallet(seed: int, campaign: int, slot: int, chain: str) -> Wallet:
    payload = _digest(seed, campaign, "wallet", slot)[:20]
    if chain == "tron":
        return Wallet("tron", "USDT (TRC20)", (base58check_encode(b"\x41" + payload),))
    if chain == "eth":
        lower = "0x" + payload.hex()
        return Wallet("eth", "USDT (ERC20)", (eip55(lower), lower))
    if payload[0] % 2:
        return Wallet("btc", "BTC", (bech32_encode("bc", 0, payload),))
    return Wallet("btc", "BTC", (base58check_encode(b"\x00" + payload),))


def _code(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_CODE_ALPHABET) for _ in range(length))


def _path(template: str, rng: random.Random) -> str:
    return template.format(code=_code(rng, 6), n=rng.randrange(1000, 99999))


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    cum = tuple(accumulate(w for _, w in weighted))
    return weighted[bisect(cum, rng.random() * cum[-1])][0]


def build_pools(world: World, campaign: Campaign) -> Pools:
    seed, c = world.seed, campaign.index
    rng = random.Random(f"{seed}:pools:{c}")
    expected = campaign.expected_reports
    total_share = campaign.target_cum[-1]
    shares = [
        (campaign.target_cum[i] - (campaign.target_cum[i - 1] if i else 0.0)) / total_share
        for i in range(len(campaign.targets))
    ]
    categories = _SITE_CATEGORY[campaign.scam_type]
    shared_sites: tuple[Site, ...] = ()
    if categories[0] not in _BRANDED:
        category = categories[0]
        shared_sites = tuple(
            Site(
                site_name(category, "", c * SLOTS + i),
                tuple(_path(rng.choice(lexicon.SITE_PATHS[category]), rng) for _ in range(2)),
            )
            for i in range(_size(expected, 12, SLOTS))
        )

    targets: dict[str, TargetPools] = {}
    for country, share in zip(campaign.targets, shares, strict=True):
        mine = expected * share
        base = c * 4 * SLOTS
        kind = "fixed" if campaign.scam_type is ScamType.IMPERSONATION_AUTHORITY else "mobile"
        phones: list[Phone] = []
        for i in range(_size(mine, 4, 12)):
            # Fake officials call from landlines in Korea and Thailand, mules' SIMs elsewhere.
            line = kind if country in ("KR", "TH") and i % 2 == 0 else "mobile"
            found = phone(country, line, base + i)
            if found is not None:
                phones.append(found)
        banks, cum = _bank_weights(country)
        accounts: list[Account] = []
        holders = lexicon.HOLDERS.get(country)
        labels = lexicon.HOLDER_LABEL.get(country, ())
        for i in range(_size(mine, 4, 12)):
            bank = banks[bisect(cum, rng.random() * cum[-1])]
            length = rng.choice(bank.account_lengths)
            digits = _account_digits(seed, c, country, i, length)
            holder = None
            if holders is not None:
                family, given = holders
                name = f"{rng.choice(family)} {rng.choice(given)}"
                if country == "KR":
                    name = name.replace(" ", "")
                holder = f"{rng.choice(labels)} {name}"
            accounts.append(Account(bank, digits, _group(country, digits), holder))
        handles: list[Handle] = []
        profile = COUNTRIES[country]
        for i in range(_size(mine, 6, 8)):
            platform = _pick(rng, profile.platforms)
            serial = (c * len(_COUNTRY_INDEX) + _COUNTRY_INDEX[country]) * SLOTS + i
            if platform in ("zalo", "whatsapp"):
                home = "VN" if platform == "zalo" else country
                if platform == "whatsapp" and rng.random() < 0.5:
                    home = rng.choice(campaign.compound.place.sim_countries)
                found = phone(home, "mobile", c * 4 * SLOTS + 2 * SLOTS + i)
                if found is not None:
                    handles.append(Handle(platform, "", found))
            elif platform == "kakao" and rng.random() < 0.4:
                handles.append(Handle("kakao", "o/" + rng.choice("sg") + _code(rng, 7), None))
            else:
                handles.append(Handle(platform, handle_name(platform, serial), None))
        sites = shared_sites
        if not sites:
            made: list[Site] = []
            for i in range(_size(mine, 10, SLOTS)):
                category = rng.choice(categories)
                if country in lexicon.IDN_BRANDS and rng.random() < 0.12:
                    domain = idn_site_name(country, c * SLOTS + i)
                else:
                    domain = site_name(category, country, c * SLOTS + i)
                paths = tuple(
                    _path(rng.choice(lexicon.SITE_PATHS[category]), rng) for _ in range(2)
                )
                made.append(Site(domain, paths))
            sites = tuple(made)
        targets[country] = TargetPools(tuple(phones), tuple(accounts), tuple(handles), sites)

    place = campaign.compound.place
    foreign: list[Phone] = []
    for i in range(_size(expected, 25, 6)):
        found = phone(place.sim_countries[i % len(place.sim_countries)], "mobile", _foreign(c, i))
        if found is not None:
            foreign.append(found)

    crypto = campaign.scam_type in (ScamType.CRYPTO_THEFT, ScamType.INVESTMENT)
    chains = (("tron", 0.7), ("eth", 0.2 if crypto else 0.15), ("btc", 0.1))
    wallets = tuple(_wallet(seed, c, i, _pick(rng, chains)) for i in range(_size(expected, 10, 10)))
    emails: list[str] = []
    ascii_sites = [s.domain for t in targets.values() for s in t.sites if s.domain.isascii()]
    for i in range(_size(expected, 40, 4)):
        if ascii_sites and rng.random() < 0.5:
            emails.append(f"{rng.choice(lexicon.EMAIL_ROLES)}@{rng.choice(ascii_sites)}")
        else:
            emails.append(f"{email_local(c * SLOTS + i)}@{_pick(rng, lexicon.EMAIL_PROVIDERS)}")
    return Pools(campaign, targets, tuple(foreign), wallets, tuple(dict.fromkeys(emails)))


def _foreign(campaign: int, i: int) -> int:
    return campaign * 4 * SLOTS + SLOTS + i


class PoolCache:
    """The pools of recently used campaigns (a bounded LRU: memory never grows with reports)."""

    def __init__(self, world: World, capacity: int = 6000) -> None:
        self._world = world
        self._capacity = capacity
        self._items: OrderedDict[int, Pools] = OrderedDict()

    def __call__(self, index: int) -> Pools:
        pools = self._items.get(index)
        if pools is not None:
            self._items.move_to_end(index)
            return pools
        pools = build_pools(self._world, self._world.campaign(index))
        self._items[index] = pools
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return pools
