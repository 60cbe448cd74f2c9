"""Submissions (API and form) turned into reports: field rules shared with the CSV, indicators
from fields and the narrative, generated ids, detected languages, and who files as what."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from scamlink.reports.intake import (
    MAX_BATCH,
    Reporter,
    parse_batch,
    parse_submission,
)
from scamlink.reports.model import ReportSource, SightingRole
from scamlink.sharing.agencies import agency_by_code
from scamlink.sharing.groups import ReleaseDirectory
from scamlink.sharing.tlp import Tlp

POLICE = Reporter(agency_by_code("KNPA"), ReportSource.POLICE)
PARTNER = Reporter(agency_by_code("KNPA"), ReportSource.PARTNER)
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BASE: dict[str, Any] = {
    "victim_country": "kr",
    "scam_type": "Loan",
    "tlp": "tlp:amber",
    "narrative": (
        "대출 상담원이 텔레그램 @loan_fast_kr 으로 연락해 수수료를 요구했습니다. 010-9876-5432"
    ),
}


def test_a_minimal_submission_gets_an_id_a_time_and_a_language() -> None:
    parsed = parse_submission(BASE, POLICE, now=NOW)
    assert parsed.problems == ()
    report = parsed.report
    assert report is not None
    assert report.external_id.startswith("KNPA-20261128-")
    assert report.received_at == NOW
    assert report.language == "ko"
    assert report.tlp is Tlp.AMBER
    assert report.victim_country == "KR"
    roles = {(s.indicator.type.value, s.indicator.value): s.role for s in report.sightings}
    assert roles == {
        ("telegram", "telegram:loan_fast_kr"): SightingRole.CONTACT_HANDLE,
        ("phone", "+821098765432"): SightingRole.CONTACT_PHONE,
    }


def test_a_value_in_a_field_and_in_the_narrative_is_one_sighting_with_the_fields_role() -> None:
    parsed = parse_submission({**BASE, "handles": ["whatsapp:+82 10 9876 5432"]}, POLICE, now=NOW)
    assert parsed.report is not None
    phones = [s for s in parsed.report.sightings if s.indicator.type.value == "phone"]
    assert [s.role for s in phones] == [SightingRole.CONTACT_HANDLE]


def test_only_the_confirmed_narrative_indicators_are_kept() -> None:
    confirmed = frozenset({("phone", "+821098765432")})
    parsed = parse_submission(BASE, POLICE, now=NOW, confirmed=confirmed)
    assert parsed.report is not None
    assert [s.indicator.value for s in parsed.report.sightings] == ["+821098765432"]


def test_types_from_json_are_checked_per_field() -> None:
    bad = {**BASE, "loss_amount": True, "phones": "010-1111-2222\n12", "urls": [3], "x": 1}
    parsed = parse_submission(bad, POLICE, now=NOW)
    assert parsed.report is None
    fields = {p.field for p in parsed.problems}
    assert fields == {"loss_amount", "phones[1]", "urls[0]", "x"}


def test_a_number_is_accepted_as_an_amount() -> None:
    parsed = parse_submission({**BASE, "loss_amount": 150.5, "loss_currency": "usdt"}, POLICE)
    assert parsed.report is not None
    assert str(parsed.report.loss_amount) == "150.5"
    assert parsed.report.loss_currency == "USDT"


def test_releases_and_recipients_follow_the_csv_rules() -> None:
    directory = ReleaseDirectory(frozenset({"KNPA", "RTP"}), {"kr-kh desk": "kr-kh-desk"}, {})
    amber = parse_submission(
        {**BASE, "release_to": ["RTP", "KR-KH desk"]}, POLICE, directory=directory
    )
    assert amber.report is not None
    assert amber.report.releases.agencies == {"RTP"}
    assert amber.report.releases.groups == {"kr-kh-desk"}
    green = parse_submission(
        {**BASE, "tlp": "GREEN", "release_to": ["RTP"]}, POLICE, directory=directory
    )
    assert [p.field for p in green.problems] == ["release_to"]
    red = parse_submission({**BASE, "tlp": "RED", "recipients": ["nobody@x.test"]}, POLICE)
    assert "nobody@x.test" in red.problems[0].reason


@pytest.mark.parametrize(
    ("reporter", "asked", "allowed"),
    [
        (POLICE, "public", True),
        (POLICE, "police", True),
        (PARTNER, "partner", True),
        (PARTNER, "police", False),
        (PARTNER, "public", False),
        (POLICE, "martian", False),
    ],
)
def test_who_may_file_as_what(reporter: Reporter, asked: str, allowed: bool) -> None:
    parsed = parse_submission({**BASE, "source": asked}, reporter)
    assert (parsed.report is not None) is allowed
    if allowed:
        assert parsed.report is not None
        assert parsed.report.source.value == asked


def test_a_batch_reports_problems_with_their_index() -> None:
    reports, problems = parse_batch(
        {"reports": [BASE, {**BASE, "tlp": "BLUE"}, BASE]}, POLICE, now=NOW
    )
    assert len(reports) == 2
    assert [(p.report, p.field) for p in problems] == [(1, "tlp")]


@pytest.mark.parametrize(
    "body", [{"reports": {}}, {"reports": []}, {"reports": [BASE] * (MAX_BATCH + 1)}, "text", 5]
)
def test_batches_that_are_not_lists_of_objects_are_refused(body: Any) -> None:
    reports, problems = parse_batch(body, POLICE)
    assert reports == []
    assert problems


def test_an_overlong_narrative_is_refused() -> None:
    parsed = parse_submission({**BASE, "narrative": "가" * 100_001}, POLICE)
    assert [p.field for p in parsed.problems] == ["narrative"]
