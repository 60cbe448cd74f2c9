"""Small builders for the engine's tests: transfers by minute, a UTXO transaction by values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from scamlink.tracing.model import Category, Chain, Label, Transfer, UtxoInput, UtxoOutput, UtxoTx

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def tr(
    tx: str,
    src: str,
    dst: str,
    amount: str | int | Decimal,
    minute: float,
    *,
    index: int = 0,
    token: str = "USDT",  # noqa: S107 - a symbol, not a secret
    chain: Chain = Chain.TRON,
) -> Transfer:
    return Transfer(chain, tx, index, at(minute), src, dst, token, Decimal(amount))


def exchange(address: str, name: str = "Exchange", chain: Chain = Chain.TRON) -> Label:
    return Label(chain, address, name, Category.EXCHANGE, "test")


def utxo(
    tx: str,
    minute: float,
    inputs: Sequence[tuple[str, int, str, str | int | Decimal]],
    outputs: Sequence[tuple[str, str | int | Decimal]],
) -> UtxoTx:
    """`inputs`: (prev tx, prev index, address, value); `outputs`: (address, value)."""
    return UtxoTx(
        tx,
        at(minute),
        tuple(
            UtxoInput(tx, n, prev, prev_index, address, Decimal(value))
            for n, (prev, prev_index, address, value) in enumerate(inputs)
        ),
        tuple(
            UtxoOutput(tx, n, address, Decimal(value)) for n, (address, value) in enumerate(outputs)
        ),
    )
