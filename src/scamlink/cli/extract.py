"""`scamlink extract` and `scamlink warninglists`: indicators in free text, and the lists of
benign values that never link reports.

Contract (other tools rely on it): `extract --country CC` reads text on stdin and prints one JSON
array of {"type","value","display","start","end","warninglist"}; `extract --jsonl` reads lines
{"text": …, "country": …} and prints one JSON array per line, in order. Offsets are code-point
offsets (Python str indices) into the text.

`--jsonl --workers N` extracts in N processes: the lines are read here and sent as they are in
chunks (each worker decodes and checks its own), and the chunks' output written back in input
order, with a bounded number of chunks in flight (memory does not grow with the input). A bad line
still stops the run with its number, after the output of every line before it.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from json.encoder import encode_basestring
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.table import Table

from scamlink.indicators.extract import Found
from scamlink.indicators.extract import extract as extract_text
from scamlink.indicators.types import IndicatorType
from scamlink.indicators.warninglists import WARNINGLISTS

# encode_basestring is the C function json.dumps(..., ensure_ascii=False) quotes strings with.
_TYPE_JSON = {kind: encode_basestring(kind.value) for kind in IndicatorType}


def _dump(text: str, country: str) -> str:
    return _json_array(extract_text(text, country))


def _json_array(found: list[Found]) -> str:
    """json.dumps([f.as_json() for f in found], ensure_ascii=False), byte for byte (the same
    key order, separators and string quoting), written out without a dict per indicator: the
    dicts and the generic encoder were a quarter of the command's own CPU."""
    if not found:
        return "[]"
    quote = encode_basestring
    return (
        "["
        + ", ".join(
            [
                f'{{"type": {_TYPE_JSON[f.type]}, "value": {quote(f.value)}, '
                f'"display": {quote(f.display)}, "start": {f.start}, "end": {f.end}, '
                f'"warninglist": {"null" if f.warninglist is None else quote(f.warninglist)}}}'
                for f in found
            ]
        )
        + "]"
    )


def _dump_lines(first: int, lines: list[str], country: str | None) -> tuple[str, str | None]:
    """The output of input lines numbered from `first`, run in a worker process: (the output
    lines, None), or at a bad line (the output of the lines before it, its message)."""
    out: list[str] = []
    try:
        for text, cc in _records(lines, country, first):
            out.append(_dump(text, cc) + "\n")
    except _BadLine as e:
        return "".join(out), str(e)
    return "".join(out), None


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


# A chunk sent to a worker: up to this many lines or characters of text (fewer round trips
# than one line each; small enough that the workers share the work evenly).
_CHUNK_LINES = 200
_CHUNK_CHARS = 1 << 18


class _BadLine(Exception):
    """A line of the input that is not a record; raised after the lines before it."""


def _records(
    lines: Iterable[str], country: str | None, first: int = 1
) -> Iterator[tuple[str, str]]:
    """(text, COUNTRY) of each non-blank line (the first numbered `first`); _BadLine names the
    first bad one."""
    for number, line in enumerate(lines, start=first):
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


def _chunks(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """The input lines in chunks, each with the number of its first line."""
    chunk: list[str] = []
    size = 0
    first = 1
    for number, line in enumerate(lines, start=1):
        if not chunk:
            first = number
        chunk.append(line)
        size += len(line)
        if len(chunk) >= _CHUNK_LINES or size >= _CHUNK_CHARS:
            yield first, chunk
            chunk, size = [], 0
    if chunk:
        yield first, chunk


def _extract_in_processes(lines: TextIO, country: str | None, workers: int, out: TextIO) -> None:
    """The chunks in `workers` processes, written in input order; at most two chunks a worker
    in flight. The workers decode the lines (that work is shared too); a bad line: the lines
    before it are written, then _BadLine, and the chunks after it are dropped."""
    pending: deque[Future[tuple[str, str | None]]] = deque()

    def write_next() -> None:
        output, bad = pending.popleft().result()
        out.write(output)
        if bad is not None:
            raise _BadLine(bad)

    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            for first, chunk in _chunks(lines):
                pending.append(pool.submit(_dump_lines, first, chunk, country))
                while len(pending) > 2 * workers:
                    write_next()
            while pending:
                write_next()
        finally:
            for future in pending:  # after a bad line: the chunks after it are not wanted
                future.cancel()


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
