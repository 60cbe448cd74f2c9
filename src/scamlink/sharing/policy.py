"""The one place that decides which reports a viewer may see, and how far they may re-share.

The store turns `visibility()` into a SQL condition (`store/visibility.py`), so counts, searches
and pages are filtered in the database and never reveal hidden rows. `may_see()` is the same
rule for one record; a property test checks that both agree on random worlds, on SQLite and
PostgreSQL.

Rules (TLP 2.0):
- CLEAR: anyone, the public included.
- GREEN: every member agency (staff of any agency; partners only under a cap, below).
- AMBER: the owning agency, and the agencies the report is released to, named one by one or
  through a sharing group of which the viewer's agency is a member (releases: report → agency,
  report → group). AMBER without releases is seen by the owning agency only.
- AMBER+STRICT: the owning agency only.
- RED: the named people only (report → user). Not even the owning agency sees it otherwise.
- Desk officers are staff of their own agency (KDESK, or KNPA when posted from Seoul); what
  their posting opens to them comes through the groups of that agency (`KR-KH desk`).
- Partners (role `partner`: banks, telcos, exchanges) see what the rules above give a member
  of their agency, and of each owner's reports only markings up to the cap that owner set for
  that partner user (`partner_caps`; default CLEAR). Caps are per partner user: partners have
  no organisation of their own in the store yet.
- The public sees CLEAR only.

Re-sharing never widens (`may_reshare`): markings are ordered by how many people they reach,
CLEAR > GREEN > AMBER (with its releases) > AMBER+STRICT > RED. A re-share may keep or narrow
the marking; AMBER → AMBER needs the new releases to be a subset of the original ones
(agencies and groups compared as written: releasing to one member of an original group is a
new release, refused); a RED copy may name only people who already see the original.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp

# How many people a marking reaches: higher is wider.
BREADTH: dict[Tlp, int] = {
    Tlp.RED: 0,
    Tlp.AMBER_STRICT: 1,
    Tlp.AMBER: 2,
    Tlp.GREEN: 3,
    Tlp.CLEAR: 4,
}
DEFAULT_PARTNER_CAP = Tlp.CLEAR


@dataclass(frozen=True, slots=True)
class Releases:
    """Where an AMBER report is released beyond its owner: agency codes and sharing group ids."""

    agencies: frozenset[str] = field(default=frozenset())
    groups: frozenset[str] = field(default=frozenset())

    def __bool__(self) -> bool:
        return bool(self.agencies or self.groups)

    def issubset(self, other: Releases) -> bool:
        return self.agencies <= other.agencies and self.groups <= other.groups


NO_RELEASES = Releases()


@dataclass(frozen=True, slots=True)
class Marked:
    """What the policy needs of one record."""

    owner: str
    marking: Tlp
    releases: Releases = NO_RELEASES
    recipients: frozenset[int] = field(default=frozenset())  # user ids, for RED


@dataclass(frozen=True, slots=True)
class Caps:
    """The widest marking a partner may see, per owner agency, and for every other owner."""

    default: Tlp
    per_owner: frozenset[tuple[str, Tlp]]

    def of(self, owner: str) -> Tlp:
        for agency, cap in self.per_owner:
            if agency == owner:
                return cap
        return self.default


@dataclass(frozen=True, slots=True)
class Visibility:
    """What a viewer may see, in the shape the store turns into SQL.

    A report is visible when its marking is in `any_owner`; or its owner is `own_agency` and
    its marking in `own_markings`; or it is AMBER and released to `release_agency` or to one of
    `release_groups`; or it is RED and `recipient` is named. When `caps` is set (partners),
    the report's marking must also be in `allowed_under(caps.of(owner))`.
    """

    any_owner: frozenset[Tlp]
    own_agency: str | None = None
    own_markings: frozenset[Tlp] = field(default=frozenset())
    release_agency: str | None = None
    release_groups: frozenset[str] = field(default=frozenset())
    recipient: int | None = None
    caps: Caps | None = None


_PUBLIC = frozenset({Tlp.CLEAR})
_MEMBERS = frozenset({Tlp.CLEAR, Tlp.GREEN})
_OWNER = frozenset({Tlp.AMBER, Tlp.AMBER_STRICT})


def allowed_under(cap: Tlp) -> frozenset[Tlp]:
    """The markings a cap lets through: those reaching at least as many people as the cap."""
    return frozenset(m for m in Tlp if BREADTH[m] >= BREADTH[cap])


def visibility(viewer: Viewer) -> Visibility:
    if viewer.is_public:
        return Visibility(_PUBLIC)
    caps = None
    if viewer.role is Role.PARTNER:
        caps = Caps(DEFAULT_PARTNER_CAP, viewer.partner_caps)
    return Visibility(
        any_owner=_MEMBERS,
        own_agency=viewer.agency,
        own_markings=_OWNER,
        release_agency=viewer.agency,
        release_groups=viewer.groups,
        recipient=viewer.user_id,
        caps=caps,
    )


def may_see(
    viewer: Viewer,
    owner: str,
    marking: Tlp,
    releases: Releases = NO_RELEASES,
    recipients: Iterable[int] = (),
) -> bool:
    """The rule for one record (the same as `visibility` turned into SQL)."""
    rule = visibility(viewer)
    if rule.caps is not None and marking not in allowed_under(rule.caps.of(owner)):
        return False
    if marking in rule.any_owner:
        return True
    if marking is Tlp.RED:
        return rule.recipient is not None and rule.recipient in set(recipients)
    if owner == rule.own_agency and marking in rule.own_markings:
        return True
    if marking is Tlp.AMBER:
        to_agency = rule.release_agency is not None and rule.release_agency in releases.agencies
        return to_agency or bool(rule.release_groups & releases.groups)
    return False


def may_see_record(viewer: Viewer, record: Marked) -> bool:
    return may_see(viewer, record.owner, record.marking, record.releases, record.recipients)


def may_reshare(
    viewer: Viewer,
    report: Marked,
    new_marking: Tlp,
    new_releases: Releases = NO_RELEASES,
    new_recipients: Iterable[Viewer] = (),
) -> bool:
    """Whether `viewer` may pass `report` on under `new_marking`: never wider than the original.

    The viewer must see the original. A wider marking is refused; releases only exist on AMBER
    (releases on another marking are refused); AMBER → AMBER keeps the releases or a subset.
    RED names people: every one of `new_recipients` (resolved viewers) must already see the
    original, so RED → RED keeps the recipients or a subset, and narrowing to RED from a wider
    marking names only people the original reached.
    """
    if not may_see_record(viewer, report):
        return False
    if BREADTH[new_marking] > BREADTH[report.marking]:
        return False
    if new_marking is not Tlp.AMBER and new_releases:
        return False
    if new_marking is Tlp.AMBER and report.marking is Tlp.AMBER:
        return new_releases.issubset(report.releases)
    if new_marking is Tlp.RED:
        return all(may_see_record(person, report) for person in new_recipients)
    return True


# --- victims' personal data (issue 4, item 3; used by sharing/victims.py, store/victims.py) ---


def may_read_personal_data(viewer: Viewer, owner: str) -> bool:
    """Victims' personal data (and pseudonym matches about them): the owning agency's own
    people only, never partners or the public, whatever the report's marking. Sharing it for
    a case is a deliberate act recorded elsewhere, not a widening of this rule."""
    return viewer.agency == owner and viewer.role is not None and viewer.role is not Role.PARTNER
