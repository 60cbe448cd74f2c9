"""Hand-computed traces, one table row per model and situation."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from scamlink.tracing.engine import TraceError, trace
from scamlink.tracing.memory import InMemoryLabels, InMemoryTransferSource
from scamlink.tracing.model import (
    Chain,
    Direction,
    Model,
    Seed,
    TraceOptions,
    TraceResult,
    Transfer,
)
from tests.tracing.engine_helpers import at, exchange, tr, utxo

D = Decimal
EXCHANGES = InMemoryLabels(
    [exchange("X"), exchange("X1"), exchange("X2"), exchange("E1"), exchange("E2")]
)


@dataclass
class Case:
    name: str
    transfers: list[Transfer]
    model: Model
    cash: dict[str, str]  # address → attributed amount
    rest: dict[str, str] = field(default_factory=dict)  # address → unresolved amount
    hops: int = 6
    min_amount: str = "0.01"
    horizon_days: int | None = 90
    seed_tx: str = "seed"


STRAIGHT = [tr("seed", "V", "A", 100, 1), tr("t2", "A", "B", 100, 2), tr("t3", "B", "X", 100, 3)]
# A holds 100 clean, receives 100 of the victim's, sends 50 then 150 to two exchanges.
MIX = [
    tr("c0", "C", "A", 100, 0),
    tr("seed", "V", "A", 100, 1),
    tr("t2", "A", "X1", 50, 2),
    tr("t3", "A", "X2", 150, 3),
]
SPLIT = [tr("seed", "V", "A", 100, 1), tr("t2", "A", "X", 30, 2), tr("t3", "A", "B", 70, 3)]
LONG = [
    tr("seed", "V", "A", 100, 1),
    tr("t2", "A", "B", 100, 2),
    tr("t3", "B", "C", 100, 3),
    tr("t4", "C", "X", 100, 4),
]
DUST = [
    tr("c0", "C", "A", 9900, 0),
    tr("seed", "V", "A", 100, 1),
    tr("t2", "A", "B", 1, 2),
]
LATE = [tr("seed", "V", "A", 100, 0), tr("t2", "A", "X", 100, 2 * 24 * 60)]
THROUGH = [tr("seed", "V", "A", 100, 1), tr("t2", "A", "X", 100, 2), tr("t3", "X", "B", 100, 3)]
# more leaves A than the import shows arriving: the extra is clean value of unknown origin
UNKNOWN = [tr("seed", "V", "A", 100, 1), tr("t2", "A", "X", 150, 2)]
# a cycle: A → B → A → X
CYCLE = [
    tr("seed", "V", "A", 100, 1),
    tr("t2", "A", "B", 100, 2),
    tr("t3", "B", "A", 100, 3),
    tr("t4", "A", "X", 100, 4),
]

CASES = [
    *(Case(f"straight-{m}", STRAIGHT, m, {"X": "100"}) for m in Model),
    Case("mix-haircut", MIX, Model.HAIRCUT, {"X1": "25", "X2": "75"}),
    Case("mix-fifo", MIX, Model.FIFO, {"X2": "100"}),
    Case("mix-lifo", MIX, Model.LIFO, {"X1": "50", "X2": "50"}),
    Case("mix-poison", MIX, Model.POISON, {"X1": "50", "X2": "50"}),
    *(Case(f"split-{m}", SPLIT, m, {"X": "30"}, {"B": "70"}) for m in Model),
    *(Case(f"hops2-{m}", LONG, m, {}, {"C": "100"}, hops=2) for m in Model),
    *(Case(f"hops3-{m}", LONG, m, {"X": "100"}, hops=3) for m in Model),
    *(Case(f"hops0-{m}", LONG, m, {}, {"A": "100"}, hops=0) for m in Model),
    Case("dust-haircut", DUST, Model.HAIRCUT, {}, {"A": "99.99", "B": "0.01"}, min_amount="0.05"),
    Case("dust-fifo", DUST, Model.FIFO, {}, {"A": "100"}, min_amount="0.05"),
    *(Case(f"horizon-{m}", LATE, m, {}, {"A": "100"}, horizon_days=1) for m in Model),
    *(Case(f"no-horizon-{m}", LATE, m, {"X": "100"}, horizon_days=None) for m in Model),
    *(Case(f"service-stops-{m}", THROUGH, m, {"X": "100"}) for m in Model),
    *(Case(f"unknown-origin-{m}", UNKNOWN, m, {"X": "100"}) for m in Model),
    *(Case(f"cycle-{m}", CYCLE, m, {"X": "100"}) for m in Model),
]


def amounts(result: TraceResult) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    cash = {c.address: c.amount for c in result.cash_outs if c.amount}
    rest = {c.address: c.amount for c in result.unresolved}
    return cash, rest


def assert_conserved(result: TraceResult) -> None:
    rest = sum((c.amount for c in result.unresolved), D(0))
    total = result.total_attributed + rest + result.fees
    assert abs(total - result.total_in) < D("1e-18"), (total, result.total_in)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hand_computed(case: Case) -> None:
    source = InMemoryTransferSource(case.transfers)
    options = TraceOptions(
        model=case.model,
        hops=case.hops,
        min_amount=D(case.min_amount),
        horizon_days=case.horizon_days,
    )
    seeds = [Seed(Chain.TRON, "victim-1", tx_hash=case.seed_tx)]
    result = trace(source, EXCHANGES, seeds, options)
    cash, rest = amounts(result)
    assert cash == {k: D(v) for k, v in case.cash.items()}
    assert rest == {k: D(v) for k, v in case.rest.items()}
    assert result.total_in == D(100)
    assert result.token == "USDT"
    assert result.options.token == "USDT"
    assert_conserved(result)
    for point in result.cash_outs:
        assert set(point.by_seed) <= {"victim-1"}


def test_paths_first_last_arrival_edges_and_wallets() -> None:
    source = InMemoryTransferSource(
        [
            tr("seed", "V", "A", 100, 1),
            tr("t2", "A", "B", 60, 2),
            tr("t3", "A", "C", 40, 3),
            tr("t4", "B", "X", 60, 4),
            tr("t5", "C", "X", 40, 5),
        ]
    )
    result = trace(source, EXCHANGES, [Seed(Chain.TRON, "v1", tx_hash="seed")], TraceOptions())
    [point] = result.cash_outs
    assert point.address == "X"
    assert point.label is not None
    assert point.label.label == "Exchange"
    assert point.amount == D(100)
    assert point.by_seed == {"v1": D(100)}
    assert point.paths == [("seed", "t2", "t4"), ("seed", "t3", "t5")]
    assert point.first_arrival is not None
    assert point.first_arrival.minute == 4
    assert point.last_arrival is not None
    assert point.last_arrival.minute == 5
    assert point.exposure == D(100)
    assert result.wallets == frozenset({"A", "B", "C"})
    assert {(e.tx_hash, e.amount) for e in result.edges} == {
        ("seed", D(100)),
        ("t2", D(60)),
        ("t3", D(40)),
        ("t4", D(60)),
        ("t5", D(40)),
    }


def test_two_seeds_are_attributed_separately() -> None:
    source = InMemoryTransferSource(
        [
            tr("s1", "V1", "A", 30, 1),
            tr("s2", "V2", "A", 70, 2),
            tr("t3", "A", "X", 50, 3),
            tr("t4", "A", "B", 50, 4),
        ]
    )
    seeds = [Seed(Chain.TRON, "r1", tx_hash="s1"), Seed(Chain.TRON, "r2", tx_hash="s2")]
    haircut = trace(source, EXCHANGES, seeds, TraceOptions(model=Model.HAIRCUT))
    assert haircut.total_in == D(100)
    assert haircut.cash_outs[0].by_seed == {"r1": D(15), "r2": D(35)}
    fifo = trace(source, EXCHANGES, seeds, TraceOptions(model=Model.FIFO))
    assert fifo.cash_outs[0].by_seed == {"r1": D(30), "r2": D(20)}
    lifo = trace(source, EXCHANGES, seeds, TraceOptions(model=Model.LIFO))
    assert lifo.cash_outs[0].by_seed == {"r2": D(50)}


def test_seed_by_address_and_time_window() -> None:
    source = InMemoryTransferSource(
        [
            tr("early", "V0", "A", 500, 0),
            tr("s1", "V1", "A", 30, 10),
            tr("s2", "V2", "A", 70, 11),
            tr("t3", "A", "X", 600, 20),
        ]
    )
    seed = Seed(Chain.TRON, "wallet", address="A", since=at(5), until=at(15))
    result = trace(source, EXCHANGES, [seed], TraceOptions(model=Model.FIFO))
    assert result.total_in == D(100)
    assert result.cash_outs[0].amount == D(100)


def test_token_filter_ignores_other_tokens() -> None:
    source = InMemoryTransferSource(
        [
            tr("seed", "V", "A", 100, 1),
            tr("t2", "A", "X", 5, 2, token="TRX"),
            tr("t3", "A", "B", 100, 3),
        ]
    )
    result = trace(source, EXCHANGES, [Seed(Chain.TRON, "v", tx_hash="seed")], TraceOptions())
    assert amounts(result) == ({}, {"B": D(100)})


# -- Bitcoin: the interval mapping ---------------------------------------------------------

# T1 pays the victim's 1.0 BTC to A (output 0). T2 spends it with 1.0 clean from C:
# outputs X (exchange) 1.2 and D 0.7, fee 0.1.
BTC_TXS = [
    utxo("T1", 1, [("T0", 0, "V", "1.6")], [("A", "1.0"), ("Z", "0.5")]),
    utxo("T2", 2, [("T1", 0, "A", "1.0"), ("Tc", 0, "C", "1.0")], [("X", "1.2"), ("D", "0.7")]),
]
BTC_LABELS = InMemoryLabels([exchange("X", chain=Chain.BTC)])


@pytest.mark.parametrize(
    ("model", "cash", "rest", "fees"),
    [
        (Model.FIFO, {"X": "1.0"}, {}, "0"),
        (Model.LIFO, {"X": "0.2"}, {"D": "0.7"}, "0.1"),
        (Model.HAIRCUT, {"X": "0.6"}, {"D": "0.35"}, "0.05"),
        (Model.POISON, {"X": "0.6"}, {"D": "0.35"}, "0.05"),
    ],
)
def test_utxo_interval_mapping(
    model: Model, cash: dict[str, str], rest: dict[str, str], fees: str
) -> None:
    source = InMemoryTransferSource(utxo=BTC_TXS)
    seeds = [Seed(Chain.BTC, "v", tx_hash="T1", index=0)]
    result = trace(source, BTC_LABELS, seeds, TraceOptions(model=model, min_amount=D("0.0001")))
    assert amounts(result) == (
        {k: D(v) for k, v in cash.items()},
        {k: D(v) for k, v in rest.items()},
    )
    assert result.fees == D(fees)
    assert result.total_in == D("1.0")
    assert_conserved(result)
    assert result.cash_outs[0].paths == [("T1", "T2")]


def test_utxo_backward_to_the_funders() -> None:
    txs = [
        utxo("F1", 1, [("P1", 0, "E1", "3")], [("W", "3")]),
        utxo("F2", 2, [("P2", 0, "S", "1")], [("W", "1")]),
        utxo("PAY", 3, [("F1", 0, "W", "3"), ("F2", 0, "W", "1")], [("V", "2"), ("W", "2")]),
    ]
    labels = InMemoryLabels([exchange("E1", chain=Chain.BTC)])
    source = InMemoryTransferSource(utxo=txs)
    seeds = [Seed(Chain.BTC, "v", tx_hash="PAY", index=0)]
    fifo = trace(
        source, labels, seeds, TraceOptions(model=Model.FIFO, direction=Direction.BACKWARD)
    )
    # FIFO: output 0 (2 BTC) lies over the first 2 BTC of input 0 (from F1, funded by E1)
    assert amounts(fifo) == ({"E1": D(2)}, {})
    haircut = trace(
        source, labels, seeds, TraceOptions(model=Model.HAIRCUT, direction=Direction.BACKWARD)
    )
    assert amounts(haircut) == ({"E1": D("1.5")}, {"S": D("0.5")})
    assert_conserved(haircut)


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seeds", "options", "message"),
    [
        ([], TraceOptions(), "no seed"),
        ([Seed(Chain.TRON, "v", tx_hash="nope")], TraceOptions(), "transaction nope not found"),
        (
            [Seed(Chain.TRON, "v", tx_hash="seed", index=9)],
            TraceOptions(),
            "no transfer with index 9",
        ),
        ([Seed(Chain.TRON, "v")], TraceOptions(), "neither a transaction nor an address"),
        ([Seed(Chain.TRON, "v", address="nobody")], TraceOptions(), "no USDT transfers to nobody"),
        ([Seed(Chain.TRON, "v", tx_hash="seed")], TraceOptions(hops=-1), "hops must be 0 or more"),
        (
            [Seed(Chain.TRON, "v", tx_hash="seed"), Seed(Chain.ETH, "w", tx_hash="seed")],
            TraceOptions(),
            "different chains",
        ),
        (
            [Seed(Chain.TRON, "v", tx_hash="seed"), Seed(Chain.TRON, "v", tx_hash="t2")],
            TraceOptions(),
            "share one ref",
        ),
        ([Seed(Chain.TRON, "v", tx_hash="seed")], TraceOptions(token="TRX"), "moves no TRX"),
    ],
)
def test_bad_input_is_a_clear_error(seeds: list[Seed], options: TraceOptions, message: str) -> None:
    source = InMemoryTransferSource(STRAIGHT)
    with pytest.raises(TraceError, match=message):
        trace(source, EXCHANGES, seeds, options)


# -- backward on account chains: which inflows paid the payment ---------------------------

PAID = [tr("e1", "E1", "A", 60, 1), tr("e2", "E2", "A", 40, 2), tr("pay", "A", "V", 50, 3)]
DRAINED = [
    tr("c0", "C", "A", 100, 0),
    tr("d0", "A", "D", 100, 0.5),  # A is emptied: C's money is gone before the payment
    tr("e1", "E1", "A", 60, 1),
    tr("pay", "A", "V", 50, 3),
]
TWO_HOPS = [
    tr("s0", "S", "B", 80, 0),
    tr("b1", "B", "A", 80, 1),
    tr("e1", "E1", "A", 20, 1.5),
    tr("pay", "A", "V", 50, 3),
]
SHORT = [tr("e1", "E1", "A", 20, 1), tr("pay", "A", "V", 50, 3)]


@pytest.mark.parametrize(
    ("transfers", "model", "hops", "cash", "rest"),
    [
        (PAID, Model.HAIRCUT, 6, {"E1": "30", "E2": "20"}, {}),
        (PAID, Model.POISON, 6, {"E1": "30", "E2": "20"}, {}),
        (PAID, Model.FIFO, 6, {"E1": "50"}, {}),
        (PAID, Model.LIFO, 6, {"E1": "10", "E2": "40"}, {}),
        (DRAINED, Model.HAIRCUT, 6, {"E1": "50"}, {}),
        (DRAINED, Model.FIFO, 6, {"E1": "50"}, {}),
        (TWO_HOPS, Model.HAIRCUT, 6, {"E1": "10"}, {"S": "40"}),
        (TWO_HOPS, Model.HAIRCUT, 1, {"E1": "10"}, {"B": "40"}),
        (TWO_HOPS, Model.HAIRCUT, 0, {}, {"A": "50"}),
        (TWO_HOPS, Model.FIFO, 6, {}, {"S": "50"}),
        (SHORT, Model.HAIRCUT, 6, {"E1": "20"}, {"A": "30"}),
    ],
)
def test_backward_hand_computed(
    transfers: list[Transfer],
    model: Model,
    hops: int,
    cash: dict[str, str],
    rest: dict[str, str],
) -> None:
    options = TraceOptions(model=model, hops=hops, direction=Direction.BACKWARD)
    seeds = [Seed(Chain.TRON, "v", tx_hash="pay")]
    result = trace(InMemoryTransferSource(transfers), EXCHANGES, seeds, options)
    assert amounts(result) == (
        {k: D(v) for k, v in cash.items()},
        {k: D(v) for k, v in rest.items()},
    )
    assert_conserved(result)


def test_backward_paths_and_poison_marks_the_drained_sender() -> None:
    seeds = [Seed(Chain.TRON, "v", tx_hash="pay")]
    backward = TraceOptions(model=Model.HAIRCUT, direction=Direction.BACKWARD)
    result = trace(InMemoryTransferSource(TWO_HOPS), EXCHANGES, seeds, backward)
    [rest] = result.unresolved
    assert rest.paths == [("pay", "b1", "s0")]
    assert result.cash_outs[0].paths == [("pay", "e1")]
    assert result.wallets == frozenset({"A", "B", "S"})
    poison = TraceOptions(model=Model.POISON, direction=Direction.BACKWARD)
    marked = trace(InMemoryTransferSource(DRAINED), EXCHANGES, seeds, poison)
    assert "C" in marked.wallets  # every earlier inflow could have paid it: poison reaches it
    assert amounts(marked) == ({"E1": D(50)}, {})


def test_value_resting_in_a_wallet_keeps_its_path() -> None:
    result = trace(
        InMemoryTransferSource(SPLIT),
        EXCHANGES,
        [Seed(Chain.TRON, "v", tx_hash="seed")],
        TraceOptions(),
    )
    [rest] = result.unresolved
    assert rest.address == "B"
    assert rest.paths == [("seed", "t3")]
    assert rest.first_arrival == rest.last_arrival == at(3)


@pytest.mark.parametrize("model", list(Model))
@pytest.mark.parametrize("direction", list(Direction))
def test_a_seed_downstream_of_another_is_counted_for_both(
    model: Model, direction: Direction
) -> None:
    """The analyst gives the victim's payment and, as a second seed, the wallet's next transfer:
    value stays conserved, each seed's share attributed."""
    source = InMemoryTransferSource(
        [tr("s1", "V", "A", 100, 1), tr("s2", "A", "B", 100, 2), tr("t3", "B", "X", 100, 3)]
    )
    seeds = [Seed(Chain.TRON, "r1", tx_hash="s1"), Seed(Chain.TRON, "r2", tx_hash="s2")]
    result = trace(source, EXCHANGES, seeds, TraceOptions(model=model, direction=direction))
    assert result.total_in == D(200)
    assert_conserved(result)
