"""`scamlink users`: create, list, disable and enable accounts."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scamlink.cli.operator import cli_actor
from scamlink.config import load_settings
from scamlink.sharing import administration
from scamlink.sharing.roles import Role
from scamlink.store.database import opened_store
from scamlink.store.users import list_users

app = typer.Typer(help="People's accounts.", no_args_is_help=True)
ROLES = ", ".join(r.value for r in Role)


@app.command()
def create(
    email: Annotated[str, typer.Argument(help="The person's e-mail address (their login)")],
    agency: Annotated[str, typer.Option("--agency", help="Agency code, e.g. KNPA")],
    role: Annotated[str, typer.Option("--role", help=f"One of {ROLES}")],
    name: Annotated[str | None, typer.Option("--name", help="Display name")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create an account; prints a generated password unless --password-stdin."""
    try:
        chosen_role = Role(role.strip().lower())
    except ValueError:
        raise typer.BadParameter(f"use one of {ROLES}", param_hint="--role") from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = administration.generate_password()
    code = agency.strip().upper()
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        created = administration.create_user(
            conn,
            cli_actor(),
            email=email,
            agency=code,
            role=chosen_role,
            display_name=(name or email).strip(),
            password=password,
        )
    typer.echo(f"created {created.email} ({chosen_role.value}, {code})")
    if not password_stdin:
        # Shown once: only its Argon2id hash is stored.
        typer.echo(f"password: {password}")


@app.command("list")
def list_(
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines on stdout")] = False,
) -> None:
    """List accounts (never their password hashes)."""
    code = agency.strip().upper() if agency else None
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        rows = list_users(conn, agency=code)
    if as_json:
        for u in rows:
            entry = {
                "email": u.email,
                "agency": u.agency,
                "role": u.role.value,
                "name": u.display_name,
                "disabled": u.disabled,
            }
            typer.echo(json.dumps(entry, ensure_ascii=False))
        return
    table = Table("e-mail", "agency", "role", "name", "status")
    for u in rows:
        status = "disabled" if u.disabled else "active"
        table.add_row(u.email, u.agency, u.role.value, u.display_name, status)
    Console().print(table)


def _set_disabled(email: str, *, disabled: bool) -> None:
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        administration.set_user_disabled(conn, cli_actor(), email, disabled=disabled)
    typer.echo(f"{'disabled' if disabled else 'enabled'} {email.strip().lower()}")


@app.command()
def disable(email: Annotated[str, typer.Argument(help="The account's e-mail")]) -> None:
    """Disable an account: its sessions and API keys stop working at once."""
    _set_disabled(email, disabled=True)


@app.command()
def enable(email: Annotated[str, typer.Argument(help="The account's e-mail")]) -> None:
    """Re-enable a disabled account."""
    _set_disabled(email, disabled=False)
