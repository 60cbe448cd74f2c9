from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scamlink.sharing.policy import (
    BREADTH,
    NO_RELEASES,
    Marked,
    Releases,
    allowed_under,
    may_reshare,
    may_see,
    may_see_record,
    visibility,
)
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp

KNPA = Viewer("KNPA", Role.ANALYST, user_id=1, groups=frozenset({"kr-kh-desk"}))
RTP = Viewer("RTP", Role.ANALYST, user_id=2)
CNP = Viewer("CNP", Role.INVESTIGATOR, user_id=3, groups=frozenset({"kr-kh-desk"}))
DESK = Viewer("KDESK", Role.DESK_OFFICER, user_id=4, groups=frozenset({"kr-kh-desk"}))
BANK = Viewer("KNPA", Role.PARTNER, user_id=5)
TO_RTP = Releases(agencies=frozenset({"RTP"}))
TO_DESK = Releases(groups=frozenset({"kr-kh-desk"}))


@pytest.mark.parametrize(
    ("viewer", "owner", "marking", "expected"),
    [
        (PUBLIC, "KNPA", Tlp.CLEAR, True),
        (PUBLIC, "KNPA", Tlp.GREEN, False),
        (RTP, "KNPA", Tlp.GREEN, True),
        (RTP, "KNPA", Tlp.AMBER, False),
        (KNPA, "KNPA", Tlp.AMBER, True),
        (KNPA, "KNPA", Tlp.AMBER_STRICT, True),
        (RTP, "KNPA", Tlp.AMBER_STRICT, False),
        (KNPA, "KNPA", Tlp.RED, False),
        (BANK, "KNPA", Tlp.GREEN, False),
        (BANK, "KNPA", Tlp.CLEAR, True),
    ],
)
def test_tlp_rules_without_releases(
    viewer: Viewer, owner: str, marking: Tlp, expected: bool
) -> None:
    assert may_see(viewer, owner, marking) is expected


@pytest.mark.parametrize(
    ("viewer", "releases", "expected"),
    [
        (RTP, TO_RTP, True),  # named agency
        (CNP, TO_RTP, False),
        (CNP, TO_DESK, True),  # through the group
        (DESK, TO_DESK, True),  # the desk officer's agency is in KR-KH desk
        (RTP, TO_DESK, False),
        (PUBLIC, TO_RTP, False),
    ],
)
def test_amber_reaches_the_named_agencies_and_groups(
    viewer: Viewer, releases: Releases, expected: bool
) -> None:
    assert may_see(viewer, "KNPA", Tlp.AMBER, releases) is expected


def test_releases_do_not_open_amber_strict_or_red() -> None:
    everything = Releases(frozenset({"RTP", "CNP"}), frozenset({"kr-kh-desk"}))
    assert not may_see(RTP, "KNPA", Tlp.AMBER_STRICT, everything)
    assert not may_see(CNP, "KNPA", Tlp.RED, everything)


def test_red_is_for_the_named_people_only() -> None:
    assert may_see(RTP, "KNPA", Tlp.RED, NO_RELEASES, {2})
    assert not may_see(KNPA, "KNPA", Tlp.RED, NO_RELEASES, {2})  # not even the owner
    assert not may_see(PUBLIC, "KNPA", Tlp.RED, NO_RELEASES, {2})


def test_partner_caps_are_per_owner_and_only_narrow() -> None:
    capped = Viewer(
        "KNPA",
        Role.PARTNER,
        user_id=5,
        partner_caps=frozenset({("KNPA", Tlp.AMBER), ("RTP", Tlp.GREEN)}),
    )
    assert may_see(capped, "KNPA", Tlp.AMBER)  # own agency's AMBER, under the cap
    assert not may_see(capped, "KNPA", Tlp.AMBER_STRICT)
    assert may_see(capped, "RTP", Tlp.GREEN)
    assert not may_see(capped, "RTP", Tlp.AMBER, Releases(frozenset({"KNPA"})))
    assert not may_see(capped, "CNP", Tlp.GREEN)  # no cap set: CLEAR only
    # A cap wider than the rules gives nothing the rules do not.
    wide = Viewer("KNPA", Role.PARTNER, user_id=5, partner_caps=frozenset({("RTP", Tlp.RED)}))
    assert not may_see(wide, "RTP", Tlp.AMBER_STRICT)
    assert not may_see(wide, "RTP", Tlp.RED)


def test_allowed_under_follows_the_breadth_order() -> None:
    assert allowed_under(Tlp.CLEAR) == {Tlp.CLEAR}
    assert allowed_under(Tlp.AMBER) == {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER}
    assert allowed_under(Tlp.RED) == set(Tlp)
    assert sorted(Tlp, key=BREADTH.__getitem__) == [
        Tlp.RED,
        Tlp.AMBER_STRICT,
        Tlp.AMBER,
        Tlp.GREEN,
        Tlp.CLEAR,
    ]


def test_visibility_of_the_public_names_nobody() -> None:
    rule = visibility(PUBLIC)
    assert rule.any_owner == {Tlp.CLEAR}
    assert rule.own_agency is None
    assert rule.recipient is None
    assert not rule.release_groups


AMBER_TO_RTP_AND_DESK = Marked("KNPA", Tlp.AMBER, Releases(frozenset({"RTP"}), TO_DESK.groups))


