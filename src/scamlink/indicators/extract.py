"""Finding indicators in free text (report narratives, chat logs, SMS) in any of the brief's
languages: `extract(text, country) -> list[Found]`.

Every candidate is found by a regex without nested unbounded quantifiers (each repetition is
bounded, so the work per position is bounded and a text costs time linear in its length), then
validated and canonicalised by the same normalisers as the structured fields. Passes run from the
most specific to the least, and a character claimed by one finding is not reused by a later pass:
messaging links and labelled handles, wallets, e-mail addresses, links and domains, bank accounts
(a number next to a bank name), phone numbers (not when the context says money, a date or time, or
a case/order/reference number).

Offsets are code-point offsets (Python `str` indices) into the ORIGINAL text: `text[start:end]`
is `display`. Invisible format characters (zero-width, bidi marks) are ignored while matching and
may sit inside `display`; `canonicalise(type, strip_invisible(display), country)` gives `value`
(except for a Zalo number, which is Vietnamese when written without a country code).

Speed (docs/performance.md): `re` jumps through a text in C only to where a pattern's first
character can be, and only when that first character is plain (no leading lookaround, no
re.IGNORECASE). So the word tries (bank names, platform labels) spell each word's first letter
out in all its cases and match the rest under a scoped (?i:…) (trie.py), lookbehinds come after
the first character, patterns that cannot be written so are tried only where a one-character
start pattern finds them (scan.py), and a phone candidate is validated once per number
(phone_memo.py). In an ASCII text the patterns for words (bank names, platform labels, messaging
links, e-mail addresses) are tried only between words (`_after_boundary`,
`scan.matches_after_boundary`): re then stops at the few characters between words, not at nearly
every letter. Digit patterns say [0-9], not "\\d": the prepared text's digits are ASCII, and an
ASCII class is one table lookup per character. The tests compare every such fast path with the
plain one it replaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from scamlink.indicators.accounts import canonical_bank_account
from scamlink.indicators.banks import BANKS, COUNTRIES
from scamlink.indicators.context import money_after, not_a_phone
from scamlink.indicators.crypto import canonical_wallet, wallet_matches
from scamlink.indicators.handles import PLATFORM_LABELS, handle_values
from scamlink.indicators.phone_memo import phone_value
from scamlink.indicators.scan import matches_after_boundary, matches_from
from scamlink.indicators.text import Prepared, needs_preparing, prepare
from scamlink.indicators.trie import bmp, case_atoms, case_class, literal_atoms, trie_pattern
from scamlink.indicators.types import Indicator, IndicatorType, InvalidIndicator
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.indicators.web import (
    Host,
    canonical_email,
    canonical_host,
    domain_indicators,
    parse_url,
)

T = IndicatorType
Hit = tuple[Indicator, str | None]  # an indicator and the warninglist it is on
_FAILURES = (InvalidIndicator, ValueError, UnicodeError)


@dataclass(frozen=True, slots=True)
class Found:
    """One indicator found in a text: canonical `value`, the exact original substring
    `display` = text[start:end] (code-point offsets), and the warninglist it is on, if any."""

    type: IndicatorType
    value: str
    display: str
    start: int
    end: int
    warninglist: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "type": self.type.value,
            "value": self.value,
            "display": self.display,
            "start": self.start,
            "end": self.end,
            "warninglist": self.warninglist,
        }


# --- patterns (all repetitions bounded) --------------------------------------------------------

_DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))"
# Combining marks (Thai, Lao, Khmer, Burmese vowel signs and tones, Latin diacritics) are not
# \w in Python but are part of words (and of IDN labels).
MARKS = (
    "\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
    "\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d\u1071-\u1074"
    "\u1082-\u108d\u108f\u109a-\u109d\u17b4-\u17d3\u17dd"
)
_MARK_RE = re.compile("[" + MARKS + "]")
_HOST_CHARS_RE = re.compile(r"[\w\-." + MARKS + "]{1,256}")  # \w: str.isalnum() or "_"
_LABEL = r"[^\W_](?:[\w\-" + MARKS + r"]{0,61}(?:[^\W_]|[" + MARKS + r"]))?"
_TLD = r"(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9\-]{1,59})"
_IPV4 = r"(?:\d{1,3}" + _DOT + r"){3}\d{1,3}"
_SCHEME = r"(?:h(?:tt|xx|\*\*)ps?|ftp|fxp)(?:://|\[://\]|\[:\]//)"
URL_FIND_RE = re.compile(
    r"(?:(?<![A-Za-z0-9])(?P<scheme>" + _SCHEME + r")|(?<![\w\-.@\[(]))"
    r"(?P<host>(?:" + _LABEL + _DOT + r"){1,8}" + _TLD + r"|" + _IPV4 + r")"
    r"(?![A-Za-z0-9\-])"
    r"(?P<port>:\d{1,5})?"
    r"(?P<tail>[/?#][!-~]{0,2000})?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"”’)]}>"
_AT = r"(?:@|\s?\[@\]\s?|\s?\(@\)\s?|\s?\[at\]\s?|\s?\(at\)\s?)"
EMAIL_FIND_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}"
    + _AT
    + r"(?:"
    + _LABEL
    + _DOT
    + r"){1,8}"
    + _TLD
    + r"(?![A-Za-z0-9\-])",
    re.IGNORECASE,
)
# Where an address's "@" (or "[at]", "(@)"…) can be: _email_matches starts from these.
_AT_ANCHOR_RE = re.compile(r"@|[\[(](?:@|[Aa][Tt])[\])]")
# An address's local part read backwards from its "@": up to 64 characters (65: too long),
# the characters EMAIL_FIND_RE's IGNORECASE class takes (the Kelvin sign and long s too).
_LOCAL_BACK_RE = re.compile(case_class(r"[A-Za-z0-9._%+\-]") + "{1,65}")
_LOCAL_FIRST = frozenset(re.findall(case_class("[A-Za-z0-9]"), bmp()))
HANDLE_LINK_RE = re.compile(
    r"(?<![A-Za-z0-9_.\-/])(?:https?://)?(?:www\.)?"
    r"(?:t\.me|telegram\.me|telegram\.dog|line\.me/(?:r/)?ti/p|open\.kakao\.com/(?:o|me)|"
    r"(?:chat\.)?zalo\.me|wa\.me|(?:api\.)?whatsapp\.com/send/?\?phone=)"
    r"/?[A-Za-z0-9_~@+%\-./=]{1,80}",
    re.IGNORECASE,
)
# Where HANDLE_LINK_RE can start: the first letter of a scheme, "www." or a messaging host, not
# glued to the word before (the lookbehind is HANDLE_LINK_RE's, checked over that letter).
_HANDLE_LINK_START_RE = re.compile(
    case_class("[hwtlocza]") + "(?<!" + case_class(r"[A-Za-z0-9_.\-/]") + ".)"
)
_HANDLE_LINK_AFTER_RE = re.compile(r"[^A-Za-z0-9_.\-/][hwtloczaHWTLOCZA]")


def _words_pattern(words: set[str], separator: str, boundary: str, guard: bool = True) -> str:
    """Latin-initial words must start a word and Latin-final ones end it; others match
    anywhere (Korean, Thai, Chinese... are written without spaces). Case-insensitive, to be
    compiled without re.IGNORECASE (see trie.py: this lets re skip between first letters).
    With guard=False the start of a Latin word is not checked (_after_boundary does it)."""
    edge = case_class(boundary)

    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    def atoms(w: str) -> list[str]:
        end = "(?!" + edge + ")" if latin(w[-1]) else ""
        out = literal_atoms(w.lower(), separator, end)
        if latin(w[0]) and guard:
            # Not glued to the word before: checked once the first letter is taken (a
            # lookbehind over it and the character before).
            out.insert(1, "(?<!" + edge + ".)")
        return out

    cases = case_atoms(w.lower() for w in words)

    def first_letters(w: str) -> str:
        return cases.get(re.escape(w[0].lower()), w[0])

    latin_firsts = {ch for w in words if latin(w[0]) for ch in first_letters(w)}
    other_firsts = {ch for w in words if not latin(w[0]) for ch in first_letters(w)}
    if latin_firsts & other_firsts:  # the lookbehind would then depend on the branch order
        raise ValueError(f"names start with the same letter in two scripts: {words}")
    return trie_pattern((atoms(w) for w in words), cases)


def _label_alternation() -> str:
    labels = {label for group in PLATFORM_LABELS.values() for label in group}
    return _words_pattern(labels, r"\s?", "[A-Za-z0-9_]")


def _after_boundary(words: set[str], separator: str, boundary: str) -> re.Pattern[str]:
    """Latin-initial `words` as one character that is not `boundary` and then the word:
    the match starts one character before the word. In Latin text `re` then stops only at
    the few characters between words, where the word patterns stop at nearly every letter
    (and test "not glued to the word before" there). See _bounded_search."""
    latin = {w for w in words if w[0].isascii() and w[0].isalnum()}
    not_edge = "[^" + case_class(boundary)[1:]
    return re.compile(not_edge + "(?:" + _words_pattern(latin, separator, boundary, False) + ")")


def _bounded_search(
    bounded: re.Pattern[str], pattern: re.Pattern[str], s: str, start: int, end: int
) -> re.Match[str] | None:
    """pattern.search(s, start, end) for a pattern whose matches in `s` are Latin words that
    do not follow a word character (`boundary`), where `bounded` is _after_boundary's pattern
    of the same words: a match at q > 0 is a boundary at q - 1 and the word at q."""
    if start == 0:
        found = pattern.match(s, 0, end)
        if found is not None:
            return found
        hit = bounded.search(s, 0, end)
    else:
        hit = bounded.search(s, start - 1, end)
    return None if hit is None else pattern.match(s, hit.start() + 1, end)


HANDLE_LABEL_RE = re.compile(
    r"(?P<label>" + _label_alternation() + r")(?i:"
    r"(?P<id>\s?(?:id|아이디|ไอดี|号|账号|帳號|번호|number|no\.?)(?![A-Za-z]))?"
    r"\s{0,2}(?P<sep>[:：=\-]?)\s{0,2}"
    r"(?P<handle>\+?\(?\d[\d \-().]{5,18}\d(?![0-9])"
    r"|@?[A-Za-z0-9][A-Za-z0-9._\-]{2,31}(?![A-Za-z0-9_])))"
)
# Latin labels that are also everyday words or abbreviations need "ID", ":" or "@" (or capitals).
_AMBIGUOUS = frozenset({"line", "tg", "tele", "wa", "vx", "wx"})
_NOT_HANDLES = frozenset(
    re.split(
        r"\s+",
        "channel group groups account app apps chat chats and the with call calls user bot bots "
        "number contact message messages web online only link links id di dan ke ng sa para "
        "qua voi cua va kepada dengan untuk yang oleh ini itu",
    )
)
# (The scanning patterns run on the prepared text, whose digits are all ASCII: [0-9] is \d
# there, and a class of ASCII characters is one table lookup per character, \d a Unicode one.)
_ACCOUNT_RUN_RE = re.compile(r"[0-9](?<![A-Za-z0-9][0-9])(?:[ \-.]?[0-9]){5,39}(?![A-Za-z0-9])")
_FILLER_BLOCK_RE = re.compile(
    r"\d|[.!?。！？\n]\s|번호|전화|폰|phone|tel|โทร|เบอร์|số|nomor|hp\b|wa\b|电话|手机|call",
    re.IGNORECASE,
)


def _bank_alias_re(keep: Callable[[str], bool] = lambda form: True) -> re.Pattern[str]:
    forms = {a.strip() for b in BANKS for a in (b.code, b.name, *b.names) if a.strip()}
    kept = {form for form in forms if keep(form)}
    return re.compile(_words_pattern(kept, r"[\s\-_.·/]{0,3}", "[A-Za-z0-9]"))


def _latin_initial(form: str) -> bool:
    return form[0].isascii() and form[0].isalnum()


# Bank names in two patterns, by their first letter: Latin, and every other script. At a
# possible first letter re runs through every branch of the pattern, so two patterns of half
# the branches each cost less than one (see _bank_aliases).
_LATIN_BANK_RE = _bank_alias_re(_latin_initial)
_OTHER_BANK_RE = _bank_alias_re(lambda form: not _latin_initial(form))
_BANK_FORMS = {a.strip() for b in BANKS for a in (b.code, b.name, *b.names) if a.strip()}
_LATIN_BANK_BOUNDED_RE = _after_boundary(_BANK_FORMS, r"[\s\-_.·/]{0,3}", "[A-Za-z0-9]")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3}){1,6}")
_COUNTRY_BEFORE_RE = re.compile(r"(?<![A-Za-z])([A-Z]{2})\s{1,2}$")
_BANK_AFTER_RE = re.compile(r"\s{0,2}[(（]")
_CLOSE_RE = re.compile(r"[)）]")
# A number: an optional "+" or "00", an optional "(", digits, then up to six more groups. The
# first character is taken first (so re skips to the next "+", "(" or digit) and the branch is
# chosen by a lookbehind on it, in the order "(?:\+|00)?\(?\d{1,15}" would try them.
_PHONE_FIND_RE = re.compile(
    r"[+(0-9](?<![A-Za-z0-9+_].)"
    r"(?:(?<=\+)\(?[0-9]{1,15}|(?<=0)0\(?[0-9]{1,15}|(?<=\()[0-9]{1,15}|(?<=[0-9])[0-9]{0,14})\)?"
    r"(?:[ \-.\u00a0/]{1,2}\(?[0-9]{1,12}\)?){0,6}(?![0-9])"
)
_PHONE_GROUP_SEP_RE = re.compile(r"[ \u00a0]+")
_HOST_SEP_RE = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\.", re.IGNORECASE)


# --- the pass state ----------------------------------------------------------------------------


# Found without its generated __init__ (a frozen dataclass sets each field through
# object.__setattr__): the slots' own setters, half the cost for the same object.
_FIELD_SETTERS: tuple[Callable[[Found, object], None], ...] = tuple(
    Found.__dict__[name].__set__
    for name in ("type", "value", "display", "start", "end", "warninglist")
)
_new_object = object.__new__


def _new_found(
    kind: IndicatorType, value: str, display: str, start: int, end: int, warninglist: str | None
) -> Found:
    found: Found = _new_object(Found)
    set_type, set_value, set_display, set_start, set_end, set_warninglist = _FIELD_SETTERS
    set_type(found, kind)
    set_value(found, value)
    set_display(found, display)
    set_start(found, start)
    set_end(found, end)
    set_warninglist(found, warninglist)
    return found


class _Pass:
    def __init__(self, original: str, prepared: Prepared | None, country: str) -> None:
        # prepared is None when the text needs no preparing (most texts): offsets are the same.
        self.original = original
        self.p = prepared
        self.s = prepared.text if prepared is not None else original
        self.plain = prepared.plain if prepared is not None else original
        self.country = country
        self.claimed = bytearray(len(self.s))
        self.found: list[Found] = []

    def free(self, start: int, end: int) -> bool:
        return self.claimed.find(1, start, end) < 0

    def claim(self, start: int, end: int) -> None:
        self.claimed[start:end] = b"\x01" * (end - start)

    def add(self, hit: Hit, start: int, end: int) -> None:
        indicator, warninglist = hit
        if self.p is not None:
            start, end = self.p.original(start), self.p.original_end(end)
        self.found.append(
            _new_found(
                indicator.type, indicator.value, self.original[start:end], start, end, warninglist
            )
        )


def _try(call: Callable[[], list[Indicator]]) -> list[Indicator]:
    try:
        return call()
    except _FAILURES:
        return []


_CANONICAL: dict[str, Callable[[str, str], list[Indicator]]] = {
    "handle": lambda raw, country: handle_values(raw, country),
    "wallet": lambda raw, country: [canonical_wallet(raw)],
    "email": lambda raw, country: [canonical_email(raw)],
    "account": lambda raw, country: [canonical_bank_account(raw, country)],
    "phone": lambda raw, country: [phone_value(raw, country)],
    "host": lambda raw, country: domain_indicators(canonical_host(_refang_host(raw))),
}


def _hits(indicators: list[Indicator]) -> tuple[Hit, ...]:
    return tuple((ind, warninglist_hit(ind)) for ind in indicators)


@lru_cache(maxsize=1 << 15)
def _canonical(kind: str, raw: str, country: str) -> tuple[Hit, ...]:
    """The indicators of one candidate, each with its warninglist (empty when it is none); the
    same values recur, so the outcome is remembered. 32 k entries (≈ 18 MB) are full within the
    first fifth of a million-report import and hit as often as 64 k did (60 %)."""
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return ()  # a lone surrogate inside: not text, as canonicalise() says too
    handler = _CANONICAL[kind]
    return _hits(_try(lambda: handler(raw, country)))


def _trim(text: str, start: int, end: int) -> int:
    """Drop trailing sentence punctuation and an unbalanced closing bracket from a link."""
    while end > start and text[end - 1] in _TRAILING:
        ch = text[end - 1]
        if ch == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        if ch == "]" and text.count("[", start, end) >= text.count("]", start, end):
            break
        end -= 1
    return end


# --- passes ------------------------------------------------------------------------------------


def _handle_links(run: _Pass) -> None:
    s = run.s
    if "/" not in s or not _LINK_HINT_RE.search(s):
        return
    matches = (
        matches_after_boundary(_HANDLE_LINK_AFTER_RE, HANDLE_LINK_RE, s)
        if s.isascii()
        else matches_from(_HANDLE_LINK_START_RE, HANDLE_LINK_RE, s)
    )
    for m in matches:
        start, end = m.start(), _trim(s, m.start(), m.end())
        if not run.free(start, end):
            continue
        found = _canonical("handle", run.plain[start:end], run.country)
        if not found:
            continue
        run.claim(start, end)
        for hit in found:
            if hit[0].type is T.PHONE:
                n = _LINK_NUMBER_RE.search(s[start:end])
                a, b = (start + n.start(), start + n.end()) if n else (start, end)
                run.add(hit, a, b)
            else:
                run.add(hit, start, end)


def _handle_labels(run: _Pass) -> None:
    s = run.s
    for m in _label_matches(s):
        label = _SPACES_RE.sub("", m.group("label")).lower()
        handle = m.group("handle")
        h_start, h_end = m.start("handle"), m.end("handle")
        if handle[0].isdigit() or handle[0] in "+(":
            h_end = _trim(s, h_start, h_end)
        else:
            while h_end > h_start and s[h_end - 1] in ".-":
                h_end -= 1
            bare = s[h_start:h_end].lstrip("@").lower()
            if bare in _NOT_HANDLES:
                continue
            # An everyday word after "line"/"wa"/"tg" is not a handle; a handle-shaped one is.
            shaped = any(c.isdigit() or c in "._" for c in bare)
            marked = m.group("id") or m.group("sep") or handle.startswith("@") or shaped
            if label in _AMBIGUOUS and not marked and not m.group("label").isupper():
                continue
        start = m.start()
        if not run.free(start, h_end):
            continue
        bank = _bank_alias_at(s, start)
        if bank is not None and bank.end() >= h_end:
            continue  # "Kakao Bank", "LINE Bank": a bank's name, not a handle
        found = _canonical("handle", run.plain[start:h_end], run.country)
        if not found:
            continue
        run.claim(start, h_end)
        for hit in found:
            if hit[0].type is T.PHONE:
                run.add(hit, h_start, h_end)
            else:
                run.add(hit, start, h_end)


_LABEL_BOUNDED_RE = _after_boundary(
    {label for group in PLATFORM_LABELS.values() for label in group}, r"\s?", "[A-Za-z0-9_]"
)


def _label_matches(s: str) -> Iterator[re.Match[str]]:
    """HANDLE_LABEL_RE.finditer(s). In an ASCII text only the Latin labels can match, each at
    the start or after a character that is not a word's: there re skips from one such place
    to the next (_bounded_search), not from one possible first letter to the next."""
    if not s.isascii():
        yield from HANDLE_LABEL_RE.finditer(s)
        return
    found = HANDLE_LABEL_RE.match(s)
    if found is not None:
        yield found
    at = found.end() - 1 if found is not None else 0  # a boundary here or later: a label after
    while (hit := _LABEL_BOUNDED_RE.search(s, at)) is not None:
        found = HANDLE_LABEL_RE.match(s, hit.start() + 1)
        if found is None:
            at = hit.start() + 1  # a label without a handle: look on after it
        else:
            yield found
            at = found.end() - 1


def _wallets(run: _Pass) -> None:
    s = run.s
    for m in wallet_matches(s):
        start, end = m.start(), m.end()
        if not run.free(start, end):
            continue
        found = _canonical("wallet", run.plain[start:end], "")
        if found:
            run.claim(start, end)
            run.add(found[0], start, end)


def _emails(run: _Pass) -> None:
    s = run.s
    if "@" not in s and (("[" not in s and "(" not in s) or not _AT_HINT_RE.search(s)):
        return
    for m in _email_matches(s):
        start, end = m.start(), m.end()
        if not run.free(start, end):
            continue
        found = _canonical("email", run.plain[start:end], "")
        if found:
            run.claim(start, end)
            run.add(found[0], start, end)


def _email_matches(s: str) -> Iterator[re.Match[str]]:
    """EMAIL_FIND_RE.finditer(s), tried only where an address can start: at the start of the
    run of local-part characters that ends right at an "@" (or at the space before "[at]"…).
    The local part can only end there, as no "@" form starts with one of its characters; the
    lookbehind wants the start of the run. Words are not tried one by one (most narratives
    with an address hold one, and a hundred words)."""
    after = 0
    backwards = ""
    n = len(s)
    for anchor in _AT_ANCHOR_RE.finditer(s):
        end = anchor.start()  # where the local part must end
        if s[end] != "@" and end and s[end - 1].isspace():
            end -= 1  # "kim [at] mail.com": one space allowed before a bracketed form
        if end <= after:
            continue
        if not backwards:
            backwards = s[::-1]
        run = _LOCAL_BACK_RE.match(backwards, n - end)
        if run is None or run.end() - run.start() > 64:
            continue
        start = end - (run.end() - run.start())
        if start < after or s[start] not in _LOCAL_FIRST:
            continue
        found = EMAIL_FIND_RE.match(s, start)
        if found is not None:
            after = found.end()
            yield found


def _host_start(host: str, h_start: int) -> int:
    """Where a bare host really starts: a first label glued to text of another script
    ("사이트kbstar.com") starts at its first ASCII character."""
    first = _HOST_SEP_RE.search(host)
    label = host[: first.start()] if first else host
    if label.isascii() or not any(c.isascii() and c.isalpha() for c in label):
        return h_start
    for i in range(len(label) - 1, -1, -1):
        if not label[i].isascii():
            return h_start + i + 1
    return h_start


def _suffix_start(host: str, h_start: int, labels: int) -> int:
    """The start of the last `labels` labels of a written host (dots possibly defanged)."""
    if host.count(".") < labels and "dot" not in host.lower():
        return h_start  # fewer separators than that (each holds a "." or a "dot"): all of it
    seps = list(_HOST_SEP_RE.finditer(host))
    if labels > len(seps):
        return h_start
    return h_start + seps[len(seps) - labels].end()


def _link_matches(s: str) -> Iterator[re.Match[str]]:
    """URL_FIND_RE's matches, tried only where a dot sits between a word character and another
    (or an IPv4 address begins): from the start of that host, or of a scheme before it. A host
    that reaches back to the previous hint starts where that one did and was tried already, so
    each character is walked over once (linear in the text)."""
    after = 0
    prev = -1
    n = len(s)
    backwards = ""  # the text reversed, made at the first hint: host characters are walked
    # back over with one match instead of a loop per character
    for hint in _DOT_HINT_RE.finditer(s):
        i = hint.start()
        if i < after or i == 0 or not (s[i - 1].isalnum() or _MARK_RE.match(s[i - 1])):
            continue
        i -= 1
        stop = max(0, i - 255, prev)  # a host name is at most 253 characters
        if not backwards:
            backwards = s[::-1]
        walked = _HOST_CHARS_RE.match(backwards, n - i, n - stop)
        k = i - (walked.end() - (n - i)) if walked else i
        joined = k == prev and prev >= 0
        prev = i
        if joined:
            continue
        while s[k] == ".":
            k += 1
        # A scheme just before ends in "/" or "]" ("://", "[://]", "[:]//"): looked for only then.
        if k and s[k - 1] in "/]":
            scheme = _SCHEME_BEFORE_RE.search(s, max(0, k - 12), k)
            if scheme is not None:
                k = scheme.start()
        m = URL_FIND_RE.match(s, k)
        if m is not None and m.end() > i:
            after = m.end()
            yield m


def _links(run: _Pass) -> None:
    s = run.s
    for m in _link_matches(s):
        start = m.start()
        end = _trim(s, start, m.end())
        h_start, h_end = m.start("host"), min(m.end("host"), end)
        if h_end <= h_start:
            continue
        if not m.group("scheme"):
            start = h_start = _host_start(s[h_start:h_end], h_start)
        if not run.free(start, end):
            continue
        written = run.plain[start:end]
        is_url = bool(m.group("scheme") or m.group("port")) or end > h_end
        host_text = run.plain[h_start:h_end]
        if not is_url:
            tld = host_text.rsplit(".", 1)[-1]
            if tld[:1].isupper() and not tld.isupper():
                continue  # "Mr.Kim", "Dr.Lee": a title and a name, not a domain
        if is_url:
            parsed = _try_url(written)
            if parsed is None:
                continue
            url_ind, host_inds = parsed
            run.claim(start, end)
            if url_ind is not None:
                run.add(url_ind, start, end)
        else:
            hosts = _canonical("host", host_text, "")
            if not hosts:
                continue
            run.claim(start, end)
            host_inds = hosts
        _add_hosts(run, host_inds, host_text, h_start, h_end)


def _refang_host(host: str) -> str:
    return _HOST_SEP_RE.sub(".", host)


# Sized to be full within the first fifth of a million-report import (docs/performance.md,
# 2026-11-29 14:25): a larger memory kept a parsing process growing to the end.
@lru_cache(maxsize=1 << 14)
def _try_url(written: str) -> tuple[Hit | None, tuple[Hit, ...]] | None:
    try:
        parsed = parse_url(written)
        hosts = _host_hits(parsed.host)
    except _FAILURES:
        return None
    if parsed.bare:
        return None, hosts
    return _hits([Indicator(T.URL, parsed.url, parsed.display)])[0], hosts


@lru_cache(maxsize=1 << 13)  # sized by the same rule as _try_url
def _host_hits(host: Host) -> tuple[Hit, ...]:
    """A URL host's indicators with their warninglists (one site's links share their host)."""
    return _hits(domain_indicators(host))


def _add_hosts(run: _Pass, hosts: Sequence[Hit], written: str, start: int, end: int) -> None:
    for hit in hosts:
        ind = hit[0]
        if ind.type is not T.DOMAIN:
            run.add(hit, start, end)
            continue
        labels = ind.value.count(".") + 1
        run.add(hit, _suffix_start(written, start, labels), end)


def _bank_accounts(run: _Pass) -> None:
    s = run.s
    claimed = run.claimed
    for m in _ACCOUNT_RUN_RE.finditer(s):
        a, b = m.span()
        if claimed.find(1, a, b) >= 0 or (_THOUSANDS_RE.fullmatch(s, a, b) and money_after(s, b)):
            continue  # taken, or an amount ("86.300.000 đồng")
        # A run may join a phone and the account next to it ("02-6054-0340 215-743-591079
        # (KJB)"): the bank before a number fixes its start, the bank after it its end.
        spaces = _spaces(s, a, b)
        span = _account_before(run, a, (b, *reversed(spaces))) or _account_after(run, a, spaces, b)
        if span is not None:
            start, end, ind = span
            run.claim(start, end)
            run.add(ind, start, end)


def _spaces(s: str, a: int, b: int) -> list[int]:
    """The positions of the spaces in s[a:b], in order (str.find runs in C)."""
    out = []
    i = s.find(" ", a, b)
    while i >= 0:
        out.append(i)
        i = s.find(" ", i + 1, b)
    return out


def _account_before(run: _Pass, a: int, ends: tuple[int, ...]) -> tuple[int, int, Hit] | None:
    """A bank name just before the number at `a` (the longest number that fits wins)."""
    s = run.s
    lo = max(0, a - 80)  # the longest registry names ("Bank for Investment and ...") fit
    last = None
    for alias in _bank_aliases(s, lo, a):
        last = alias
    if last is None:
        return None
    filler = s[last.end() : a].lstrip(".")  # "ธ.ก.ส. 856845855032"
    if len(filler) > 14 or _FILLER_BLOCK_RE.search(filler):
        return None
    start = last.start()
    prefix = _COUNTRY_BEFORE_RE.search(s, max(0, start - 4), start)
    if prefix is not None and prefix.group(1) in COUNTRIES:
        start = prefix.start(1)
    for end in ends:
        if not run.free(start, end):
            continue
        found = _canonical("account", run.plain[start:end], run.country)
        if found:
            return start, end, found[0]
    return None


def _bank_alias_at(s: str, start: int) -> re.Match[str] | None:
    """A bank name starting at `start` (its first letter tells which pattern can have it)."""
    return _LATIN_BANK_RE.match(s, start) or _OTHER_BANK_RE.match(s, start)


def _bank_aliases(s: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The bank names in s[start:end], left to right, as finditer would give them for one
    pattern of all names: a name starts with a letter of one of the two patterns only, so the
    earlier of their next matches is the next one. A next match that starts after the one
    taken stays the next one (no match starts before it), so it is searched for again only
    when it was taken or overlapped."""
    latin = _latin_bank_search(s, start, end)
    other = _OTHER_BANK_RE.search(s, start, end)
    while True:
        if latin is not None and (other is None or latin.start() < other.start()):
            found = latin
        elif other is not None:
            found = other
        else:
            return
        yield found
        position = found.end()
        if latin is not None and latin.start() < position:
            latin = _latin_bank_search(s, position, end)
        if other is not None and other.start() < position:
            other = _OTHER_BANK_RE.search(s, position, end)


