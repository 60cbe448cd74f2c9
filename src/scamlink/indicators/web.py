"""URLs, domains, e-mail addresses and IP addresses, including refanging of defanged forms.

Decisions (see also fields.parse_field):
* Registered domain = the Public Suffix List's registrable domain WITH its private section, so a
  site on a hosting platform (x.blogspot.com, y.github.io, z.web.app, w.pages.dev) is its own
  registered domain and the platform never becomes a shared indicator. The PSL is the copy shipped
  inside the `publicsuffixlist` package; nothing is fetched.
* A host's TLD must be in the PSL (or be `onion`): "report.pdf" is not a domain.
* URL: an empty path becomes "/" (RFC 3986 §6.2.3), non-ASCII and spaces in path and query are
  percent-encoded as UTF-8 and escapes are upper-cased (RFC 3986 §6.2.2), user info is kept.

Fast path: most values are written in one shape (ASCII, nothing to refang, an LDH host that is
not punycode, a path and query that need no percent-encoding). `_host_fast`, `_url_fast` and
canonical_email's shortcut take that shape alone and return exactly what the reference steps
(`_host_reference`, `_url_reference`, `_email` with fast=False) return for it; any other shape
returns None and the reference takes it. tests/indicators/test_web_fast.py compares the two.
SCAMLINK_WEB_FAST=0 (or FAST = False) turns the fast path off, to compare outputs and timings.
"""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import idna
from publicsuffixlist import PublicSuffixList

from scamlink.indicators.types import Indicator, IndicatorType, InvalidIndicator

# Built once from the list bundled with the package (never fetched).
_PSL = PublicSuffixList(accept_unknown=False)

# On unless SCAMLINK_WEB_FAST=0 (read at each call: a measurement may toggle it in turns).
FAST = os.environ.get("SCAMLINK_WEB_FAST", "1") != "0"

# --- refanging -------------------------------------------------------------------------------

_OPEN = r"[\[\(\{<]"
_CLOSE = r"[\]\)\}>]"
_REFANG_COMMON: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bh(?:xx|\*\*)p(s?)\b", re.IGNORECASE), r"http\1"),
    (re.compile(r"\bf(?:xx|XX)p\b", re.IGNORECASE), "ftp"),
    (re.compile(_OPEN + r"\s*:\s*//\s*" + _CLOSE), "://"),
    (re.compile(_OPEN + r"\s*://\s*" + _CLOSE), "://"),
    (re.compile(_OPEN + r"\s*:\s*" + _CLOSE), ":"),
    (re.compile(_OPEN + r"\s*/\s*" + _CLOSE), "/"),
    (re.compile(r"\s*" + _OPEN + r"\s*(?:\.|dot)\s*" + _CLOSE + r"\s*", re.IGNORECASE), "."),
    (re.compile(r"\s+" + _OPEN + r"?\s*dot\s*" + _CLOSE + r"?\s+", re.IGNORECASE), "."),
    (re.compile(r"[。｡．]"), "."),
)
_REFANG_AT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s*" + _OPEN + r"\s*(?:@|at)\s*" + _CLOSE + r"\s*", re.IGNORECASE), "@"),
    (re.compile(r"\s+at\s+", re.IGNORECASE), "@"),
    (re.compile(r"＠"), "@"),
)


# Most values are not defanged: one search decides whether the substitutions are needed.
_REFANG_HINT = re.compile(r"[\[\(\{<。｡．\s]|[hf](?:xx|\*\*)p", re.IGNORECASE)


# Full-width ASCII (U+FF01-U+FF5E) comes from CJK input methods ("ｈｔｔｐ：／／").
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_fullwidth(text: str) -> str:
    """Full-width ASCII forms and the ideographic space to their ASCII counterparts."""
    return text if text.isascii() else text.translate(_FULLWIDTH)


def refang(text: str) -> str:
    """Undo the usual defanging: hxxp(s), [.], (.), {.}, [dot], " dot ", [:], [://], [/]."""
    if not _REFANG_HINT.search(text):
        return text
    # Each substitution needs characters of its own (below); one that cannot match changes
    # nothing, and no replacement brings in what another needs ("http", "ftp", ":", "/", ".").
    lower = text.lower()
    needs = (
        "xx" in lower or "**" in text,  # hxxp, h**p
        "xx" in lower,  # fxxp
        *(_OPEN_RE.search(text) is not None,) * 5,  # [:], [://], [/], [.], [dot]...
        "dot" in lower,  # " dot "
        _CJK_DOT_RE.search(text) is not None,
    )
    for (pattern, repl), needed in zip(_REFANG_COMMON, needs, strict=True):
        if needed:
            text = pattern.sub(repl, text)
    return text


