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
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

from sqlalchemy import Connection

from scamlink.indicators import Indicator, IndicatorType
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.sharing.roles import Viewer
from scamlink.store.blocklist import Watermark, blocklisted, touched_since, watermark

MAX_DELTA_AGE = 7 * 24 * 3600  # seconds: an older `since` gets a full snapshot
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
    digest = hashlib.sha256()
    for value in values:
        digest.update(value.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


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


def blocklist(
    conn: Connection,
    viewer: Viewer,
    kind: IndicatorType,
    since: str | None = None,
    *,
    now: float | None = None,
) -> Blocklist:
    """The viewer's blocklist of one type (see the module's docstring)."""
    at = int(now if now is not None else time.time())
    previous = parse_version(since) if since else None
    mark = watermark(conn)
    if previous is not None and (
        previous.mark.report > mark.report or previous.mark.change > mark.change
    ):  # (listings can be withdrawn: their newest id may go down)
        raise BadBlocklistRequest("since: that version is newer than this store's data")
    whole = _kept(kind, set(blocklisted(conn, viewer, kind.value, mark)))
    version = str(Version(at, mark))
    removed: tuple[str, ...] = ()
    if previous is None or at - previous.at > MAX_DELTA_AGE:
        added, full = whole, True
    else:
        touched = set(touched_since(conn, kind.value, previous.mark, mark))
        on_list = set(whole)
        added, removed = tuple(sorted(touched & on_list)), _kept(kind, touched - on_list)
        full = False
    return Blocklist(
        type=kind.value,
        version=version,
        since=since or None,
        full=full,
        values=added,
        removed=removed,
        total=len(whole),
        list_checksum=checksum(whole),
    )
