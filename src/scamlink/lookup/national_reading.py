"""A number's reading after its calling code, decided from its first digits and its length:
whether it was written with an international prefix, the national prefix to strip, its line
type and its format — every test `batch_read._Plan` makes with a regular expression, asked of
one table (`digit_decisions.Decisions`) instead.

The tests are phrased on the national number as written, so one lookup answers all of them:
the national prefix (a literal such as "0") is a PREFIX test, the general pattern after it is
`0(?:general)`, and each of the line type's and the chooser's tests is asked twice, of the
number as it is and of the number after the prefix; `finish` then takes the answers the
library's steps would take (`_Plan.nsn`, `line_type`, `display`'s choice). A region whose
patterns or national prefix the derivatives do not model (a transform rule, a prefix that is
not a literal) gets None and keeps the regular expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from phonenumbers import PhoneNumberType

from scamlink.indicators import phone_fast
from scamlink.lookup.digit_decisions import MAX_DIGITS, Decisions, Mode, Unsupported, literal

UNKNOWN = phone_fast.UNKNOWN
SPECIAL = -1  # a special number's type (premium rate …): the library's order decides
SKIP = -1  # `strip` of a number the lean steps do not read (the long way)

# What the table says of a number: (digits to strip — SKIP: read the long way —, the line
# type or SPECIAL, the format its international display uses — 1-based, 0: none —, the
# PHONE_FACTS index or -1 for SPECIAL, whether it starts with an international prefix or the
# calling code — asked only of a number written nationally —, whether the general pattern
# takes the number read: a national prefix that is no literal is stripped by `_Plan.read`,
# which compares the number with and without it)
Reading = tuple[int, int, int, int, bool, bool]


@dataclass(frozen=True, slots=True)
class Shape:
    """What a calling code's metadata says, as `_Plan` holds it."""

    meta: phone_fast._Meta
    region: str
    keep_lengths: frozenset[int]
    general_lengths: frozenset[int]
    fixed_lengths: frozenset[int]
    mobile_lengths: frozenset[int]
    same_mobile_and_fixed_line: bool


def literal_prefix(meta: phone_fast._Meta) -> str | None:
    """The national prefix when it is a literal string of digits ("" when there is none),
    None when it is a pattern: the table strips the first, `_Plan.read` the second by its
    regular expression."""
    if meta.national_prefix is None:
        return ""
    return literal(meta.national_prefix.text)


def national_reading(
    shape: Shape, fact_id: Callable[[str | None, int], int]
) -> Decisions[Reading] | None:
    """The table for a calling code, or None where the derivatives cannot answer."""
    try:
        return _Tests(shape, fact_id).decisions()
    except Unsupported:
        return None