_OPEN_RE = re.compile(_OPEN)
_CJK_DOT_RE = re.compile(r"[。｡．]")


def refang_email(text: str) -> str:
    """refang() plus [@], (at), [at], {at}, " at "."""
    for pattern, repl in _REFANG_AT:
        text = pattern.sub(repl, text)
    return refang(text)


# --- hosts -----------------------------------------------------------------------------------

_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_TLD_RE = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_IPV4_SHAPE = re.compile(r"^[0-9]+(?:\.[0-9]+){3}$")


@dataclass(frozen=True, slots=True)
class Host:
    kind: IndicatorType  # DOMAIN, IPV4 or IPV6
    value: str  # A-label domain or compressed IP
    display: str  # Unicode domain or the IP


def _domain_labels(host: str) -> tuple[str, str]:
    ascii_labels: list[str] = []
    unicode_labels: list[str] = []
    for label in host.split("."):
        if not label:
            raise InvalidIndicator(f"empty label in host {host!r}")
        if label.isascii():
            a = label.lower()
            if a.startswith("xn--"):
                try:
                    u = idna.decode(a)
                except idna.IDNAError as e:
                    raise InvalidIndicator(f"invalid A-label {a!r} ({e})") from None
            else:
                u = a
        else:
            try:
                a = idna.encode(label, uts46=True).decode("ascii")
                u = idna.decode(a)
            except idna.IDNAError as e:
                raise InvalidIndicator(f"invalid internationalised label {label!r} ({e})") from None
        if not _LABEL_RE.match(a):
            raise InvalidIndicator(f"invalid host label {label!r}")
        ascii_labels.append(a)
        unicode_labels.append(u)
    return ".".join(ascii_labels), ".".join(unicode_labels)


# A host written with spaces around its dots ("www . x . club"): every space next to a dot.
_SPACED_DOTS_RE = re.compile(r"[^\s.]+(?:\s*\.\s*[^\s.]+)+")
_DOT_SPACES_RE = re.compile(r"\s*\.\s*")


def _unspaced(host: str) -> str:
    """A host written "www . x . club" as "www.x.club"; any other as it is (a host holds no
    spaces, so only a value that was refused before reads differently)."""
    if _SPACE_RE.search(host) and _SPACED_DOTS_RE.fullmatch(host):
        return _DOT_SPACES_RE.sub(".", host)
    return host


# The memories on the bulk import's path are sized to be full within the first fifth of a
# million-report import (docs/performance.md, 2026-11-29 14:25), so a parsing process's memory
# stops growing early; larger ones kept growing to the end for a few points more of hits.
@lru_cache(maxsize=1 << 13)
def _host(raw: str) -> Host | str:
    if FAST and (fast := _host_fast(raw)) is not None:
        return fast
    return _host_reference(raw)


# The fast shape of a host: ASCII letters, digits, "_", "-" and dots only.
_FAST_HOST_RE = re.compile(r"[A-Za-z0-9_.-]+")
# Lower-case LDH labels as _LABEL_RE accepts them, joined by dots.
_LDH = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_FAST_DOMAIN_RE = re.compile(_LDH + r"(?:\." + _LDH + r")*")


@lru_cache(maxsize=4096)
def _known_tld(tld: str) -> bool:
    return _TLD_RE.match(tld) is not None and (tld == "onion" or _PSL.publicsuffix(tld) is not None)


def _host_fast(raw: str) -> Host | str | None:
    """_host_reference's answer for a host of the fast shape that is a domain name of valid
    non-punycode labels (or fails only on length, dots or TLD); None for any other host."""
    if _FAST_HOST_RE.fullmatch(raw) is None:
        return None
    # ASCII without spaces: NFC, strip, the CJK dots and _unspaced change nothing.
    host = raw.rstrip(".")
    if not host:
        return "empty host"
    if _IPV4_SHAPE.match(host):
        return None
    ascii_host = host.lower()
    if _FAST_DOMAIN_RE.fullmatch(ascii_host) is None or "xn--" in ascii_host:
        return None  # an empty or invalid label, or an A-label to decode
    if len(ascii_host) > 253:
        return f"host name longer than 253 characters: {raw!r}"
    dot = ascii_host.rfind(".")
    if dot < 0:
        return f"{raw!r} is not a domain name (no dot)"
    if not _known_tld(ascii_host[dot + 1 :]):
        return f"{raw!r} has no known top-level domain"
    return Host(IndicatorType.DOMAIN, ascii_host, ascii_host)


