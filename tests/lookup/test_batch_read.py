"""The batch's lean reading of phone numbers answers exactly what the long way answers.

Differential: every value goes through `service._answers` (a batch: `batch_read` for the plain
phone numbers, the long way for the rest) and through `_answer_or_invalid` one by one (the long
way: `query.detect`), as the public and as an analyst, over an index that knows some of them;
the answers must be equal field by field. The values: the benchmark's batches, example numbers
of every region written every way, the phone strings of demo worlds, and awkward values.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import numpy as np
import phonenumbers
import pytest
from benchmarks.bench_lookup import _batch_values
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType
from sqlalchemy import Engine

from scamlink.indicators import IndicatorType, phone_fast
from scamlink.indicators.warninglists import WARNINGLISTS, warninglist_hit
from scamlink.lookup import batch_read, query, service
from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash
from scamlink.lookup.live import LiveIndex
from scamlink.lookup.verdict import Standing, Verdict, pack
from scamlink.lookup.warninglisted import warninglisted_entries
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp
from tests.factories import demo_worlds_phone_strings
from tests.lookup.support import add
from tests.lookup.support import phone as phone_key

ANALYST = Viewer("KNPA", Role.ANALYST)
COUNTRIES = (None, "TH", "KR", "US", "IT", "AR", "ZZ")
# Codes the index gives the known keys, in turn: (members, public) standings.
CODES = (
    pack(Standing.REPORTED, Standing.REPORTED),
    pack(Standing.SUSPICIOUS, Standing.UNKNOWN),
    pack(Standing.REPORTED, Standing.SUSPICIOUS),
    0,
    0,
)

AWKWARD = [
    "+66 81 234 5678",
    "081-234-5678",
    "(081) 234 5678",
    "(02) 123-4567",
    "02-123-4567",
    "0812345678",
    "66812345678",  # the calling code without "+"
    "0066812345678",  # an international prefix
    "001 82 10 1234 5678",
    "82 10 1234 5678",
    "+82 010 1234 5678",  # the trunk prefix after the calling code
    "010-1234-5678",
    "+39 06 6982 1234",  # Italy: the leading zero stays (long way)
    "06 6982 1234",
    "+1 416 555 0123",  # +1: a shared code
    "416 555 0123",
    "+1-202-555-0100",
    "+7 701 123 4567",
    "8 912 345 67 89",
    "+44 1624 456789",
    "07624 123456",
    "0 11 2345 6789",  # a transform rule
    "15 2345 6789",
    "+54 9 11 2345 6789",
    "+81 90 1234 5678",
    "090-1234-5678",
    "+800 1234 5678",  # a non-geographic code
    "+999 1234 5678",  # no such code
    "+0 1234 5678",
    "+66 191",  # an emergency number
    "191",
    "112",
    "911",
    "1234567",
    "12345",
    "123456",
    "+123456",
    "+66 12",
    "+66 81 234 567",  # too short
    "+66 81 234 56789",  # too long
    "+66 1900 123 456",  # premium rate
    "+66 1800 123 456",  # toll free
    "+66 60 123 4567",  # a special type (VoIP)
    "+66 2 123 4567",  # a fixed line
    "1" * 24,
    "+" + "1" * 24,
    "1" * 30,
    "2024-05-17",  # a date: its reason
    "17-05-2024",
    "1.2.2024",
    "12-05-24",
    "2024.5.17",
    "12345-05-17",
    "(.)12345678",
    "081(.)2345678",
    "+66(81)2345678",
    "(+66) 81 234 5678",
    "+(66) 81 234 5678",
    "081--234--5678",
    "081..234..5678",
    "0812345678)",
    "((0812345678",
    "08123-45678-",
    " 081 234 5678 ",
    "\t081 234 5678",
    " " * 3000 + "081 234 5678",  # too long before stripped: refused
    "081 234 5678\n",
    "081\u00a0234\u00a05678",
    "０８１-２３４-５６７８",  # full-width digits
    "๐๘๑ ๒๓๔ ๕๖๗๘",  # Thai digits
    "+６６ ８１ ２３４ ５６７８",
    "＋66 81 234 5678",
    "Tel. 081 234 5678",
    "081 234 5678 ext 5",
    "081/234/5678",
    "081,234,5678",
    "1,234,567",
    "+66 81 234 5678 / 082 345 6789",
    "KB 123456-78-901234",  # a bank account
    "123-456-789012",
    "12345678901234",
    "1234567890123",
    "x",
    "",
    "   ",
    "x\x07",
    "@usdt_vip",
    "t.me/usdt_vip",
    "hxxps://kbstar-secure[.]com/login",
    "kbstar-secure.com",
    "203.0.113.7",
    "0x52908400098527886e0f7030069857d2e4169ee7",
]


def _region_examples() -> dict[str | None, list[str]]:
    """Every region's example numbers of the usual types (and one digit more or fewer),
    written nationally, with the trunk prefix, with + and the calling code (spaced and not),
    and with the calling code or an international prefix but no "+"."""
    found: dict[str | None, list[str]] = {}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        assert meta is not None
        written = found.setdefault(region, [])
        for kind in (
            PhoneNumberType.MOBILE,
            PhoneNumberType.FIXED_LINE,
            PhoneNumberType.TOLL_FREE,
            PhoneNumberType.VOIP,
        ):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            nsn = phonenumbers.national_significant_number(number)
            code = number.country_code
            trunk = meta.national_prefix or ""
            for body in (nsn, nsn[:-1], nsn + "7"):
                written += [
                    body,
                    trunk + body,
                    f"+{code}{body}",
                    f"+{code} {body[:2]} {body[2:5]}-{body[5:]}",
                    f"{code}{body}",
                    f"00{code}{body}",
                    f"({trunk}{body[:2]}) {body[2:]}",
                ]
    return found


def _listed_phones() -> list[str]:
    values = [v for wl in WARNINGLISTS if "phone" in wl.types for v in sorted(wl.values)]
    assert values
    return values + [f"{v[:3]} {v[3:]}" for v in values]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str | None]]:
    """Every phone string of two demo worlds (a default one and a noisy one), with the victim's
    country."""
    return demo_worlds_phone_strings(tmp_path_factory, 3000, 1500, seed=5)


def _index(values: dict[str | None, list[str]]) -> MembershipIndex:
    """An index knowing every key of every few values (the long way's keys), with the
    warninglists as the real index has them."""
    hashes, codes = [], []
    n = 0
    for country, texts in values.items():
        for text in texts:
            try:
                keys = query.detect(text, country).keys
            except query.InvalidQuery:
                continue
            for key in keys:
                n += 1
                if CODES[n % len(CODES)]:
                    hashes.append(key_hash(key.value))
                    codes.append(CODES[n % len(CODES)])
    listed_hashes, listed_codes = warninglisted_entries()
    return MembershipIndex.build(
        np.concatenate([np.array(hashes, dtype=np.uint64), listed_hashes]),
        np.concatenate([np.array(codes, dtype=np.uint8), listed_codes]),
    )


@pytest.fixture(autouse=True)
def _cold() -> Iterator[None]:
    # Each test reads its values for the first time (the batch's cache is per process).
    service._PHONES.clear()
    yield
    service._PHONES.clear()


def _differences(new: service.Answer, old: service.Answer) -> list[str]:
    return [
        f"{f.name}: batch {getattr(new, f.name)!r} != one by one {getattr(old, f.name)!r}"
        for f in dataclasses.fields(service.Answer)
        if getattr(new, f.name) != getattr(old, f.name)
    ]


def _compare(values: dict[str | None, list[str]]) -> tuple[int, int, int]:
    """Both ways, as the public and as an analyst; (answers compared, values batch_read read,
    values the long way reads as a valid phone number). The public's batch is answered twice:
    new, then from the batch's cache."""
    index = _index(values)
    compared = fast = phones = 0
    for country, texts in values.items():
        distinct = list(dict.fromkeys(texts))
        upper = country.upper() if country else None
        reads = batch_read.read_phones(distinct, upper)
        fast += sum(r is not None for r in reads)
        for viewer in (PUBLIC, ANALYST, PUBLIC):
            batch = service._answers(index, distinct, upper, viewer)
            assert len(batch) == len(distinct)
            for text, new in zip(distinct, batch, strict=True):
                old = service._answer_or_invalid(index, text, upper, viewer)
                assert not _differences(new, old), (text, country, viewer, _differences(new, old))
                compared += 1
                phones += viewer is ANALYST and old.type == "phone" and old.canonical is not None
    return compared, fast, phones


def _check_reads(texts: list[str], country: str | None) -> int:
    """Each read of batch_read is the long way's reading (detect, the key's hash and
    warninglist); the number of values read."""
    read = 0
    for text, found in zip(texts, batch_read.read_phones(texts, country), strict=True):
        if found is None:
            continue
        read += 1
        detected = query.detect(text, country)
        indicator = detected.indicator
        assert indicator is not None, text
        assert detected.type is IndicatorType.PHONE
        assert not detected.related
        assert detected.domain is None
        assert (*found[:4], batch_read.PHONE_FACTS[found[4]], found[5]) == (
            detected.query,
            indicator.value,
            indicator.display,
            warninglist_hit(indicator),
            detected.phone,
            key_hash(indicator.value),
        ), (text, country)
    return read


def test_the_benchmark_batches_are_read_in_one_pass_and_answer_as_one_by_one() -> None:
    for offset in (0, 5, 11):
        values = _batch_values(offset)
        assert _check_reads(values, "TH") == len(values)  # every one by the lean steps
    values = _batch_values(3)[::3] + _batch_values(4)[1::3]
    compared, fast, phones = _compare({"TH": values})
    assert fast == phones == len(values)
    assert compared == 3 * fast


def test_awkward_values_answer_as_one_by_one() -> None:
    compared, fast, phones = _compare({country: AWKWARD for country in COUNTRIES})
    assert compared == 3 * len(COUNTRIES) * len(set(AWKWARD))
    assert fast >= 40  # the plain numbers among them were read by batch_read
    assert phones > fast
    for country in COUNTRIES:
        _check_reads(AWKWARD, country)


def test_every_regions_examples_answer_as_one_by_one() -> None:
    examples = _region_examples()
    everyone = [v for written in examples.values() for v in written]
    assert len(everyone) > 5000
    # Each region's numbers read in that region; everyone's read in Thailand and with none.
    values = dict(examples)
    values["TH"] = everyone
    values[None] = [v for v in everyone if v.startswith("+")]
    _, fast, phones = _compare(values)
    assert fast > phones // 2  # the others: fallbacks, leading zeros, shared codes
    for country in ("TH", None):
        _check_reads(everyone, country)


def test_numbers_that_begin_like_the_national_prefix_answer_as_one_by_one() -> None:
    """The national prefix is stripped only when the rest is still a number of the region (or
    the number as written is none): numbers of every type whose own first digits are the
    region's national prefix, read in their region."""
    values: dict[str | None, list[str]] = {}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        assert meta is not None
        prefix = meta.national_prefix_for_parsing
        if not prefix:
            continue
        for kind in PhoneNumberType.values():
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            nsn = phonenumbers.national_significant_number(number)
            for body in (nsn, nsn[1:], nsn[:-1], nsn + "0"):
                if re.match(prefix, body):
                    values.setdefault(region, []).append(body)
    assert sum(map(len, values.values())) > 100
    _, fast, _ = _compare(values)
    assert fast > 10
    for country, texts in values.items():
        _check_reads(texts, country)


def test_the_lean_steps_are_phone_fasts_steps() -> None:
    """Each calling code's plan against phone_fast itself, on the example numbers of every
    type (a digit more and fewer): the national significant number, the line type and the
    international format (its layouts by length included)."""
    checked = 0
    for code in sorted(phone_fast._CODES):
        plan = batch_read._plan_of_code(code)
        if not isinstance(plan, batch_read._Plan):
            continue
        for kind in PhoneNumberType.values():
            if plan.region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
                number = phonenumbers.example_number_for_non_geo_entity(code)
            else:
                number = phonenumbers.example_number_for_type(plan.region, kind)
            if number is None:
                continue
            nsn = phonenumbers.national_significant_number(number)
            for body in (nsn, nsn[:-1], nsn + "1", nsn + "12", nsn[:-2]):
                if not body or body[0] == "0":
                    continue
                parsed = phone_fast.parse(f"+{code}{body}", None)
                assert parsed is not None
                assert plan.nsn(body)[0] == parsed[1], (code, body)
                assert plan.line_type(parsed[1], None) == phone_fast.classify(*parsed)[1]
                assert plan.display(body) == phone_fast.format_international(code, body)
                checked += 1
    assert checked > 3000
    assert any(
        text is not None
        for p in batch_read._BY_CODE.values()
        if isinstance(p, batch_read._Plan)
        for text, _ in p.layouts.values()
    )


def test_warninglisted_numbers_answer_safe_listed_as_one_by_one() -> None:
    listed = _listed_phones()
    _compare({country: listed for country in (None, "TH", "MY", "ID")})
    index = _index({None: listed})
    answers = service._answers(index, listed, None, PUBLIC)
    assert any(a.verdict is Verdict.SAFE_LISTED and a.warninglist for a in answers)


def test_demo_world_phone_strings_answer_as_one_by_one(
    world: list[tuple[str, str | None]],
) -> None:
    by_country: dict[str | None, list[str]] = {}
    for raw, country in world:
        by_country.setdefault(country, []).append(raw)
    # The same strings read with another country and with none.
    by_country[None] = by_country.get(None, []) + [raw for raw, _ in world[::5]]
    compared, fast, phones = _compare(by_country)
    assert compared > 3 * 5000
    # Most valid numbers were read by batch_read (not those in other scripts' digits).
    assert phones > 1000
    assert fast > phones * 3 // 4


_EMPTY_INDEX = MembershipIndex.empty()


def _agree_one(text: str, country: str | None) -> None:
    for viewer in (PUBLIC, ANALYST):
        new = service._answers(_EMPTY_INDEX, [text], country, viewer)[0]
        old = service._answer_or_invalid(_EMPTY_INDEX, text, country, viewer)
        assert not _differences(new, old), (text, country, _differences(new, old))


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="0123456789+-() .", max_size=28),
    st.sampled_from((None, "TH", "KR", "US", "GB", "IT", "AR", "JP", "VN")),
)
def test_arbitrary_digit_strings_answer_as_one_by_one(text: str, country: str | None) -> None:
    _agree_one(text, country)


