"""Bulk import of report files (CSV, XLSX, JSON Lines): parse row by row, store in atomic batches.

The file is streamed: memory holds one batch, never the file, so a 2 GB export imports like a
small one. Each batch is one transaction (see `store.reports`); progress hears of a batch only
after it committed, so whatever was reported as stored survives a kill, and a re-import of the
same file stores nothing twice (reports are unique per agency and external id).
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine

from scamlink.cases.notify import after_reports_stored
from scamlink.interop.encodings import Encoding
from scamlink.interop.report_csv import FieldProblem
from scamlink.linking.incremental import link_reports
from scamlink.reports.bulk_parse import (
    GC_THRESHOLDS,
    PARSING_PROCESSES,
    EncodingUsed,
    FileFormat,
    ParsedBatch,
    ParseEvent,
    ParseJob,
    ParsingProcess,
    parallel_worth_it,
    parsed_batches,
)
from scamlink.reports.model import ReportSource
from scamlink.sharing.agencies import Agency
from scamlink.store.markings import release_directory
from scamlink.store.reports import OnStored, PackedBatch, ReportWriter

__all__ = [
    "FileFormat",
    "ImportSummary",
    "OnProblem",
    "UnknownFormat",
    "detect_format",
    "import_csv",
    "import_file",
    "parse_format",
]

BATCH_SIZE = 1000
# Problems kept in the summary; the rest are counted (and all go to `on_problem`), so a file
# of nothing but bad rows cannot fill the memory.
KEPT_PROBLEMS = 10_000
ZIP_MAGIC = b"PK\x03\x04"

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


def link_and_notify(conn: Connection, report_ids: Sequence[int]) -> None:
    """A stored batch's own work: campaigns, then one query for cases sighting its indicators."""
    link_reports(conn, report_ids)
    after_reports_stored(conn, report_ids)


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
    parallel: bool | None = None,
) -> ImportSummary:
    """Store every valid row of the file; progress hears rows handled, batch by batch, after
    each batch committed. A file that cannot be read at all raises (HeaderError,
    EncodingProblem, NotAWorkbook) before anything is stored; bytes that stop decoding midway
    end the import there, with what came before stored and the place named in the summary.

    `parallel`: parse (and extract narratives) in a process of its own while this one stores
    and links; by default for files of a few megabytes and more on a machine of two cores.
    """
    file_format = file_format or detect_format(path)
    summary = ImportSummary(format=file_format.value)
    # Campaigns and case notifications commit with each batch.
    writer = ReportWriter(engine, on_stored=on_stored or link_and_notify)
    with engine.connect() as conn:
        directory = release_directory(conn)
    job = ParseJob(path, agency, directory, file_format, encoding, source, batch_size)
    if parallel is None:
        parallel = parallel_worth_it(path)
    events: AbstractContextManager[Iterator[ParseEvent]] = (
        ParsingProcess(job, PARSING_PROCESSES) if parallel else nullcontext(parsed_batches(job))
    )
    with (
        _collector_tuned(),
        events as parsed,
        _Pipeline(writer, summary, progress) as pipeline,
    ):
        for event in parsed:
            if isinstance(event, EncodingUsed):
                summary.encoding = event.label
                continue
            _count(event, summary, on_problem)
            pipeline.put(event.packed, event.handled)
    return summary


@contextmanager
def _collector_tuned() -> Iterator[None]:
    """The cyclic collector tuned for the length of an import, then as it was: what existed
    before (modules, the store's metadata) is left out of its walks (`gc.freeze`), and it runs
    after more allocations (`GC_THRESHOLDS`). Full collections walked the whole heap again
    every few batches: about a tenth of the importer's CPU."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _count(batch: ParsedBatch, summary: ImportSummary, on_problem: OnProblem | None) -> None:
    """A parsed batch's rejections and values left out, into the summary and `on_problem`."""
    summary.rejected_rows += batch.rejected_rows
    summary.dropped_values += batch.dropped_values
    for problem, rejected in batch.problems:
        if rejected:
            summary.reject(problem)
        if on_problem:
            on_problem(problem, rejected)


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
        self._queue: queue.Queue[tuple[PackedBatch, int] | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._abandoned = False  # the caller stopped (an error, Ctrl-C): store nothing more
        self._thread = threading.Thread(target=self._run, name="report-writer", daemon=True)

    def __enter__(self) -> _Pipeline:
        self._thread.start()
        return self

    def put(self, batch: PackedBatch, handled: int) -> None:
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
                if batch.reports or batch.count:
                    result = self._writer.store_packed(batch)
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
