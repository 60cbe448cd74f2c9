"""The CLI runner fixture, shared with tests/cli (the `link` commands are tested here)."""

from tests.cli.conftest import invoke

__all__ = ["invoke"]