def _examples_of(regions: tuple[str, ...]) -> list[tuple[str, int, str, str]]:
    found = []
    for region in regions:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        assert meta is not None
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None and number.country_code is not None:
                nsn = phonenumbers.national_significant_number(number)
                found.append((region, number.country_code, nsn, meta.national_prefix or ""))
    return found


SERVED = ("TH", "KR", "VN", "KH", "LA", "MM", "MY", "SG", "ID", "PH", "BN", "CN")
EXAMPLES = _examples_of((*SERVED, "US", "GB", "IT", "AR", "JP", "RU", "BY", "LT"))


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str | None]:
    """An example number of a region, a digit or two changed, written with or without its
    trunk prefix, "+" and calling code or an international prefix, separators here and there;
    read in its region, another or none."""
    region, code, nsn, trunk = draw(st.sampled_from(EXAMPLES))
    digits = list(nsn)
    for _ in range(draw(st.integers(0, 2))):
        digits[draw(st.integers(0, len(digits) - 1))] = str(draw(st.integers(0, 9)))
    head = draw(st.sampled_from(("", trunk, f"+{code}", f"+{code} ", f"{code}", f"00{code}")))
    out = [head]
    for digit in digits:
        out.append(digit)
        out.append(draw(st.sampled_from(("", "", "", " ", "-", ".", "(", ")"))))
    country = draw(st.sampled_from((region, region, None, "TH", "KR")))
    return "".join(out), country


