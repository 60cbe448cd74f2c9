"""`scamlink db …`: schema migrations."""

from __future__ import annotations

import typer
from rich.console import Console

from scamlink.config import load_settings
from scamlink.store.database import opened_store
from scamlink.store.migrate import upgrade as migrate_upgrade

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Create or migrate the database to the newest schema and add reference agencies."""
    with opened_store(load_settings(), require_current=False) as engine:
        revision = migrate_upgrade(engine)
    Console().print(f"database at revision {revision}")
