"""The downloadable blocklist for telco and bank filters: a versioned snapshot plus deltas.

`blocklist(conn, viewer, type, since)`:
- without `since`: every value of the type the viewer may see reported (a verified report or a
  listing under the sharing policy), warninglisted values left out (an official hotline or a
  bank's own domain is never blocked), sorted, with its `version` (`full: true`);
- with `since` (a version an earlier answer gave): what changed after that version
  (`full: false`): `values` the client adds (named by reports or listings stored since, or by a
  review decision that put them on the list) and `removed` the client deletes (a report
  rejected, a listing withdrawn: `store.lookup.record_changes`), each sorted. A `since` older
  than `MAX_DELTA_AGE` answers with a full snapshot, as does one the store cannot follow.
The `checksum` always describes the whole list at `version` (`total` values): the SHA-256 of the
values, each followed by a line feed (`\\n`), sorted by code point. A client applies a delta to
its copy, sorts it and checks the checksum; on a mismatch (its copy was wrong, or a change the
deltas cannot show, such as a new sharing release) it asks again without `since`.
Versions look like `1764374400.1234.56.7` (Unix time; report, listing and change watermarks);
the three-part versions of earlier releases are still accepted.

What a delta costs (`BlocklistCache`, the web app holds one): the whole list of a viewer and
type is read from the store once, by a full download or the first delta, and kept with its
checksum at its watermark. A later delta reads only rows above watermarks: the values touched
since the cached list (range scans of primary keys), their standing for this viewer (asked
about those values only, through indexes), the cached list updated and its checksum
recomputed in memory when anything changed; then the values touched since the client's
version, placed by a binary search in the cached list. A cached list is read again from the
store after `CACHE_SECONDS` (changes no row shows, such as a new sharing release, reach deltas
then; clients see them as a checksum mismatch and download the whole list) and at every full
download. The cache keeps at most `CACHE_VALUES` values in all: a longer list is read whole
for every answer, as without a cache.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Connection

from scamlink.indicators import Indicator, IndicatorType
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.sharing.roles import Viewer
from scamlink.store.blocklist import Watermark, blocklisted, touched_since, watermark

MAX_DELTA_AGE = 7 * 24 * 3600  # seconds: an older `since` gets a full snapshot
CACHE_SECONDS = 600.0  # a cached whole list is read again from the store after this long
CACHE_ENTRIES = 16  # (viewer, type) lists kept, least recently used dropped first
CACHE_VALUES = 4_000_000  # values kept in all (≈ 80 bytes each); a longer list is not kept
_VERSION_RE = re.compile(r"^(\d{1,12})\.(\d{1,19})\.(\d{1,19})(?:\.(\d{1,19}))?$")
TYPES = tuple(t.value for t in IndicatorType)


class BadBlocklistRequest(ValueError):
    """A type or version the blocklist cannot answer; the message names the field."""


@dataclass(frozen=True, slots=True)
class Version:
    at: int  # Unix seconds
    mark: Watermark

    def __str__(self) -> str:
        return f"{self.at}.{self.mark.report}.{self.mark.listing}.{self.mark.change}"


@dataclass(frozen=True, slots=True)
class Blocklist:
    type: str
    version: str
    since: str | None
    full: bool
    values: tuple[str, ...]  # the whole list, or (a delta) the values to add
    removed: tuple[str, ...] = ()  # a delta's values to delete
    total: int = 0  # values on the whole list at `version`
    list_checksum: str = ""  # of the whole list at `version` (`checksum`)

    @property
    def checksum(self) -> str:
        return "sha256:" + self.list_checksum

    def as_json(self) -> dict[str, object]:
        return {
            "type": self.type,
            "version": self.version,
            "since": self.since,
            "full": self.full,
            "count": len(self.values),
            "total": self.total,
            "checksum": self.checksum,
            "values": list(self.values),
            "removed": list(self.removed),
        }

    def as_text(self) -> str:
        """A snapshot: one value a line. A delta: `+value` to add, `-value` to delete (the
        first character is the operation, the rest of the line the value)."""
        if self.full:
            return "".join(f"{value}\n" for value in self.values)
        added = (f"+{value}\n" for value in self.values)
        return "".join(added) + "".join(f"-{value}\n" for value in self.removed)


def checksum(values: tuple[str, ...] | list[str]) -> str:
    """SHA-256 of the values, each followed by a line feed (one join and one update: a
    million values in tens of milliseconds)."""
    if not values:
        return hashlib.sha256(b"").hexdigest()
    return hashlib.sha256(("\n".join(values) + "\n").encode("utf-8")).hexdigest()


def parse_type(text: str) -> IndicatorType:
    try:
        return IndicatorType(text.strip().lower())
    except ValueError:
        raise BadBlocklistRequest(
            f"type: {text!r} is not an indicator type; use one of {', '.join(TYPES)}"
        ) from None


def parse_version(text: str) -> Version:
    m = _VERSION_RE.match(text.strip())
    if m is None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise BadBlocklistRequest(
            f"since: {shown!r} is not a blocklist version; pass back the `version` of an "
            "earlier answer (e.g. 1764374400.1234.56.7), or leave it out for a full snapshot"
        )
    change = int(m.group(4)) if m.group(4) is not None else 0
    return Version(int(m.group(1)), Watermark(int(m.group(2)), int(m.group(3)), change))


def _kept(kind: IndicatorType, values: set[str]) -> tuple[str, ...]:
    return tuple(sorted(v for v in values if warninglist_hit(Indicator(kind, v, v)) is None))


@dataclass(frozen=True, slots=True)
class _Whole:
    """A viewer's whole list of one type at a watermark, with its checksum."""

    mark: Watermark
    values: tuple[str, ...]  # sorted
    checksum: str
    read_at: float  # time.monotonic() of the full read from the store it descends from

    def has(self, value: str) -> bool:
        i = bisect_left(self.values, value)
        return i < len(self.values) and self.values[i] == value