@settings(max_examples=600, deadline=None)
@given(written_numbers())
def test_written_numbers_answer_as_one_by_one(case: tuple[str, str | None]) -> None:
    _agree_one(*case)


def test_off_with_the_phone_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # SCAMLINK_PHONE_FAST=0 (phone_fast.ENABLED false) turns the lean reading off as well.
    monkeypatch.setattr(phone_fast, "ENABLED", False)
    assert batch_read.read_phones(["+66 81 234 5678", "081-234-5678"], "TH") == [None, None]


def test_the_batch_cache_keeps_at_most_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "_PHONES_MAX", 100)
    values = _batch_values(7)[:250]
    index = MembershipIndex.empty()
    answered = service._answers(index, values, "TH", PUBLIC)
    assert all(a.type == "phone" for a in answered)  # the batch's own reads, all of them
    assert list(service._PHONES["TH"]) == values[-100:]  # the newest kept
    again = service._answers(index, values[:10], "TH", PUBLIC)
    assert [a.query for a in again] == values[:10]
    # Those ten did not fit with the hundred kept: the memory started afresh with them.
    assert list(service._PHONES["TH"]) == values[:10]
    # Another country's values: the first country's go (the bound is for all of them).
    service._answers(index, ["+82 10 1234 5678", *values[:95]], "KR", PUBLIC)
    assert set(service._PHONES) == {"KR"}
    assert len(service._PHONES["KR"]) == 96