def _latin_bank_search(s: str, start: int, end: int) -> re.Match[str] | None:
    """_LATIN_BANK_RE.search(s, start, end); in an ASCII text from one place between words to
    the next (see _bounded_search)."""
    if s.isascii():
        return _bounded_search(_LATIN_BANK_BOUNDED_RE, _LATIN_BANK_RE, s, start, end)
    return _LATIN_BANK_RE.search(s, start, end)


def _account_after(run: _Pass, a: int, spaces: list[int], b: int) -> tuple[int, int, Hit] | None:
    """ "8200602382 (ธ.กสิกรไทย)", "3286548364 (ID DANAMON)": the bank in brackets after."""
    s = run.s
    opened = _BANK_AFTER_RE.match(s, b)
    if opened is None:
        return None
    inside = opened.end()
    close = _CLOSE_RE.search(s, inside, inside + 60)
    if close is None:
        return None
    alias = next(_bank_aliases(s, inside, close.start()), None)
    if alias is None or _FILLER_BLOCK_RE.search(s, inside, alias.start()):
        return None
    end = close.end()
    starts = [a, *(i + 1 for i in spaces)]
    for cut in reversed(spaces):  # a phone number just before: the account follows it
        if (
            s[a] in "0+("
            and not not_a_phone(s, a, cut)
            and _canonical("phone", run.plain[a:cut], run.country)
        ):
            starts = [i + 1 for i in spaces if i >= cut]
            break
    for start in starts:
        if not run.free(start, end):
            continue
        found = _canonical("account", run.plain[start:end], run.country)
        if found:
            return start, end, found[0]
    return None


