"""Idempotency keys, visible report heads and an officer's changes, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from scamlink.reports.model import ReviewStatus
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.intake import (
    StoredResponse,
    find_idempotent,
    report_ids,
    report_sightings,
    save_idempotent,
    set_language,
    set_review_status,
    visible_report,
)
from scamlink.store.reports import store_reports
from tests.factories import make_report

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ANSWER = StoredResponse("ab" * 32, 201, '{"reports":[]}')


def test_an_answer_is_found_for_a_day(engine: Engine) -> None:
    with engine.begin() as conn:
        save_idempotent(conn, "KNPA", "k1", ANSWER, NOW)
    with engine.connect() as conn:
        assert find_idempotent(conn, "KNPA", "k1", NOW + timedelta(hours=23)) == ANSWER
        assert find_idempotent(conn, "RTP", "k1", NOW) is None  # keys are per agency
        assert find_idempotent(conn, "KNPA", "k1", NOW + timedelta(hours=24)) is None


def test_an_expired_key_is_replaced_and_a_live_one_is_not(engine: Engine) -> None:
    with engine.begin() as conn:
        save_idempotent(conn, "KNPA", "k1", ANSWER, NOW)
    later = NOW + timedelta(days=2)
    with engine.begin() as conn:
        save_idempotent(conn, "KNPA", "k1", StoredResponse("cd" * 32, 200, "{}"), later)
    with engine.connect() as conn:
        found = find_idempotent(conn, "KNPA", "k1", later)
    assert found is not None
    assert found.status_code == 200
    with pytest.raises(IntegrityError), engine.begin() as conn:
        save_idempotent(conn, "KNPA", "k1", ANSWER, later)


def test_heads_follow_the_sharing_policy_and_changes_stick(engine: Engine) -> None:
    with engine.begin() as conn:
        store_reports(
            conn,
            [make_report("G-1", phones=("+821012345678",)), make_report("A-1", tlp=Tlp.AMBER)],
        )
        ids = report_ids(conn, [("KNPA", "G-1"), ("KNPA", "A-1"), ("KNPA", "none")])
    assert set(ids) == {("KNPA", "G-1"), ("KNPA", "A-1")}
    rtp = Viewer("RTP", Role.ANALYST, 9)
    knpa = Viewer("KNPA", Role.ANALYST, 1)
    with engine.connect() as conn:
        assert visible_report(conn, rtp, ids[("KNPA", "A-1")]) is None
        assert visible_report(conn, rtp, ids[("KNPA", "G-1")]) is not None
        assert [s.value for s in report_sightings(conn, ids[("KNPA", "G-1")])] == ["+821012345678"]
    with engine.begin() as conn:
        set_review_status(conn, ids[("KNPA", "A-1")], ReviewStatus.VERIFIED)
        set_language(conn, ids[("KNPA", "A-1")], "en")
    with engine.connect() as conn:
        head = visible_report(conn, knpa, ids[("KNPA", "A-1")])
    assert head is not None
    assert (head.review_status, head.language) == (ReviewStatus.VERIFIED, "en")
