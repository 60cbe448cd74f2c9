"""Bulk import of report files (CSV, XLSX, JSON Lines): parse row by row, store in atomic batches.

The file is streamed: memory holds one batch, never the file, so a 2 GB export imports like a
small one. Each batch is one transaction (see `store.reports`); progress hears of a batch only
after it committed, so whatever was reported as stored survives a kill, and a re-import of the
same file stores nothing twice (reports are unique per agency and external id).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine

from scamlink.interop.encodings import Encoding, EncodingProblem, decoded_lines, detect
from scamlink.interop.report_csv import FieldProblem, ParsedRow, read_reports
from scamlink.interop.report_jsonl import read_reports_jsonl
from scamlink.interop.report_xlsx import read_reports_xlsx
from scamlink.linking.incremental import link_reports
from scamlink.reports.model import Report, ReportSource
from scamlink.reports.narrative import with_narrative_sightings
from scamlink.sharing.agencies import Agency
from scamlink.sharing.groups import ReleaseDirectory
from scamlink.store.markings import release_directory
from scamlink.store.reports import OnStored, ReportWriter

BATCH_SIZE = 1000
# Problems kept in the summary; the rest are counted (and all go to `on_problem`), so a file
# of nothing but bad rows cannot fill the memory.
KEPT_PROBLEMS = 10_000
ZIP_MAGIC = b"PK\x03\x04"
_READ_BUFFER = 4 << 20


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"


EXTENSIONS = {
    ".csv": FileFormat.CSV,
    ".txt": FileFormat.CSV,
    ".xlsx": FileFormat.XLSX,
    ".xlsm": FileFormat.XLSX,
    ".jsonl": FileFormat.JSONL,
    ".ndjson": FileFormat.JSONL,
}

# Hears of every problem: rejected=True when it kept its row out, False for a value left out.
OnProblem = Callable[[FieldProblem, bool], None]


@dataclass(slots=True)
class ImportSummary:
    stored: int = 0
    duplicates: int = 0
    rejected: list[FieldProblem] = field(default_factory=list)  # rows left out, with why
    dropped_values: int = 0  # indicator values that did not validate; the row still went in
    rejected_rows: int = 0
    unlisted_problems: int = 0  # rejections beyond KEPT_PROBLEMS, counted only
    format: str = ""
    encoding: str = ""  # the text encoding used, as told to people ("" for XLSX)

    def add(self, other: ImportSummary) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)
        self.dropped_values += other.dropped_values
        self.rejected_rows += other.rejected_rows
        self.unlisted_problems += other.unlisted_problems

    def reject(self, problem: FieldProblem) -> None:
        if len(self.rejected) < KEPT_PROBLEMS:
            self.rejected.append(problem)
        else:
            self.unlisted_problems += 1


class UnknownFormat(ValueError):
    pass


def detect_format(path: Path) -> FileFormat:
    """From the extension; for another name, from the first bytes."""
    known = EXTENSIONS.get(path.suffix.lower())
    if known is not None:
        return known
    with path.open("rb") as handle:
        start = handle.read(4096)
    if start.startswith(ZIP_MAGIC):
        return FileFormat.XLSX
    if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return FileFormat.JSONL
    return FileFormat.CSV


def parse_format(name: str) -> FileFormat:
    try:
        return FileFormat(name.strip().lower())
    except ValueError:
        raise UnknownFormat(
            f"unknown format {name!r}; use one of {', '.join(f.value for f in FileFormat)}"
        ) from None


def import_file(
    engine: Engine,
    path: Path,
    agency: Agency,
    *,
    file_format: FileFormat | None = None,
    encoding: Encoding | None = None,
    source: ReportSource = ReportSource.POLICE,
    progress: Callable[[int], None] | None = None,
    on_problem: OnProblem | None = None,
    on_stored: OnStored | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Store every valid row of the file; progress hears rows handled, batch by batch, after
    each batch committed. A file that cannot be read at all raises (HeaderError,
    EncodingProblem, NotAWorkbook) before anything is stored; bytes that stop decoding midway
    end the import there, with what came before stored and the place named in the summary.
    """
    file_format = file_format or detect_format(path)
    summary = ImportSummary(format=file_format.value)
    writer = ReportWriter(engine, on_stored=on_stored or link_reports)  # campaigns commit too
    with engine.connect() as conn:
        directory = release_directory(conn)
    with ExitStack() as stack:
        rows = _rows(stack, path, agency, directory, file_format, encoding, summary, on_problem)
        with _Pipeline(writer, summary, progress) as pipeline:
            batches = _batches(rows, summary, source, agency.country, batch_size, on_problem)
            for batch, handled in batches:
                pipeline.put(batch, handled)
    return summary


