"""`scamlink sharing`: sharing groups, partner caps and hidden-count disclosure."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scamlink.cli.operator import cli_actor
from scamlink.config import load_settings
from scamlink.sharing import sharing_admin
from scamlink.sharing.tlp import Tlp
from scamlink.store import markings
from scamlink.store.database import opened_store
from scamlink.store.users import user_by_id

app = typer.Typer(help="Sharing groups, partner caps, hidden counts.", no_args_is_help=True)
groups_app = typer.Typer(help="Sharing groups (list them when no subcommand is given).")
cap_app = typer.Typer(help="The widest marking an agency lets a partner see.", no_args_is_help=True)
app.add_typer(groups_app, name="groups")
app.add_typer(cap_app, name="cap")
MARKINGS = ", ".join(t.value for t in Tlp)


@groups_app.callback(invoke_without_command=True)
def groups(ctx: typer.Context) -> None:
    """List sharing groups with their member agencies."""
    if ctx.invoked_subcommand is not None:
        return
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        found = markings.list_groups(conn)
    table = Table("id", "name", "members")
    for group in found:
        table.add_row(group.id, group.name, ", ".join(sorted(group.members)) or "—")
    Console(width=160).print(table)


@groups_app.command("create")
def groups_create(
    name: Annotated[str, typer.Argument(help="The group's name, as `release_to` writes it")],
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A member agency code (repeatable)")
    ] = None,
) -> None:
    """Create a sharing group."""
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        group = sharing_admin.create_group(conn, cli_actor(), name, member or [])
    typer.echo(f"created {group.name} ({group.id}): {', '.join(sorted(group.members)) or '—'}")


@groups_app.command("add-member")
def groups_add_member(
    name: Annotated[str, typer.Argument(help="Group name or id")],
    code: Annotated[str, typer.Argument(help="Agency code")],
) -> None:
    """Add an agency to a sharing group."""
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        group = sharing_admin.add_member(conn, cli_actor(), name, code)
    typer.echo(f"{group.name}: {', '.join(sorted(group.members))}")


@groups_app.command("remove-member")
def groups_remove_member(
    name: Annotated[str, typer.Argument(help="Group name or id")],
    code: Annotated[str, typer.Argument(help="Agency code")],
) -> None:
    """Remove an agency from a sharing group."""
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        group = sharing_admin.remove_member(conn, cli_actor(), name, code)
    typer.echo(f"{group.name}: {', '.join(sorted(group.members)) or '—'}")


@cap_app.command("set")
def cap_set(
    owner: Annotated[str, typer.Option("--owner", help="The owning agency's code")],
    partner: Annotated[str, typer.Option("--partner", help="The partner's e-mail")],
    max_tlp: Annotated[str, typer.Option("--max", help=f"One of {MARKINGS}")],
) -> None:
    """Set the widest marking of OWNER's reports the partner may see."""
    try:
        cap = Tlp.parse(max_tlp)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--max") from None
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        sharing_admin.set_cap(conn, cli_actor(), owner=owner, partner_email=partner, cap=cap)
    typer.echo(f"cap set: {partner.strip().lower()} sees {owner.strip().upper()} up to {cap.value}")


@cap_app.command("list")
def cap_list(
    owner: Annotated[str | None, typer.Option("--owner", help="Only this agency")] = None,
) -> None:
    """List partner caps."""
    code = owner.strip().upper() if owner else None
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        rows = []
        for own, user_id, cap in markings.list_partner_caps(conn, owner=code):
            user = user_by_id(conn, user_id)
            rows.append((own, user.email if user else f"user:{user_id}", cap.value))
    table = Table("owner", "partner", "max")
    for row in rows:
        table.add_row(*row)
    Console(width=160).print(table)


@app.command("disclose-hidden-counts")
def disclose_hidden_counts(
    code: Annotated[str, typer.Argument(help="Agency code")],
    state: Annotated[str, typer.Argument(help="on or off")],
) -> None:
    """Let others see how many of the agency's reports they cannot (never their content)."""
    choice = state.strip().lower()
    if choice not in ("on", "off"):
        raise typer.BadParameter("use on or off", param_hint="STATE")
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        sharing_admin.set_disclose_hidden_counts(conn, cli_actor(), code, on=choice == "on")
    typer.echo(f"{code.strip().upper()}: hidden counts disclosed {choice}")
