"""Bulk import of the public CSV format: parse row by row, store in atomic batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from scamlink.interop.report_csv import FieldProblem, ParsedRow, read_reports
from scamlink.reports.model import Report
from scamlink.sharing.agencies import Agency
from scamlink.store.markings import release_directory
from scamlink.store.reports import ReportWriter

BATCH_SIZE = 1000


@dataclass(slots=True)
class ImportSummary:
    stored: int = 0
    duplicates: int = 0
    rejected: list[FieldProblem] = field(default_factory=list)  # rows left out, with why
    dropped_values: int = 0  # indicator values that did not validate; the row still went in

    def add(self, other: ImportSummary) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)
        self.dropped_values += other.dropped_values


def import_csv(
    engine: Engine,
    path: Path,
    agency: Agency,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Store every valid row; each committed batch is durable before progress reports it."""
    summary = ImportSummary()
    writer = ReportWriter(engine)
    with engine.connect() as conn:
        directory = release_directory(conn)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for batch in _batches(read_reports(stream, agency, directory), summary):
            result = writer.store(batch)
            summary.stored += result.stored
            summary.duplicates += result.duplicates
            if progress:
                progress(len(batch))
    return summary


def _batches(rows: Iterator[ParsedRow], summary: ImportSummary) -> Iterator[list[Report]]:
    batch: list[Report] = []
    for row in rows:
        if row.report is None:
            summary.rejected.extend(row.problems)
            continue
        summary.dropped_values += len(row.problems)
        batch.append(row.report)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch
