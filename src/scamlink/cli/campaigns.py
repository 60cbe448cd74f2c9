"""`scamlink campaigns`: every campaign with its members, for scripts (`--json`) and people."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from scamlink.config import load_settings
from scamlink.linking.export import campaign_records
from scamlink.store.campaign_export import campaign_members
from scamlink.store.database import opened_store


def campaigns(
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='A JSON array of {"id", "size", "members", "countries", "loss_usd"}',
        ),
    ] = False,
    min_size: Annotated[
        int, typer.Option("--min-size", min=1, help="Only campaigns of at least this many reports")
    ] = 1,
) -> None:
    """Print every campaign: id, size, members (AGENCY:external_id), countries, loss in USD."""
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        records = (c for c in campaign_records(campaign_members(conn)) if c.size >= min_size)
        if as_json:
            # Streamed: one campaign in memory at a time, whatever the store holds.
            typer.echo("[", nl=False)
            for n, record in enumerate(records):
                typer.echo(("," if n else "") + "\n" + json.dumps(record.as_json()), nl=False)
            typer.echo("\n]")
            return
        for record in records:
            shown = ", ".join(record.members[:3]) + (" …" if record.size > 3 else "")
            typer.echo(
                f"{record.id}\t{record.size} reports\t{' '.join(record.countries)}\t"
                f"USD {record.loss_usd:,}\t{shown}"
            )
