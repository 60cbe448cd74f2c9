"""Per-indicator figures (how often, by whom, over how long): the input of the hub rule.

A type only, shared by the linking code and the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IndicatorStats:
    indicator_id: int
    indicator_type: str
    report_count: int
    agencies: frozenset[str]
    first_seen: int  # microseconds since 1970, UTC: both paths compare the same integers
    last_seen: int
    is_hub: bool
    warninglist: str | None  # the list holding the value; such a value never links

    @property
    def agency_count(self) -> int:
        return len(self.agencies)

    @property
    def span_microseconds(self) -> int:
        return self.last_seen - self.first_seen

    @property
    def specific(self) -> bool:
        """Whether the indicator links the reports naming it."""
        return self.warninglist is None and not self.is_hub


def agencies_text(agencies: Iterable[str]) -> str:
    return " ".join(sorted(agencies))


def agencies_from_text(text: str) -> frozenset[str]:
    return frozenset(text.split())
