"""Command tree.

Each command's module is imported only when that command runs (or when `--help` lists them),
so `scamlink lookup` does not pay for importing the report pipeline, the web app or DuckDB.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from scamlink.cli.errors import TranslatingGroup

# name → (module, attribute): a Typer group (`app`) or a function that is the command.
COMMANDS: dict[str, tuple[str, str]] = {
    "agencies": ("scamlink.cli.agencies", "app"),
    "audit": ("scamlink.cli.audit", "app"),
    "blocklist": ("scamlink.cli.blocklist", "app"),
    "campaigns": ("scamlink.cli.campaigns", "campaigns"),
    "cases": ("scamlink.cli.cases", "app"),
    "db": ("scamlink.cli.db", "app"),
    "demo": ("scamlink.cli.demo", "app"),
    "extract": ("scamlink.cli.extract", "extract"),
    "import": ("scamlink.cli.importing", "app"),
    "keys": ("scamlink.cli.keys", "app"),
    "labels": ("scamlink.cli.labels", "app"),
    "link": ("scamlink.cli.linking", "app"),
    "lookup": ("scamlink.cli.lookup", "lookup"),
    "notifications": ("scamlink.cli.notifications", "app"),
    "personal-data": ("scamlink.cli.personal_data", "app"),
    "serve": ("scamlink.cli.serve", "serve"),
    "sharing": ("scamlink.cli.sharing", "app"),
    "trace": ("scamlink.cli.trace", "trace_command"),
    "users": ("scamlink.cli.users", "app"),
    "warninglists": ("scamlink.cli.extract", "warninglists"),
}


def load_command(name: str) -> TyperCommand | TyperGroup:
    module_name, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(module_name), attribute)
    if isinstance(target, typer.Typer):
        command: TyperCommand | TyperGroup = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        loaded = typer.main.get_command(single)
        assert isinstance(loaded, TyperCommand)
        command = loaded
    command.name = name
    return command


class LazyGroup(TranslatingGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)


app = typer.Typer(
    name="scamlink",
    cls=LazyGroup,
    help="Link scam reports across Korea and ASEAN.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Link scam reports across Korea and ASEAN."""
