"""The `scamlink` command: a thin shell over the domain packages."""

from __future__ import annotations

import sys

from scamlink.cli.app import app
from scamlink.cli.errors import UserFacingErrors


def main() -> None:
    try:
        app(standalone_mode=True)
    except UserFacingErrors as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
