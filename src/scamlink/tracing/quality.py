"""How well a trace attributes the victims' money, against a synthetic world's ground truth.

Pure. For each victim payment (`Seed.ref`), the truth says how much of it reached each cash-out
address (exchange deposit addresses, OTC desks); a `TraceResult` says how much the model
attributed to each (`CashOut.by_seed`). Per payment:

* correct   = Σ over addresses of min(attributed, true)
* never     = Σ attributed to addresses the payment's money never reached
* excess    = Σ over reached addresses of max(attributed − true, 0)

Shares are of the money that truly reached a cash-out point. The issue's goals, under haircut and
FIFO: correct ≥ 95 % and never < 2 % — met by every payment (the worst one is reported) and in
total. Where a wallet mixes several payments the truth is itself a policy (the synthetic world
records it under `fifo` and `proportional` coins, `demo/laundering.py`): score a model against
each, and read "never" against the proportional truth as money attributed where it could not
have gone at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from scamlink.tracing.model import TraceResult

GOAL_CORRECT = Decimal("0.95")
GOAL_NEVER = Decimal("0.02")
_ZERO = Decimal(0)

Truth = Mapping[str, Mapping[str, Decimal]]  # ref → address → amount that reached it


@dataclass(frozen=True, slots=True)
class SeedScore:
    ref: str
    true_total: Decimal
    correct: Decimal
    never: Decimal
    excess: Decimal

    @property
    def correct_share(self) -> Decimal:
        return self.correct / self.true_total if self.true_total else Decimal(1)

    @property
    def never_share(self) -> Decimal:
        return self.never / self.true_total if self.true_total else _ZERO


@dataclass(frozen=True, slots=True)
class Quality:
    """One model's score over many payments."""

    model: str
    payments: int
    true_total: Decimal
    correct: Decimal
    never: Decimal
    excess: Decimal
    worst_correct: SeedScore | None  # the payment with the lowest correct share
    worst_never: SeedScore | None  # the payment with the highest never-reached share
    meeting_goal: int  # payments with correct ≥ 95 % and never < 2 %

    @property
    def correct_share(self) -> Decimal:
        return self.correct / self.true_total if self.true_total else Decimal(1)

    @property
    def never_share(self) -> Decimal:
        return self.never / self.true_total if self.true_total else _ZERO

    @property
    def meets_goal(self) -> bool:
        """Every payment and the total meet the goals."""
        return self.meeting_goal == self.payments and (
            self.correct_share >= GOAL_CORRECT and self.never_share < GOAL_NEVER
        )

    def as_dict(self) -> dict[str, object]:
        worst = self.worst_correct
        never = self.worst_never
        return {
            "model": self.model,
            "payments": self.payments,
            "true_total": str(self.true_total),
            "correct_share": float(self.correct_share),
            "never_share": float(self.never_share),
            "excess_share": float(self.excess / self.true_total) if self.true_total else 0.0,
            "meeting_goal": self.meeting_goal,
            "worst_correct": None if worst is None else [worst.ref, float(worst.correct_share)],
            "worst_never": None if never is None else [never.ref, float(never.never_share)],
            "meets_goal": self.meets_goal,
        }


def attributed(result: TraceResult) -> dict[str, dict[str, Decimal]]:
    """ref → cash-out address → amount the trace attributed to it."""
    out: dict[str, dict[str, Decimal]] = {}
    for cash_out in result.cash_outs:
        for ref, amount in cash_out.by_seed.items():
            into = out.setdefault(ref, {})
            into[cash_out.address] = into.get(cash_out.address, _ZERO) + amount
    return out


def score_seed(ref: str, truth: Mapping[str, Decimal], found: Mapping[str, Decimal]) -> SeedScore:
    correct = never = excess = _ZERO
    for address, amount in found.items():
        true = truth.get(address, _ZERO)
        if true <= 0:
            never += amount
        else:
            correct += min(amount, true)
            excess += max(amount - true, _ZERO)
    return SeedScore(ref, sum(truth.values(), _ZERO), correct, never, excess)


def score(model: str, truth: Truth, results: Iterable[TraceResult]) -> Quality:
    """One model's results (one trace per payment, or one for many) scored against `truth`.

    Payments whose money reached no cash-out point in truth are left out (nothing to find)."""
    found: dict[str, dict[str, Decimal]] = {}
    for result in results:
        for ref, per in attributed(result).items():
            into = found.setdefault(ref, {})
            for address, amount in per.items():
                into[address] = into.get(address, _ZERO) + amount
    scores = [
        score_seed(ref, truth[ref], found.get(ref, {}))
        for ref in sorted(truth)
        if sum(truth[ref].values(), _ZERO) > 0
    ]
    return Quality(
        model=model,
        payments=len(scores),
        true_total=sum((s.true_total for s in scores), _ZERO),
        correct=sum((s.correct for s in scores), _ZERO),
        never=sum((s.never for s in scores), _ZERO),
        excess=sum((s.excess for s in scores), _ZERO),
        worst_correct=min(scores, key=lambda s: (s.correct_share, s.ref), default=None),
        worst_never=max(scores, key=lambda s: (s.never_share, s.ref), default=None),
        meeting_goal=sum(
            1 for s in scores if s.correct_share >= GOAL_CORRECT and s.never_share < GOAL_NEVER
        ),
    )
