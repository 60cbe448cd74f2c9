"""B-cubed quality of a clustering against the truth (Bagga & Baldwin, 1998).

For every item, precision is the share of its predicted cluster that belongs to its true
cluster, and recall the share of its true cluster that landed in its predicted cluster; the
scores are the averages over all items, and F1 their harmonic mean. An item's numbers depend
only on the size of its cell in the contingency table (predicted × true), so everything is
computed from the cell counts in one pass: O(n) time, memory in proportion to the cells.

Pure: the caller supplies `(predicted, true)` labels per item; an item the predictor left
alone must carry a label of its own (a singleton), never a shared "unlinked" label.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Merge:
    """A predicted cluster holding items of several true clusters."""

    predicted: Hashable
    size: int
    # Its true clusters, largest first, with how many of its items each contributed.
    parts: tuple[tuple[Hashable, int], ...]
    # Items' precision lost by this merge, summed (the item-count the score drops by).
    precision_loss: float


@dataclass(frozen=True, slots=True)
class BCubed:
    items: int
    precision: float
    recall: float
    true_clusters: int
    predicted_clusters: int
    split: int  # true clusters spread over more than one predicted cluster
    merged: int  # predicted clusters holding more than one true cluster
    worst_merges: tuple[Merge, ...]  # largest precision loss first

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def bcubed(labels: Iterable[tuple[Hashable, Hashable]], *, worst: int = 10) -> BCubed:
    """B-cubed precision, recall and F1 of `(predicted, true)` labels, one pair per item, with
    the `worst` predicted clusters that merged true clusters. No items scores 1.0 (nothing
    was gotten wrong), as the definition's empty averages are taken to be."""
    cells: Counter[tuple[Hashable, Hashable]] = Counter(labels)
    predicted_size: Counter[Hashable] = Counter()
    true_size: Counter[Hashable] = Counter()
    predicted_parts: Counter[Hashable] = Counter()
    true_parts: Counter[Hashable] = Counter()
    for (predicted, true), n in cells.items():
        predicted_size[predicted] += n
        true_size[true] += n
        predicted_parts[predicted] += 1
        true_parts[true] += 1
    items = sum(predicted_size.values())
    if not items:
        return BCubed(0, 1.0, 1.0, 0, 0, 0, 0, ())
    # Each of the n items of a cell scores n / |its cluster| on either side.
    precision = sum(n * n / predicted_size[p] for (p, _), n in cells.items()) / items
    recall = sum(n * n / true_size[t] for (_, t), n in cells.items()) / items
    return BCubed(
        items=items,
        precision=precision,
        recall=recall,
        true_clusters=len(true_size),
        predicted_clusters=len(predicted_size),
        split=sum(1 for k in true_parts.values() if k > 1),
        merged=sum(1 for k in predicted_parts.values() if k > 1),
        worst_merges=_worst_merges(cells, predicted_size, predicted_parts, worst),
    )


def _worst_merges(
    cells: Counter[tuple[Hashable, Hashable]],
    predicted_size: Counter[Hashable],
    predicted_parts: Counter[Hashable],
    worst: int,
) -> tuple[Merge, ...]:
    if worst <= 0:
        return ()
    parts: dict[Hashable, list[tuple[Hashable, int]]] = {}
    loss: dict[Hashable, float] = {}
    for (p, t), n in cells.items():
        if predicted_parts[p] > 1:
            parts.setdefault(p, []).append((t, n))
            # Each of the cell's n items loses the share of its cluster that is not its own.
            loss[p] = loss.get(p, 0.0) + n * (predicted_size[p] - n) / predicted_size[p]
    chosen = heapq.nsmallest(worst, loss, key=lambda p: (-loss[p], str(p)))
    return tuple(
        Merge(
            predicted=p,
            size=predicted_size[p],
            parts=tuple(sorted(parts[p], key=lambda part: (-part[1], str(part[0])))),
            precision_loss=loss[p],
        )
        for p in chosen
    )
