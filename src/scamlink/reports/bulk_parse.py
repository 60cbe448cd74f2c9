"""The parsing half of a bulk import: a file's rows read, validated, extracted and packed.

`parsed_batches` yields what the writer needs, batch by batch, as plain values (a
`PackedBatch` of tuples, the problems met, the rows handled), so it can run in the importing
process or in a process of its own (`ParsingProcess`) that sends them over a pipe: on a
machine with two cores, one parses and extracts while the other stores and links. The
objects never cross the pipe; their values do, a whole batch per message.
"""

from __future__ import annotations

import atexit
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from scamlink.interop.encodings import Encoding, EncodingProblem, decoded_lines, detect
from scamlink.interop.report_csv import FieldProblem, ParsedRow, read_reports
from scamlink.interop.report_jsonl import read_reports_jsonl
from scamlink.interop.report_xlsx import read_reports_xlsx
from scamlink.reports.model import ReportSource
from scamlink.reports.narrative import mentioned_values
from scamlink.sharing.agencies import Agency
from scamlink.sharing.groups import ReleaseDirectory
from scamlink.store.reports import PackedBatch, Packer, pack

_READ_BUFFER = 4 << 20


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"


@dataclass(frozen=True, slots=True)
class ParseJob:
    """Everything the parsing side needs (picklable: it is sent to the parsing process)."""

    path: Path
    agency: Agency
    directory: ReleaseDirectory
    file_format: FileFormat
    encoding: Encoding | None
    source: ReportSource
    batch_size: int
    # (k, n): parse only the k-th of every n chunks of `batch_size` rows (CSV; n processes
    # read one file, each a share); (0, 1) parses every row.
    share: tuple[int, int] = (0, 1)


@dataclass(slots=True)
class ParsedBatch:
    """One batch of valid reports, and what the rows handled since the previous one met."""

    packed: PackedBatch
    handled: int  # rows handled, rejected ones included (progress counts lines)
    rejected_rows: int = 0
    dropped_values: int = 0
    problems: list[tuple[FieldProblem, bool]] = field(default_factory=list)  # (problem, rejected)


@dataclass(frozen=True, slots=True)
class EncodingUsed:
    """The first event of a text file: the encoding it is read in, as told to people."""

    label: str


ParseEvent = EncodingUsed | ParsedBatch


def parsed_batches(job: ParseJob) -> Iterator[ParseEvent]:
    """The file's batches, parsed here. A file that cannot be read at all raises (HeaderError,
    EncodingProblem, NotAWorkbook) before the first batch; bytes that stop decoding midway end
    the file there, the place named as a rejected row of the last batch.

    With a share of a CSV file (`job.share`), a batch is a chunk of `batch_size` rows (one
    batch per chunk of the share, in order, the last one possibly shorter); otherwise a batch
    holds `batch_size` valid reports."""
    part, parts = job.share
    with ExitStack() as stack:
        stopped: list[FieldProblem] = []
        rows_seen = _Ordinals(job.batch_size, part, parts)
        if job.file_format is FileFormat.XLSX:
            rows = read_reports_xlsx(job.path, job.agency, job.directory)
        else:
            # Large reads: each read lets the writer thread take the interpreter, and then
            # waits for it to give it back; a few hundred reads per gigabyte keep those waits
            # out of the way.
            handle = stack.enter_context(job.path.open("rb", buffering=_READ_BUFFER))
            chosen = job.encoding or detect(handle)
            if part == 0:
                yield EncodingUsed(chosen.label)
            lines = _stop_on_bad_bytes(decoded_lines(handle, chosen), stopped)
            if job.file_format is FileFormat.JSONL:
                rows = read_reports_jsonl(lines, job.agency, job.directory)
            elif parts > 1:
                rows = read_reports(lines, job.agency, job.directory, rows_seen.owned)
            else:
                rows = read_reports(lines, job.agency, job.directory)
        if parts > 1 and job.file_format is not FileFormat.CSV:
            raise ValueError("only CSV files are parsed in shares")
        # The share whose chunk the file stopped in (or would have gone on in) names the place.
        yield from _batches(rows, job, stopped, parts > 1, rows_seen.owns_next)