def test_concurrent_batches_share_the_cache_safely(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches answered in several threads at once (the server's thread pool), the cache
    evicting all the while: no error, and every answer is the one-by-one answer."""
    monkeypatch.setattr(service, "_PHONES_MAX", 150)
    index = MembershipIndex.empty()
    batches = [_batch_values(offset)[:400] for offset in range(20, 28)]

    def answer(values: list[str]) -> list[tuple[str, str | None]]:
        got = []
        for _ in range(5):
            got = [(a.query, a.canonical) for a in service._answers(index, values, "TH", PUBLIC)]
        return got

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads switch often: a race, if any, shows
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(answer, batches))
    finally:
        sys.setswitchinterval(interval)
    for values, got in zip(batches, results, strict=True):
        expected = [service._answer_or_invalid(index, v, "TH", PUBLIC) for v in values]
        assert got == [(a.query, a.canonical) for a in expected]


def test_a_service_batch_answers_with_facts_as_one_by_one(engine: Engine, tmp_path: Path) -> None:
    """Through the service on each store: the batch's answers (facts included) for an analyst
    and the public are the single lookups' answers."""
    add(engine, "known", (phone_key("+66812345678"),))
    add(engine, "amber-other", (phone_key("+66823456789"),), agency="RTP", tlp=Tlp.AMBER)
    add(engine, "amber-own", (phone_key("+821012345678"),), tlp=Tlp.AMBER)
    lookups = service.LookupService(
        engine, LiveIndex(engine, tmp_path, embargo=timedelta(hours=24))
    )
    lookups.live.ready()
    values = [
        "081-234-5678",
        "+66 82 345 6789",
        "+82 10 1234 5678",
        "010-1234-5678",
        "+66 81 999 0000",
        "+66 81 234 5678",
        "2024-05-17",
        "x",
    ]
    for viewer in (ANALYST, PUBLIC):
        batch = lookups.lookup_many(values, viewer, "th")
        for text, answer in zip(values, batch, strict=True):
            try:
                one = lookups.lookup(text, viewer, "th")
            except query.InvalidQuery:
                assert answer.verdict is Verdict.INVALID
                continue
            assert not _differences(answer, one), (text, viewer, _differences(answer, one))
    known = lookups.lookup_many(values, ANALYST, "TH")
    assert known[0].facts is not None
    assert known[0].verdict is Verdict.REPORTED  # a police report
    assert known[1].verdict is Verdict.UNKNOWN  # another agency's AMBER report
    assert known[2].facts is not None  # the analyst's own AMBER report
