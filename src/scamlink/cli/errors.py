"""Errors a person can act on: printed as one line, never as a traceback."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from scamlink.config import ConfigError
from scamlink.demo.load import NotAWorld
from scamlink.sharing.accounts import WeakPassword
from scamlink.sharing.administration import AccountError
from scamlink.sharing.api_keys import ApiKeyError
from scamlink.sharing.keystore import KeyStoreError
from scamlink.sharing.personal_data import PersonalDataError
from scamlink.sharing.sharing_admin import SharingError
from scamlink.sharing.victims import NotAllowed
from scamlink.store.agencies import AgencyExists
from scamlink.store.engine import StoreUnavailable
from scamlink.store.users import UserExists
from scamlink.store.victims import UnknownReport

USER_FACING_ERRORS = (
    ConfigError,
    StoreUnavailable,
    AgencyExists,
    UserExists,
    WeakPassword,
    NotAWorld,
    AccountError,
    ApiKeyError,
    KeyStoreError,
    PersonalDataError,
    NotAllowed,
    UnknownReport,
    SharingError,
)


class TranslatingGroup(TyperGroup):
    """The root command group: turns known errors into `error: …` and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except USER_FACING_ERRORS as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
