"""The indicator value types shared by every part of scamlink (see the brief's contract table)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class IndicatorType(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    DOMAIN = "domain"
    URL = "url"
    BTC = "btc"
    ETH = "eth"
    TRON = "tron"
    BANK_ACCOUNT = "bank_account"
    TELEGRAM = "telegram"
    LINE = "line"
    KAKAO = "kakao"
    WECHAT = "wechat"
    ZALO = "zalo"
    IPV4 = "ipv4"
    IPV6 = "ipv6"


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: `value` is the canonical key that links reports, `display` is for people."""

    type: IndicatorType
    value: str
    display: str


class InvalidIndicator(ValueError):
    """The value cannot be an indicator of the requested kind; the message says why."""


FieldKind = Literal["phones", "urls", "emails", "wallets", "bank_accounts", "handles"]