class BlocklistCache:
    """Whole lists by (viewer, type), so that a delta costs what changed (module docstring).
    Thread-safe; at most `entries` lists."""

    def __init__(
        self,
        entries: int = CACHE_ENTRIES,
        seconds: float = CACHE_SECONDS,
        values: int = CACHE_VALUES,
    ) -> None:
        self.entries = entries
        self.seconds = seconds
        self.values = values
        self._lists: OrderedDict[tuple[Viewer, str], _Whole] = OrderedDict()
        self._lock = threading.Lock()
        self.full_reads = 0  # whole lists read from the store (tests, benchmark)

    def get(self, viewer: Viewer, kind: str) -> _Whole | None:
        with self._lock:
            found = self._lists.get((viewer, kind))
            if found is not None:
                self._lists.move_to_end((viewer, kind))
            return found

    def put(self, viewer: Viewer, kind: str, whole: _Whole) -> None:
        with self._lock:
            known = self._lists.get((viewer, kind))
            if known is not None and _newer(known.mark, whole.mark):
                return  # another request stored a newer list meanwhile
            if len(whole.values) > self.values:
                self._lists.pop((viewer, kind), None)
                return  # too long to keep: its deltas read the whole list, as without a cache
            self._lists[(viewer, kind)] = whole
            self._lists.move_to_end((viewer, kind))
            kept = sum(len(w.values) for w in self._lists.values())
            while len(self._lists) > self.entries or kept > self.values:
                _, dropped = self._lists.popitem(last=False)
                kept -= len(dropped.values)


def _newer(a: Watermark, b: Watermark) -> bool:
    return (a.report, a.change, a.listing) > (b.report, b.change, b.listing)


def _read_whole(conn: Connection, viewer: Viewer, kind: IndicatorType, mark: Watermark) -> _Whole:
    values = _kept(kind, set(blocklisted(conn, viewer, kind.value, mark)))
    return _Whole(mark, values, checksum(values), time.monotonic())


