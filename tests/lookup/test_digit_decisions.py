"""`digit_decisions` answers what `re` answers, for the phone metadata's own patterns."""

from __future__ import annotations

import random
import re

import pytest

from scamlink.indicators import phone_fast
from scamlink.lookup import digit_decisions
from scamlink.lookup.digit_decisions import (
    MAX_DIGITS,
    Decisions,
    Mode,
    Unsupported,
    literal,
    parse,
)


def _metadata_patterns() -> list[str]:
    """Every general, fixed-line, mobile and leading-digits pattern of every region."""
    found: set[str] = set()
    for region in sorted(phone_fast._SUPPORTED):
        meta = phone_fast._region_meta(region)
        if meta is None:
            continue
        descs = (meta.general, meta.fixed_line, meta.mobile)
        found.update(d.pattern.text for d in descs if d is not None and d.pattern is not None)
        found.update(f.leading.text for f in meta.formats if f.leading is not None)
    return sorted(found)


def _digits(rng: random.Random, starts: list[str]) -> str:
    size = rng.randint(0, MAX_DIGITS)
    head = rng.choice(starts) if starts and rng.random() < 0.6 else ""
    return (head + "".join(rng.choice("0123456789") for _ in range(size)))[:MAX_DIGITS]


def _starts(pattern: str) -> list[str]:
    """Digits that lead into the pattern's branches (so that the random strings reach deep)."""
    return re.findall(r"(?<![\[\\{,])\d{1,4}", pattern)


def test_every_metadata_pattern_answers_as_re_does() -> None:
    rng = random.Random(20261129)
    patterns = _metadata_patterns()
    assert len(patterns) > 1_000  # the whole metadata, not a few
    supported = 0
    for text in patterns:
        try:
            decisions = Decisions([(text, Mode.FULL), (text, Mode.PREFIX)], lambda a, n: a)
        except Unsupported:
            continue
        supported += 1
        compiled = re.compile(text)
        starts = _starts(text)
        for _ in range(40):
            digits = _digits(rng, starts)
            expected = (compiled.fullmatch(digits) is not None, compiled.match(digits) is not None)
            assert decisions.get(digits) == expected, (text, digits)
    assert supported >= 0.95 * len(patterns)


@pytest.mark.parametrize(
    ("pattern", "digits", "full", "prefix"),
    [
        ("(?:14|[89]\\d)\\d{5}", "8123456", True, True),
        ("(?:14|[89]\\d)\\d{5}", "81234567", False, True),
        ("(?:14|[89]\\d)\\d{5}", "1512345", False, False),
        ("1\\d{7,9}", "1234567890", True, True),
        ("1\\d{7,9}", "12345678901", False, True),
        ("", "", True, True),
        ("", "123", False, True),
        ("[2-9]\\d*", "2", True, True),
        ("[2-9]\\d*", "0123", False, False),
        ("0?1", "1", True, True),
        ("(?:0|1)+2", "01012", True, True),
        ("[^\\d]\\d", "12", False, False),  # a class of no digit never takes one
        ("(?i)1.3", "123", True, True),  # flags change nothing for digits
    ],
)
def test_known_answers(pattern: str, digits: str, full: bool, prefix: bool) -> None:
    decisions = Decisions([(pattern, Mode.FULL), (pattern, Mode.PREFIX)], lambda a, n: a)
    assert decisions.get(digits) == (full, prefix)
    assert (re.fullmatch(pattern, digits) is not None, re.match(pattern, digits) is not None) == (
        full,
        prefix,
    )


def test_a_deciding_prefix_is_kept_once() -> None:
    calls: list[int] = []

    def finish(answers: tuple[bool, ...], size: int) -> tuple[bool, ...]:
        calls.append(size)
        return answers

    decisions = Decisions([("(?:14|[89]\\d)\\d{5}", Mode.FULL)], finish)
    assert decisions.get("8123456") == (True,)
    made = len(calls)  # one table: every length after the first digit
    assert decisions.get("8999999") == (True,)
    assert decisions.get("89999999") == (False,)
    assert len(calls) == made


def test_longer_than_a_number_is_not_answered() -> None:
    decisions = Decisions([("\\d+", Mode.FULL)], lambda a, n: a)
    assert decisions.get("1" * MAX_DIGITS) == (True,)
    assert decisions.get("1" * (MAX_DIGITS + 1)) is None


@pytest.mark.parametrize("pattern", ["^1", "1$", "(?=1)1", "(?<=1)1", "(1)\\1", "\\w1", "\\b1"])
def test_what_is_not_modelled_is_refused(pattern: str) -> None:
    with pytest.raises(Unsupported):
        parse(pattern)


def test_literal() -> None:
    assert literal("0") == "0"
    assert literal("0549") == "0549"
    assert literal("0|1") is None
    assert literal("0(8)?") is None
    assert literal("[08]") is None


def test_past_the_budget_a_new_prefix_is_not_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    decisions = Decisions([("[2-9]\\d{6}", Mode.FULL), ("0\\d{8}", Mode.FULL)], lambda a, n: a)
    assert decisions.get("2345678") == (True, False)  # its table made and kept
    monkeypatch.setattr(digit_decisions, "BUDGET", digit_decisions._kept[0])  # full now
    assert decisions.get("2999999") == (True, False)  # a prefix kept before still answers
    assert decisions.get("012345678") is None  # a new one does not: the caller's patterns do


def test_equal_answers_are_one_object() -> None:
    decisions = Decisions(
        [("[2-9]\\d{6}", Mode.FULL)], lambda a, n: ("mobile" if a[0] else "no", n > 3)
    )
    first, second = decisions.get("2345678"), decisions.get("3456789")
    assert first == ("mobile", True)
    assert first is second  # two prefixes' tables share the answer
