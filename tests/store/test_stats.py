from __future__ import annotations

import itertools

import pytest
from sqlalchemy import Engine

from scamlink.sharing.policy import may_see
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import set_disclose_hidden_counts
from scamlink.store.reports import store_reports
from scamlink.store.stats import hidden_report_counts, report_counts_by_agency, total_reports
from tests.factories import make_report

OWNERS = ("KNPA", "RTP")
VIEWERS = [
    PUBLIC,
    Viewer("KNPA", Role.ANALYST),
    Viewer("RTP", Role.INVESTIGATOR),
    Viewer("CNP", Role.ADMIN),
    Viewer("KDESK", Role.DESK_OFFICER),
    Viewer("KNPA", Role.PARTNER),
]


@pytest.fixture
def one_report_per_owner_and_marking(engine: Engine) -> Engine:
    with engine.begin() as conn:
        store_reports(
            conn,
            [
                make_report(f"{owner}-{tlp.value}", agency=owner, tlp=tlp)
                for owner, tlp in itertools.product(OWNERS, Tlp)
            ],
        )
    return engine


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: f"{v.agency}-{v.role}")
def test_counts_match_the_policy_for_every_viewer(
    one_report_per_owner_and_marking: Engine, viewer: Viewer
) -> None:
    with one_report_per_owner_and_marking.connect() as conn:
        counts = {c.code: c.reports for c in report_counts_by_agency(conn, viewer)}
    for owner in OWNERS:
        expected = sum(may_see(viewer, owner, tlp) for tlp in Tlp)
        assert counts[owner] == expected, owner
    assert counts["CNP"] == 0


def test_owner_sees_own_amber_and_others_do_not(one_report_per_owner_and_marking: Engine) -> None:
    with one_report_per_owner_and_marking.connect() as conn:
        knpa = {c.code: c.reports for c in report_counts_by_agency(conn, VIEWERS[1])}
        public = {c.code: c.reports for c in report_counts_by_agency(conn, PUBLIC)}
        assert total_reports(conn) == len(OWNERS) * len(Tlp)
    # CLEAR, GREEN, AMBER, AMBER+STRICT of its own; CLEAR and GREEN of RTP; RED for no one yet.
    assert knpa["KNPA"] == 4
    assert knpa["RTP"] == 2
    assert public == {**public, "KNPA": 1, "RTP": 1}


def test_last_received_is_reported(one_report_per_owner_and_marking: Engine) -> None:
    with one_report_per_owner_and_marking.connect() as conn:
        counts = {c.code: c for c in report_counts_by_agency(conn, VIEWERS[1])}
    assert counts["KNPA"].last_received is not None
    assert counts["CNP"].last_received is None


def test_hidden_counts_appear_only_for_agencies_that_disclose_them(
    one_report_per_owner_and_marking: Engine,
) -> None:
    rtp = Viewer("RTP", Role.ANALYST)
    with one_report_per_owner_and_marking.begin() as conn:
        assert hidden_report_counts(conn, rtp) == {}
        set_disclose_hidden_counts(conn, "KNPA", disclose=True)
        set_disclose_hidden_counts(conn, "CNP", disclose=True)
        set_disclose_hidden_counts(conn, "RTP", disclose=True)  # never told about its own
        counts = {c.code: c for c in report_counts_by_agency(conn, rtp)}
        bank = {c.code: c.hidden for c in report_counts_by_agency(conn, VIEWERS[5])}
        public = hidden_report_counts(conn, PUBLIC)
        set_disclose_hidden_counts(conn, "KNPA", disclose=False)
        after = hidden_report_counts(conn, rtp)
    # KNPA: CLEAR and GREEN are visible to RTP; AMBER, AMBER+STRICT and RED are not.
    assert (counts["KNPA"].reports, counts["KNPA"].hidden) == (2, 3)
    assert counts["CNP"].hidden == 0
    assert counts["RTP"].hidden is None
    assert counts["SPF"].hidden is None
    assert set(bank.values()) == {None}
    assert public == {}
    assert after == {"CNP": 0}
