"""`scamlink keys`: API keys for partners' systems."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scamlink.cli.operator import cli_actor
from scamlink.config import load_settings
from scamlink.sharing import administration
from scamlink.sharing.api_keys import DEFAULT_SCOPES, parse_scopes
from scamlink.store.api_keys import list_keys
from scamlink.store.database import opened_store

app = typer.Typer(help="API keys for machines.", no_args_is_help=True)
DEFAULT_SCOPE_TEXT = ",".join(sorted(s.value for s in DEFAULT_SCOPES))


@app.command()
def create(
    user: Annotated[str, typer.Option("--user", help="E-mail of the account the key acts as")],
    scope: Annotated[
        str, typer.Option("--scope", help="Comma-separated: lookup, report, read")
    ] = DEFAULT_SCOPE_TEXT,
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", help="Days until the key stops working")
    ] = None,
) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    scopes = parse_scopes(scope)
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        issued = administration.create_key(
            conn, cli_actor(), user, scopes, expires_days=expires_days
        )
    expiry = "never" if issued.expires_at is None else _when(issued.expires_at)
    typer.echo(f"key id: {issued.key_id} (expires: {expiry})", err=True)
    typer.echo("store this key now; it cannot be shown again:", err=True)
    typer.echo(issued.token)


@app.command()
def revoke(key_id: Annotated[str, typer.Argument(help="The key id (from 'keys list')")]) -> None:
    """Revoke a key: it stops working at once."""
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        administration.revoke_key(conn, cli_actor(), key_id.strip())
    typer.echo(f"revoked {key_id.strip()}")


def _when(at: datetime | None) -> str:
    return "" if at is None else at.strftime("%Y-%m-%d %H:%M")


@app.command("list")
def list_(
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency")] = None,
) -> None:
    """List keys (ids, owners, scopes, expiry; never the secrets)."""
    code = agency.strip().upper() if agency else None
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        rows = list_keys(conn, agency=code)
    table = Table("key id", "user", "agency", "scopes", "created", "expires", "revoked")
    for k in rows:
        table.add_row(
            k.key_id,
            k.email,
            k.agency,
            k.scopes.replace(" ", ","),
            _when(k.created_at),
            _when(k.expires_at),
            _when(k.revoked_at),
        )
    Console(width=140).print(table)
