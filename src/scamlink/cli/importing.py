"""`scamlink import …`: files from agencies and partners into the store.

Exit codes, which scripts rely on: 0 every row went in (or was already there), 1 some rows
were rejected (the good ones went in), 2 nothing could be done (`error: …`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from scamlink.cli.import_indicators import indicators
from scamlink.cli.import_transfers import transfers
from scamlink.cli.progress import progress_bar
from scamlink.config import load_settings
from scamlink.interop.encodings import EncodingProblem, named_encoding
from scamlink.interop.report_csv import FieldProblem, HeaderError
from scamlink.interop.report_xlsx import NotAWorkbook
from scamlink.reports.bulk import (
    FileFormat,
    ImportSummary,
    OnProblem,
    UnknownFormat,
    detect_format,
    import_file,
    parse_format,
)
from scamlink.reports.model import ReportSource
from scamlink.store.agencies import get_agency
from scamlink.store.database import opened_store

app = typer.Typer(help="Import files into the store.", no_args_is_help=True)
app.command("indicators")(indicators)  # partners' lists as listings (lookup/listings.py)
app.command("transfers")(transfers)  # on-chain transfers (tracing/importing.py)

LISTED = 20  # problems printed; the rest are counted (all of them go to --errors)
SOURCES = ", ".join(s.value for s in ReportSource)


class _Refused(ValueError):
    """Nothing can be imported: a usage error, exit code 2."""


@app.command("reports")
def reports(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or JSON Lines file of reports")],
    agency: Annotated[str, typer.Option("--agency", help="Code of the reporting agency")],
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="csv, xlsx or jsonl (default: from the file)"),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Text encoding, e.g. utf-8, cp949, tis-620 (default: detected)"
        ),
    ] = None,
    source: Annotated[str, typer.Option("--source", help=f"One of {SOURCES}")] = "police",
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Write every problem to this CSV file")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Import reports; bad rows are named by line and column, good rows go in."""
    try:
        summary = _import(file, agency, file_format, encoding, source, errors)
    except (_Refused, HeaderError, EncodingProblem, NotAWorkbook, UnknownFormat) as exc:
        typer.echo(f"error: {file.name}: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(_as_json(summary), ensure_ascii=False))
    else:
        _print(Console(), summary)
    if summary.rejected_rows:
        raise typer.Exit(1)


def _import(
    file: Path,
    agency_code: str,
    format_name: str | None,
    encoding_name: str | None,
    source_name: str,
    errors: Path | None,
) -> ImportSummary:
    if not file.is_file():
        raise _Refused("no such file")
    try:
        source = ReportSource(source_name.strip().lower())
    except ValueError:
        raise _Refused(f"unknown source {source_name!r}; use one of {SOURCES}") from None
    chosen_format = parse_format(format_name) if format_name else detect_format(file)
    chosen_encoding = named_encoding(encoding_name) if encoding_name else None
    if chosen_encoding is not None and chosen_format is FileFormat.XLSX:
        raise _Refused("--encoding applies to CSV and JSON Lines, not to XLSX")
    with opened_store(load_settings()) as engine:
        with engine.connect() as conn:
            agency = get_agency(conn, agency_code.strip().upper())
        if agency is None:
            raise _Refused(f"unknown agency {agency_code!r} (see 'scamlink agencies list')")
        total = None if chosen_format is FileFormat.XLSX else _count_lines(file)
        with _problem_file(errors) as on_problem, _LazyBar("importing reports", total) as bar:
            return import_file(
                engine,
                file,
                agency,
                file_format=chosen_format,
                encoding=chosen_encoding,
                source=source,
                progress=bar,
                on_problem=on_problem,
            )


class _LazyBar:
    """A progress bar on stderr that appears with the first stored batch, so that a file
    refused outright leaves one line of error, not an empty bar above it."""

    def __init__(self, label: str, total: int | None) -> None:
        self._label = label
        self._total = total
        self._stack = ExitStack()
        self._advance: Callable[[int], None] | None = None

    def __enter__(self) -> _LazyBar:
        return self

    def __call__(self, rows: int) -> None:
        if self._advance is None:
            self._advance = self._stack.enter_context(progress_bar(self._label, self._total))
        self._advance(rows)

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


@contextmanager
def _problem_file(path: Path | None) -> Iterator[OnProblem | None]:
    if path is None:
        yield None
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["line", "column", "reason", "outcome"])

        def write(problem: FieldProblem, rejected: bool) -> None:
            outcome = "row rejected" if rejected else "value left out"
            writer.writerow([problem.line, problem.column, problem.reason, outcome])

        yield write


def _count_lines(path: Path) -> int:
    """A progress total: lines after the header (exact unless narratives span lines)."""
    with path.open("rb") as handle:
        newline = {b"\xff\xfe": b"\n\x00", b"\xfe\xff": b"\x00\n"}.get(handle.read(2), b"\n")
        handle.seek(0)
        lines = sum(chunk.count(newline) for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(lines - 1, 0)


def _as_json(summary: ImportSummary) -> dict[str, object]:
    return {
        "format": summary.format,
        "encoding": summary.encoding or None,
        "stored": summary.stored,
        "duplicates": summary.duplicates,
        "rejected_rows": summary.rejected_rows,
        "rejected": [
            {"line": p.line, "column": p.column, "reason": p.reason} for p in summary.rejected
        ],
        "unlisted_problems": summary.unlisted_problems,
        "dropped_values": summary.dropped_values,
    }


def _print(console: Console, summary: ImportSummary) -> None:
    read_as = f" ({summary.encoding})" if summary.encoding else ""
    console.print(
        f"{summary.format.upper()}{escape(read_as)}: stored {summary.stored}, "
        f"duplicates {summary.duplicates}, rejected {summary.rejected_rows} row(s), "
        f"indicator values left out {summary.dropped_values}",
        highlight=False,
    )
    for problem in summary.rejected[:LISTED]:
        console.print(f"  {escape(str(problem))}", highlight=False, soft_wrap=True)
    more = len(summary.rejected) - LISTED + summary.unlisted_problems
    if more > 0:
        console.print(f"  … and {more} more problem(s) (--errors FILE lists them all)")
