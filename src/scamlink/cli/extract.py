"""`scamlink extract` and `scamlink warninglists`: indicators in free text, and the lists of
benign values that never link reports.

Contract (other tools rely on it): `extract --country CC` reads text on stdin and prints one JSON
array of {"type","value","display","start","end","warninglist"}; `extract --jsonl` reads lines
{"text": …, "country": …} and prints one JSON array per line, in order. Offsets are code-point
offsets (Python str indices) into the text.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scamlink.indicators.extract import extract as extract_text
from scamlink.indicators.warninglists import WARNINGLISTS


def _dump(text: str, country: str) -> str:
    return json.dumps([f.as_json() for f in extract_text(text, country)], ensure_ascii=False)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def extract(
    country: Annotated[
        str | None,
        typer.Option("--country", help="ISO alpha-2 country of numbers written without one"),
    ] = None,
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help='Read lines {"text": …, "country": …}; one array per line'),
    ] = False,
) -> None:
    """Print the indicators in the text on stdin as JSON (offsets: code points)."""
    stdin = sys.stdin
    if not jsonl:
        if not country or len(country) != 2 or not country.isalpha():
            raise _fail("--country CC (ISO 3166 alpha-2) is required without --jsonl")
        typer.echo(_dump(stdin.read(), country.upper()))
        return
    out = sys.stdout
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise _fail(f"line {number}: not JSON ({e.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise _fail(f'line {number}: expected an object with a string "text"')
        cc = record.get("country", country)
        if not isinstance(cc, str) or len(cc) != 2 or not cc.isalpha():
            raise _fail(f'line {number}: "country" must be an ISO alpha-2 code (or give --country)')
        out.write(_dump(record["text"], cc.upper()) + "\n")
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