class _Pipeline:
    """Stores batches in a thread of its own while the next batch is parsed.

    The database works (and the driver waits on it, without the GIL) while Python parses, so
    on PostgreSQL the two overlap instead of taking turns. Batches are stored one at a time
    in file order, each in its own transaction as before; progress still hears of a batch only
    after it committed. After a failure nothing more is stored, and the failure is raised in
    the caller's thread. At most two parsed batches wait, so memory stays flat.
    """

    _DONE = None

    def __init__(
        self,
        writer: ReportWriter,
        summary: ImportSummary,
        progress: Callable[[int], None] | None,
    ) -> None:
        self._writer = writer
        self._summary = summary
        self._progress = progress
        self._queue: queue.Queue[tuple[list[Report], int] | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._abandoned = False  # the caller stopped (an error, Ctrl-C): store nothing more
        self._thread = threading.Thread(target=self._run, name="report-writer", daemon=True)

    def __enter__(self) -> _Pipeline:
        self._thread.start()
        return self

    def put(self, batch: list[Report], handled: int) -> None:
        self._raise_failure()
        self._queue.put((batch, handled))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        # The batch in flight finishes (it commits or rolls back whole) before we return; the
        # ones still waiting were never acknowledged, so when the caller failed they are dropped.
        self._abandoned = kind is not None
        self._queue.put(self._DONE)
        self._thread.join()
        if kind is None:
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        while (item := self._queue.get()) is not self._DONE:
            if self._failure is not None or self._abandoned:
                continue  # drain without storing: nothing after a failure goes in
            batch, handled = item
            try:
                if batch:
                    result = self._writer.store(batch)
                    self._summary.stored += result.stored
                    self._summary.duplicates += result.duplicates
                if self._progress:
                    self._progress(handled)
            except BaseException as exc:  # raised again in the caller's thread
                self._failure = exc


def import_csv(
    engine: Engine,
    path: Path,
    agency: Agency,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Store every valid row of a report CSV (the demo world's files)."""
    return import_file(engine, path, agency, file_format=FileFormat.CSV, progress=progress)


def _rows(
    stack: ExitStack,
    path: Path,
    agency: Agency,
    directory: ReleaseDirectory,
    file_format: FileFormat,
    encoding: Encoding | None,
    summary: ImportSummary,
    on_problem: OnProblem | None,
) -> Iterator[ParsedRow]:
    if file_format is FileFormat.XLSX:
        return read_reports_xlsx(path, agency, directory)
    # Large reads: each read lets the writer thread take the interpreter, and then waits for
    # it to give it back; a few hundred reads per gigabyte keep those waits out of the way.
    handle = stack.enter_context(path.open("rb", buffering=_READ_BUFFER))
    chosen = encoding or detect(handle)
    summary.encoding = chosen.label
    lines = _stop_on_bad_bytes(decoded_lines(handle, chosen), summary, on_problem)
    if file_format is FileFormat.JSONL:
        return read_reports_jsonl(lines, agency, directory)
    return read_reports(lines, agency, directory)


def _stop_on_bad_bytes(
    lines: Iterator[str], summary: ImportSummary, on_problem: OnProblem | None
) -> Iterator[str]:
    """Undecodable bytes end the file there: what came before is kept, the place is named."""
    try:
        yield from lines
    except EncodingProblem as exc:
        if exc.line is None or exc.line <= 1:
            raise  # not even the header reads: nothing was stored, the whole file is refused
        problem = FieldProblem(exc.line, "", f"{exc.reason}; the rest of the file was not read")
        summary.reject(problem)
        summary.rejected_rows += 1
        if on_problem:
            on_problem(problem, True)


def _batches(
    rows: Iterator[ParsedRow],
    summary: ImportSummary,
    source: ReportSource,
    country: str,
    batch_size: int,
    on_problem: OnProblem | None,
) -> Iterator[tuple[list[Report], int]]:
    """Batches of valid reports, each with the number of rows handled since the last one."""
    batch: list[Report] = []
    handled = 0
    for row in rows:
        handled += 1
        if row.report is None:
            summary.rejected_rows += 1
            for problem in row.problems:
                summary.reject(problem)
                if on_problem:
                    on_problem(problem, True)
            continue
        summary.dropped_values += len(row.problems)
        if on_problem:
            for problem in row.problems:
                on_problem(problem, False)
        report = with_narrative_sightings(row.report, country)
        batch.append(report if source is ReportSource.POLICE else replace(report, source=source))
        if len(batch) >= batch_size:
            yield batch, handled
            batch, handled = [], 0
    if batch or handled:
        yield batch, handled
