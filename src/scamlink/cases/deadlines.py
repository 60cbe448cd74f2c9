"""Priorities and deadlines: a first response and then regular updates, per priority and agency.

An agency may set its own deadlines per priority (`case_deadlines`); without them the defaults
below apply. A case is overdue when its next open deadline (`next_due`) has passed: the first
response while none was given, else the next update. Finished cases (resolved, closed,
declined) have no open deadline. Time always comes from an injectable clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scamlink.cases.model import FINISHED, CaseError, CaseKind, Priority, Status

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Deadline:
    first_response: timedelta
    update: timedelta


DEFAULT_DEADLINES: dict[Priority, Deadline] = {
    Priority.P1: Deadline(timedelta(hours=1), timedelta(hours=12)),
    Priority.P2: Deadline(timedelta(hours=4), timedelta(days=1)),
    Priority.P3: Deadline(timedelta(days=1), timedelta(days=3)),
    Priority.P4: Deadline(timedelta(days=3), timedelta(days=7)),
}

# The longest deadline an agency may set (a case nobody looks at for a year is lost).
MAX_MINUTES = 366 * 24 * 60


def default_priority(kind: CaseKind) -> Priority:
    """A person at risk comes first; everything else starts at P3 until triaged."""
    return Priority.P1 if kind is CaseKind.PERSON_AT_RISK else Priority.P3


def deadline_for(priority: Priority, overrides: Mapping[Priority, Deadline]) -> Deadline:
    return overrides.get(priority, DEFAULT_DEADLINES[priority])


def checked_minutes(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_MINUTES:
        raise CaseError(f"minutes must be a whole number from 1 to {MAX_MINUTES}", field)
    return value


@dataclass(frozen=True, slots=True)
class Due:
    first_response_due: datetime
    next_update_due: datetime | None
    next_due: datetime | None


def on_create(now: datetime, deadline: Deadline) -> Due:
    first = now + deadline.first_response
    return Due(first, None, first)


def on_response(
    now: datetime,
    status: Status,
    deadline: Deadline,
    first_response_due: datetime,
) -> Due:
    """After the owner acted on the case (a move, a note, a referral): the next update is due
    one update period from now; a finished case has nothing due."""
    if status in FINISHED:
        return Due(first_response_due, None, None)
    update = now + deadline.update
    return Due(first_response_due, update, update)


def is_overdue(next_due: datetime | None, now: datetime) -> bool:
    return next_due is not None and _utc(next_due) < _utc(now)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
