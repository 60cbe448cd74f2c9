"""A batch's phone numbers read in one tight pass: the same reading as `query.detect`, without
its layers, for the values that are plainly a phone number.

A partner's batch is mostly numbers never seen before ("+66 81 234 5678", "081-234-5678"), and
`query.detect` reads each through a dozen layers made for any kind of value (its kind sniffed
by patterns, the written form read for dates and amounts, the number validated, then read again
for its line type, each step behind its own cache and objects): ≈ 40 µs a value. A value that is
only an optional "+" or "(", ASCII digits and the separators " -.()" takes the same steps here
directly — the separators deleted, then phone_fast's parse, line type and international format
on the region's compiled metadata (`phone_fast._Meta`) — and its key's hash and warninglist.
Those steps' tests (international prefix, national prefix, line type, format) are answered
for most calling codes by one table looked up by the number's first digits and its length
(`national_reading`: ≈ 3.5 µs a value in all instead of ≈ 5); where the table cannot be made,
each pattern is matched once and its answer reused (the national prefix's test of the general
pattern is the line type's first test).

Only numbers that are valid as written are read here (more than six digits, a region or a "+",
no fallback to an international reading, no national number with a leading zero); anything else
— a reason to give, a short code, a date, a bank account, another kind of value — is left to
`query.detect` (None), whose answer it then is. Within that, a region whose metadata has a shape
the lean steps do not take (a calling code shared by several regions, a national prefix with a
transform rule, a number written with an international prefix or with its own calling code but
no "+") is read with phone_fast's own functions, the ones `phone.check_bare` calls. The
differential test (tests/lookup/test_batch_read.py) compares both readings field by field.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from itertools import pairwise

from phonenumbers import PhoneNumberType

from scamlink.indicators import phone, phone_fast
from scamlink.indicators.types import IndicatorType
from scamlink.indicators.warninglists import WARNINGLISTS
from scamlink.lookup.keys import key_hashes
from scamlink.lookup.national_reading import (
    SKIP,
    SPECIAL,
    Shape,
    literal_prefix,
    national_reading,
)
from scamlink.lookup.query import _LINE_TYPES, MAX_QUERY_LENGTH, PhoneFacts

# One value read: (the value stripped, its E.164 key, its display, the warninglist holding it
# or None, its country and line type as an index into `PHONE_FACTS`, `keys.key_hash` of the
# key). A plain tuple of strings and numbers: a batch makes 10,000 of them, and the
# cyclic collector stops tracking such tuples.
PhoneRead = tuple[str, str, str, str | None, int, int]

_MAX_SHORT = 6  # phone._MAX_SHORT: at most this many digits is a short code (the long way)
_MAX_NSN = 17  # phonenumberutil._MAX_LENGTH_FOR_NSN: parse refuses a longer number
_UNKNOWN = phone_fast.UNKNOWN
_FIXED = PhoneNumberType.FIXED_LINE
_MOBILE = PhoneNumberType.MOBILE
_EITHER = PhoneNumberType.FIXED_LINE_OR_MOBILE
# The shape read here: an optional "+" or "(", a digit, then at least four digits or
# separators, shorter than any wallet — what query._detect reads as a number first.
_SHAPE = re.compile(r"[+(]?[0-9][0-9 \-.()]{4,23}")
# A date's separator where read_number looks for one: read_number decides.
_DATE_SEPARATORS = frozenset("-.")
_Match = Callable[[str], "re.Match[str] | None"]
# A number format's pattern of digit groups only: "(\\d{2})(\\d{3,4})(\\d)(\\d+)".
_DIGIT_GROUPS = re.compile(r"(?:\(\\d(?:\{\d+(?:,\d*)?\}|\+)?\))+")


def _listed_phones() -> dict[str, str]:
    # warninglist_hit for a phone: the first list (in their order) whose exact values hold it.
    listed: dict[str, str] = {}
    for wl in WARNINGLISTS:
        if wl.match == "exact" and IndicatorType.PHONE.value in wl.types:
            for value in sorted(wl.values):
                listed.setdefault(value, wl.name)
    return listed


_LISTED = _listed_phones()
# Each (country, line type) once: `PhoneRead` holds its index.
PHONE_FACTS: list[PhoneFacts] = []
_FACT_IDS: dict[tuple[str | None, int], int] = {}
_FACTS_LOCK = threading.Lock()


def _fact(region: str | None, kind: int) -> int:
    found = _FACT_IDS.get((region, kind))
    return _fact_id(region, kind) if found is None else found


def _fact_id(region: str | None, kind: int) -> int:
    with _FACTS_LOCK:
        found = _FACT_IDS.get((region, kind))
        if found is None:
            PHONE_FACTS.append(PhoneFacts(region, _LINE_TYPES.get(kind, "unknown")))
            found = _FACT_IDS[(region, kind)] = len(PHONE_FACTS) - 1
        return found


def _full(pattern: phone_fast._Pattern | None) -> _Match | None:
    return None if pattern is None else pattern.compiled().fullmatch


class _Plan:
    """One calling code's compiled metadata, laid out for the lean steps (a calling code of
    one region only: its region's metadata is the one parse, classification and format use)."""

    __slots__ = (
        "chooser",
        "code",
        "display_prefix",
        "fixed_full",
        "fixed_lengths",
        "formats",
        "general_full",
        "general_lengths",
        "idd_match",
        "keep_lengths",
        "layouts",
        "meta",
        "mobile_full",
        "mobile_lengths",
        "plus_code",
        "prefix_match",
        "reading",
        "region",
        "same_mobile_and_fixed_line",
        "sliced",
        "special_full",
        "strips_by_regex",
    )

    def __init__(self, code: int, region: str, meta: phone_fast._Meta) -> None:
        self.code = code
        self.region = region
        self.meta = meta
        self.plus_code = f"+{code}"
        self.display_prefix = f"+{code} "
        self.idd_match = meta.idd.compiled().match if meta.idd is not None else None
        # A transform rule: the national prefix is stripped by meta.strip_national_prefix.
        prefix = meta.national_prefix
        self.prefix_match = (
            prefix.compiled().match if prefix is not None and meta.transform is None else None
        )
        # _Meta.number_length: the stripped number is kept unless too short, local only or of
        # an impossible length (too long keeps it).
        self.keep_lengths = frozenset(
            n
            for n in range(phone_fast._MAX_INPUT + 1)
            if meta.number_length("0" * n)
            not in (phone_fast._TOO_SHORT, phone_fast._LOCAL_ONLY, phone_fast._INVALID_LENGTH)
        )
        general = meta.general
        assert general is not None  # _compile refuses metadata without it
        self.general_lengths = general.lengths
        self.general_full = _full(general.pattern)
        self.special_full = _full(meta.special_any)
        fixed, mobile = meta.fixed_line, meta.mobile
        self.fixed_lengths = fixed.lengths if fixed is not None else frozenset()
        self.fixed_full = _full(fixed.pattern) if fixed is not None else None
        self.mobile_lengths = mobile.lengths if mobile is not None else frozenset()
        self.mobile_full = _full(mobile.pattern) if mobile is not None else None
        self.same_mobile_and_fixed_line = meta.same_mobile_and_fixed_line
        chooser = meta.leading_any.compiled() if meta.leading_any is not None else None
        # format_international's choice in one match, where the alternation has one group per
        # format; else format_international itself.
        self.chooser = (
            chooser.match if chooser is not None and chooser.groups == len(meta.formats) else None
        )
        # Per format: its pattern's match, and its rule as a template where _Format.apply
        # would use the template (it cannot match the empty text).
        self.formats = tuple(
            (
                f.pattern.compiled().match,
                f.template if f.pattern.compiled().match("") is None else None,
            )
            for f in meta.formats
        )
        # A format's pattern made of digit groups only ("(\\d{2})(\\d{3})(\\d{3,4})", as every
        # one is) matches a number of digits by its length alone: per (format, length), where
        # the groups are cut and the template as a %-format (None: the pattern's own match).
        self.sliced = tuple(
            _DIGIT_GROUPS.fullmatch(f.pattern.text) is not None for f in meta.formats
        )
        self.layouts: dict[int, tuple[str | None, tuple[int, ...]]] = {}
        # A national prefix that is no literal string is stripped by its regular expression
        # (`read`), the rest from the table.
        self.strips_by_regex = self.prefix_match is not None and literal_prefix(meta) is None
        # Every test of `read`, answered from the number's first digits and length where the
        # patterns allow (None: by the regular expressions).
        self.reading = national_reading(
            Shape(
                meta,
                region,
                self.keep_lengths,
                self.general_lengths,
                self.fixed_lengths,
                self.mobile_lengths,
                self.same_mobile_and_fixed_line,
            ),
            _fact_id,
        )

    def read(self, national: str, nationally: bool) -> tuple[str, str, int] | str | None:
        """(E.164 key, display, `PHONE_FACTS` index) of the number after the calling code;
        None: read it the long way; `_GENERIC`: parse's way (written `nationally` but with an
        international prefix or the calling code)."""
        if len(national) < 2:
            return None
        table = self.reading
        reading = table.get(national) if table is not None else None
        if reading is None or table is None:
            return self._read_by_patterns(national, nationally)
        if reading[4] and nationally:  # an international prefix or the calling code
            return _GENERIC
        strip = reading[0]
        if self.strips_by_regex:
            found = self.prefix_match(national) if self.prefix_match is not None else None
            if found is not None:
                # nsn: the prefix stays when the number stops fitting the general pattern
                # without it, or when the rest has a length the region does not keep.
                rest = national[found.end() :]
                rest_reading = table.get(rest)
                if rest_reading is None:
                    return self._read_by_patterns(national, nationally)
                viable, rest_ok = reading[5], rest_reading[5]
                if not (viable and not rest_ok) and len(rest) in self.keep_lengths:
                    reading = rest_reading
                    strip = found.end() if rest_reading[0] != SKIP else SKIP
        if strip == SKIP:
            return None
        _, kind, lead, fact, _, _ = reading
        nsn = national[strip:] if strip else national
        if kind == SPECIAL:
            kind = self.meta.line_type(nsn)
            if kind == _UNKNOWN:
                return None
            fact = _fact(self.region, kind)
        return self.plus_code + nsn, self.display(nsn, lead), fact

    def _read_by_patterns(
        self, national: str, nationally: bool
    ) -> tuple[str, str, int] | str | None:
        """`read` by the regular expressions, one test after another."""
        idd = self.idd_match
        if nationally and (
            (idd is not None and idd(national) is not None)
            or national.startswith(self.plus_code[1:])
        ):
            return _GENERIC
        nsn, general_ok = self.nsn(national)
        if len(nsn) > _MAX_NSN or nsn[0] == "0":
            return None
        kind = self.line_type(nsn, general_ok)
        if kind == _UNKNOWN:
            return None
        return self.plus_code + nsn, self.display(nsn), _fact(self.region, kind)

    def nsn(self, national: str) -> tuple[str, bool | None]:
        """parse's national significant number of `national` (the number after its calling
        code, or written nationally), and whether it matches the general pattern when that was
        tested on the way (None: not tested)."""
        match = self.prefix_match
        if match is None:
            if self.meta.national_prefix is None:
                return national, None
            stripped = self.meta.strip_national_prefix(national)
            return (stripped if len(stripped) in self.keep_lengths else national), None
        found = match(national)
        if found is None:
            return national, None
        # _Meta.strip_national_prefix without a transform rule, its tests kept for the line type
        general = self.general_full
        viable = general is not None and general(national) is not None
        rest = national[found.end() :]
        rest_general = general is not None and general(rest) is not None
        if (viable and not rest_general) or len(rest) not in self.keep_lengths:
            return national, viable
        return rest, rest_general

    def line_type(self, nsn: str, general_ok: bool | None) -> int:
        """_Meta.line_type, the general pattern's answer reused where known."""
        size = len(nsn)
        lengths = self.general_lengths
        if lengths and size not in lengths:
            return _UNKNOWN
        if general_ok is None:
            general = self.general_full
            general_ok = general is not None and general(nsn) is not None
        if not general_ok:
            return _UNKNOWN
        special = self.special_full
        if special is not None and special(nsn) is not None:
            return self.meta.line_type(nsn)  # which special type: the library's order
        fixed = self.fixed_full
        if (
            fixed is not None
            and (not self.fixed_lengths or size in self.fixed_lengths)
            and fixed(nsn) is not None
        ):
            if self.same_mobile_and_fixed_line or self._mobile(nsn, size):
                return _EITHER
            return _FIXED
        if not self.same_mobile_and_fixed_line and self._mobile(nsn, size):
            return _MOBILE
        return _UNKNOWN

    def _mobile(self, nsn: str, size: int) -> bool:
        mobile = self.mobile_full
        return (
            mobile is not None
            and (not self.mobile_lengths or size in self.mobile_lengths)
            and mobile(nsn) is not None
        )

    def display(self, nsn: str, lead: int = -1) -> str:
        """format_international(code, nsn). `lead`: the format to lay it out in (1-based; 0:
        none fits), where the table knows it; -1: the chooser's group, the first format
        format_international tries."""
        if lead < 0:
            chooser = self.chooser
            if chooser is None:
                return phone_fast.format_international(self.code, nsn)
            found = chooser(nsn)
            lead = 0 if found is None or found.lastindex is None else found.lastindex
        if not lead:
            return self.display_prefix + nsn
        # The first format whose leading digits fit (format_international tries no other one
        # where it matches the whole number).
        size = len(nsn)
        key = lead * 32 + size  # an nsn has at most 17 digits
        layout = self.layouts.get(key)
        if layout is None:
            layout = self.layouts[key] = self._layout(lead - 1, size)
        text, cuts = layout
        if text is not None:
            if len(cuts) == 2:
                b, c = cuts
                return text % (nsn[:b], nsn[b:c], nsn[c:])
            if len(cuts) == 1:
                return text % (nsn[: cuts[0]], nsn[cuts[0] :])
            if len(cuts) == 3:
                b, c, d = cuts
                return text % (nsn[:b], nsn[b:c], nsn[c:d], nsn[d:])
            bounds = (0, *cuts, size)
            return text % tuple(nsn[x:y] for x, y in pairwise(bounds))
        match, template = self.formats[lead - 1]
        m = match(nsn)
        # Its pattern matching the whole number: the template laid out as _Format.apply does.
        if m is not None and template is not None and m.end() == size:
            return self.display_prefix + template.format(*m.groups(""))
        return phone_fast.format_international(self.code, nsn)

    def _layout(self, which: int, size: int) -> tuple[str | None, tuple[int, ...]]:
        """How format `which` lays out a number of `size` digits: the %-format (the display
        prefix and the template's literals) and where its groups are cut, or (None, ()) for
        the pattern's own match (not digit groups only, no template, or no whole match)."""
        match, template = self.formats[which]
        if not self.sliced[which] or template is None:
            return None, ()
        m = match("0" * size)
        if m is None or m.end() != size or m.re.groups < 2:
            return None, ()
        groups = m.re.groups
        # The template must take the groups once each, in order: then it is a %-format.
        probe = template.replace("%", "%%").format(*(f"\x00{i}\x01" for i in range(groups)))
        if re.findall(r"\x00(\d+)\x01", probe) != [str(i) for i in range(groups)]:
            return None, ()
        text = self.display_prefix.replace("%", "%%") + re.sub(r"\x00\d+\x01", "%s", probe)
        return text, tuple(m.start(i) for i in range(2, groups + 1))


