"""Who runs a command: the operating-system account, as the actor of audit entries."""

from __future__ import annotations

import getpass

from scamlink.sharing.audit import Actor


def cli_actor() -> Actor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        name = "unknown"
    return Actor(f"cli:{name}")
