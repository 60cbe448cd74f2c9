"""Importing an external list (a partner's blocklist) as listings: `import_listings`.

A file is plain text (one value a line; blank lines and lines starting with `#` are skipped),
CSV with a `value` column (other columns are ignored), or a JSON array of strings. Each value is
canonicalised as the given type (a phone number without its country code takes the importing
agency's country); a value that is not one is reported with its line (and, for CSV, column), the
others are stored as listings of (source NAME, agency, marking). The unique (indicator, source,
agency) makes a re-import add nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from scamlink.indicators import Indicator, IndicatorType, InvalidIndicator, canonicalise
from scamlink.sharing.audit import Actor, record
from scamlink.sharing.tlp import Tlp
from scamlink.store.listings import ListingBatch, store_listings, withdraw_listings

BATCH = 1000  # values per transaction
MAX_SOURCE = 100


class ListFormat(StrEnum):
    TEXT = "text"
    CSV = "csv"
    JSON = "json"


class ListRefused(ValueError):
    """Nothing can be imported (unreadable file, no `value` column, not a JSON array…)."""


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int
    column: str | None
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class ListingSummary:
    format: str
    read: int = 0
    stored: int = 0  # new listings
    duplicates: int = 0  # already listed (this source and agency), or twice in the file
    rejected: list[LineProblem] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "format": self.format,
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected_rows": len(self.rejected),
            "rejected": [
                {"line": p.line, "column": p.column, "value": p.value, "reason": p.reason}
                for p in self.rejected
            ],
        }


def detect_format(path: Path, text: str) -> ListFormat:
    suffix = path.suffix.lower()
    if suffix in (".json",):
        return ListFormat.JSON
    if suffix in (".csv",):
        return ListFormat.CSV
    if suffix in (".txt", ".lst", ".list"):
        return ListFormat.TEXT
    head = text.lstrip()[:1]
    if head == "[":
        return ListFormat.JSON
    first = text.split("\n", 1)[0].lower()
    if "," in first and "value" in [c.strip().strip('"') for c in first.split(",")]:
        return ListFormat.CSV
    return ListFormat.TEXT


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ListRefused(f"line {line}: not UTF-8 text (byte 0x{data[e.start]:02x})") from None


Entry = tuple[int, str | None, str, str | None]  # line, column, value as written, problem


def entries(text: str, kind: ListFormat) -> Iterator[Entry]:
    if kind is ListFormat.TEXT:
        for number, line in enumerate(text.splitlines(), start=1):
            value = line.strip()
            if value and not value.startswith("#"):
                yield number, None, value, None
    elif kind is ListFormat.CSV:
        yield from _csv_entries(text)
    else:
        yield from _json_entries(text)


def _csv_entries(text: str) -> Iterator[Entry]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ListRefused("the CSV file is empty") from None
    except csv.Error as e:
        raise ListRefused(f"line 1: {e}") from None
    names = [h.strip().lower() for h in header]
    if "value" not in names:
        raise ListRefused(f"line 1: no 'value' column (columns: {', '.join(header) or 'none'})")
    at = names.index("value")
    column = header[at].strip()
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            value = row[at].strip() if at < len(row) else ""
            yield reader.line_num, column, value, None
    except csv.Error as e:
        raise ListRefused(f"line {reader.line_num}: {e}") from None


def _json_entries(text: str) -> Iterator[Entry]:
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if text[pos : pos + 1] != "[":
        raise ListRefused(f"line {_line(text, pos)}: expected a JSON array of strings")
    pos = _skip(text, pos + 1)
    if text[pos : pos + 1] == "]":
        return
    while True:
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise ListRefused(f"line {e.lineno}, column {e.colno}: {e.msg}") from None
        line = _line(text, pos)
        if isinstance(value, str):
            yield line, None, value, None
        else:
            yield (
                line,
                None,
                json.dumps(value)[:80],
                f"expected a string, got {type(value).__name__}",
            )
        pos = _skip(text, end)
        sep = text[pos : pos + 1]
        if sep == "]":
            if text[_skip(text, pos + 1) :]:
                raise ListRefused(f"line {_line(text, pos)}: text after the JSON array")
            return
        if sep != ",":
            raise ListRefused(f"line {_line(text, pos)}: expected ',' or ']' in the JSON array")
        pos = _skip(text, pos + 1)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def import_listings(
    engine: Engine,
    path: Path,
    *,
    kind: IndicatorType,
    source: str,
    tlp: Tlp,
    agency: str,
    country: str | None,
    actor: Actor,
    file_format: ListFormat | None = None,
    progress: Callable[[int], None] | None = None,
) -> ListingSummary:
    """Read, canonicalise and store a list; problems come back with their lines."""
    source = source.strip()
    if not source or len(source) > MAX_SOURCE:
        raise ListRefused(f"--source: a name of 1 to {MAX_SOURCE} characters")
    text = read_text(path)
    chosen = file_format or detect_format(path, text)
    summary = ListingSummary(chosen.value)
    batch = ListingBatch(source, agency, tlp.value, datetime.now(UTC))
    seen: set[str] = set()
    pending: list[Indicator] = []

    def flush() -> None:
        if not pending:
            return
        with engine.begin() as conn:
            added = store_listings(conn, pending, batch)
        summary.stored += added
        summary.duplicates += len(pending) - added
        if progress is not None:
            progress(len(pending))
        pending.clear()

    for line, column, value, problem in entries(text, chosen):
        summary.read += 1
        try:
            if problem is not None:
                raise InvalidIndicator(problem)
            found = canonicalise(kind, value, country)
        except InvalidIndicator as e:
            summary.rejected.append(LineProblem(line, column, value[:200], str(e)))
            continue
        if found.value in seen:
            summary.duplicates += 1
            continue
        seen.add(found.value)
        pending.append(found)
        if len(pending) >= BATCH:
            flush()
    flush()
    with engine.begin() as conn:
        record(
            conn,
            actor,
            "listings.import",
            f"listings:{source}",
            {
                "type": kind.value,
                "tlp": tlp.value,
                "file": path.name,
                "stored": summary.stored,
                "duplicates": summary.duplicates,
                "rejected": len(summary.rejected),
            },
            subject_agency=agency,
        )
    return summary


def withdraw(
    engine: Engine,
    *,
    source: str,
    agency: str,
    actor: Actor,
    kind: IndicatorType | None = None,
    values: Sequence[str] = (),
    country: str | None = None,
) -> int:
    """Withdraw a list (every listing of `source` for `agency`) or some of its values (each
    canonicalised as `kind`; InvalidIndicator names the bad one), audited
    (`listings.withdraw`); the number of listings deleted. Lookups and blocklist deltas take
    the removal in within a second (`store.lookup.record_changes`)."""
    source = source.strip()
    if not source or len(source) > MAX_SOURCE:
        raise ListRefused(f"--source: a name of 1 to {MAX_SOURCE} characters")
    keys: list[tuple[str, str]] | None = None
    if values:
        if kind is None:
            raise ListRefused("--type: required with values, e.g. --type phone")
        keys = []
        for position, value in enumerate(values, start=1):
            try:
                found = canonicalise(kind, value, country)
            except InvalidIndicator as e:
                raise ListRefused(f"value {position} ({value[:200]!r}): {e}") from None
            keys.append((found.type.value, found.value))
    with engine.begin() as conn:
        withdrawn = withdraw_listings(conn, source, agency, keys)
        record(
            conn,
            actor,
            "listings.withdraw",
            f"listings:{source}",
            {"values": len(keys) if keys is not None else "all", "withdrawn": withdrawn},
            subject_agency=agency,
        )
    return withdrawn
