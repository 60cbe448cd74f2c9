"""Properties every taint model keeps, on random transfer graphs (Hypothesis).

- value is conserved: attributed + unresolved + fees == paid in (within Decimal rounding), so
  nothing is attributed that the victims did not pay, and no seed gets more than it paid;
- poison reaches at least every address haircut reaches;
- FIFO on a straight chain delivers exactly the amount sent.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scamlink.tracing.engine import trace
from scamlink.tracing.memory import InMemoryLabels, InMemoryTransferSource
from scamlink.tracing.model import (
    Chain,
    Direction,
    Model,
    Seed,
    TraceOptions,
    TraceResult,
    Transfer,
    UtxoTx,
)
from tests.tracing.engine_helpers import exchange, tr, utxo

TOLERANCE = Decimal("1e-15")
WALLETS = ["A", "B", "C", "D", "E"]
SERVICES = ["X1", "X2"]
LABELS = InMemoryLabels([exchange(x) for x in SERVICES])
BTC_LABELS = InMemoryLabels([exchange(x, chain=Chain.BTC) for x in SERVICES])
AMOUNT = st.integers(min_value=1, max_value=1_000_000).map(lambda n: Decimal(n) / 100)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def account_graphs(draw: st.DrawFn) -> tuple[list[Transfer], list[Seed]]:
    """Seeds paying into the wallets, then random traffic among wallets, services, outsiders."""
    transfers: list[Transfer] = []
    seeds: list[Seed] = []
    for n in range(draw(st.integers(1, 3))):
        tx = f"seed{n}"
        minute = draw(st.integers(0, 50))
        transfers.append(tr(tx, f"V{n}", draw(st.sampled_from(WALLETS)), draw(AMOUNT), minute))
        seeds.append(Seed(Chain.TRON, f"victim{n}", tx_hash=tx))
    ends = WALLETS + SERVICES + ["OUT"]
    for n in range(draw(st.integers(0, 30))):
        src = draw(st.sampled_from([*WALLETS, "OUT"]))
        dst = draw(st.sampled_from([e for e in ends if e != src] or ends))
        transfers.append(tr(f"t{n}", src, dst, draw(AMOUNT), draw(st.integers(0, 100))))
    return transfers, seeds


def options(model: Model, hops: int, minimum: Decimal, backward: bool = False) -> TraceOptions:
    direction = Direction.BACKWARD if backward else Direction.FORWARD
    return TraceOptions(model=model, hops=hops, min_amount=minimum, direction=direction)


def assert_conserved(result: TraceResult) -> None:
    rest = sum((c.amount for c in result.unresolved), Decimal(0))
    attributed = result.total_attributed
    assert abs(attributed + rest + result.fees - result.total_in) <= TOLERANCE
    assert attributed <= result.total_in + TOLERANCE
    for place in (*result.cash_outs, *result.unresolved):
        assert place.amount >= 0
        assert abs(sum(place.by_seed.values(), Decimal(0)) - place.amount) <= TOLERANCE
    per_seed: dict[str, Decimal] = {}
    for place in (*result.cash_outs, *result.unresolved):
        for ref, value in place.by_seed.items():
            per_seed[ref] = per_seed.get(ref, Decimal(0)) + value
    assert sum(per_seed.values(), Decimal(0)) <= result.total_in + TOLERANCE


def reached(result: TraceResult) -> set[str]:
    return set(result.wallets) | {c.address for c in result.cash_outs}


@PROPERTY
@given(
    account_graphs(),
    st.sampled_from(list(Model)),
    st.integers(0, 6),
    st.sampled_from([Decimal(0), Decimal("0.01"), Decimal(5)]),
    st.booleans(),
)
def test_every_model_conserves_value(
    graph: tuple[list[Transfer], list[Seed]],
    model: Model,
    hops: int,
    minimum: Decimal,
    backward: bool,
) -> None:
    transfers, seeds = graph
    result = trace(
        InMemoryTransferSource(transfers), LABELS, seeds, options(model, hops, minimum, backward)
    )
    assert result.total_in == sum(
        (t.amount for t in transfers if t.tx_hash.startswith("seed")), Decimal(0)
    )
    assert_conserved(result)


@PROPERTY
@given(
    account_graphs(),
    st.integers(0, 6),
    st.sampled_from([Decimal(0), Decimal("0.01"), Decimal(5)]),
)
def test_poison_reaches_everything_haircut_reaches(
    graph: tuple[list[Transfer], list[Seed]], hops: int, minimum: Decimal
) -> None:
    transfers, seeds = graph
    source = InMemoryTransferSource(transfers)
    haircut = trace(source, LABELS, seeds, options(Model.HAIRCUT, hops, minimum))
    poison = trace(source, LABELS, seeds, options(Model.POISON, hops, minimum))
    assert reached(poison) >= reached(haircut)
    haircut_edges = {(e.tx_hash, e.index) for e in haircut.edges if e.amount >= minimum}
    assert {(e.tx_hash, e.index) for e in poison.edges} >= haircut_edges


@PROPERTY
@given(st.integers(1, 8), AMOUNT, st.integers(0, 5))
def test_fifo_on_a_straight_chain_delivers_the_amount_sent(
    length: int, amount: Decimal, clean_before: int
) -> None:
    """V → W0 → W1 → … → X1, each wallet forwarding what it received (some held clean
    value that arrived after the taint and left before it: FIFO must not mix them up)."""
    transfers = [tr("seed", "V", "W0", amount, 10)]
    for n in range(length):
        nxt = "X1" if n == length - 1 else f"W{n + 1}"
        transfers.append(tr(f"t{n}", f"W{n}", nxt, amount, 20 + 10 * n))
    for n in range(min(clean_before, length)):
        transfers.append(tr(f"c{n}", "OUT", f"W{n}", 7, 5))  # clean, arrived before the taint…
        transfers.append(tr(f"d{n}", f"W{n}", "OUT", 7, 6))  # …and gone before it came
    seeds = [Seed(Chain.TRON, "v", tx_hash="seed")]
    result = trace(
        InMemoryTransferSource(transfers), LABELS, seeds, options(Model.FIFO, 10, Decimal("0.01"))
    )
    assert [(c.address, c.amount) for c in result.cash_outs] == [("X1", amount)]
    assert result.unresolved == []


@st.composite
def utxo_graphs(draw: st.DrawFn) -> list[UtxoTx]:
    """A seed transaction, then transactions spending tainted and clean outputs."""
    seed_outputs = draw(st.lists(AMOUNT, min_size=1, max_size=3))
    outputs = [(draw(st.sampled_from(WALLETS)), v) for v in seed_outputs]
    txs = [utxo("S", 0, [("P", 0, "V", sum(seed_outputs, Decimal(0)) + 1)], outputs)]
    unspent = [("S", n, address, value) for n, (address, value) in enumerate(outputs)]
    for k in range(draw(st.integers(0, 8))):
        if not unspent:
            break
        picks = draw(
            st.lists(st.integers(0, len(unspent) - 1), min_size=1, max_size=2, unique=True)
        )
        spent = [unspent[i] for i in picks]
        for i in sorted(picks, reverse=True):
            unspent.pop(i)
        inputs = [(tx, n, address, value) for tx, n, address, value in spent]
        if draw(st.booleans()):
            inputs.append((f"clean{k}", 0, "OUT", draw(AMOUNT)))
        total = sum((Decimal(v) for *_, v in inputs), Decimal(0))
        fee = (total * draw(st.integers(0, 10)) / 100).quantize(Decimal("0.01"))
        parts = draw(st.integers(1, 3))
        share = ((total - fee) / parts).quantize(Decimal("0.01"))
        values = [share] * (parts - 1) + [total - fee - share * (parts - 1)]
        dests = [draw(st.sampled_from(WALLETS + SERVICES)) for _ in values]
        name = f"T{k}"
        txs.append(utxo(name, k + 1, inputs, list(zip(dests, values, strict=True))))
        unspent.extend((name, n, d, v) for n, (d, v) in enumerate(zip(dests, values, strict=True)))
    return txs


@PROPERTY
@given(utxo_graphs(), st.sampled_from(list(Model)), st.integers(0, 6), st.booleans())
def test_utxo_models_conserve_value_fees_included(
    txs: list[UtxoTx], model: Model, hops: int, every_output: bool
) -> None:
    source = InMemoryTransferSource(utxo=txs)
    seeds = (
        [Seed(Chain.BTC, "v", tx_hash="S")]
        if every_output
        else [Seed(Chain.BTC, "v", tx_hash="S", index=0)]
    )
    result = trace(source, BTC_LABELS, seeds, options(model, hops, Decimal("0.01")))
    assert_conserved(result)
    backward = trace(source, BTC_LABELS, seeds, options(model, hops, Decimal("0.01"), True))
    assert_conserved(backward)


@PROPERTY
@given(
    account_graphs(),
    st.data(),
    st.sampled_from(list(Model)),
    st.integers(0, 6),
    st.booleans(),
)
def test_any_transfers_as_seeds_conserve_value(
    graph: tuple[list[Transfer], list[Seed]],
    data: st.DataObject,
    model: Model,
    hops: int,
    backward: bool,
) -> None:
    """Seeds anywhere in the graph — one downstream of another, in a cycle — still conserve."""
    transfers, _ = graph
    picked = data.draw(
        st.lists(st.sampled_from(transfers), min_size=1, max_size=4, unique_by=lambda t: t.tx_hash)
    )
    seeds = [Seed(Chain.TRON, f"s{n}", tx_hash=t.tx_hash) for n, t in enumerate(picked)]
    result = trace(
        InMemoryTransferSource(transfers),
        LABELS,
        seeds,
        options(model, hops, Decimal("0.01"), backward),
    )
    assert result.total_in == sum((t.amount for t in picked), Decimal(0))
    assert_conserved(result)