class _Tests:
    """The list of tests and where each answer sits."""

    def __init__(self, shape: Shape, fact_id: Callable[[str | None, int], int]) -> None:
        meta = shape.meta
        if meta.general is None or meta.general.pattern is None:
            raise Unsupported("no general pattern")
        self.shape = shape
        self.fact_id = fact_id
        self.tests: list[tuple[str, Mode]] = []
        self.at_idd = self._add(meta.idd.text if meta.idd else None, Mode.PREFIX)
        self.at_code = self._add(str(meta.country_code), Mode.PREFIX)
        if meta.national_prefix is not None and meta.transform is not None:
            raise Unsupported("a national prefix with a transform rule")
        # None: not a literal ("0(8(?:[1-46-8]|5\\d\\d))?": Korea's carrier codes); the table
        # reads the number as given, and `_Plan.read` strips by the regular expression.
        prefix = literal_prefix(meta) or ""
        self.prefix = prefix
        general = meta.general.pattern.text
        self.at_prefix = self._add(prefix or None, Mode.PREFIX)
        self.at_general = self._add(general, Mode.FULL)
        self.at_rest_general = self._add(f"{prefix}(?:{general})" if prefix else None, Mode.FULL)
        # The number's own tests, then (with a national prefix) the same after the prefix.
        self.variants = [self._variant("")]
        if prefix:
            self.variants.append(self._variant(prefix))

    def _add(self, pattern: str | None, mode: Mode) -> int:
        if pattern is None:
            return -1
        self.tests.append((pattern, mode))
        return len(self.tests) - 1

    def _variant(self, before: str) -> tuple[int, int, int, int, list[tuple[int, int]]]:
        """Where the answers for the number after `before` sit: (leading zero, special,
        fixed line, mobile, each format's leading digits and pattern)."""
        meta = self.shape.meta

        def after(pattern: phone_fast._Pattern | None, mode: Mode) -> int:
            if pattern is None:
                return -1
            return self._add(f"{before}(?:{pattern.text})" if before else pattern.text, mode)

        zero = self._add(f"{before}0", Mode.PREFIX)
        special = after(meta.special_any, Mode.FULL)
        fixed = after(meta.fixed_line.pattern if meta.fixed_line else None, Mode.FULL)
        mobile = after(meta.mobile.pattern if meta.mobile else None, Mode.FULL)
        # format_international's choice: the first format whose leading digits fit and
        # whose pattern takes the whole number.
        formats = [
            (
                self._add(f"{before}(?:{lead})" if before else lead, Mode.PREFIX),
                after(f.pattern, Mode.FULL),
            )
            for f in meta.formats
            for lead in [f.leading.text if f.leading else ""]
        ]
        return zero, special, fixed, mobile, formats

    def decisions(self) -> Decisions[Reading]:
        return Decisions(self.tests, self.finish)

    def finish(self, answers: tuple[bool, ...], size: int) -> Reading:
        shape = self.shape
        international = (self.at_idd >= 0 and answers[self.at_idd]) or answers[self.at_code]
        # _Plan.nsn: the prefix is stripped unless the number stops fitting the general pattern
        # or the rest has a length the region does not keep.
        strip, general_ok = 0, answers[self.at_general]
        if self.prefix and answers[self.at_prefix]:
            rest_ok = answers[self.at_rest_general]
            rest = size - len(self.prefix)
            if not (general_ok and not rest_ok) and rest in shape.keep_lengths:
                strip, general_ok = len(self.prefix), rest_ok
        zero, special, fixed, mobile, formats = self.variants[1 if strip else 0]
        lead = next((i + 1 for i, (a, b) in enumerate(formats) if answers[a] and answers[b]), 0)
        length = size - strip
        if length > MAX_DIGITS or answers[zero]:
            return SKIP, UNKNOWN, lead, -1, international, general_ok
        kind = self._line_type(answers, length, general_ok, special, fixed, mobile)
        if kind == UNKNOWN:
            return SKIP, UNKNOWN, lead, -1, international, general_ok
        fact = -1 if kind == SPECIAL else self.fact_id(shape.region, kind)
        return strip, kind, lead, fact, international, general_ok

    def _line_type(
        self,
        answers: Sequence[bool],
        length: int,
        general_ok: bool,
        special: int,
        fixed: int,
        mobile: int,
    ) -> int:
        """`_Plan.line_type` by the answers."""
        shape = self.shape
        if (shape.general_lengths and length not in shape.general_lengths) or not general_ok:
            return UNKNOWN
        if special >= 0 and answers[special]:
            return SPECIAL
        is_mobile = (
            mobile >= 0
            and (not shape.mobile_lengths or length in shape.mobile_lengths)
            and answers[mobile]
        )
        if (
            fixed >= 0
            and (not shape.fixed_lengths or length in shape.fixed_lengths)
            and answers[fixed]
        ):
            either = shape.same_mobile_and_fixed_line or is_mobile
            return PhoneNumberType.FIXED_LINE_OR_MOBILE if either else PhoneNumberType.FIXED_LINE
        if is_mobile and not shape.same_mobile_and_fixed_line:
            return PhoneNumberType.MOBILE
        return UNKNOWN