def _brought_up(
    conn: Connection, viewer: Viewer, kind: IndicatorType, whole: _Whole, mark: Watermark
) -> _Whole:
    """`whole` at `mark`: only the values touched in between are asked about."""
    touched = set(touched_since(conn, kind.value, whole.mark, mark))
    if not touched:
        return _Whole(mark, whole.values, whole.checksum, whole.read_at)
    on = set(_kept(kind, set(blocklisted(conn, viewer, kind.value, mark, among=touched))))
    gone = {v for v in touched - on if whole.has(v)}
    new = sorted(v for v in on if not whole.has(v))
    if not gone and not new:
        return _Whole(mark, whole.values, whole.checksum, whole.read_at)
    result = _spliced(whole.values, gone, new)
    return _Whole(mark, result, checksum(result), whole.read_at)


def _spliced(values: tuple[str, ...], gone: set[str], new: list[str]) -> tuple[str, ...]:
    """`values` (sorted) without `gone` (all in it) and with `new` (none in it): the places
    found by binary search, the runs between them copied as slices (C speed)."""
    places = sorted(
        [(bisect_left(values, v), 0, v) for v in new]  # inserted before values[place]
        + [(bisect_left(values, v), 1, v) for v in gone]  # values[place] skipped
    )
    out: list[str] = []
    previous = 0
    for place, removal, value in places:
        out.extend(values[previous:place])
        if removal:
            previous = place + 1
        else:
            out.append(value)
            previous = place
    out.extend(values[previous:])
    return tuple(out)


def _current_whole(
    conn: Connection,
    viewer: Viewer,
    kind: IndicatorType,
    mark: Watermark,
    cache: BlocklistCache | None,
    *,
    fresh: bool,
) -> _Whole:
    """The whole list at `mark`: read from the store when `fresh` is asked (a full download),
    when nothing usable is cached, or when the cached list is older than the cache allows;
    else the cached one brought up to `mark`."""
    cached = cache.get(viewer, kind.value) if cache is not None else None
    usable = (
        cached is not None
        and not fresh
        and time.monotonic() - cached.read_at < (cache.seconds if cache is not None else 0)
        and not _newer(cached.mark, mark)
        and cached.mark.listing <= mark.listing  # a listing withdrawn since: read again
    )
    if cached is not None and usable:
        whole = cached if cached.mark == mark else _brought_up(conn, viewer, kind, cached, mark)
    else:
        whole = _read_whole(conn, viewer, kind, mark)
        if cache is not None:
            cache.full_reads += 1
    if cache is not None:
        cache.put(viewer, kind.value, whole)
    return whole


def blocklist(
    conn: Connection,
    viewer: Viewer,
    kind: IndicatorType,
    since: str | None = None,
    *,
    now: float | None = None,
    cache: BlocklistCache | None = None,
) -> Blocklist:
    """The viewer's blocklist of one type (see the module's docstring); with a `cache`, a
    delta costs what changed since the cached list and since `since`."""
    at = int(now if now is not None else time.time())
    previous = parse_version(since) if since else None
    mark = watermark(conn)
    if previous is not None and (
        previous.mark.report > mark.report or previous.mark.change > mark.change
    ):  # (listings can be withdrawn: their newest id may go down)
        raise BadBlocklistRequest("since: that version is newer than this store's data")
    full = previous is None or at - previous.at > MAX_DELTA_AGE
    whole = _current_whole(conn, viewer, kind, mark, cache, fresh=full)
    version = str(Version(at, mark))
    removed: tuple[str, ...] = ()
    if full or previous is None:
        added = whole.values
    else:
        touched = set(touched_since(conn, kind.value, previous.mark, mark))
        added = tuple(sorted(v for v in touched if whole.has(v)))
        removed = _kept(kind, {v for v in touched if not whole.has(v)})
    return Blocklist(
        type=kind.value,
        version=version,
        since=since or None,
        full=full,
        values=added,
        removed=removed,
        total=len(whole.values),
        list_checksum=whole.checksum,
    )
