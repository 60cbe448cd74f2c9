"""Reference exchange rates for ordering campaigns by loss across currencies.

Losses are stored and shown in the currency the victim lost them in; adding up different
currencies needs a rate, and these are the ones used: units of each currency per US dollar,
rounded mid-market rates of January 2025. They order campaigns ("which lost the most") and
give an approximate USD total labelled as such; they are not for accounting. A currency
missing here counts as zero in the USD total and is still shown in its own currency.
"""

from __future__ import annotations

from decimal import Decimal

RATES_DATE = "2025-01-15"

# Units of the currency for one US dollar. USDT is pegged to the dollar.
UNITS_PER_USD: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "USDT": Decimal("1"),
    "KRW": Decimal("1380"),
    "THB": Decimal("35.5"),
    "VND": Decimal("25400"),
    "IDR": Decimal("16200"),
    "PHP": Decimal("57"),
    "MYR": Decimal("4.5"),
    "SGD": Decimal("1.34"),
    "BND": Decimal("1.34"),
    "KHR": Decimal("4080"),
    "LAK": Decimal("21800"),
    "MMK": Decimal("2100"),
    "CNY": Decimal("7.3"),
    "EUR": Decimal("0.97"),
}


def usd_per_unit() -> dict[str, Decimal]:
    """US dollars for one unit of each currency (what a SUM multiplies by)."""
    return {code: Decimal(1) / units for code, units in UNITS_PER_USD.items()}
