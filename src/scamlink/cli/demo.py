"""`scamlink demo …`: the synthetic Korea–ASEAN world."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from scamlink.cli.progress import progress_bar
from scamlink.config import load_settings
from scamlink.demo.load import load_laundering, load_world, world_files
from scamlink.store.database import opened_store
from scamlink.store.stats import total_reports

app = typer.Typer(help="The synthetic training world.", no_args_is_help=True)


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the world into")],
    reports: Annotated[int, typer.Option("--reports", min=1, help="Number of reports")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes")] = 1,
    noisy: Annotated[
        bool,
        typer.Option(
            "--noise",
            "--noisy",
            help="The noisy world: more variants, typos, shared values, second reports",
        ),
    ] = False,
    laundering: Annotated[
        bool,
        typer.Option(
            "--laundering/--no-laundering",
            help="Also the crypto flows of the victims' payments (transfers, truth, TagPack)",
        ),
    ] = True,
) -> None:
    """Write reports-<AGENCY>.csv per agency and truth.csv (and the laundering flows)."""
    from scamlink.demo import generate as generate_world  # heavy: narrative tables

    with progress_bar("generating reports", reports) as advance:
        summary = generate_world(
            out, reports, seed, profile="noisy" if noisy else "default", progress=advance
        )
    Console().print(
        f"wrote {summary.total_reports} reports from {summary.campaigns} campaigns "
        f"of {summary.compounds} compounds into {out}"
    )
    if laundering:
        from scamlink.demo.laundering import generate_laundering

        flows = generate_laundering(out, seed)
        Console().print(
            f"wrote {len(flows.payments)} victim payments and their laundering "
            f"({len(flows.transfers)} transfers, {len(flows.utxo)} Bitcoin transactions)"
        )


@app.command()
def load(
    world: Annotated[Path, typer.Argument(help="Folder written by 'scamlink demo generate'")],
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if reports exist")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Store a generated world (idempotent: loading twice stores nothing twice)."""
    console = Console(stderr=as_json)
    with opened_store(load_settings()) as engine:
        if if_empty:
            with engine.connect() as conn:
                existing = total_reports(conn)
            if existing:
                console.print(f"database already holds {existing} reports; not loading")
                return
        total = sum(_count_rows(path) for _, path in world_files(world))
        with progress_bar("loading reports", total) as advance:
            summary = load_world(engine, world, advance)
        laundering = load_laundering(engine, world)
    result = {
        "stored": summary.stored,
        "duplicates": summary.duplicates,
        "rejected": [
            {"line": p.line, "column": p.column, "reason": p.reason} for p in summary.rejected
        ],
        "dropped_values": summary.dropped_values,
    }
    if laundering is not None:
        result["laundering"] = laundering
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        console.print(
            f"stored {summary.stored}, duplicates {summary.duplicates}, "
            f"rejected {len(summary.rejected)}, indicator values left out "
            f"{summary.dropped_values}"
        )
        if laundering is not None:
            console.print(f"laundering flows: {json.dumps(laundering)}")


def _count_rows(path: Path) -> int:
    """Lines after the header: a progress total, exact when no narrative spans lines."""
    with path.open("rb") as handle:
        return max(
            sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0
        )
