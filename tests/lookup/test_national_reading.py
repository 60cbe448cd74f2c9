"""A calling code's table (`national_reading`) reads every number as the regular expressions
do: `_Plan.read` against `_Plan._read_by_patterns`, for every calling code the lean steps
take, on the metadata's example numbers written with and without the national prefix and on
digits that follow them."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from scamlink.indicators import phone_fast
from scamlink.lookup import batch_read, digit_decisions
from scamlink.lookup.national_reading import SKIP

KINDS = (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE)


def _plans() -> list[batch_read._Plan]:
    plans = []
    for code in sorted(c for c in phone_fast._CODES if c > 0):
        plan = batch_read._plan_of_code(code)
        if isinstance(plan, batch_read._Plan):
            plans.append(plan)
    return plans


def _nationals(plan: batch_read._Plan, rng: random.Random) -> list[str]:
    """Example numbers of the region, with its national prefix, cut, lengthened and changed in
    one digit, and random digits."""
    examples = []
    for kind in KINDS:
        number = phonenumbers.example_number_for_type(plan.region, kind)
        if number is not None:
            examples.append(str(number.national_number))
    prefix = plan.meta.national_prefix
    found = [*examples, *(f"{prefix.text}{e}" for e in examples)] if prefix else list(examples)
    for example in list(found):
        for _ in range(6):
            at = rng.randrange(len(example))
            changed = example[:at] + rng.choice("0123456789") + example[at + 1 :]
            found += [changed, example[: rng.randint(1, len(example))], example + str(at)]
    found += [
        "".join(rng.choice("0123456789") for _ in range(rng.randint(2, 17))) for _ in range(60)
    ]
    return found


def test_every_calling_code_reads_as_its_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    # Room for every table, whatever other tests in this process kept: the tables answer.
    monkeypatch.setattr(digit_decisions, "BUDGET", 1 << 40)
    rng = random.Random(29)
    plans = _plans()
    with_table = [p for p in plans if p.reading is not None]
    assert len(with_table) >= 0.9 * len(plans)
    read = 0
    for plan in with_table:
        for national in _nationals(plan, rng):
            for nationally in (True, False):
                expected = (
                    plan._read_by_patterns(national, nationally) if len(national) >= 2 else None
                )
                assert plan.read(national, nationally) == expected, (plan.region, national)
                read += expected is not None and not isinstance(expected, str)
    assert read > 1_000  # most examples are numbers the lean steps read


def test_thailand_reads_from_its_table() -> None:
    plan = batch_read._plan_for_region("TH")
    assert isinstance(plan, batch_read._Plan)
    assert plan.reading is not None
    mobile = batch_read._fact("TH", PhoneNumberType.MOBILE)
    assert plan.read("0812345678", nationally=True) == ("+66812345678", "+66 81 234 5678", mobile)
    assert plan.read("812345678", nationally=False) == ("+66812345678", "+66 81 234 5678", mobile)
    assert plan.read("001800123456", nationally=True) == batch_read._GENERIC  # an IDD
    reading = plan.reading.get("0812345678")
    assert reading is not None
    assert reading[0] == 1  # the national prefix stripped
    short = plan.reading.get("08123")
    assert short is not None
    assert short[0] == SKIP  # too short for a Thai number: the long way says why


def test_a_transform_rule_keeps_the_patterns() -> None:
    # Argentina strips its national prefix by a rule that rewrites the number: no table.
    plan = batch_read._plan_for_region("AR")
    assert isinstance(plan, batch_read._Plan)
    assert plan.reading is None
    example = phonenumbers.example_number_for_type("AR", PhoneNumberType.FIXED_LINE)
    assert example is not None
    number = str(example.national_number)
    answer = plan.read(number, nationally=False)
    assert answer is not None
    assert answer == plan._read_by_patterns(number, False)
