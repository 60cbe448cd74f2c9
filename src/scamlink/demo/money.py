"""Losses: realistic amounts per scam type and currency, as the CSV column and as victims write
them in their language."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scamlink.demo.countries import ROUNDING, USD_RATE
from scamlink.demo.narratives.base import Phrasebook
from scamlink.demo.rand import FastRandom


@dataclass(frozen=True, slots=True)
class Amount:
    currency: str
    units: int
    cents: int  # 0..99, only for currencies counted in cents here (USDT)

    @property
    def column(self) -> str:
        """The decimal string of the loss_amount column."""
        return f"{self.units}.{self.cents:02d}" if self.cents else str(self.units)


def draw(rng: FastRandom, median_usd: float, currency: str) -> Amount:
    """A lognormal loss around `median_usd`, converted and rounded the way people report it."""
    usd = median_usd * math.exp(rng.gauss(0.0, 1.05))
    value = usd * USD_RATE[currency]
    step = ROUNDING[currency]
    if step < 1:
        cents = max(1, round(value * 100))
        if rng.random() < 0.7:  # most people send round amounts
            cents = max(100, cents - cents % 100)
        return Amount(currency, cents // 100, cents % 100)
    # Small losses are reported to the unit, larger ones rounded.
    if value < step * 10:
        step = max(1, step // 10)
    units = max(int(step), int(round(value / step) * step))
    return Amount(currency, units, 0)


def spoken(book: Phrasebook, amount: Amount, rng: FastRandom) -> str:
    """The amount as a victim writes it in `book`'s language ("3,500만원", "Rp35.000.000")."""
    units = amount.units
    if book.myriad and units >= 10_000 and units % 10_000 == 0 and rng.random() < 0.6:
        number = f"{units // 10_000:,}".replace(",", book.thousands) + book.myriad
    else:
        number = f"{units:,}".replace(",", book.thousands)
        if amount.cents:
            number += f"{book.decimal}{amount.cents:02d}"
    template = book.money.get(amount.currency, book.default_money)
    return template.format(n=number, cur=amount.currency)
