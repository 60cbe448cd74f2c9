"""Command tree."""

from __future__ import annotations

import typer

from scamlink.cli import agencies, db, demo, serve
from scamlink.cli.errors import TranslatingGroup

app = typer.Typer(
    name="scamlink",
    cls=TranslatingGroup,
    help="Link scam reports across Korea and ASEAN.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(agencies.app, name="agencies")
app.add_typer(demo.app, name="demo")
app.command("serve")(serve.serve)
