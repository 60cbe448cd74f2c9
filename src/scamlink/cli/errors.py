"""Errors a person can act on: printed as one line, never as a traceback."""

from __future__ import annotations

from scamlink.config import ConfigError
from scamlink.store.agencies import AgencyExists
from scamlink.store.engine import StoreUnavailable
from scamlink.store.users import UserExists

UserFacingErrors = (ConfigError, StoreUnavailable, AgencyExists, UserExists)