_GENERIC = "generic"  # a calling code or region phone_fast's own functions read
_NONE = "none"  # no calling code: parse refuses the number
_BY_PREFIX: dict[str, _Plan | str] = {}  # the first three digits after "+"
_BY_REGION: dict[str, _Plan | str] = {}
_BY_CODE: dict[int, _Plan | str] = {}


def _plan_of_code(code: int) -> _Plan | str:
    found = _BY_CODE.get(code)
    if found is None:
        found = _BY_CODE[code] = _new_plan(code)
    return found


def _new_plan(code: int) -> _Plan | str:
    regions = phone_fast._CODES[code]
    if len(regions) != 1:
        return _GENERIC  # a shared code: the region is chosen by the number
    try:
        meta = phone_fast._meta(code, regions[0])
    except phone_fast.Unhandled:
        return _GENERIC
    if meta is None or meta.country_code != code:
        return _GENERIC
    return _Plan(code, regions[0], meta)


def _plan_for_prefix(digits: str) -> _Plan | str:
    found = _BY_PREFIX.get(digits)
    if found is None:
        for size in (1, 2, 3):  # phone_fast._split_country_code
            code = phone_fast._CODE_OF.get(digits[:size])
            if code is not None:
                found = _plan_of_code(code)
                break
        else:
            found = _NONE
        _BY_PREFIX[digits] = found
    return found


