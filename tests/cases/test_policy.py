"""Who sees which part of a case (pure rules; the store's SQL is checked in tests/store)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scamlink.cases.model import CaseError, CaseHead, CaseKind, Priority, Status
from scamlink.cases.policy import (
    AcceptedReferral,
    Access,
    check_referral,
    may_see_note,
    seen,
)
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp

AT = datetime(2026, 11, 29, tzinfo=UTC)


def case(
    owner: str = "KNPA", tlp: Tlp = Tlp.AMBER, nat: str = "KR", country: str = "KH"
) -> CaseHead:
    return CaseHead(
        1, CaseKind.PERSON_AT_RISK, "t", owner, Priority.P1, Status.NEW, tlp, nat, country, AT, AT
    )


KNPA = Viewer("KNPA", Role.ANALYST, 1)
CNP = Viewer("CNP", Role.INVESTIGATOR, 2)
DESK = Viewer("KDESK", Role.DESK_OFFICER, 3)
PARTNER = Viewer("KNPA", Role.PARTNER, 4)
PUBLIC = Viewer(None, None)


def test_the_owner_sees_everything() -> None:
    view = seen(KNPA, case(), [])
    assert view is not None
    assert view.access is Access.OWNER
    assert view.link_ids is None


def test_another_agency_sees_nothing_without_an_accepted_referral() -> None:
    assert seen(CNP, case(), []) is None


def test_a_recipient_sees_only_the_referred_part() -> None:
    view = seen(CNP, case(), [AcceptedReferral(False, frozenset({7}))])
    assert view is not None
    assert view.access is Access.RECIPIENT
    assert not view.details
    assert view.link_ids == frozenset({7})


@pytest.mark.parametrize(
    ("nat", "country", "tlp", "sees"),
    [
        ("KR", "KH", Tlp.AMBER, True),
        ("KR", "KH", Tlp.GREEN, True),
        ("KR", "KH", Tlp.AMBER_STRICT, False),
        ("KR", "KH", Tlp.RED, False),
        ("KR", "TH", Tlp.AMBER, False),
        ("TH", "KH", Tlp.AMBER, False),
    ],
)
def test_desk_officers_see_their_nationals_in_the_host_country(
    nat: str, country: str, tlp: Tlp, sees: bool
) -> None:
    view = seen(DESK, case("CNP", tlp, nat, country), [])
    assert (view is not None) is sees
    # An analyst of the same desk agency is not a desk officer.
    assert seen(Viewer("KDESK", Role.ANALYST, 9), case("CNP", tlp, nat, country), []) is None


@pytest.mark.parametrize("viewer", [PARTNER, PUBLIC])
def test_partners_and_the_public_see_no_case(viewer: Viewer) -> None:
    assert seen(viewer, case(), [AcceptedReferral(True, frozenset())]) is None


@pytest.mark.parametrize(
    ("marking", "own", "participant", "bystander"),
    [
        (Tlp.AMBER_STRICT, True, False, False),
        (Tlp.RED, True, False, False),
        (Tlp.AMBER, True, True, False),
        (Tlp.GREEN, True, True, True),
        (Tlp.CLEAR, True, True, True),
    ],
)
def test_notes(marking: Tlp, own: bool, participant: bool, bystander: bool) -> None:
    who = {"KNPA", "CNP"}
    assert may_see_note(KNPA, "KNPA", marking, who) is own
    assert may_see_note(CNP, "KNPA", marking, who) is participant
    assert may_see_note(DESK, "KNPA", marking, who) is bystander


def test_referral_rules() -> None:
    check_referral(KNPA, case(), "CNP", Tlp.AMBER)
    with pytest.raises(CaseError) as own:
        check_referral(KNPA, case(), "KNPA", Tlp.AMBER)
    assert own.value.field == "to_agency"
    with pytest.raises(CaseError) as wider:
        check_referral(KNPA, case(tlp=Tlp.AMBER_STRICT), "CNP", Tlp.GREEN)
    assert wider.value.field == "tlp"
    with pytest.raises(CaseError) as not_owner:
        check_referral(CNP, case(), "RTP", Tlp.AMBER)
    assert not_owner.value.status == 403
