"""Command tree."""

from __future__ import annotations

import typer

from scamlink.cli import agencies, db, demo, serve
from scamlink.cli import audit as audit_cli
from scamlink.cli import blocklist as blocklist_cli
from scamlink.cli import campaigns as campaigns_cli
from scamlink.cli import cases as cases_cli
from scamlink.cli import extract as extract_cli
from scamlink.cli import importing as importing_cli
from scamlink.cli import keys as keys_cli
from scamlink.cli import linking as linking_cli
from scamlink.cli import lookup as lookup_cli
from scamlink.cli import personal_data as personal_data_cli
from scamlink.cli import quality as quality_cli
from scamlink.cli import sharing as sharing_cli
from scamlink.cli import users as users_cli
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
app.add_typer(importing_cli.app, name="import")
app.add_typer(linking_cli.app, name="link")
linking_cli.app.command("quality")(quality_cli.quality)  # scores against a world's truth
app.command("campaigns")(campaigns_cli.campaigns)
app.command("serve")(serve.serve)
app.command("extract")(extract_cli.extract)
app.command("warninglists")(extract_cli.warninglists)
app.command("lookup")(lookup_cli.lookup)
app.add_typer(users_cli.app, name="users")
app.add_typer(keys_cli.app, name="keys")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(personal_data_cli.app, name="personal-data")
app.add_typer(sharing_cli.app, name="sharing")
app.add_typer(blocklist_cli.app, name="blocklist")
app.add_typer(cases_cli.app, name="cases")
