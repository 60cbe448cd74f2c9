"""Who sees which part of a case, and the rules of referring one.

A case is seen
- by the staff of its owning agency (not partners): all of it;
- by the staff of an agency it was referred to, once that agency accepted: only the referred
  part (the case's head always; its summary and person-at-risk details when the referral
  included them; the links the referral named);
- by desk officers posted abroad (`DESK_POSTINGS`: the Korea Desk sees Korean nationals in
  Cambodia), for cases of their nationals in their host country, unless the case is marked
  AMBER+STRICT or RED: the head, details and links;
- by nobody else: partners and the public see no case.
An agency with a pending referral sees the referral in its inbox (the case's head and the
message), nothing more until it accepts.

Notes belong to the agency that wrote them: AMBER+STRICT (the default) and RED stay in that
agency; AMBER reaches every agency taking part in the case (owner and accepted referrals);
GREEN and CLEAR everyone who sees the case. Events on the timeline are for everyone who sees
the case unless they carry an audience (an agency's own notes, links and tasks).

Evidence (`may_see_evidence`) belongs to the agency that added it; beyond that agency only
evidence marked CLEAR, GREEN or AMBER is seen: by the owner (what a recipient added), by a
recipient (what was handed over with the referral it accepted), by desk officers (the owner's).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from scamlink.cases.model import CaseError, CaseHead
from scamlink.cases.workflow import Side
from scamlink.sharing.policy import BREADTH
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp


@dataclass(frozen=True, slots=True)
class Posting:
    """Desk officers of `agency` look after `nationality` nationals in `host` country."""

    agency: str
    nationality: str
    host: str


DESK_POSTINGS: tuple[Posting, ...] = (Posting("KDESK", "KR", "KH"),)
DESK_MARKINGS: frozenset[Tlp] = frozenset({Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER})


class Access(StrEnum):
    OWNER = "owner"
    RECIPIENT = "recipient"  # an accepted referral: the referred part only
    DESK = "desk"


@dataclass(frozen=True, slots=True)
class Seen:
    """What one viewer sees of one case."""

    access: Access
    details: bool  # summary and person-at-risk details
    link_ids: frozenset[int] | None  # None: every link

    @property
    def side(self) -> Side | None:
        if self.access is Access.OWNER:
            return Side.OWNER
        if self.access is Access.RECIPIENT:
            return Side.RECIPIENT
        return None


def is_staff(viewer: Viewer) -> bool:
    return viewer.agency is not None and viewer.role is not None and viewer.role is not Role.PARTNER


def posting_of(viewer: Viewer) -> Posting | None:
    if viewer.role is not Role.DESK_OFFICER:
        return None
    for posting in DESK_POSTINGS:
        if posting.agency == viewer.agency:
            return posting
    return None


@dataclass(frozen=True, slots=True)
class AcceptedReferral:
    """An accepted referral to the viewer's agency: what it shares."""

    include_details: bool
    link_ids: frozenset[int]


def seen(viewer: Viewer, case: CaseHead, accepted: Collection[AcceptedReferral]) -> Seen | None:
    """What `viewer` sees of `case` (None: nothing). `accepted`: the case's accepted referrals
    to the viewer's agency."""
    if not is_staff(viewer):
        return None
    if case.owner_agency == viewer.agency:
        return Seen(Access.OWNER, True, None)
    if accepted:
        details = any(r.include_details for r in accepted)
        links = frozenset().union(*(r.link_ids for r in accepted))
        return Seen(Access.RECIPIENT, details, links)
    posting = posting_of(viewer)
    if (
        posting is not None
        and case.nationality == posting.nationality
        and case.country == posting.host
        and case.tlp in DESK_MARKINGS
    ):
        return Seen(Access.DESK, True, None)
    return None


def may_see_note(
    viewer: Viewer, note_agency: str, marking: Tlp, participants: Collection[str]
) -> bool:
    """A note of `note_agency` on a case the viewer sees; `participants`: the owner and the
    agencies that accepted a referral of it."""
    if viewer.agency == note_agency:
        return True
    if marking in (Tlp.CLEAR, Tlp.GREEN):
        return True
    return marking is Tlp.AMBER and viewer.agency in participants


def check_referral(viewer: Viewer, case: CaseHead, to_agency: str, marking: Tlp) -> None:
    """Refer only from the owning agency, never to itself, never wider than the case."""
    if case.owner_agency != viewer.agency:
        raise CaseError("only the owning agency refers a case", "to_agency", 403)
    if to_agency == viewer.agency:
        raise CaseError("a case cannot be referred to its own agency", "to_agency")
    if BREADTH[marking] > BREADTH[case.tlp]:
        raise CaseError(
            f"a referral cannot be marked wider than its case ({case.tlp.value})", "tlp"
        )
    if marking is Tlp.RED:
        raise CaseError("a referral reaches an agency: RED names people, use AMBER+STRICT", "tlp")


# Evidence leaves its agency only when marked at most AMBER (AMBER+STRICT stays; RED is refused).
EVIDENCE_SHAREABLE: frozenset[Tlp] = frozenset({Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER})


def may_see_evidence(
    viewer: Viewer, view: Seen, owner: str, holder: str, marking: Tlp, handed_over: bool
) -> bool:
    """Evidence held by `holder` on a case the viewer sees as `view` (owned by `owner`).

    The holding agency always; beyond it only evidence marked CLEAR, GREEN or AMBER: the owning
    agency sees what an agency that accepted a referral added; an agency that accepted a
    referral sees what was handed over with it (`handed_over`), nothing else of the owner's;
    desk officers see the owner's evidence.
    """
    if viewer.agency == holder:
        return True
    if marking not in EVIDENCE_SHAREABLE:
        return False
    if view.access is Access.OWNER:
        return True
    if view.access is Access.RECIPIENT:
        return handed_over
    return holder == owner
