"""The workflow as one table: which status may follow which, by whom, and how.

`new → triaged → referred → accepted → in_progress → resolved → closed`, plus `declined` (a
reason is required) and `reopened`. Each allowed move names the side that may make it (the
owning agency, or an agency the case was referred to and that accepted), whether it happens
by itself through a referral (referring, accepting, declining a referral) rather than as a
move on the board, and the roles allowed. Everything else is refused with a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scamlink.cases.model import CaseError, Status
from scamlink.sharing.roles import Role


class Side(StrEnum):
    OWNER = "owner"  # staff of the owning agency
    RECIPIENT = "recipient"  # staff of an agency the case was referred to (accepted)


class Via(StrEnum):
    MOVE = "move"  # a move on the board or `POST …/transition`
    REFERRAL = "referral"  # referring, accepting or declining a referral


OFFICERS: frozenset[Role] = frozenset({Role.ANALYST, Role.INVESTIGATOR, Role.DESK_OFFICER})
OFFICERS_AND_ADMINS: frozenset[Role] = OFFICERS | {Role.ADMIN}


@dataclass(frozen=True, slots=True)
class Rule:
    sides: frozenset[Side]
    via: Via = Via.MOVE
    roles: frozenset[Role] = OFFICERS
    needs_reason: bool = False


_OWNER = frozenset({Side.OWNER})
_RECIPIENT = frozenset({Side.RECIPIENT})
_BOTH = frozenset({Side.OWNER, Side.RECIPIENT})

S = Status
TRANSITIONS: dict[tuple[Status, Status], Rule] = {
    (S.NEW, S.TRIAGED): Rule(_OWNER),
    (S.NEW, S.DECLINED): Rule(_OWNER, needs_reason=True),
    (S.TRIAGED, S.REFERRED): Rule(_OWNER, Via.REFERRAL),
    (S.TRIAGED, S.IN_PROGRESS): Rule(_OWNER),
    (S.TRIAGED, S.DECLINED): Rule(_OWNER, needs_reason=True),
    (S.REFERRED, S.ACCEPTED): Rule(_RECIPIENT, Via.REFERRAL),
    (S.REFERRED, S.DECLINED): Rule(_RECIPIENT, Via.REFERRAL, needs_reason=True),
    (S.ACCEPTED, S.IN_PROGRESS): Rule(_BOTH),
    (S.IN_PROGRESS, S.REFERRED): Rule(_OWNER, Via.REFERRAL),
    (S.IN_PROGRESS, S.RESOLVED): Rule(_BOTH),
    (S.RESOLVED, S.CLOSED): Rule(_OWNER),
    (S.RESOLVED, S.REOPENED): Rule(_OWNER),
    (S.CLOSED, S.REOPENED): Rule(_OWNER, roles=OFFICERS_AND_ADMINS),
    (S.DECLINED, S.REOPENED): Rule(_OWNER),
    (S.DECLINED, S.CLOSED): Rule(_OWNER),
    (S.REOPENED, S.TRIAGED): Rule(_OWNER),
    (S.REOPENED, S.IN_PROGRESS): Rule(_OWNER),
    (S.REOPENED, S.REFERRED): Rule(_OWNER, Via.REFERRAL),
}
del S


def next_statuses(
    current: Status, side: Side, role: Role | None, via: Via = Via.MOVE
) -> list[Status]:
    """The statuses this side and role may move a case to from `current` (board hints)."""
    return [
        to
        for (frm, to), rule in TRANSITIONS.items()
        if frm is current and side in rule.sides and rule.via is via and role in rule.roles
    ]


def check_transition(
    current: Status,
    target: Status,
    *,
    side: Side | None,
    role: Role | None,
    via: Via = Via.MOVE,
    reason: str = "",
) -> Rule:
    """The rule allowing `current → target`; CaseError (with the field) when it is refused."""
    if current is target:
        raise CaseError(f"the case is already {current.value}", "status", 409)
    rule = TRANSITIONS.get((current, target))
    if rule is None:
        allowed = ", ".join(to.value for (frm, to) in TRANSITIONS if frm is current) or "none"
        raise CaseError(
            f"a case cannot go from {current.value} to {target.value} (from {current.value}: "
            f"{allowed})",
            "status",
            409,
        )
    if rule.via is not via:
        how = (
            "by referring, accepting or declining a referral"
            if rule.via is Via.REFERRAL
            else "as a move on the board"
        )
        raise CaseError(f"{current.value} → {target.value} happens only {how}", "status", 409)
    if side is None or side not in rule.sides:
        who = " or ".join(
            "the owning agency" if s is Side.OWNER else "the agency it was referred to"
            for s in sorted(rule.sides)
        )
        raise CaseError(f"only {who} may move a case to {target.value}", "status", 403)
    if role not in rule.roles:
        roles = ", ".join(sorted(r.value for r in rule.roles))
        raise CaseError(
            f"moving a case to {target.value} needs one of the roles {roles}", "status", 403
        )
    if rule.needs_reason and not reason.strip():
        raise CaseError(f"a reason is required to move a case to {target.value}", "reason")
    return rule