class _Ordinals:
    """Which rows a share parses (whole chunks of `size` rows, every `parts`-th from `part`),
    remembering how many rows were seen."""

    def __init__(self, size: int, part: int, parts: int) -> None:
        self._size = size
        self._part = part
        self._parts = parts
        self.seen = 0

    def owned(self, ordinal: int) -> bool:
        self.seen = max(self.seen, ordinal + 1)
        return self._mine(ordinal)

    def owns_next(self) -> bool:
        """Whether the row after the last one seen would have been this share's."""
        return self._mine(self.seen)

    def _mine(self, ordinal: int) -> bool:
        return (ordinal // self._size) % self._parts == self._part


def _stop_on_bad_bytes(lines: Iterator[str], stopped: list[FieldProblem]) -> Iterator[str]:
    """Undecodable bytes end the file there: what came before is kept, the place is named."""
    try:
        yield from lines
    except EncodingProblem as exc:
        if exc.line is None or exc.line <= 1:
            raise  # not even the header reads: nothing was stored, the whole file is refused
        stopped.append(
            FieldProblem(exc.line, "", f"{exc.reason}; the rest of the file was not read")
        )


def _batches(
    rows: Iterator[ParsedRow],
    job: ParseJob,
    stopped: list[FieldProblem],
    by_rows: bool,
    owns_stop: Callable[[], bool],
) -> Iterator[ParsedBatch]:
    """Batches of `batch_size` valid reports (or, `by_rows`, of `batch_size` rows handled);
    where the file stopped on bad bytes is told with the last batch (`owns_stop`: by this
    share)."""
    country = job.agency.country
    # The source the reports are stored with, when not the rows' own (police).
    source = None if job.source is ReportSource.POLICE else job.source._value_
    packer = Packer()
    current = ParsedBatch(_EMPTY, 0)
    for row in rows:
        current.handled += 1
        report = row.report
        if report is None:
            current.rejected_rows += 1
            current.problems.extend((problem, True) for problem in row.problems)
        else:
            if row.problems:
                current.dropped_values += len(row.problems)
                current.problems.extend((problem, False) for problem in row.problems)
            # The narrative's indicators go straight into the batch as values: the same
            # sightings `with_narrative_sightings` would add, without objects made for them.
            packer.add(report, mentioned_values(report.narrative, country), source)
        if (current.handled if by_rows else packer.count) >= job.batch_size:
            current.packed = packer.packed()
            yield current
            packer, current = Packer(), ParsedBatch(_EMPTY, 0)
    if stopped and (not by_rows or owns_stop()):
        current.rejected_rows += len(stopped)
        current.problems.extend((problem, True) for problem in stopped)
    if packer.count or current.handled or current.problems:
        current.packed = packer.packed()
        yield current


_EMPTY = pack(())


# --- the parsing process -------------------------------------------------------------------

# Files at least this large are parsed in a process of their own (when there is a second
# core): below it, handing batches over costs more than it saves.
PARALLEL_MIN_BYTES = 2 << 20
# Parsing processes kept waiting for the next file (an import of a world is a file per agency).
_KEEP_IDLE = 4
# Processes parsing one CSV file, each a share of its rows, while the importer stores.
PARSING_PROCESSES = 2

_END = "end"
_LENGTH = struct.Struct("!Q")

# The cyclic collector's thresholds while importing (the parsing processes, and the importing
# process for the length of a file): a young collection after 20,000 allocations instead of
# 700. Nearly everything a batch makes is freed by reference counting anyway.
GC_THRESHOLDS = (20_000, 10, 10)


def parallel_worth_it(path: Path) -> bool:
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) >= 2


def send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """The next message; EOFError when the other side is gone."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError
    size = _LENGTH.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 (our own child process, over its own pipe)


def serve(jobs: IO[bytes], events: IO[bytes]) -> None:
    """The parsing process's loop: a job in, its events out, until the importer goes away."""
    while True:
        try:
            job = receive(jobs)
        except EOFError:
            return
        try:
            for event in parsed_batches(job):
                send(events, event)
            send(events, _END)
        except BrokenPipeError:
            return
        except Exception as exc:  # sent to the importer, which raises it
            try:
                send(events, exc)
            except Exception:  # an exception that does not pickle: its words still go
                send(events, RuntimeError(f"{type(exc).__name__}: {exc}"))


class _Worker:
    """A parsing process: `python -m scamlink.reports.parse_worker`, jobs on its stdin."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scamlink.reports.parse_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=1 << 20,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


_idle: list[_Worker] = []
_idle_lock = threading.Lock()


def _take_worker() -> _Worker:
    with _idle_lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.stop()
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _idle_lock:
        if len(_idle) < _KEEP_IDLE and worker.alive():
            _idle.append(worker)
            return
    worker.stop()


@atexit.register
def _stop_idle_workers() -> None:
    with _idle_lock:
        for worker in _idle:
            worker.stop()
        _idle.clear()


class ParsingProcess:
    """`parsed_batches(job)` run in processes of their own, their events read here in order.

    A CSV file is read by `parts` processes, each parsing every `parts`-th chunk of rows; their
    batches are taken in turn, so they come in file order. Back-pressure is the pipes': a
    process parses one batch ahead and waits until this side takes it, so memory stays flat.
    A process that finished its file waits for the next one (starting Python and importing
    the parsers takes a second); leaving the `with` block early (an error, Ctrl-C) ends them;
    a killed importer takes them along (their pipes break).
    """

    def __init__(self, job: ParseJob, parts: int = 1) -> None:
        self._job = job
        self._parts = parts if job.file_format is FileFormat.CSV else 1
        self._workers: list[_Worker] = []
        self._finished = False

    def __enter__(self) -> Iterator[ParseEvent]:
        self._workers = [_take_worker() for _ in range(self._parts)]
        return self._events()

    def _events(self) -> Iterator[ParseEvent]:
        streams = []
        for part, worker in enumerate(self._workers):
            process = worker.process
            assert process.stdin is not None
            assert process.stdout is not None
            try:
                send(process.stdin, replace(self._job, share=(part, self._parts)))
            except BrokenPipeError:
                raise RuntimeError("a parsing process ended before its file") from None
            streams.append(process.stdout)
        turn = 0
        while True:
            event = self._next(streams[turn])
            if isinstance(event, str):  # this share ended, so the file did: the others end too
                others = [self._next(s) for i, s in enumerate(streams) if i != turn]
                self._finished = all(isinstance(e, str) for e in others)
                return
            if isinstance(event, BaseException):
                raise event
            yield event
            if isinstance(event, ParsedBatch):
                turn = (turn + 1) % len(streams)

    @staticmethod
    def _next(stream: IO[bytes]) -> Any:
        try:
            return receive(stream)
        except EOFError:
            raise RuntimeError("a parsing process ended without finishing") from None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for worker in self._workers:
            if self._finished:
                _give_back(worker)
            else:
                worker.stop()  # stopped midway: what it is sending is not wanted
        self._workers = []