def _phones(run: _Pass) -> None:
    s = run.s
    for m in _PHONE_FIND_RE.finditer(s):
        begin, stop = m.span()
        # Two numbers in a row ("010-7636-9019 010-9567-7011") are one match: after a number
        # found at its start, look again at the rest.
        while stop - begin >= 7:
            end = _phone_at(run, begin, stop)
            if end is None:
                break
            begin = end
            while begin < stop and not s[begin].isdigit() and s[begin] not in "+(":
                begin += 1


def _phone_at(run: _Pass, begin: int, stop: int) -> int | None:
    """The end of the phone number starting at `begin` (the longest that validates). Tried in
    turn: the candidate itself, then, when it holds several space-separated groups (two numbers
    in a row), its prefixes ending at a space, longest first; each without an unbalanced
    bracket at either end. (Most candidates are decided by the first: the spaces are looked
    for only when it fails.)"""
    s = run.s
    claimed = run.claimed
    if claimed[begin] and claimed[begin + 1]:
        return None  # every span tried below starts at one of these two: all taken (an account)
    end = stop
    cuts: list[int] | None = None
    while True:
        start = begin
        if s[end - 1] == ")" and s.count("(", start, end) < s.count(")", start, end):
            end -= 1
        if s[start] == "(" and s.count(")", start, end) < s.count("(", start, end):
            start += 1
        if end - start >= 7 and claimed.find(1, start, end) < 0:
            if not_a_phone(s, start, end):
                return None
            found = _canonical("phone", run.plain[start:end], run.country)
            if found:
                run.claim(start, end)
                run.add(found[0], start, end)
                return end
        if cuts is None:  # the next span: the prefix ending at the last space before
            cuts = [m.start() for m in _PHONE_GROUP_SEP_RE.finditer(s, begin, stop)]
        if not cuts:
            return None
        end = cuts.pop()


