"""Taint pools: how one address (account chains) shares tainted and clean value out.

A pool holds an address's balance of one token. `add` puts a received transfer in (its tainted
segments, the rest clean), `take` removes the value of one outgoing transfer and returns the
tainted segments it carries. A segment is `(seed_ref, amount)`; for FIFO and LIFO the segments
also keep their order, clean ones included (`seed_ref` None), so the recipient's pool lays them
out exactly as they left.

When an address sends more than the pool knows of (its earlier history was not imported), the
difference is clean value of unknown origin: taint is never created from nothing.

- `HaircutPool`: every outgoing transfer carries the tainted share of the balance.
- `PoisonPool`: amounts "taint first" (the tainted value leaves before any clean value), so
  poison's amounts never exceed what the victims paid; *reach* (every later transfer of a touched
  address) is decided by the engine, not here.
- `LotPool`: lots in time order; FIFO takes from the oldest, LIFO from the newest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from scamlink.tracing.model import Model

Segment = tuple[str | None, Decimal]
ZERO = Decimal(0)


def tainted_total(segments: Iterable[Segment]) -> Decimal:
    return sum((amount for ref, amount in segments if ref is not None), ZERO)


def by_seed(segments: Iterable[Segment]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for ref, amount in segments:
        if ref is not None and amount:
            out[ref] = out.get(ref, ZERO) + amount
    return out


class Pool(Protocol):
    def add(self, amount: Decimal, segments: Iterable[Segment]) -> None: ...
    def add_clean(self, amount: Decimal) -> None: ...
    def take(self, amount: Decimal) -> list[Segment]: ...
    def tainted(self) -> bool: ...
    def rest(self) -> dict[str, Decimal]: ...


class HaircutPool:
    """Taint shared out in proportion to the balance."""

    __slots__ = ("balance", "taint")

    def __init__(self) -> None:
        self.balance = ZERO
        self.taint: dict[str, Decimal] = {}

    def add(self, amount: Decimal, segments: Iterable[Segment]) -> None:
        self.balance += amount
        _merge(self.taint, segments)

    def add_clean(self, amount: Decimal) -> None:
        self.balance += amount

    def take(self, amount: Decimal) -> list[Segment]:
        if not self.taint:
            self.balance = max(self.balance - amount, ZERO)
            return []
        balance = max(self.balance, amount)
        self.balance = balance - amount
        if amount >= balance:  # everything leaves
            out: list[Segment] = list(self.taint.items())
            self.taint = {}
            return out
        out, self.taint = _split(self.taint, amount, balance)
        return out

    def tainted(self) -> bool:
        return bool(self.taint)

    def rest(self) -> dict[str, Decimal]:
        return dict(self.taint)


class PoisonPool:
    """Taint first: tainted value leaves before clean value, shared among seeds by their part."""

    __slots__ = ("taint",)

    def __init__(self) -> None:
        self.taint: dict[str, Decimal] = {}

    def add(self, amount: Decimal, segments: Iterable[Segment]) -> None:
        _merge(self.taint, segments)

    def add_clean(self, amount: Decimal) -> None:
        return None

    def take(self, amount: Decimal) -> list[Segment]:
        if not self.taint:
            return []
        held = sum(self.taint.values(), ZERO)
        if amount >= held:
            out: list[Segment] = list(self.taint.items())
            self.taint = {}
            return out
        out, self.taint = _split(self.taint, amount, held)
        return out

    def tainted(self) -> bool:
        return bool(self.taint)

    def rest(self) -> dict[str, Decimal]:
        return dict(self.taint)


class _Lot:
    __slots__ = ("amount", "ref")

    def __init__(self, ref: str | None, amount: Decimal) -> None:
        self.ref = ref
        self.amount = amount


class LotPool:
    """Lots in arrival order; FIFO spends the oldest first, LIFO the newest."""

    __slots__ = ("lifo", "lots", "tainted_lots")

    def __init__(self, *, lifo: bool) -> None:
        self.lots: deque[_Lot] = deque()
        self.lifo = lifo
        self.tainted_lots = 0

    def _append(self, ref: str | None, amount: Decimal) -> None:
        if amount <= 0:
            return
        if self.lots and self.lots[-1].ref == ref:
            self.lots[-1].amount += amount
            return
        self.lots.append(_Lot(ref, amount))
        if ref is not None:
            self.tainted_lots += 1

    def add(self, amount: Decimal, segments: Iterable[Segment]) -> None:
        placed = ZERO
        for ref, value in segments:
            self._append(ref, value)
            placed += value
        if amount > placed:
            self._append(None, amount - placed)

    def add_clean(self, amount: Decimal) -> None:
        self._append(None, amount)

    def take(self, amount: Decimal) -> list[Segment]:
        out: list[Segment] = []
        need = amount
        lots = self.lots
        while need > 0 and lots:
            lot = lots[-1] if self.lifo else lots[0]
            if lot.amount <= need:
                if self.lifo:
                    lots.pop()
                else:
                    lots.popleft()
                if lot.ref is not None:
                    self.tainted_lots -= 1
                out.append((lot.ref, lot.amount))
                need -= lot.amount
            else:
                lot.amount -= need
                out.append((lot.ref, need))
                need = ZERO
        return out

    def tainted(self) -> bool:
        return self.tainted_lots > 0

    def rest(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for lot in self.lots:
            if lot.ref is not None:
                out[lot.ref] = out.get(lot.ref, ZERO) + lot.amount
        return out


def new_pool(model: Model) -> Pool:
    if model is Model.HAIRCUT:
        return HaircutPool()
    if model is Model.POISON:
        return PoisonPool()
    return LotPool(lifo=model is Model.LIFO)


def map_intervals(
    inputs: list[tuple[Decimal, list[tuple[Decimal, Decimal, str]]]],
    outputs: list[Decimal],
) -> list[list[tuple[Decimal, Decimal, str]]]:
    """Inputs laid end to end against outputs laid end to end (the UTXO interval mapping).

    `inputs`: per input, its value and its tainted intervals `(offset, length, seed_ref)`
    within it. `outputs`: the values of the outputs, in the order they are laid (the fee, when
    there is one, is passed as the last "output"). Returns per output the tainted intervals
    that land in it, offsets relative to the output. Value past the last output is dropped
    (it has nowhere to go); callers pass the fee so nothing is.
    """
    starts: list[Decimal] = []
    position = ZERO
    for value in outputs:
        starts.append(position)
        position += value
    result: list[list[tuple[Decimal, Decimal, str]]] = [[] for _ in outputs]
    base = ZERO
    for value, intervals in inputs:
        for offset, length, ref in intervals:
            lo = base + offset
            hi = lo + length
            for j, start in enumerate(starts):
                end = start + outputs[j]
                if end <= lo:
                    continue
                if start >= hi:
                    break
                overlap_lo = max(lo, start)
                overlap_hi = min(hi, end)
                if overlap_hi > overlap_lo:
                    result[j].append((overlap_lo - start, overlap_hi - overlap_lo, ref))
        base += value
    return result


def _merge(taint: dict[str, Decimal], segments: Iterable[Segment]) -> None:
    """Add the tainted segments to a seed → value map (clean segments carry no ref)."""
    for ref, value in segments:
        if ref is not None and value:
            taint[ref] = taint.get(ref, ZERO) + value


def _split(
    taint: dict[str, Decimal], amount: Decimal, of: Decimal
) -> tuple[list[Segment], dict[str, Decimal]]:
    """`amount` of `of` leaves, each seed's value in proportion: what leaves, what stays."""
    out: list[Segment] = []
    remaining: dict[str, Decimal] = {}
    for ref, value in taint.items():
        share = value * amount / of
        out.append((ref, share))
        if value - share > 0:
            remaining[ref] = value - share
    return out, remaining
