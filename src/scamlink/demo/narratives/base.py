"""What a phrasebook of one language holds: how victims there tell each kind of scam and how they
mention numbers, links, accounts, wallets and handles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scamlink.reports.model import ScamType


@dataclass(frozen=True, slots=True)
class Phrasebook:
    code: str  # BCP 47
    # How the story starts, several variants per scam type (every type of the taxonomy).
    stories: Mapping[ScamType, tuple[str, ...]]
    # Sentences mentioning one value; `{v}` is the value as the victim writes it.
    phone: tuple[str, ...]
    url: tuple[str, ...]
    email: tuple[str, ...]
    wallet: tuple[str, ...]  # also `{coin}`: "USDT (TRC20)", "BTC", ...
    account: tuple[str, ...]
    handle: tuple[str, ...]
    loss: tuple[str, ...]  # `{amount}`
    no_loss: tuple[str, ...]
    closing: tuple[str, ...]
    # Widely shared benign values victims mention: a bank's hotline, an emergency number, the
    # big platform where it started.
    hotline: tuple[str, ...]
    emergency: tuple[str, ...]
    platform: tuple[str, ...]
    # Money: template per currency with `{n}` (the number as written); others use `default_money`.
    money: Mapping[str, str]
    default_money: str = "{n} {cur}"
    thousands: str = ","
    decimal: str = "."
    myriad: str | None = None  # "만" / "万": 35,000,000 written as 3,500만
    digits: str | None = None  # the script's own digits 0-9, used by some writers
    gap: str = " "  # between sentences
