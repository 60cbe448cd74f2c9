"""The phone number steps `phone._check` needs, read from phonenumbers' own metadata, fast.

`phonenumbers.parse`, `is_valid_number`, `format_number` and `number_type` are general: they
take any text, look patterns up by string on every call and walk every number type. The numbers
`phone._check` hands over always have one shape — an optional "+" and ASCII digits — so the
same steps can be taken on that shape alone, with each region's metadata (the library's data:
`PhoneMetadata` for a region or a non-geographic calling code) compiled once, on first use:

- `parse(number, region)`: the (calling code, national significant number) that
  `phonenumbers.parse` gives, or None where it raises — the international prefix of the region
  ("00", "001"…), the region's own calling code written without "+", the national prefix
  (and its transform rule) kept only where the possible lengths allow it, the main region of a
  shared calling code (+1, +7, +44…) for the national prefix, leading zeros kept;
- `classify(cc, nsn)`: the region (`region_code_for_number`: the first of a shared code's
  regions whose leading digits or patterns fit) and the line type (`number_type`);
  valid (`is_valid_number`) means the type is not UNKNOWN;
- `format_international(cc, nsn)`: `format_number(..., INTERNATIONAL)`.

Each function follows the library's code step by step; a shape it does not cover (a region the
library does not know, an input longer than the library accepts, metadata in a form the steps do
not expect) raises `Unhandled`, and the caller takes the library's path. The differential tests
(tests/indicators/test_phone_fast.py) compare the result with the library's on generated numbers
of every region the product serves.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberDesc, PhoneNumberType

# On unless SCAMLINK_PHONE_FAST=0: that turns the fast path off for a process (phone.py and the
# lookup's line type then take phonenumbers' functions), to compare outputs and timings.
ENABLED = os.environ.get("SCAMLINK_PHONE_FAST", "1") != "0"

UNKNOWN = PhoneNumberType.UNKNOWN
_NON_GEO = phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY
_MIN_NSN = 2  # phonenumberutil._MIN_LENGTH_FOR_NSN
_MAX_NSN = 17  # phonenumberutil._MAX_LENGTH_FOR_NSN
_MAX_INPUT = 250  # phonenumberutil._MAX_INPUT_STRING_LENGTH
_CODES = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
_CODE_OF = {str(code): code for code in _CODES if code > 0}
_SUPPORTED = phonenumbers.SUPPORTED_REGIONS

# _test_number_length's answers that matter to parse: the stripped number is kept unless too
# short, local only or of an impossible length.
_KEEP, _TOO_SHORT, _LOCAL_ONLY, _INVALID_LENGTH, _TOO_LONG = range(5)


class Unhandled(Exception):
    """The number or its metadata has a shape these steps do not cover: use phonenumbers."""


class _Pattern:
    """One of the metadata's patterns, compiled on first use: a number reaches only a few of
    its region's patterns, and a first reading of a number may look at any calling code's."""

    __slots__ = ("_compiled", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        c = self._compiled
        if c is None:
            c = self._compiled = re.compile(self.text)
        return c

    def full(self, number: str) -> bool:
        c = self._compiled
        if c is None:
            c = self._compiled = re.compile(self.text)
        return c.fullmatch(number) is not None

    def prefix(self, number: str) -> bool:
        c = self._compiled
        if c is None:
            c = self._compiled = re.compile(self.text)
        return c.match(number) is not None


@dataclass(frozen=True, slots=True)
class _Desc:
    """A PhoneNumberDesc: its possible lengths (empty: any) and its pattern."""

    lengths: frozenset[int]
    pattern: _Pattern | None  # None: never matches

    def fits(self, nsn: str) -> bool:
        # _is_number_matching_desc
        if self.lengths and len(nsn) not in self.lengths:
            return False
        return self.pattern is not None and self.pattern.full(nsn)


@dataclass(frozen=True, slots=True)
class _Format:
    leading: _Pattern | None  # the last leading-digits pattern (matched as a prefix)
    pattern: _Pattern
    rule: str
    # The rule as a str.format template ("\\1 \\2" → "{0} {1}"), where it is only literals and
    # single-digit group references: the number is then laid out without re's template engine.
    template: str | None

    def apply(self, nsn: str) -> str:
        # _format_nsn_using_pattern: re.sub(pattern, rule, nsn), the pattern having matched
        # the whole number.
        pattern = self.pattern.compiled()
        if self.template is not None:
            m = pattern.match(nsn)
            # One match over the whole number, and no empty match after it: one replacement
            # (a group that took no part gives "", as in re.sub).
            if m is not None and m.end() == len(nsn) and pattern.match("") is None:
                return self.template.format(*m.groups(""))
        return pattern.sub(self.rule, nsn)


_GROUP_REF = re.compile(r"\\(\d)")


def _template(rule: str) -> str | None:
    pieces = []
    at = 0
    for ref in _GROUP_REF.finditer(rule):
        text = rule[at : ref.start()]
        if "\\" in text or ref.group(1) == "0" or rule[ref.end() : ref.end() + 1].isdigit():
            return None  # an escape, "\\0" (a character), or a reference reading on ("\\12")
        pieces.append(_literal(text) + "{" + str(int(ref.group(1)) - 1) + "}")
        at = ref.end()
    if "\\" in rule[at:]:
        return None
    pieces.append(_literal(rule[at:]))
    return "".join(pieces)


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@dataclass(frozen=True, slots=True)
class _Meta:
    """One PhoneMetadata, compiled."""

    country_code: int
    country_code_text: str
    general_pattern: _Pattern | None  # _match_national_number against general_desc
    general: _Desc | None
    special: tuple[tuple[int, _Desc], ...]  # premium rate … voicemail, in the library's order
    # All of special's patterns as one alternation: a number none of them matches (most: the
    # mobile and fixed-line ones) is past them in one step instead of eight.
    special_any: _Pattern | None
    fixed_line: _Desc | None
    mobile: _Desc | None
    same_mobile_and_fixed_line: bool
    leading_digits: _Pattern | None
    idd: _Pattern | None
    national_prefix: _Pattern | None
    prefix_groups: int
    transform: str | None
    lengths: tuple[int, ...]  # general_desc.possible_length (the library keeps them sorted)
    local_lengths: tuple[int, ...]
    formats: tuple[_Format, ...]  # for the INTERNATIONAL format
    # The formats' leading-digit patterns as one alternation, one group each, in order: its
    # match names the first format whose leading digits fit, in one step.
    leading_any: _Pattern | None

    def matches_general(self, number: str) -> bool:
        return self.general_pattern is not None and self.general_pattern.full(number)

    def number_length(self, number: str) -> int:
        # _test_number_length(number, metadata) for the UNKNOWN type (the general description)
        actual = len(number)
        if actual in self.local_lengths:
            return _LOCAL_ONLY
        lengths = self.lengths
        if lengths[0] == actual:
            return _KEEP
        if lengths[0] > actual:
            return _TOO_SHORT
        if lengths[-1] < actual:
            return _TOO_LONG
        return _KEEP if actual in lengths[1:] else _INVALID_LENGTH

    def strip_national_prefix(self, number: str) -> str:
        # _maybe_strip_national_prefix_carrier_code, the number part
        prefix = self.national_prefix
        if not number or prefix is None:
            return number
        found = prefix.compiled().match(number)
        if found is None:
            return number
        viable = self.matches_general(number)
        if self.transform is None or found.groups()[self.prefix_groups - 1] is None:
            rest = number[found.end() :]
            if viable and not self.matches_general(rest):
                return number
            return rest
        transformed = prefix.compiled().sub(self.transform, number, count=1)
        if viable and not self.matches_general(transformed):
            return number
        return transformed

    def line_type(self, nsn: str) -> int:
        # _number_type_helper
        if self.general is None or not self.general.fits(nsn):
            return UNKNOWN
        if self.special_any is not None and self.special_any.full(nsn):
            for kind, desc in self.special:
                if desc.fits(nsn):
                    return kind
        if self.fixed_line is not None and self.fixed_line.fits(nsn):
            if self.same_mobile_and_fixed_line:
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            if self.mobile is not None and self.mobile.fits(nsn):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if (
            not self.same_mobile_and_fixed_line
            and self.mobile is not None
            and self.mobile.fits(nsn)
        ):
            return PhoneNumberType.MOBILE
        return UNKNOWN


def _pattern(text: str | None) -> _Pattern | None:
    return _Pattern(text) if text else None


def _desc(desc: PhoneNumberDesc | None) -> _Desc | None:
    if desc is None:
        return None
    # A description without a pattern never matches (_match_national_number).
    return _Desc(frozenset(desc.possible_length or ()), _pattern(desc.national_number_pattern))


def _compile(meta: PhoneMetadata) -> _Meta:
    general = meta.general_desc
    if general is None or not general.possible_length:
        raise Unhandled(f"no possible lengths for {meta.id}")
    special_descs = (
        (PhoneNumberType.PREMIUM_RATE, meta.premium_rate),
        (PhoneNumberType.TOLL_FREE, meta.toll_free),
        (PhoneNumberType.SHARED_COST, meta.shared_cost),
        (PhoneNumberType.VOIP, meta.voip),
        (PhoneNumberType.PERSONAL_NUMBER, meta.personal_number),
        (PhoneNumberType.PAGER, meta.pager),
        (PhoneNumberType.UAN, meta.uan),
        (PhoneNumberType.VOICEMAIL, meta.voicemail),
    )
    special = tuple((kind, d) for kind, raw in special_descs if (d := _desc(raw)) is not None)
    alternatives = [d.pattern.text for _, d in special if d.pattern is not None]
    special_any = _Pattern("|".join(f"(?:{a})" for a in alternatives)) if alternatives else None
    prefix = _pattern(meta.national_prefix_for_parsing)
    # Counting the groups needs the pattern compiled; most regions have a national prefix, and
    # most numbers read in a region go through it.
    groups = prefix.compiled().groups if prefix is not None else 0
    transform = meta.national_prefix_transform_rule or None
    if transform is not None and groups == 0:
        raise Unhandled(f"a transform rule without groups for {meta.id}")
    compiled_formats = []
    for f in meta.intl_number_format or meta.number_format:
        if f.pattern is None or f.format is None:
            raise Unhandled(f"a number format without pattern or rule for {meta.id}")
        leading = f.leading_digits_pattern
        compiled_formats.append(
            _Format(
                _Pattern(leading[-1]) if leading else None,
                _Pattern(f.pattern),
                f.format,
                _template(f.format),
            )
        )
    if meta.country_code is None:
        raise Unhandled(f"no calling code for {meta.id}")
    return _Meta(
        country_code=meta.country_code,
        country_code_text=str(meta.country_code),
        general_pattern=_pattern(general.national_number_pattern),
        general=_desc(general),
        special=special,
        special_any=special_any,
        fixed_line=_desc(meta.fixed_line),
        mobile=_desc(meta.mobile),
        same_mobile_and_fixed_line=bool(meta.same_mobile_and_fixed_line_pattern),
        leading_digits=_pattern(meta.leading_digits),
        idd=_pattern(meta.international_prefix),
        national_prefix=prefix,
        prefix_groups=groups,
        transform=transform,
        lengths=tuple(general.possible_length),
        local_lengths=tuple(general.possible_length_local_only or ()),
        formats=tuple(compiled_formats),
        leading_any=_Pattern(
            "|".join(f"({f.leading.text if f.leading else ''})" for f in compiled_formats)
        )
        if compiled_formats
        else None,
    )


_REGIONS: dict[str, _Meta | None] = {}
_NON_GEO_META: dict[int, _Meta | None] = {}


def _region_meta(region: str) -> _Meta | None:
    """The compiled metadata of a region (None where the library has none)."""
    try:
        return _REGIONS[region]
    except KeyError:
        pass
    raw = PhoneMetadata.metadata_for_region(region, None)
    compiled = None if raw is None else _compile(raw)
    _REGIONS[region] = compiled
    return compiled


def _meta(country_code: int, region: str | None) -> _Meta | None:
    # PhoneMetadata.metadata_for_region_or_calling_code
    if region == _NON_GEO:
        try:
            return _NON_GEO_META[country_code]
        except KeyError:
            raw = PhoneMetadata.metadata_for_nongeo_region(country_code, None)
            compiled = None if raw is None else _compile(raw)
            _NON_GEO_META[country_code] = compiled
            return compiled
    if region is None:
        return None
    return _region_meta(region)


def _split_country_code(digits: str) -> tuple[int, str]:
    # _extract_country_code: the first one, two or three digits that are a calling code (no
    # code starts with 0, so the written digits are the code's decimal form)
    for size in (1, 2, 3):
        code = _CODE_OF.get(digits[:size])
        if code is not None:
            return code, digits[size:]
        if size >= len(digits):
            break
    return 0, digits


def parse(number: str, region: str | None) -> tuple[int, str] | None:
    """`phonenumbers.parse(number, region)` for `number` = an optional "+" and ASCII digits
    (at least two): (calling code, national significant number), or None where it raises.
    Raises Unhandled for anything else."""
    plus = number[:1] == "+"
    digits = number[1:] if plus else number
    if len(number) > _MAX_INPUT or len(digits) < 2 or not (digits.isascii() and digits.isdigit()):
        raise Unhandled(number)
    if plus:
        if len(digits) < 3:
            raise Unhandled(number)  # the library's viability pattern wants three digits
        # An international number: the region given plays no part.
        code, national = _split_country_code(digits)
        if code == 0:
            return None
        meta = _meta(code, _CODES[code][0])
    else:
        if region is None or region not in _SUPPORTED:
            raise Unhandled(number)
        home = _region_meta(region)
        if home is None:
            raise Unhandled(number)
        code, national = _country_code_in(digits, home)
        if code < 0:
            return None
        if code == 0:
            code, national, meta = home.country_code, digits, home
        else:
            main = _CODES[code][0]
            meta = home if main == region else _meta(code, main)
    if meta is None:
        raise Unhandled(number)
    if len(national) < _MIN_NSN:
        return None
    stripped = meta.strip_national_prefix(national)
    if meta.number_length(stripped) not in (_TOO_SHORT, _LOCAL_ONLY, _INVALID_LENGTH):
        national = stripped
    if len(national) > _MAX_NSN:
        return None
    return code, national


def _country_code_in(digits: str, home: _Meta) -> tuple[int, str]:
    """_maybe_extract_country_code for digits without "+" read in a region: (code, the rest),
    (0, "") when there is none, (-1, "") where the library raises."""
    idd = home.idd.compiled().match(digits) if home.idd is not None else None
    if idd is not None:
        rest = digits[idd.end() :]
        if rest[:1] != "0":  # a country code never starts with 0: then it was no prefix
            if len(rest) <= _MIN_NSN:
                return -1, ""
            code, national = _split_country_code(rest)
            return (code, national) if code else (-1, "")
    code_text = home.country_code_text
    if digits.startswith(code_text):
        national = home.strip_national_prefix(digits[len(code_text) :])
        if (
            not home.matches_general(digits) and home.matches_general(national)
        ) or home.number_length(digits) == _TOO_LONG:
            return home.country_code, national
    return 0, ""


_CLASSES: dict[int, tuple[tuple[str, _Meta | None], ...]] = {}


def _regions_of(code: int) -> tuple[tuple[str, _Meta | None], ...]:
    try:
        return _CLASSES[code]
    except KeyError:
        regions = tuple((r, _meta(code, r)) for r in _CODES[code])
        _CLASSES[code] = regions
        return regions


@lru_cache(maxsize=1 << 12)
def classify(code: int, nsn: str) -> tuple[str | None, int]:
    """(`region_code_for_number`, `number_type`) of a parsed number; valid
    (`is_valid_number`) when the type is not UNKNOWN. The last few thousand are remembered: the
    lookup asks again for the line type of the number it has just validated."""
    if code not in _CODES:
        return None, UNKNOWN
    regions = _regions_of(code)
    if len(regions) == 1:
        region, meta = regions[0]
        return region, (UNKNOWN if meta is None else meta.line_type(nsn))
    for region, meta in regions:
        # _region_code_for_number_from_list
        if meta is None:
            continue
        if meta.leading_digits is not None:
            if meta.leading_digits.prefix(nsn):
                return region, meta.line_type(nsn)
        else:
            kind = meta.line_type(nsn)
            if kind != UNKNOWN:
                return region, kind
    return None, UNKNOWN


def is_valid(code: int, nsn: str) -> bool:
    return classify(code, nsn)[1] != UNKNOWN


def format_international(code: int, nsn: str) -> str:
    """`format_number(number, INTERNATIONAL)` of a parsed number (no extension)."""
    if code not in _CODES:
        return nsn
    meta = _meta(code, _CODES[code][0])
    if meta is None:
        raise Unhandled(f"+{code}")
    formats = meta.formats
    first = 0
    if meta.leading_any is not None:
        # The formats before the first whose leading digits fit are skipped (their groups are
        # the alternation's only ones where it compiles to as many groups as formats).
        chooser = meta.leading_any.compiled()
        if chooser.groups == len(formats):
            found = chooser.match(nsn)
            if found is None or found.lastindex is None:
                return f"+{code} {nsn}"
            first = found.lastindex - 1
    for f in formats[first:]:
        # _choose_formatting_pattern_for_number
        if (f.leading is None or f.leading.prefix(nsn)) and f.pattern.full(nsn):
            return f"+{code} {f.apply(nsn)}"
    return f"+{code} {nsn}"


def facts_for_e164(value: str) -> tuple[str | None, int] | None:
    """(`region_code_for_number`, `number_type`) of a canonical E.164 key, or None where the
    key has a shape left to phonenumbers (a national number with a leading zero, which `parse`
    may read differently)."""
    digits = value[1:]
    if not ENABLED or value[:1] != "+" or not (digits.isascii() and digits.isdigit()):
        return None
    code, nsn = _split_country_code(digits)
    if code == 0 or not nsn or nsn[0] == "0":
        return None
    try:
        return classify(code, nsn)
    except Unhandled:
        return None