def _host_reference(raw: str) -> Host | str:
    host = unicodedata.normalize("NFC", raw.strip()).rstrip(".")
    host = _unspaced(re.sub(r"[。｡．]", ".", host))
    if not host:
        return "empty host"
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            v6 = ipaddress.IPv6Address(host)
        except ValueError:
            return f"{raw!r} is not a valid IPv6 address"
        return Host(IndicatorType.IPV6, v6.compressed, v6.compressed)
    if _IPV4_SHAPE.match(host):
        try:
            v4 = ipaddress.IPv4Address(host)
        except ValueError:
            return f"{raw!r} is not a valid IPv4 address"
        return Host(IndicatorType.IPV4, v4.compressed, v4.compressed)
    try:
        ascii_host, unicode_host = _domain_labels(host)
    except InvalidIndicator as e:
        return str(e)
    if len(ascii_host) > 253:
        return f"host name longer than 253 characters: {raw!r}"
    labels = ascii_host.split(".")
    if len(labels) < 2:
        return f"{raw!r} is not a domain name (no dot)"
    tld = labels[-1]
    if not _TLD_RE.match(tld) or (tld != "onion" and _PSL.publicsuffix(tld) is None):
        return f"{raw!r} has no known top-level domain"
    return Host(IndicatorType.DOMAIN, ascii_host, unicode_host)


def canonical_host(raw: str) -> Host:
    """A URL host as a domain (A-label, lower-case, no trailing dot) or an IPv4/IPv6 address."""
    result = _host(raw)
    if isinstance(result, str):
        raise InvalidIndicator(result)
    return result


# A "www." host asks twice (_strip_www, domain_indicators); sized by the same rule as _host.
@lru_cache(maxsize=1 << 13)
def registered_domain(domain: str) -> str | None:
    """The registrable domain of an A-label domain (PSL incl. private section), None if the
    domain is itself a public suffix."""
    if domain.endswith(".onion"):
        return ".".join(domain.split(".")[-2:])
    result: str | None = _PSL.privatesuffix(domain)
    return result


def _strip_www(domain: str) -> str:
    # "www.example.com" -> "example.com", but never down to a public suffix ("www.co.kr").
    if domain.startswith("www.") and registered_domain(domain[4:]) is not None:
        return domain[4:]
    return domain


def domain_indicators(host: Host) -> list[Indicator]:
    """What a host yields: an IP indicator, or the domain (leading www. dropped) and, when
    different, its registered domain."""
    if host.kind is not IndicatorType.DOMAIN:
        return [Indicator(host.kind, host.value, host.display)]
    value = _strip_www(host.value)
    display = host.display[4:] if value != host.value else host.display
    out = [Indicator(IndicatorType.DOMAIN, value, display)]
    reg = registered_domain(value)
    if reg is not None and reg != value:
        out.append(Indicator(IndicatorType.DOMAIN, reg, _display_of(reg)))
    return out


def _display_of(ascii_domain: str) -> str:
    if "xn--" not in ascii_domain:
        return ascii_domain
    try:
        return idna.decode(ascii_domain)
    except idna.IDNAError:
        return ascii_domain


def canonical_domain(raw: str) -> Indicator:
    """A domain (or a URL, whose host is taken): A-label, lower-case, leading www. dropped."""
    text = refang(fold_fullwidth(raw).strip())
    if "/" in text or "@" in text or _SCHEME_RE.match(text):
        parsed = parse_url(text)
        host = parsed.host
    else:
        host = canonical_host(text)
    if host.kind is not IndicatorType.DOMAIN:
        raise InvalidIndicator(f"{raw!r} is an IP address, not a domain")
    return domain_indicators(host)[0]


def canonical_ip(kind: IndicatorType, raw: str) -> Indicator:
    host = canonical_host(refang(fold_fullwidth(raw).strip()))
    if host.kind is not kind:
        raise InvalidIndicator(f"{raw!r} is not an {kind.value.upper()} address")
    return Indicator(kind, host.value, host.display)


