"""The quality measure (pure), and, on a small synthetic world whose hubs mix victims' money,
each model against the truth of its own policy and of the other one."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from scamlink.demo import generate
from scamlink.demo.laundering import Laundering, build, min_amount, seeds
from scamlink.tracing.engine import trace
from scamlink.tracing.memory import InMemoryLabels, InMemoryTransferSource
from scamlink.tracing.model import CashOut, Chain, Model, Seed, TraceOptions, TraceResult
from scamlink.tracing.quality import score, score_seed

D = Decimal
AT = datetime(2026, 1, 1, tzinfo=UTC)


def _result(*cash_outs: tuple[str, dict[str, Decimal]]) -> TraceResult:
    return TraceResult(
        options=TraceOptions(),
        seeds=(Seed(Chain.TRON, "A:1", tx_hash="t"),),
        token="USDT",
        total_in=D(100),
        cash_outs=[
            CashOut(address, None, "USDT", sum(by.values(), D(0)), by_seed=by)
            for address, by in cash_outs
        ],
        unresolved=[],
        fees=D(0),
        edges=[],
        wallets=frozenset(),
    )


def test_correct_never_and_excess_are_told_apart() -> None:
    truth = {"D1": D(60), "D2": D(40)}
    s = score_seed("A:1", truth, {"D1": D(70), "D2": D(20), "X": D(5)})
    assert (s.correct, s.never, s.excess) == (D(80), D(5), D(10))
    assert s.correct_share == D("0.8")
    assert s.never_share == D("0.05")


def test_a_model_meets_the_goal_only_when_every_payment_does() -> None:
    truth = {"A:1": {"D1": D(100)}, "B:2": {"D2": D(100)}, "C:3": {}}
    good = _result(("D1", {"A:1": D(99)}), ("D2", {"B:2": D(100)}))
    q = score("haircut", truth, [good])
    assert q.payments == 2  # C:3's money reached no exchange: nothing to find
    assert q.meets_goal
    bad = _result(("D1", {"A:1": D(99)}), ("D2", {"B:2": D(90)}), ("X", {"B:2": D(3)}))
    q = score("fifo", truth, [bad])
    assert not q.meets_goal
    assert q.meeting_goal == 1
    assert q.worst_correct is not None
    assert q.worst_correct.ref == "B:2"
    assert q.as_dict()["worst_never"] == ["B:2", 0.03]


@pytest.fixture(scope="module")
def flows(tmp_path_factory: pytest.TempPathFactory) -> Laundering:
    root: Path = tmp_path_factory.mktemp("quality")
    generate(root, 1500, 5)
    return build(root, 5)


def _traced(flows: Laundering, model: Model) -> dict[Chain, list[TraceResult]]:
    source = InMemoryTransferSource(flows.transfers, flows.utxo)
    labels = InMemoryLabels(flows.labels)
    results: dict[Chain, list[TraceResult]] = defaultdict(list)
    for seed in seeds(flows):
        options = TraceOptions(model=model, hops=6, min_amount=min_amount(seed.chain))
        results[seed.chain].append(trace(source, labels, [seed], options))
    assert set(results) == {Chain.TRON, Chain.ETH, Chain.BTC}
    return results


@pytest.mark.parametrize(
    ("model", "policy"), [(Model.HAIRCUT, "proportional"), (Model.FIFO, "fifo")]
)
def test_each_model_meets_the_goals_against_the_truth_of_its_own_policy(
    flows: Laundering, model: Model, policy: str
) -> None:
    for chain, found in _traced(flows, model).items():
        truth = {s.ref: flows.truth_under(policy)[s.ref] for r in found for s in r.seeds}
        quality = score(model.value, truth, found)
        assert quality.payments > 0
        assert quality.correct_share >= D("0.95"), (chain, quality.as_dict())
        assert quality.never_share < D("0.02"), (chain, quality.as_dict())
        assert quality.meets_goal, (chain, quality.as_dict())


@pytest.mark.parametrize(
    ("model", "policy"), [(Model.HAIRCUT, "fifo"), (Model.FIFO, "proportional")]
)
def test_where_victims_money_is_mixed_the_other_policys_truth_is_missed(
    flows: Laundering, model: Model, policy: str
) -> None:
    """The world is not easy by construction: the hubs mix payments, so a model scored against
    the other policy's truth misses (it is the truth that is a policy there, not the model)."""
    found = _traced(flows, model)[Chain.TRON]
    truth = {s.ref: flows.truth_under(policy)[s.ref] for r in found for s in r.seeds}
    quality = score(model.value, truth, found)
    assert not quality.meets_goal, quality.as_dict()
    assert quality.correct_share < D("0.97"), quality.as_dict()
    assert quality.meeting_goal < quality.payments


@pytest.mark.parametrize("model", list(Model))
def test_no_model_attributes_money_where_it_could_not_have_gone(
    flows: Laundering, model: Model
) -> None:
    """The proportional truth's support is every service a payment's money could reach: money
    attributed outside it went where the payment's coins could not have gone under any policy."""
    for chain, found in _traced(flows, model).items():
        truth = {s.ref: flows.truth_proportional[s.ref] for r in found for s in r.seeds}
        quality = score(model.value, truth, found)
        assert quality.never_share < D("0.001"), (chain, quality.as_dict())
