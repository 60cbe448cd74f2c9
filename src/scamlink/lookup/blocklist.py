"""The downloadable blocklist for telco and bank filters: a versioned snapshot plus deltas.

`blocklist(conn, viewer, type, since)`:
- without `since`: every value of the type the viewer may see reported (a verified report or a
  listing under the sharing policy), warninglisted values left out (an official hotline or a
  bank's own domain is never blocked), sorted, with its `version`;
- with `since` (a version an earlier answer gave): the values named by reports and listings
  stored after that version (`full: false`; the client adds them to its copy). Review decisions
  and withdrawn listings only show in a full snapshot: a `since` older than `MAX_DELTA_AGE`
  answers with a full one (`full: true`), so a client that asks at least daily stays exact
  within that period by replacing its copy whenever `full` is true.
The `checksum` is the SHA-256 of the values, each followed by a line feed (`\\n`), in the order
given (sorted by code point): a client checks what it stored, whatever the transport.
Versions look like `1764374400.1234.56` (Unix time, report and listing watermarks).
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
from scamlink.store.blocklist import Watermark, blocklisted, watermark

MAX_DELTA_AGE = 7 * 24 * 3600  # seconds: an older `since` gets a full snapshot
_VERSION_RE = re.compile(r"^(\d{1,12})\.(\d{1,19})\.(\d{1,19})$")
TYPES = tuple(t.value for t in IndicatorType)


class BadBlocklistRequest(ValueError):
    """A type or version the blocklist cannot answer; the message names the field."""


@dataclass(frozen=True, slots=True)
class Version:
    at: int  # Unix seconds
    mark: Watermark

    def __str__(self) -> str:
        return f"{self.at}.{self.mark.report}.{self.mark.listing}"


@dataclass(frozen=True, slots=True)
class Blocklist:
    type: str
    version: str
    since: str | None
    full: bool
    values: tuple[str, ...]

    @property
    def checksum(self) -> str:
        return "sha256:" + checksum(self.values)

    def as_json(self) -> dict[str, object]:
        return {
            "type": self.type,
            "version": self.version,
            "since": self.since,
            "full": self.full,
            "count": len(self.values),
            "checksum": self.checksum,
            "values": list(self.values),
        }

    def as_text(self) -> str:
        return "".join(f"{value}\n" for value in self.values)


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
            "earlier answer (e.g. 1764374400.1234.56), or leave it out for a full snapshot"
        )
    return Version(int(m.group(1)), Watermark(int(m.group(2)), int(m.group(3))))


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
        previous.mark.report > mark.report or previous.mark.listing > mark.listing
    ):
        raise BadBlocklistRequest("since: that version is newer than this store's data")
    full = previous is None or at - previous.at > MAX_DELTA_AGE
    after = None if full or previous is None else previous.mark
    values = set(blocklisted(conn, viewer, kind.value, mark, after))
    return Blocklist(
        type=kind.value,
        version=str(Version(at, mark)),
        since=since or None,
        full=full,
        values=_kept(kind, values),
    )
