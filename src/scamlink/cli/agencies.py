"""`scamlink agencies`: list and add member agencies."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scamlink.config import load_settings
from scamlink.sharing.agencies import Agency
from scamlink.store import agencies as agency_rows
from scamlink.store.database import opened_store

app = typer.Typer(help="Member agencies.", invoke_without_command=True)


@app.callback()
def agencies(ctx: typer.Context) -> None:
    """List the agencies (with no subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        rows = agency_rows.list_agencies(conn)
    table = Table("code", "name", "country", "languages")
    for a in rows:
        table.add_row(a.code, a.name, a.country, " ".join(a.languages))
    Console().print(table)


@app.command()
def add(
    code: Annotated[str, typer.Argument(help="Short upper-case code, e.g. INTERPOL")],
    name: Annotated[str, typer.Option("--name", help="Full name")],
    country: Annotated[str, typer.Option("--country", help="ISO 3166-1 alpha-2 code")],
    languages: Annotated[
        str, typer.Option("--languages", help="Comma-separated language codes")
    ] = "en",
) -> None:
    """Add an agency."""
    code = code.strip().upper()
    country = country.strip().upper()
    if not code.replace("_", "").isalnum() or len(code) > 16:
        raise typer.BadParameter("use up to 16 letters, digits or _", param_hint="CODE")
    if len(country) != 2 or not country.isalpha():
        raise typer.BadParameter("expected an ISO 3166-1 alpha-2 code", param_hint="--country")
    langs = tuple(lang.strip() for lang in languages.split(",") if lang.strip())
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        agency_rows.add_agency(conn, Agency(code, name.strip(), country, langs))
    Console().print(f"added agency {code}")
