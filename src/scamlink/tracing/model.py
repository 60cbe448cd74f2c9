"""The records every part of tracing shares: transfers, UTXO transactions, labels, results.

Amounts are exact `Decimal`s in the token's unit (USDT, TRX, ETH, BTC), never floats and never
raw integer base units. Addresses are the canonical values of the indicators library
(`tron:T…`, `eth:0x…` lower-case, `btc:…`) without the type prefix: `Transfer.from_address`
holds `T…`, `0x…` or the BTC address as canonicalised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Chain(StrEnum):
    TRON = "tron"
    ETH = "eth"
    BTC = "btc"


class Model(StrEnum):
    """How a tainted amount is followed through an address that mixes it with other funds."""

    POISON = "poison"  # anything touched is wholly tainted
    HAIRCUT = "haircut"  # taint shared out in proportion to the address's balance
    FIFO = "fifo"  # first in, first out (per address in time order; per interval for UTXO)
    LIFO = "lifo"  # last in, first out


class Direction(StrEnum):
    FORWARD = "forward"  # where did the victims' money go
    BACKWARD = "backward"  # where did this wallet's money come from


class Category(StrEnum):
    """What a labelled address is (GraphSense TagPack categories that matter here)."""

    EXCHANGE = "exchange"
    MIXER = "mixer"
    BRIDGE = "bridge"
    OTC = "otc"
    SCAM = "scam"
    MULE = "mule"
    OTHER = "other"


# Where a trace stops and a freeze request begins: a service that knows its customers.
SERVICE_CATEGORIES: frozenset[Category] = frozenset(
    {Category.EXCHANGE, Category.BRIDGE, Category.OTC, Category.MIXER}
)


@dataclass(frozen=True, slots=True)
class Transfer:
    """One movement of value on an account chain (TRON, Ethereum), or a flattened BTC edge.

    `(chain, tx_hash, index)` identifies it: the log/event index for token transfers, 0 for a
    native transfer, the output index for a BTC output.
    """

    chain: Chain
    tx_hash: str
    index: int
    timestamp: datetime  # UTC, timezone-aware
    from_address: str
    to_address: str
    token: str  # symbol: USDT, TRX, ETH, BTC
    amount: Decimal
    token_contract: str = ""  # the token's contract address, "" for the native coin
    block: int | None = None


@dataclass(frozen=True, slots=True)
class UtxoInput:
    tx_hash: str
    index: int  # vin
    prev_tx_hash: str
    prev_index: int  # the spent output's vout
    address: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class UtxoOutput:
    tx_hash: str
    index: int  # vout
    address: str  # "" for an output without an address (OP_RETURN)
    value: Decimal


@dataclass(frozen=True, slots=True)
class UtxoTx:
    """A Bitcoin transaction with its inputs and outputs kept apart (the UTXO structure)."""

    tx_hash: str
    timestamp: datetime
    inputs: tuple[UtxoInput, ...]
    outputs: tuple[UtxoOutput, ...]
    block: int | None = None

    @property
    def fee(self) -> Decimal:
        return sum((i.value for i in self.inputs), Decimal(0)) - sum(
            (o.value for o in self.outputs), Decimal(0)
        )


@dataclass(frozen=True, slots=True)
class Label:
    """An address label, as one tag of a GraphSense-style TagPack."""

    chain: Chain
    address: str
    label: str  # e.g. "Binance deposit", "Huione Guarantee OTC"
    category: Category
    source: str  # where the attribution comes from (URL, agency, "scamlink starter set")
    confidence: int = 50  # 0–100
    verified: bool = False  # the shipped starter set is marked to be verified by the user

    @property
    def is_service(self) -> bool:
        return self.category in SERVICE_CATEGORIES


@dataclass(frozen=True, slots=True)
class Seed:
    """Where a trace starts: a victim's payment, or an address over a time window.

    `tx_hash` with `index` (an output or transfer index; None: every transfer of the
    transaction to `address` if given, else all of it), or `address` with `since`/`until`.
    `ref` names the victim (report or case reference) the money is attributed to.
    """

    chain: Chain
    ref: str
    tx_hash: str | None = None
    index: int | None = None
    address: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class TraceOptions:
    model: Model = Model.HAIRCUT
    direction: Direction = Direction.FORWARD
    hops: int = 6
    min_amount: Decimal = Decimal("0.01")  # below this a thread is dropped
    horizon_days: int | None = 90  # ignore transfers later than this after the seed
    token: str | None = None  # None: the seed's token


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: a transfer that carried tainted value, with the amount it carried."""

    tx_hash: str
    index: int
    from_address: str
    to_address: str
    timestamp: datetime
    amount: Decimal


@dataclass(slots=True)
class CashOut:
    """Where tainted value reached a labelled service (or stopped: hops, horizon, dead end)."""

    address: str
    label: Label | None
    token: str
    amount: Decimal
    by_seed: dict[str, Decimal] = field(default_factory=dict)  # Seed.ref → amount
    paths: list[tuple[str, ...]] = field(default_factory=list)  # tx hashes, seed → here
    first_arrival: datetime | None = None
    last_arrival: datetime | None = None
    exposure: Decimal = Decimal(0)  # full value of the tainted transfers received (poison's view)


@dataclass(slots=True)
class TraceResult:
    options: TraceOptions
    seeds: tuple[Seed, ...]
    token: str
    total_in: Decimal  # what the seeds put in
    cash_outs: list[CashOut]  # labelled services reached, largest first
    unresolved: list[CashOut]  # where tainted value rests unlabelled (end of hops, horizon…)
    fees: Decimal  # tainted value spent on fees (UTXO)
    edges: list[Hop]  # every transfer that carried tainted value, for the flow graph
    wallets: frozenset[str]  # unlabelled addresses met on the way (they become indicators)

    @property
    def total_attributed(self) -> Decimal:
        return sum((c.amount for c in self.cash_outs), Decimal(0))
