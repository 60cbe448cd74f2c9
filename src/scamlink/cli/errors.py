"""Errors a person can act on: printed as one line, never as a traceback."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

# module → the error classes in it a person can act on. Looked up only in modules already
# imported: an exception can only be an instance of a class whose module was loaded, and the
# command tree must not import every subcommand's dependencies just to name their errors.
USER_FACING_ERRORS: dict[str, tuple[str, ...]] = {
    "scamlink.config": ("ConfigError",),
    "scamlink.store.engine": ("StoreUnavailable",),
    "scamlink.store.agencies": ("AgencyExists",),
    "scamlink.store.users": ("UserExists",),
    "scamlink.sharing.accounts": ("WeakPassword",),
    "scamlink.demo.load": ("NotAWorld",),
    "scamlink.sharing.administration": ("AccountError",),
    "scamlink.sharing.api_keys": ("ApiKeyError",),
    "scamlink.sharing.keystore": ("KeyStoreError",),
    "scamlink.sharing.personal_data": ("PersonalDataError",),
    "scamlink.sharing.victims": ("NotAllowed",),
    "scamlink.store.victims": ("UnknownReport",),
    "scamlink.sharing.sharing_admin": ("SharingError",),
}


def is_user_facing(exc: BaseException) -> bool:
    for module_name, names in USER_FACING_ERRORS.items():
        module = sys.modules.get(module_name)
        if module is not None and isinstance(exc, tuple(getattr(module, n) for n in names)):
            return True
    return False


class TranslatingGroup(TyperGroup):
    """The root command group: turns known errors into `error: …` and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not is_user_facing(exc):
                raise
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