def _plan_for_region(region: str) -> _Plan | str:
    found = _BY_REGION.get(region)
    if found is None:
        found = _GENERIC
        if region in phone_fast._SUPPORTED:
            try:
                meta = phone_fast._region_meta(region)
            except phone_fast.Unhandled:
                meta = None
            if meta is not None and phone_fast._CODES.get(meta.country_code) == (region,):
                found = _plan_of_code(meta.country_code)
        _BY_REGION[region] = found
    return found


def _generic(number: str, country: str | None) -> tuple[str, str, str | None, int]:
    """(key, display, country, line type) by phone_fast's functions, or raise _Skip."""
    try:
        parsed = phone_fast.parse(number, None if number[0] == "+" else country)
        if parsed is None or parsed[1][:1] == "0":
            raise _Skip
        code, nsn = parsed
        region, kind = phone_fast.classify(code, nsn)
        if kind == _UNKNOWN:
            raise _Skip
        return f"+{code}{nsn}", phone_fast.format_international(code, nsn), region, kind
    except phone_fast.Unhandled:
        raise _Skip from None


class _Skip(Exception):
    """The value is read the long way."""


def _bare_numbers(raws: list[str]) -> list[str]:
    """Each value with its separators deleted (all at once: one text for the batch)."""
    joined = "\n".join(raws)
    if joined.count("\n") == len(raws) - 1:  # no value holds a line break
        return _delete_separators(joined).split("\n")
    return [_delete_separators(raw) for raw in raws]


