"""Answers for one viewer: the public standing for the public, facts under the policy for
members, related keys, and a batch that asks the store only about what the index knows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from scamlink.lookup.live import LiveIndex
from scamlink.lookup.query import InvalidQuery
from scamlink.lookup.service import MAX_BATCH, LookupService, answer_json
from scamlink.lookup.verdict import Verdict
from scamlink.reports.model import ReportSource
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp
from tests.lookup.support import add, phone, url_keys

A, B, C = "+821011112222", "+821033334444", "+66812345678"
KNPA = Viewer("KNPA", Role.ANALYST)
RTP = Viewer("RTP", Role.ANALYST)


def _service(engine: Engine) -> LookupService:
    return LookupService(engine, LiveIndex(engine, None, embargo=timedelta(hours=24)))


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_public_sees_only_clear_verified_old_reports(engine: Engine) -> None:
    add(engine, "clear", (phone(A),))
    add(engine, "amber", (phone(B),), tlp=Tlp.AMBER)
    add(engine, "public-unverified", (phone(C),), source=ReportSource.PUBLIC)
    service = _service(engine)
    assert service.lookup("+82 10 1111 2222", PUBLIC).verdict is Verdict.REPORTED
    assert service.lookup("+82 10 3333 4444", PUBLIC).verdict is Verdict.UNKNOWN
    assert service.lookup("+66 81 234 5678", PUBLIC).verdict is Verdict.UNKNOWN
    assert service.lookup("+66 81 234 5678", KNPA).verdict is Verdict.SUSPICIOUS
    assert service.lookup("+82 10 1111 2222", PUBLIC).facts is None


def test_an_amber_reports_facts_reach_only_its_owner(engine: Engine) -> None:
    add(engine, "amber", (phone(B),), tlp=Tlp.AMBER, agency="KNPA")
    service = _service(engine)
    own = service.lookup("010-3333-4444", KNPA, "KR")
    assert own.verdict is Verdict.REPORTED
    assert own.facts is not None
    assert own.facts.reports == 1
    assert own.facts.agencies == [("KNPA", 1)]
    other = service.lookup("010-3333-4444", RTP, "KR")
    # Another agency learns nothing of it: not even that it exists.
    assert other.verdict is Verdict.UNKNOWN
    assert other.facts is None
    assert "facts" not in answer_json(other)
    assert service.lookup("010-3333-4444", PUBLIC, "KR").verdict is Verdict.UNKNOWN


def test_a_url_on_a_reported_domain_is_reported_via_its_domain(engine: Engine) -> None:
    add(engine, "phish", url_keys("http://kbstar-secure.com/login"))
    answer = _service(engine).lookup("hxxps://kbstar-secure[.]com/new-path", PUBLIC)
    assert answer.verdict is Verdict.REPORTED
    assert answer.via == "domain"
    assert [(k.part, k.verdict) for k in answer.related] == [("domain", Verdict.REPORTED)]


def test_safe_listed_and_invalid_values(engine: Engine) -> None:
    service = _service(engine)
    listed = service.lookup("https://www.google.com/", PUBLIC)
    assert listed.verdict is Verdict.SAFE_LISTED
    assert listed.warninglist
    bad = service.lookup("0x52908400098527886E0F7030069857D2E4169Ee7", KNPA)
    assert bad.verdict is Verdict.INVALID
    assert bad.reason
    assert "checksum" in bad.reason
    with pytest.raises(InvalidQuery):
        service.lookup("", PUBLIC)


def test_a_batch_answers_in_order_and_asks_the_store_only_about_known_values(
    engine: Engine,
) -> None:
    add(engine, "known", (phone(A),))
    service = _service(engine)
    service.live.ready()
    values = [f"+8210{n:08d}" for n in range(2000)] + ["+82 10 1111 2222", "", "x\x07"]
    with _statements(engine) as public_statements:
        answers = service.lookup_many(values, PUBLIC)
    assert len(answers) == len(values)
    assert [a.verdict for a in answers[-3:]] == [
        Verdict.REPORTED,
        Verdict.INVALID,
        Verdict.INVALID,
    ]
    assert answers[-2].reason
    assert "empty" in answers[-2].reason
    # Only the refresh of the index (at most its two watermark statements and the delta).
    assert not [s for s in public_statements if "sightings" in s and "indicator_id IN" in s]
    with _statements(engine) as member_statements:
        answers = service.lookup_many(values, KNPA)
    assert answers[-3].facts is not None
    assert answers[-3].facts.reports == 1
    assert all(a.facts is None for a in answers[:2000])
    assert len(member_statements) <= 12


def test_a_batch_holds_at_most_ten_thousand_values(engine: Engine) -> None:
    with pytest.raises(ValueError, match="at most 10000"):
        _service(engine).lookup_many(["x"] * (MAX_BATCH + 1), PUBLIC)


def test_a_value_the_batch_repeats_is_answered_once(engine: Engine) -> None:
    add(engine, "known", (phone(A),))
    add(engine, "amber", (phone(B),), tlp=Tlp.AMBER)
    service = _service(engine)
    values = ["+82 10 1111 2222", B, "", "+82 10 1111 2222", B, "", "+66 81 234 5678"]
    for viewer in (PUBLIC, KNPA):
        answers = service.lookup_many(values, viewer)
        assert [a.query for a in answers] == [
            "+82 10 1111 2222",
            B,
            "",
            "+82 10 1111 2222",
            B,
            "",
            "+66 81 234 5678",
        ]
        assert answers[0] is answers[3]
        assert answers[1] is answers[4]
        one_by_one = [
            service.lookup_many([v], viewer)[0] for v in values
        ]  # the same answers, value by value
        assert [answer_json(a) for a in answers] == [answer_json(a) for a in one_by_one]
    assert service.lookup_many(values, KNPA)[1].verdict is Verdict.REPORTED
    assert service.lookup_many(values, PUBLIC)[1].verdict is Verdict.UNKNOWN


def test_a_value_read_before_answers_with_the_same_object_until_its_standing_changes(
    engine: Engine,
) -> None:
    service = _service(engine)
    first = service.lookup("+82 10 1111 2222", PUBLIC)
    assert first.verdict is Verdict.UNKNOWN
    assert service.lookup("+82 10 1111 2222", PUBLIC) is first
    add(engine, "known", (phone(A),))
    service.live.refresh()
    again = service.lookup("+82 10 1111 2222", PUBLIC)
    assert again.verdict is Verdict.REPORTED
    assert again is not first
    assert service.lookup("+82 10 1111 2222", KNPA).facts is not None  # facts: a new answer
    assert service.lookup("+82 10 1111 2222", PUBLIC).facts is None
