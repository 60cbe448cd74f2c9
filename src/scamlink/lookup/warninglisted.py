"""Every warninglist value as an index entry: official numbers, domains and wallets answer
"safe-listed", to members and to the public alike (also in the private range answers).

A list matched "exactly" gives its values. A domain list matched with its subdomains gives the
domain and the root URLs on it (`http://d/`, `https://d/` and their `www.` twins), which is what
`warninglist_hit` calls safe for a URL; deeper subdomains cannot be listed one by one, but a
client also checks a host's registered domain, which is the listed one.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from scamlink.indicators.warninglists import WARNINGLISTS, Warninglist
from scamlink.lookup.index import Codes, Hashes
from scamlink.lookup.keys import key_hash
from scamlink.lookup.verdict import Standing, pack

SAFE_LISTED_CODE = pack(Standing.SAFE_LISTED, Standing.SAFE_LISTED)


def _values(wl: Warninglist) -> Iterator[str]:
    for value in sorted(wl.values):
        yield value
        if wl.match == "subdomains":
            for scheme in ("http", "https"):
                yield f"{scheme}://{value}/"
                yield f"{scheme}://www.{value}/"


def warninglisted_values() -> list[str]:
    """The canonical values the index marks safe-listed (each once, in a stable order)."""
    seen: dict[str, None] = {}
    for wl in WARNINGLISTS:
        for value in _values(wl):
            seen.setdefault(value, None)
    return list(seen)


def warninglisted_entries() -> tuple[Hashes, Codes]:
    """(key hashes, codes) of every warninglist value, for `MembershipIndex.build`: append them
    to the store's entries; a value also reported keeps the highest code (safe-listed)."""
    values = warninglisted_values()
    hashes = np.fromiter((key_hash(v) for v in values), dtype=np.uint64, count=len(values))
    codes = np.full(len(values), SAFE_LISTED_CODE, dtype=np.uint8)
    return hashes, codes
