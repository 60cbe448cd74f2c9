"""The workflow as a table: every (from, to) pair, allowed or refused, for each side."""

from __future__ import annotations

import pytest

from scamlink.cases.model import CaseError, Status
from scamlink.cases.workflow import (
    TRANSITIONS,
    Side,
    Via,
    check_transition,
    next_statuses,
)
from scamlink.sharing.roles import Role

S = Status
OWN, R, B = "owner", "recipient", "both"
MOVE, REF = Via.MOVE, Via.REFERRAL
# (from, to) → (who, via, reason required). Written out, not derived from the module.
EXPECTED: dict[tuple[Status, Status], tuple[str, Via, bool]] = {
    (S.NEW, S.TRIAGED): (OWN, MOVE, False),
    (S.NEW, S.DECLINED): (OWN, MOVE, True),
    (S.TRIAGED, S.REFERRED): (OWN, REF, False),
    (S.TRIAGED, S.IN_PROGRESS): (OWN, MOVE, False),
    (S.TRIAGED, S.DECLINED): (OWN, MOVE, True),
    (S.REFERRED, S.ACCEPTED): (R, REF, False),
    (S.REFERRED, S.DECLINED): (R, REF, True),
    (S.ACCEPTED, S.IN_PROGRESS): (B, MOVE, False),
    (S.IN_PROGRESS, S.REFERRED): (OWN, REF, False),
    (S.IN_PROGRESS, S.RESOLVED): (B, MOVE, False),
    (S.RESOLVED, S.CLOSED): (OWN, MOVE, False),
    (S.RESOLVED, S.REOPENED): (OWN, MOVE, False),
    (S.CLOSED, S.REOPENED): (OWN, MOVE, False),
    (S.DECLINED, S.REOPENED): (OWN, MOVE, False),
    (S.DECLINED, S.CLOSED): (OWN, MOVE, False),
    (S.REOPENED, S.TRIAGED): (OWN, MOVE, False),
    (S.REOPENED, S.IN_PROGRESS): (OWN, MOVE, False),
    (S.REOPENED, S.REFERRED): (OWN, REF, False),
}
SIDES = {OWN: {Side.OWNER}, R: {Side.RECIPIENT}, B: {Side.OWNER, Side.RECIPIENT}}
PAIRS = [(a, b) for a in Status for b in Status]


def test_the_module_table_is_the_expected_table() -> None:
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=lambda s: s.value)
@pytest.mark.parametrize("side", list(Side), ids=lambda s: s.value)
@pytest.mark.parametrize("via", list(Via), ids=lambda v: v.value)
def test_every_pair(current: Status, target: Status, side: Side, via: Via) -> None:
    expected = EXPECTED.get((current, target))
    allowed = expected is not None and side in SIDES[expected[0]] and expected[1] is via
    reason = "because" if expected and expected[2] else ""
    if allowed:
        check_transition(current, target, side=side, role=Role.ANALYST, via=via, reason=reason)
        return
    with pytest.raises(CaseError) as refused:
        check_transition(current, target, side=side, role=Role.ANALYST, via=via, reason=reason)
    assert refused.value.field == "status"
    assert refused.value.status in (403, 409)
    assert refused.value.message


@pytest.mark.parametrize(("pair", "rule"), EXPECTED.items(), ids=str)
def test_reasons_are_required_where_the_table_says(
    pair: tuple[Status, Status], rule: tuple[str, Via, bool]
) -> None:
    who, via, needs_reason = rule
    side = next(iter(SIDES[who]))
    if needs_reason:
        with pytest.raises(CaseError) as refused:
            check_transition(*pair, side=side, role=Role.ANALYST, via=via, reason="  ")
        assert refused.value.field == "reason"
    else:
        check_transition(*pair, side=side, role=Role.ANALYST, via=via)


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ADMIN, None])
def test_partners_admins_and_nobody_do_not_move_cases(role: Role | None) -> None:
    with pytest.raises(CaseError) as refused:
        check_transition(S.NEW, S.TRIAGED, side=Side.OWNER, role=role)
    assert refused.value.status == 403


def test_admins_may_reopen_a_closed_case() -> None:
    check_transition(S.CLOSED, S.REOPENED, side=Side.OWNER, role=Role.ADMIN)


def test_a_case_with_no_side_is_refused() -> None:
    with pytest.raises(CaseError) as refused:
        check_transition(S.NEW, S.TRIAGED, side=None, role=Role.ANALYST)
    assert refused.value.status == 403


def test_the_error_names_the_allowed_statuses() -> None:
    with pytest.raises(CaseError) as refused:
        check_transition(S.NEW, S.CLOSED, side=Side.OWNER, role=Role.ANALYST)
    assert "new to closed" in refused.value.message
    assert "triaged" in refused.value.message


def test_board_hints() -> None:
    assert next_statuses(S.NEW, Side.OWNER, Role.ANALYST) == [S.TRIAGED, S.DECLINED]
    assert next_statuses(S.ACCEPTED, Side.RECIPIENT, Role.ANALYST) == [S.IN_PROGRESS]
    assert next_statuses(S.REFERRED, Side.OWNER, Role.ANALYST) == []
    assert next_statuses(S.NEW, Side.OWNER, Role.PARTNER) == []
