"""Priorities and deadlines with a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scamlink.cases.deadlines import (
    DEFAULT_DEADLINES,
    Deadline,
    checked_minutes,
    deadline_for,
    default_priority,
    is_overdue,
    on_create,
    on_response,
)
from scamlink.cases.model import CaseError, CaseKind, Priority, Status

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "priority"),
    [
        (CaseKind.PERSON_AT_RISK, Priority.P1),
        (CaseKind.FINANCIAL_LOSS, Priority.P3),
        (CaseKind.REPATRIATION, Priority.P3),
        (CaseKind.TAKEDOWN_REQUEST, Priority.P3),
        (CaseKind.FREEZE_REQUEST, Priority.P3),
    ],
)
def test_default_priority(kind: CaseKind, priority: Priority) -> None:
    assert default_priority(kind) is priority


def test_a_person_at_risk_is_due_within_an_hour() -> None:
    due = on_create(NOW, deadline_for(Priority.P1, {}))
    assert due.first_response_due == NOW + timedelta(hours=1)
    assert due.next_due == due.first_response_due
    assert not is_overdue(due.next_due, NOW + timedelta(minutes=59))
    assert is_overdue(due.next_due, NOW + timedelta(minutes=61))


def test_deadlines_tighten_with_priority() -> None:
    firsts = [DEFAULT_DEADLINES[p].first_response for p in Priority]
    assert firsts == sorted(firsts)


def test_an_agency_overrides_a_priority() -> None:
    mine = {Priority.P2: Deadline(timedelta(minutes=30), timedelta(hours=2))}
    assert deadline_for(Priority.P2, mine).first_response == timedelta(minutes=30)
    assert deadline_for(Priority.P3, mine) == DEFAULT_DEADLINES[Priority.P3]


def test_a_response_sets_the_next_update() -> None:
    deadline = deadline_for(Priority.P1, {})
    first = NOW + timedelta(hours=1)
    later = NOW + timedelta(minutes=20)
    due = on_response(later, Status.TRIAGED, deadline, first)
    assert due.next_update_due == later + timedelta(hours=12)
    assert due.next_due == due.next_update_due
    assert due.first_response_due == first


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED, Status.DECLINED])
def test_finished_cases_have_nothing_due(status: Status) -> None:
    due = on_response(NOW, status, deadline_for(Priority.P1, {}), NOW)
    assert due.next_due is None
    assert not is_overdue(due.next_due, NOW + timedelta(days=999))


def test_naive_times_are_utc() -> None:
    assert is_overdue(datetime(2026, 11, 29, 0, 0), NOW)


@pytest.mark.parametrize("bad", [0, -5, 10**9, "60", 1.5, True])
def test_minutes_are_checked(bad: object) -> None:
    with pytest.raises(CaseError) as refused:
        checked_minutes(bad, "first_response_minutes")
    assert refused.value.field == "first_response_minutes"
