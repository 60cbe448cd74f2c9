"""`scamlink labels import FILE.yaml --agency CODE` and `scamlink labels list [--chain C]`.

Exit codes: 0 done, 1 some labels belong to another agency and were left alone (`--replace`
takes them over), 2 nothing could be done (`error: FILE: tag N: field …`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scamlink.cli.operator import cli_actor
from scamlink.config import load_settings
from scamlink.store.agencies import get_agency
from scamlink.store.database import opened_store
from scamlink.store.labels import list_labels
from scamlink.tracing.labelling import import_labels, label_json
from scamlink.tracing.model import Chain
from scamlink.tracing.tagpacks import TagPackError, load_tagpack

app = typer.Typer(help="Address labels (GraphSense-style TagPacks): exchanges, OTC desks, mules…")
STARTER = Path(__file__).resolve().parent.parent / "tracing" / "data" / "tagpacks" / "starter.yaml"
CHAINS = ", ".join(c.value for c in Chain)


def _refuse(reason: str) -> NoReturn:
    typer.echo(f"error: {reason}", err=True)
    raise typer.Exit(2)


@app.command("import")
def import_command(
    file: Annotated[
        Path | None,
        typer.Argument(help="A TagPack (YAML); leave out with --starter for the shipped set"),
    ] = None,
    agency: Annotated[
        str, typer.Option("--agency", help="Code of the agency the labels are for")
    ] = "",
    starter: Annotated[
        bool, typer.Option("--starter", help="Import the shipped starter set (unverified)")
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Also replace labels another agency created")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Import a TagPack's labels (added, or updated when the agency already labelled them)."""
    if starter == (file is not None):
        _refuse("give one TagPack file, or --starter for the shipped set")
    path = STARTER if starter else file
    assert path is not None
    if not path.is_file():
        _refuse(f"{path.name}: no such file")
    if not agency.strip():
        _refuse("--agency is required (the agency the labels are recorded for)")
    try:
        labels = load_tagpack(path)
    except TagPackError as e:
        _refuse(str(e))
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        found = get_agency(conn, agency.strip().upper())
        if found is None:
            _refuse(f"unknown agency {agency!r} (see 'scamlink agencies list')")
        counts = import_labels(
            conn,
            labels,
            agency=found.code,
            actor=cli_actor(),
            source_name=path.name,
            replace_others=replace,
        )
    refused = [{"chain": c.value, "address": a, "owner": owner} for c, a, owner in counts.refused]
    if as_json:
        summary = {
            "file": path.name,
            "tags": len(labels),
            "added": counts.added,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "refused": refused,
        }
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        console = Console()
        console.print(
            f"{escape(path.name)}: {len(labels)} tags — added {counts.added}, updated "
            f"{counts.updated}, unchanged {counts.unchanged}, left alone {len(refused)}",
            highlight=False,
        )
        for item in refused[:20]:
            console.print(
                f"  {item['chain']} {item['address']}: labelled by {item['owner']} "
                "(--replace takes it over)",
                highlight=False,
            )
    if refused:
        raise typer.Exit(1)


@app.command("list")
def list_command(
    chain: Annotated[str | None, typer.Option("--chain", help=f"Only this chain: {CHAINS}")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000)] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the labels as JSON")] = False,
) -> None:
    """List address labels (oldest first)."""
    wanted: Chain | None = None
    if chain is not None:
        try:
            wanted = Chain(chain.strip().lower())
        except ValueError:
            _refuse(f"unknown chain {chain!r}; use one of {CHAINS}")
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        rows = list_labels(conn, wanted, limit=limit)
    if as_json:
        typer.echo(json.dumps([label_json(r) for r in rows], ensure_ascii=False))
        return
    if not rows:
        typer.echo("no labels")
        return
    table = Table("chain", "address", "label", "category", "confidence", "verified", "by")
    for r in rows:
        x = r.label
        table.add_row(
            x.chain.value,
            x.address,
            escape(x.label),
            x.category.value,
            str(x.confidence),
            "yes" if x.verified else "no",
            r.created_by,
        )
    Console(width=200).print(table)
