"""The `scamlink` command: a thin shell over the domain packages."""

from __future__ import annotations

from scamlink.cli.app import app


def main() -> None:
    app()
