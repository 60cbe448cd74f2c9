"""`scamlink notifications deliver|subscribe|list|remove|log`: notifications of cases.

`deliver` runs what the web app's worker runs every SCAMLINK_NOTIFY_SECONDS: the deadline
check, then every delivery whose time has come (a timer can run it when the worker is off).
The others act as one of an agency's administrators (`--as EMAIL`), as on the admin page.
A refusal prints `error: FIELD: reason` and exits with 2.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from scamlink.cases import delivery, notify
from scamlink.cases.model import CaseError
from scamlink.cases.notify import log_json, subscription_json
from scamlink.cli.acting import print_json, refused, viewer_as
from scamlink.config import load_settings
from scamlink.store.database import opened_store

app = typer.Typer(help="Webhooks and e-mail about cases.", no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="Act as this administrator (e-mail)")]


@app.command("deliver")
def deliver(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many")] = 500,
) -> None:
    """Check deadlines, then send what is due; prints what was done as JSON."""
    settings = load_settings()
    with opened_store(settings) as engine:
        done = delivery.run_round(engine, settings.smtp, limit=limit)
    print_json(done.as_json())


@app.command("subscribe")
def subscribe(
    as_user: AsUser,
    channel: Annotated[str, typer.Argument(help="webhook or email")],
    target: Annotated[str, typer.Argument(help="An https:// URL or an e-mail address")],
    events: Annotated[str, typer.Option(help="Events, comma-separated (default: all)")] = "",
    language: Annotated[str | None, typer.Option(help="en or ko (default: the agency's)")] = None,
) -> None:
    """Add a subscription of your agency; a webhook's secret is printed this once."""
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        viewer = viewer_as(conn, as_user)
        try:
            made = notify.subscribe(
                conn,
                viewer,
                channel=channel,
                target=target,
                events=events,
                language=language,
                now=datetime.now(UTC),
            )
        except CaseError as error:
            refused(error)
    print_json({"id": made.id, "secret": made.secret})


@app.command("list")
def list_subscriptions(as_user: AsUser) -> None:
    """Your agency's subscriptions (secrets are never shown again)."""
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        viewer = viewer_as(conn, as_user)
        try:
            found = notify.subscriptions(conn, viewer)
        except CaseError as error:
            refused(error)
    print_json([subscription_json(s) for s in found])


@app.command("remove")
def remove(as_user: AsUser, subscription_id: int) -> None:
    """Disable a subscription; its waiting deliveries are cancelled, its log kept."""
    with opened_store(load_settings()) as engine, engine.begin() as conn:
        viewer = viewer_as(conn, as_user)
        try:
            notify.unsubscribe(conn, viewer, subscription_id, datetime.now(UTC))
        except CaseError as error:
            refused(error)
    print_json({"id": subscription_id, "active": False})


@app.command("log")
def log(
    as_user: AsUser,
    subscription: Annotated[int | None, typer.Option(help="Only this subscription")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Your agency's deliveries, newest first: status, attempts, last error."""
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        viewer = viewer_as(conn, as_user)
        try:
            entries = notify.delivery_log(conn, viewer, subscription, limit)
        except CaseError as error:
            refused(error)
    print_json([log_json(e) for e in entries])
