"""Warninglists (the MISP idea): real values that must never link reports.

Each list is a versioned JSON file in data/warninglists/ (name, version, description, type,
match, values) of our own curated facts. `match` is "exact" (the canonical value) or
"subdomains" (a domain list: the domain, any subdomain of it, and a root URL on it hit; a URL with
a path on such a domain does not, since a profile or short link there is specific).
`parse_field` and `canonicalise` never consult the lists; callers ask `warninglist_hit`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from scamlink.indicators.types import Indicator, IndicatorType

_DIR = "data/warninglists"


@dataclass(frozen=True, slots=True)
class Warninglist:
    name: str
    version: int
    description: str
    types: tuple[str, ...]
    match: str  # "exact" | "subdomains"
    values: frozenset[str]

    @property
    def count(self) -> int:
        return len(self.values)


def _load() -> tuple[Warninglist, ...]:
    folder = resources.files("scamlink.indicators").joinpath(_DIR)
    lists: list[Warninglist] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        raw = json.loads(entry.read_text("utf-8"))
        match = raw.get("match", "exact")
        if match not in ("exact", "subdomains"):
            raise RuntimeError(f"warninglist {entry.name}: unknown match {match!r}")
        lists.append(
            Warninglist(
                name=raw["name"],
                version=int(raw["version"]),
                description=raw["description"],
                types=tuple(raw["type"]),
                match=match,
                values=frozenset(raw["values"]),
            )
        )
    return tuple(lists)


WARNINGLISTS: tuple[Warninglist, ...] = _load()

_EXACT: dict[tuple[str, str], str] = {}
_DOMAINS: dict[str, str] = {}
for _wl in WARNINGLISTS:
    for _value in sorted(_wl.values):
        if _wl.match == "subdomains":
            _DOMAINS.setdefault(_value, _wl.name)
        else:
            for _type in _wl.types:
                _EXACT.setdefault((_type, _value), _wl.name)


def _domain_hit(domain: str) -> str | None:
    # The domain itself, then each parent ("m.facebook.com" -> "facebook.com" -> "com").
    while True:
        name = _DOMAINS.get(domain)
        if name is not None:
            return name
        _, dot, domain = domain.partition(".")
        if not dot:
            return None


def _url_host_and_path(url: str) -> tuple[str, str]:
    rest = url.partition("://")[2]
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    host = authority.rpartition("@")[2]
    if not host.startswith("["):
        host = host.partition(":")[0]
    return host, tail


def warninglist_hit(indicator: Indicator) -> str | None:
    """The name of the first warninglist holding `indicator` (by canonical value), or None."""
    return warninglist_of(indicator.type.value, indicator.value)


_DOMAIN = IndicatorType.DOMAIN.value
_URL = IndicatorType.URL.value


def warninglist_of(kind: str, value: str) -> str | None:
    """`warninglist_hit` for a stored (type, canonical value) pair: no `Indicator` made (the
    batch rebuild asks it of every stored domain)."""
    exact = _EXACT.get((kind, value))
    if exact is not None:
        return exact
    if kind == _DOMAIN:
        return _domain_hit(value)
    if kind == _URL:
        host, tail = _url_host_and_path(value)
        if tail in ("", "/"):
            return _domain_hit(host)
    return None