def _delete_separators(text: str) -> str:
    # " -.()" deleted (str.replace is several times faster than str.translate)
    return text.replace(" ", "").replace("-", "").replace(".", "").replace("(", "").replace(")", "")


def read_phones(texts: Sequence[str], country: str | None) -> list[PhoneRead | None]:
    """Each text read as a phone number where it plainly is one (None: read it the long way).
    `country` upper-case, as the service passes it."""
    if not phone_fast.ENABLED or not texts:
        return [None] * len(texts)
    raws = [text.strip(" ") for text in texts]
    out: list[tuple[str, str, str, str | None, int] | None] = []
    append = out.append
    keys: list[str] = []
    shape = _SHAPE.fullmatch
    dates = _DATE_SEPARATORS
    listed_of = _LISTED.get
    by_prefix = _BY_PREFIX
    home = _plan_for_region(country) if country else _NONE
    for text, raw, number in zip(texts, raws, _bare_numbers(raws), strict=True):
        if shape(raw) is None or "(." in raw or len(text) > MAX_QUERY_LENGTH:
            append(None)  # not plainly a number (or too long before stripped: refused)
            continue
        # A date is at most ten characters with a separator at one of these places.
        if (
            len(raw) <= 10
            and (raw[1:2] in dates or raw[2:3] in dates or raw[4:5] in dates)
            and isinstance(phone.read_number(raw), str)
        ):
            append(None)  # read_number gives its reason
            continue
        nationally = number[0] != "+"
        if not nationally:
            digits = number[1:]
            if len(digits) <= _MAX_SHORT:
                append(None)
                continue
            plan = by_prefix.get(digits[:3]) or _plan_for_prefix(digits[:3])
            if plan is _NONE:
                append(None)  # no calling code
                continue
            national = digits[len(plan.plus_code) - 1 :] if type(plan) is _Plan else ""
        else:
            if len(number) <= _MAX_SHORT or home is _NONE:
                append(None)  # a short code, or no country to read it in
                continue
            plan = home
            national = number
        got = plan.read(national, nationally) if type(plan) is _Plan else _GENERIC
        if got is None:
            append(None)
            continue
        if isinstance(got, tuple):
            value, display, fact = got
        else:  # parse's way
            try:
                value, display, region, kind = _generic(number, country)
            except _Skip:
                append(None)
                continue
            fact = _fact(region, kind)
        append((raw, value, display, listed_of(value), fact))
        keys.append(value)
    # The keys' hashes at once (`keys.key_hashes`), each added to its reading.
    hashes = iter(key_hashes(keys))
    return [None if read is None else (*read, next(hashes)) for read in out]
