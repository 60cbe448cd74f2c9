"""Which campaigns are active at a moment of the span and how many reports each draws.

Campaigns start in index order, so the active ones form a sliding window: the window and its
cumulative weights are recomputed a bounded number of times (once per step of the span), never per
report.
"""

from __future__ import annotations

from bisect import bisect
from itertools import accumulate

from scamlink.demo.world import World


class Schedule:
    def __init__(self, world: World, steps: int = 2000) -> None:
        self._world = world
        self._step = 1.0 / steps
        self._next = 0  # first campaign not started yet
        self._active: list[int] = []
        self._ids: list[int] = []
        self._cum: list[float] = []
        self._until = -1.0

    def pick(self, moment: float, u: float) -> int:
        """The campaign behind a report at `moment` (fraction of the span), for uniform `u`."""
        if moment >= self._until:
            self._refresh(moment)
        cum = self._cum
        return self._ids[bisect(cum, u * cum[-1])]

    def _refresh(self, moment: float) -> None:
        world = self._world
        start, duration, size = world.start, world.duration, world.size
        total = len(start)
        while self._next < total and start[self._next] <= moment:
            self._active.append(self._next)
            self._next += 1
        self._active = [c for c in self._active if start[c] + duration[c] >= moment]
        ids = self._active or [min(self._next, total - 1)]
        weights = []
        for c in ids:
            phase = min(max((moment - start[c]) / duration[c], 0.0), 1.0)
            # Ramps up, peaks mid-life, tails off; intensity = size spread over the lifetime.
            weights.append(size[c] / duration[c] * (0.2 + 3.0 * phase * (1.0 - phase)))
        self._ids = list(ids)
        self._cum = list(accumulate(weights))
        self._until = moment + self._step