@pytest.mark.parametrize(
    ("viewer", "original", "marking", "releases", "expected"),
    [
        (KNPA, Marked("KNPA", Tlp.GREEN), Tlp.GREEN, NO_RELEASES, True),
        (KNPA, Marked("KNPA", Tlp.GREEN), Tlp.CLEAR, NO_RELEASES, False),  # wider
        (KNPA, Marked("KNPA", Tlp.AMBER_STRICT), Tlp.AMBER, TO_RTP, False),
        (KNPA, Marked("KNPA", Tlp.AMBER_STRICT), Tlp.RED, NO_RELEASES, True),
        (RTP, AMBER_TO_RTP_AND_DESK, Tlp.AMBER, TO_RTP, True),  # a subset
        (RTP, AMBER_TO_RTP_AND_DESK, Tlp.AMBER, AMBER_TO_RTP_AND_DESK.releases, True),
        (RTP, AMBER_TO_RTP_AND_DESK, Tlp.AMBER, Releases(frozenset({"CNP"})), False),
        (RTP, AMBER_TO_RTP_AND_DESK, Tlp.GREEN, NO_RELEASES, False),
        (RTP, AMBER_TO_RTP_AND_DESK, Tlp.AMBER_STRICT, NO_RELEASES, True),
        (RTP, AMBER_TO_RTP_AND_DESK, Tlp.AMBER_STRICT, TO_RTP, False),  # releases need AMBER
        (CNP, Marked("KNPA", Tlp.AMBER, TO_RTP), Tlp.AMBER, TO_RTP, False),  # cannot see it
        (PUBLIC, Marked("KNPA", Tlp.CLEAR), Tlp.CLEAR, NO_RELEASES, True),
    ],
)
def test_resharing_never_widens(
    viewer: Viewer, original: Marked, marking: Tlp, releases: Releases, expected: bool
) -> None:
    assert may_reshare(viewer, original, marking, releases) is expected


def test_resharing_red_names_only_people_who_see_the_original() -> None:
    red = Marked("KNPA", Tlp.RED, recipients=frozenset({2, 3}))
    assert may_reshare(RTP, red, Tlp.RED, NO_RELEASES, [CNP])
    assert not may_reshare(RTP, red, Tlp.RED, NO_RELEASES, [CNP, DESK])
    strict = Marked("KNPA", Tlp.AMBER_STRICT)
    assert may_reshare(KNPA, strict, Tlp.RED, NO_RELEASES, [KNPA])
    assert not may_reshare(KNPA, strict, Tlp.RED, NO_RELEASES, [RTP])


AGENCIES = ("KNPA", "RTP", "CNP", "KDESK")
GROUPS = ("kr-kh-desk", "aseanapol-all", "g3")
viewers = st.builds(
    Viewer,
    agency=st.sampled_from(AGENCIES),
    role=st.sampled_from(list(Role)),
    user_id=st.integers(1, 4),
    groups=st.frozensets(st.sampled_from(GROUPS)),
    partner_caps=st.frozensets(st.tuples(st.sampled_from(AGENCIES), st.sampled_from(list(Tlp)))),
) | st.just(PUBLIC)
releases = st.builds(
    Releases, st.frozensets(st.sampled_from(AGENCIES)), st.frozensets(st.sampled_from(GROUPS))
)
records = st.builds(
    Marked,
    owner=st.sampled_from(AGENCIES),
    marking=st.sampled_from(list(Tlp)),
    releases=releases,
    recipients=st.frozensets(st.integers(1, 4)),
)


# Everyone who exists in the property tests below: one viewer per user id.
PEOPLE = [
    Viewer(agency, role, user_id=1 + i * len(Role) + j, groups=groups)
    for i, (agency, groups) in enumerate(
        [
            ("KNPA", frozenset({"kr-kh-desk", "aseanapol-all"})),
            ("CNP", frozenset({"kr-kh-desk", "aseanapol-all"})),
            ("RTP", frozenset({"aseanapol-all"})),
            ("KDESK", frozenset({"kr-kh-desk", "g3"})),
        ]
    )
    for j, role in enumerate(Role)
]
people = st.sampled_from(PEOPLE)
ids = st.frozensets(st.sampled_from([p.user_id for p in PEOPLE if p.user_id is not None]))


@settings(max_examples=2000)
@given(
    viewer=people,
    record=records,
    marking=st.sampled_from(list(Tlp)),
    new=releases,
    named=st.lists(people, max_size=3),
    recipients=ids,
)
def test_an_allowed_reshare_reaches_nobody_the_original_did_not(
    viewer: Viewer,
    record: Marked,
    marking: Tlp,
    new: Releases,
    named: list[Viewer],
    recipients: frozenset[int],
) -> None:
    """Whoever may see the re-shared copy may see the original (the meaning of "never wider")."""
    releases_ = record.releases if record.marking is Tlp.AMBER else NO_RELEASES
    record = Marked(record.owner, record.marking, releases_, recipients)
    if not may_reshare(viewer, record, marking, new, named):
        return
    copy = Marked(record.owner, marking, new, frozenset(p.user_id or 0 for p in named))
    for other in [*PEOPLE, PUBLIC]:
        if may_see_record(other, copy):
            assert may_see_record(other, record), (other, copy)


@given(viewer=viewers, record=records)
def test_partners_never_see_more_than_staff_of_their_agency(viewer: Viewer, record: Marked) -> None:
    if viewer.role is Role.PARTNER and may_see_record(viewer, record):
        staff = Viewer(viewer.agency, Role.ANALYST, viewer.user_id, viewer.groups)
        assert may_see_record(staff, record)


@given(viewer=viewers, record=records)
def test_the_public_sees_clear_only(viewer: Viewer, record: Marked) -> None:
    if may_see_record(PUBLIC, record):
        assert record.marking is Tlp.CLEAR
    if record.marking is Tlp.CLEAR:
        assert may_see_record(viewer, record)
