"""`scamlink import indicators FILE --type TYPE --source NAME --tlp MARK --agency CODE`: a
partner's list (text, CSV with a `value` column, or a JSON array) stored as listings.

Exit codes as `import reports`: 0 every value went in (or was already there), 1 some values were
rejected (the good ones went in), 2 nothing could be done (`error: …`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from scamlink.cli.operator import cli_actor
from scamlink.cli.progress import progress_bar
from scamlink.config import load_settings
from scamlink.indicators import IndicatorType
from scamlink.lookup.listings import ListFormat, ListRefused, import_listings
from scamlink.sharing.tlp import Tlp
from scamlink.store.agencies import get_agency
from scamlink.store.database import opened_store

LISTED = 20
TYPES = ", ".join(t.value for t in IndicatorType)


def indicators(
    file: Annotated[Path, typer.Argument(help="Text (one value a line), CSV or JSON array")],
    kind: Annotated[str, typer.Option("--type", help=f"Indicator type: {TYPES}")],
    source: Annotated[str, typer.Option("--source", help="Name of the list, e.g. 'KB fraud desk'")],
    tlp: Annotated[
        str, typer.Option("--tlp", help="Marking: CLEAR, GREEN, AMBER, AMBER+STRICT, RED")
    ],
    agency: Annotated[str, typer.Option("--agency", help="Code of the importing agency")],
    file_format: Annotated[
        str | None, typer.Option("--format", help="text, csv or json (default: from the file)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Import a list of indicators (a partner's blocklist) as listings; invalid lines are named."""
    try:
        kind_value = IndicatorType(kind.strip().lower())
    except ValueError:
        _refuse(file, f"unknown type {kind!r}; use one of {TYPES}")
    try:
        marking = Tlp.parse(tlp)
    except ValueError as e:
        _refuse(file, str(e))
    chosen = None
    if file_format is not None:
        try:
            chosen = ListFormat(file_format.strip().lower())
        except ValueError:
            _refuse(file, f"unknown format {file_format!r}; use text, csv or json")
    if not file.is_file():
        _refuse(file, "no such file")
    with opened_store(load_settings()) as engine:
        with engine.connect() as conn:
            found = get_agency(conn, agency.strip().upper())
        if found is None:
            _refuse(file, f"unknown agency {agency!r} (see 'scamlink agencies list')")
        try:
            with progress_bar("importing indicators", None) as advance:
                summary = import_listings(
                    engine,
                    file,
                    kind=kind_value,
                    source=source,
                    tlp=marking,
                    agency=found.code,
                    country=found.country,
                    actor=cli_actor(),
                    file_format=chosen,
                    progress=advance,
                )
        except ListRefused as e:
            _refuse(file, str(e))
    if as_json:
        typer.echo(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        console = Console()
        console.print(
            f"{summary.format.upper()}: read {summary.read}, stored {summary.stored}, "
            f"duplicates {summary.duplicates}, rejected {len(summary.rejected)}",
            highlight=False,
        )
        for problem in summary.rejected[:LISTED]:
            console.print(f"  {escape(str(problem))}", highlight=False, soft_wrap=True)
        if len(summary.rejected) > LISTED:
            console.print(f"  … and {len(summary.rejected) - LISTED} more (--json lists them all)")
    if summary.rejected:
        raise typer.Exit(1)


def _refuse(file: Path, reason: str) -> NoReturn:
    typer.echo(f"error: {file.name}: {reason}", err=True)
    raise typer.Exit(2)
