"""What the commands acting as a person share: who acts, refusals, JSON output."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import typer
from sqlalchemy import Connection

from scamlink.cases.model import CaseError
from scamlink.sharing.roles import Viewer
from scamlink.store.markings import resolve_viewer
from scamlink.store.users import user_by_email


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def viewer_as(conn: Connection, email: str) -> Viewer:
    user = user_by_email(conn, email)
    if user is None or user.disabled:
        fail(f"--as: no active user {email!r}")
    return resolve_viewer(conn, agency=user.agency, role=user.role, user_id=user.id)


def refused(error: CaseError) -> NoReturn:
    fail(f"{error.field}: {error.message}" if error.field else error.message)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))