# --- URLs ------------------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*)://")
# "mailto:", "javascript:", "tg:" ... (a host:port has a dot before the colon or digits after it)
_OTHER_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+\-]*):(?![0-9])")
_SCHEMES = {"http": 80, "https": 443, "ftp": 21}
_SPACE_RE = re.compile(r"\s")
_PCT_RE = re.compile(r"%[0-9a-fA-F]{2}")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"

# A URL as written, for free-text extraction later (refang first).
URL_RE = re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedUrl:
    url: str  # canonical
    display: str  # with the Unicode host
    host: Host
    bare: bool  # written as a bare host ("example.com", "example.com/"): no scheme, path, query


def _encode(part: str, safe: str) -> str:
    encoded = quote(part, safe=safe, encoding="utf-8", errors="strict")
    return _PCT_RE.sub(lambda m: m.group().upper(), encoded)


@lru_cache(maxsize=1 << 15)  # sized by the same rule as _host
def _url(raw: str) -> ParsedUrl | str:
    if FAST and (fast := _url_fast(raw)) is not None:
        return fast
    return _url_reference(raw)


# The fast shape of a URL: ASCII, optional http/https/ftp scheme, a host of the fast shape, an
# optional port, and a path and query of characters `quote` keeps as they are; any fragment.
_FAST_PATH = r"[A-Za-z0-9_.~/%:@!$&'()*+,;=-]"
_FAST_URL_RE = re.compile(
    r"(?:((?i:https?|ftp))://)?([A-Za-z0-9_.-]+)(?::([0-9]{1,5}))?"
    r"(" + _FAST_PATH + r"*)(?:\?((?:" + _FAST_PATH + r"|\?)*))?(?:#.*)?",
    re.DOTALL,
)


def _url_fast(raw: str) -> ParsedUrl | str | None:
    """_url_reference's answer for a URL of the fast shape whose host _host answers; None for
    any other URL."""
    if not raw.isascii() or _SPACE_RE.search(raw):
        return None  # full-width forms, spaces: folding, stripping or refanging could change it
    # ASCII without spaces: fold_fullwidth and strip change nothing, and refang's answer is what
    # the reference goes on with ("hxxps://x[.]com"); no step after it reads `raw`.
    text = refang(raw)
    m = _FAST_URL_RE.fullmatch(text)
    if m is None or ((path := m.group(4)) and path[0] != "/"):
        return None
    scheme_text, host_text, port_text, query = m.group(1, 2, 3, 5)
    if scheme_text is None:
        if _OTHER_SCHEME_RE.match(text):
            return None
        scheme = "http"
    else:
        scheme = scheme_text.lower()
    port: int | None = None
    if port_text is not None:
        port = int(port_text)
        if port > 65535:
            return None
    host = _host(host_text)
    if isinstance(host, str):
        return host
    if port == _SCHEMES[scheme]:
        port = None
    bare = scheme_text is None and port is None and path in ("", "/") and query is None
    path = path or "/"
    if "%" in path:
        path = _PCT_RE.sub(_upper, path)
    if query and "%" in query:
        query = _PCT_RE.sub(_upper, query)
    portpart = f":{port}" if port is not None else ""
    querypart = f"?{query}" if query else ""
    hostpart = f"[{host.value}]" if host.kind is IndicatorType.IPV6 else host.value
    shown = f"[{host.display}]" if host.kind is IndicatorType.IPV6 else host.display
    url = f"{scheme}://{hostpart}{portpart}{path}{querypart}"
    if shown == hostpart:
        return ParsedUrl(url, url, host, bare)
    return ParsedUrl(url, f"{scheme}://{shown}{portpart}{path}{querypart}", host, bare)


def _upper(m: re.Match[str]) -> str:
    return m.group().upper()


