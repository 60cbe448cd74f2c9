"""Bulk files uploaded through the web page, imported in a background thread.

The page polls the job by its id (HTMX) to show progress and, at the end, the summary. Jobs live
in this process's memory for an hour after they end: the import itself is durable batch by
batch (`reports.bulk`), only the progress display would be lost with a restart. A job is shown
to the person who started it only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from scamlink.interop.encodings import Encoding, EncodingProblem
from scamlink.interop.report_csv import FieldProblem, HeaderError
from scamlink.interop.report_xlsx import NotAWorkbook
from scamlink.reports.bulk import FileFormat, ImportSummary, import_file
from scamlink.reports.model import ReportSource
from scamlink.sharing.agencies import Agency
from scamlink.web.background_jobs import JobBoard

UPLOADS = "uploads"  # the folder of the data dir that holds files while they are imported
_READ_ERRORS = (HeaderError, EncodingProblem, NotAWorkbook, UnicodeError, OSError)


@dataclass(slots=True)
class UploadJob:
    id: str
    user_id: int
    filename: str
    estimated_rows: int | None  # None when the format does not tell (XLSX)
    rows_done: int = 0
    finished_at: float | None = None
    summary: ImportSummary | None = None
    error: str | None = None  # why the file could not be read at all

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    @property
    def percent(self) -> int | None:
        if self.done:
            return 100
        if not self.estimated_rows:
            return None
        # Quoted line breaks make the line count an estimate: never claim the end early.
        return min(99, self.rows_done * 100 // self.estimated_rows)

    @property
    def rejected(self) -> list[FieldProblem]:
        return [] if self.summary is None else self.summary.rejected


class UploadJobs(JobBoard[UploadJob]):
    def start(
        self,
        engine: Engine,
        path: Path,
        agency: Agency,
        *,
        user_id: int,
        filename: str,
        file_format: FileFormat | None,
        encoding: Encoding | None,
        source: ReportSource,
    ) -> UploadJob:
        """Import the file (deleted afterwards) in a thread; the job tells how it goes."""
        job = UploadJob(secrets.token_urlsafe(16), user_id, filename, estimate_rows(path))

        def work() -> None:
            job.summary = import_file(
                engine,
                path,
                agency,
                file_format=file_format,
                encoding=encoding,
                source=source,
                progress=lambda rows: _advance(job, rows),
            )

        self.run(
            job,
            path,
            work,
            expected=_READ_ERRORS,
            unexpected="the import stopped on an unexpected error; the rows reported as "
            "stored are kept",
        )
        return job


def _advance(job: UploadJob, rows: int) -> None:
    job.rows_done += rows


def estimate_rows(path: Path) -> int | None:
    """Line breaks in a text file, less the header: the rows to expect, roughly."""
    with path.open("rb") as stream:
        if stream.read(4) == b"PK\x03\x04":
            return None
        stream.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return max(lines, 1)