# Cheap tests that let a pass skip a text with nothing for it (most narratives).
# A leading character class (not an alternation or a lookaround) lets the engine skip ahead.
# (Spelled out case by case: with IGNORECASE the engine cannot skip; "k" also matches the Kelvin
# sign and "s" the long s, as they do under IGNORECASE.)
_LINK_HINT_RE = re.compile(
    "[.Kk\u212aWw](?:(?<=\\.)[Mm][Ee]/|(?<=[Kk\u212a])[Aa][Kk\u212a][Aa][Oo]"
    "|(?<=[Ww])[Hh][Aa][Tt][Ss\u017f][Aa][Pp][Pp])"
)
_AT_HINT_RE = re.compile(r"[\[(]at[\])]", re.IGNORECASE)
_DOT_HINT_RE = re.compile(_DOT + r"(?=[^\W_])", re.IGNORECASE)
_SCHEME_BEFORE_RE = re.compile(_SCHEME + "$", re.IGNORECASE)

_LINK_NUMBER_RE = re.compile(r"\+?\d{6,15}")
_SPACES_RE = re.compile(r"\s+")


def _order(f: Found) -> tuple[int, int, str]:
    return f.start, -f.end, f.type  # a StrEnum compares as its value, without the lookup


_PASSES = (_handle_links, _handle_labels, _wallets, _emails, _links, _bank_accounts, _phones)


def extract(text: str, country: str) -> list[Found]:
    """Every indicator in `text`, in text order. `country` (ISO alpha-2, the reporting agency's
    or the one the caller names) gives numbers written without a country code their country and
    settles bank names shared across countries. Never raises on any `str`."""
    if not isinstance(text, str):
        raise TypeError(f"extract() needs text, got {type(text).__name__}")
    if not text:
        return []
    prepared = prepare(text) if needs_preparing(text) else None
    run = _Pass(text, prepared, (country or "").upper())
    for step in _PASSES:
        step(run)
    run.found.sort(key=_order)
    return run.found
