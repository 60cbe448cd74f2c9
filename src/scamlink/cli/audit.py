"""`scamlink audit`: check the hash chain, sign a checkpoint, show the latest entries."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scamlink.config import load_settings
from scamlink.sharing.audit import checkpoint as sign_checkpoint
from scamlink.sharing.audit import utc, verify_and_checkpoint
from scamlink.sharing.checkpoints import signing_key
from scamlink.store.audit import latest_entries
from scamlink.store.database import opened_store

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Check every entry of the chain; exit 1 naming the first broken entry.

    When the chain is intact, a signed checkpoint of its head is recorded (run this regularly,
    e.g. hourly from a timer: the admin page shows the time of the last intact check).
    """
    settings = load_settings()
    key = signing_key(settings.data_dir)
    with opened_store(settings) as engine, engine.begin() as conn:
        verdict = verify_and_checkpoint(conn, key)
    if not verdict.intact:
        typer.echo(
            f"audit chain BROKEN at entry {verdict.broken_seq}: {verdict.reason} "
            f"({verdict.checked:,} entries before it are intact)",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {verdict.checked:,} entries, head {verdict.last_hash[:16]}…")


@app.command()
def checkpoint() -> None:
    """Sign a checkpoint of the current head after checking the chain (exit 1 when broken).

    Nothing is signed when no entry was added since the latest checkpoint. The web app does
    this by itself every SCAMLINK_AUDIT_CHECKPOINT_MINUTES (60 by default).
    """
    settings = load_settings()
    key = signing_key(settings.data_dir)
    with opened_store(settings) as engine, engine.begin() as conn:
        signed = sign_checkpoint(conn, key)
    verdict = signed.verdict
    if not verdict.intact:
        typer.echo(
            f"audit chain BROKEN at entry {verdict.broken_seq}: {verdict.reason}; "
            "no checkpoint signed",
            err=True,
        )
        raise typer.Exit(1)
    if signed.signed:
        typer.echo(f"checkpoint signed at entry {verdict.last_seq}")
    else:
        typer.echo(f"nothing new since the checkpoint at entry {verdict.last_seq}")


@app.command()
def tail(
    n: Annotated[int, typer.Option("-n", "--lines", min=1, max=10_000, help="How many")] = 20,
) -> None:
    """The latest entries, oldest first."""
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        entries = latest_entries(conn, limit=n)
    table = Table("seq", "at (UTC)", "actor", "agency", "action", "target", "details")
    for e in reversed(entries):
        table.add_row(
            str(e.seq),
            utc(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.actor_agency or "",
            e.action,
            e.target,
            e.details,
        )
    Console(width=160).print(table)