def _url_reference(raw: str, host_of: Callable[[str], Host | str] = _host) -> ParsedUrl | str:
    text = refang(fold_fullwidth(raw).strip())
    if len(text) > 2 and text[0] == "<" and text[-1] == ">":
        text = text[1:-1].strip()  # the delimiters of RFC 3986 Appendix C, as mail clients write
    if not text:
        return "empty URL"
    m = _SCHEME_RE.match(text)
    had_scheme = m is not None
    if m is None and (other := _OTHER_SCHEME_RE.match(text)) is not None:
        return f"unsupported URL scheme {other.group(1).lower()!r}"
    if m is None:
        if text.startswith("//"):
            text = text[2:]
        scheme, rest = "http", text
    else:
        scheme, rest = m.group(1).lower(), text[m.end() :]
    if scheme not in _SCHEMES:
        return f"unsupported URL scheme {scheme!r}"
    rest, _, _fragment = rest.partition("#")
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    authority = _unspaced(authority)
    path, qmark, query = tail.partition("?")
    userinfo, at, hostport = authority.rpartition("@")
    port: int | None = None
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            return f"unclosed IPv6 bracket in {raw!r}"
        host_text, port_text = hostport[: end + 1], hostport[end + 1 :]
        if port_text and not port_text.startswith(":"):
            return f"junk after IPv6 address in {raw!r}"
        port_text = port_text[1:]
    else:
        host_text, colon, port_text = hostport.rpartition(":")
        if not colon:
            host_text, port_text = hostport, ""
    if port_text:
        if not port_text.isascii() or not port_text.isdigit() or int(port_text) > 65535:
            return f"invalid port {port_text!r} in {raw!r}"
        port = int(port_text)
    if _SPACE_RE.search(authority):
        return f"space in the host part of {raw!r}"
    host = host_of(host_text)
    if isinstance(host, str):
        return host
    if port == _SCHEMES[scheme]:
        port = None
    bare = not had_scheme and not at and port is None and path in ("", "/") and not qmark
    path = _encode(path or "/", _PATH_SAFE)
    query = _encode(query, _QUERY_SAFE)
    userpart = f"{userinfo}@" if at else ""
    portpart = f":{port}" if port is not None else ""
    querypart = f"?{query}" if query else ""
    hostpart = f"[{host.value}]" if host.kind is IndicatorType.IPV6 else host.value
    shown = f"[{host.display}]" if host.kind is IndicatorType.IPV6 else host.display
    url = f"{scheme}://{userpart}{hostpart}{portpart}{path}{querypart}"
    display = f"{scheme}://{userpart}{shown}{portpart}{path}{querypart}"
    return ParsedUrl(url, display, host, bare)


def parse_url(raw: str) -> ParsedUrl:
    result = _url(raw)
    if isinstance(result, str):
        raise InvalidIndicator(result)
    return result


def canonical_url(raw: str) -> Indicator:
    """Refanged URL, lower-case scheme and A-label host, default port and fragment dropped;
    a value without scheme gets http://."""
    parsed = parse_url(raw)
    return Indicator(IndicatorType.URL, parsed.url, parsed.display)


def url_field(raw: str) -> list[Indicator]:
    """A value of the urls column: [url, host indicator(s)]; a bare host gives only the latter."""
    parsed = parse_url(raw)
    hosts = domain_indicators(parsed.host)
    if parsed.bare:
        return hosts
    return [Indicator(IndicatorType.URL, parsed.url, parsed.display), *hosts]


# --- e-mail ----------------------------------------------------------------------------------

_LOCAL_RE = re.compile(r"^[^\s@\"(),:;<>\[\\\]]{1,64}$")
# For free-text extraction later (refang_email first).
EMAIL_RE = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[^\s@<>()\[\]\"',;:]+")


def canonical_email(raw: str) -> Indicator:
    """Lower-case address with the domain in A-label; refangs [@], (at), [.] and friends."""
    return _email(raw, _host, FAST)


def canonical_email_reference(raw: str) -> Indicator:
    """canonical_email without the fast path (for the differential tests)."""
    return _email(raw, _host_reference, False)


def _email(raw: str, host_of: Callable[[str], Host | str], fast: bool) -> Indicator:
    if fast and raw.isascii() and not _REFANG_HINT.search(raw):
        text = raw  # no space, bracket or full-width form: the steps below change nothing
    else:
        text = refang_email(unicodedata.normalize("NFC", fold_fullwidth(raw).strip()))
    if text[:7].lower() == "mailto:":
        text = text[7:]
    text = text.strip().strip("<>").strip()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return _bad_email(raw, "no local part and domain")
    local = local.lower()
    if not _LOCAL_RE.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return _bad_email(raw, "invalid local part")
    host = host_of(domain)
    if isinstance(host, str):
        return _bad_email(raw, host)
    if host.kind is not IndicatorType.DOMAIN:
        return _bad_email(raw, "the domain is an IP address")
    return Indicator(IndicatorType.EMAIL, f"{local}@{host.value}", f"{local}@{host.display}")


def _bad_email(raw: str, why: str) -> Indicator:
    raise InvalidIndicator(f"{raw!r} is not an e-mail address: {why}")
