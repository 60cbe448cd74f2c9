"""Role and agency labels stay in step with the roles and the reference agencies."""

from __future__ import annotations

from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.sharing.roles import Role
from scamlink.web.labels import AGENCY_NAMES, ROLE_LABELS, agency_msgid


def test_every_role_has_a_label() -> None:
    assert set(ROLE_LABELS) == set(Role)


def test_every_reference_agency_has_its_english_name_as_message() -> None:
    assert {a.code: a.name for a in REFERENCE_AGENCIES} == AGENCY_NAMES


def test_a_renamed_or_unknown_agency_keeps_its_stored_name() -> None:
    assert agency_msgid("KNPA", "Korean National Police Agency") == (
        "Korean National Police Agency"
    )
    assert agency_msgid("KNPA", "Korean National Police Agency (HQ)") is None
    assert agency_msgid("NEW", "Some New Agency") is None
