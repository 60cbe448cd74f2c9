"""`scamlink extract` and `scamlink warninglists`: indicators in free text, and the lists of
benign values that never link reports.

Contract (other tools rely on it): `extract --country CC` reads text on stdin and prints one JSON
array of {"type","value","display","start","end","warninglist"}; `extract --jsonl` reads lines
{"text": …, "country": …} and prints one JSON array per line, in order. Offsets are code-point
offsets (Python str indices) into the text.

`--jsonl --workers N` extracts in N processes: the lines are read and checked here, sent in
chunks, and the chunks' output written back in input order, with a bounded number of chunks in
flight (memory does not grow with the input). A bad line still stops the run with its number,
after the output of every line before it.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.table import Table

from scamlink.indicators.extract import extract as extract_text
from scamlink.indicators.warninglists import WARNINGLISTS


def _dump(text: str, country: str) -> str:
    return json.dumps([f.as_json() for f in extract_text(text, country)], ensure_ascii=False)


def _dump_chunk(chunk: list[tuple[str, str]]) -> str:
    """One output line per (text, country), run in a worker process."""
    return "".join(_dump(text, country) + "\n" for text, country in chunk)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


# A chunk sent to a worker: up to this many lines or characters of text (fewer round trips
# than one line each; small enough that the workers share the work evenly).
_CHUNK_LINES = 200
_CHUNK_CHARS = 1 << 18


class _BadLine(Exception):
    """A line of the input that is not a record; raised after the lines before it."""


def _records(lines: TextIO, country: str | None) -> Iterator[tuple[str, str]]:
    """(text, COUNTRY) of each non-blank line; _BadLine names the first bad one."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise _BadLine(f"line {number}: not JSON ({e.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise _BadLine(f'line {number}: expected an object with a string "text"')
        cc = record.get("country", country)
        if not isinstance(cc, str) or len(cc) != 2 or not cc.isalpha():
            raise _BadLine(
                f'line {number}: "country" must be an ISO alpha-2 code (or give --country)'
            )
        yield record["text"], cc.upper()


def _chunks(records: Iterator[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """The records in chunks; at a bad line, the records before it first, then _BadLine."""
    chunk: list[tuple[str, str]] = []
    size = 0
    try:
        for record in records:
            chunk.append(record)
            size += len(record[0])
            if len(chunk) >= _CHUNK_LINES or size >= _CHUNK_CHARS:
                yield chunk
                chunk, size = [], 0
    except _BadLine:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


def _extract_in_processes(lines: TextIO, country: str | None, workers: int, out: TextIO) -> None:
    """The chunks in `workers` processes, written in input order; at most two chunks a worker
    in flight. A bad line: the lines before it are written, then _BadLine."""
    pending: deque[Future[str]] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            for chunk in _chunks(_records(lines, country)):
                pending.append(pool.submit(_dump_chunk, chunk))
                while len(pending) > 2 * workers:
                    out.write(pending.popleft().result())
        except _BadLine:
            while pending:  # every line before the bad one is written first
                out.write(pending.popleft().result())
            raise
        while pending:
            out.write(pending.popleft().result())


def extract(
    country: Annotated[
        str | None,
        typer.Option("--country", help="ISO alpha-2 country of numbers written without one"),
    ] = None,
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help='Read lines {"text": …, "country": …}; one array per line'),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="With --jsonl: extract in this many processes (output stays in input order)",
        ),
    ] = 1,
) -> None:
    """Print the indicators in the text on stdin as JSON (offsets: code points)."""
    stdin = sys.stdin
    if workers > 1 and not jsonl:
        raise _fail("--workers works with --jsonl (one text on stdin is read by one process)")
    if not jsonl:
        if not country or len(country) != 2 or not country.isalpha():
            raise _fail("--country CC (ISO 3166 alpha-2) is required without --jsonl")
        typer.echo(_dump(stdin.read(), country.upper()))
        return
    out = sys.stdout
    try:
        if workers == 1:
            for text, cc in _records(stdin, country):
                out.write(_dump(text, cc) + "\n")
        else:
            _extract_in_processes(stdin, country, workers, out)
    except _BadLine as e:
        out.flush()
        raise _fail(str(e)) from None
    out.flush()


def warninglists(
    as_json: Annotated[bool, typer.Option("--json", help="Print the lists as JSON")] = False,
) -> None:
    """List the warninglists (benign values that never link reports) with versions and counts."""
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "name": w.name,
                        "version": w.version,
                        "types": list(w.types),
                        "match": w.match,
                        "count": w.count,
                        "description": w.description,
                    }
                    for w in WARNINGLISTS
                ],
                ensure_ascii=False,
            )
        )
        return
    table = Table("name", "version", "types", "match", "values")
    for w in WARNINGLISTS:
        table.add_row(w.name, str(w.version), ", ".join(w.types), w.match, str(w.count))
    Console().print(table)
