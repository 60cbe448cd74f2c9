"""Storing submitted reports: one transaction with the idempotency answer, races included."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from scamlink.reports import intake
from scamlink.reports.intake import IdempotencyConflict, Reporter, parse_submission, submit
from scamlink.reports.model import Report, ReportSource
from scamlink.sharing.agencies import agency_by_code
from scamlink.store import intake as store_intake
from scamlink.store.schema import idempotency_keys, reports

REPORTER = Reporter(agency_by_code("KNPA"), ReportSource.POLICE)
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _report() -> Report:
    parsed = parse_submission(
        {"victim_country": "KR", "scam_type": "loan", "tlp": "GREEN", "phones": ["010-1111-2222"]},
        REPORTER,
        now=NOW,
    )
    assert parsed.report is not None
    return parsed.report


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def test_a_failure_before_commit_leaves_neither_report_nor_answer(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "save_idempotent", crash)
    with pytest.raises(RuntimeError):
        submit(engine, [_report()], agency="KNPA", idempotency_key="k", request_sha256="a", now=NOW)
    assert _count(engine, reports) == 0
    assert _count(engine, idempotency_keys) == 0


def test_a_concurrent_call_with_the_same_key_gets_the_first_answer(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = submit(
        engine, [_report()], agency="KNPA", idempotency_key="k", request_sha256="a", now=NOW
    )
    real_find = store_intake.find_idempotent
    calls: list[int] = []

    def blind_once(*args: Any) -> Any:
        # The race: the other call had not committed when this one looked.
        calls.append(1)
        return None if len(calls) == 1 else real_find(*args)

    monkeypatch.setattr(intake, "find_idempotent", blind_once)
    # A new generated id: without the key's answer this would be a second report.
    again = submit(
        engine, [_report()], agency="KNPA", idempotency_key="k", request_sha256="a", now=NOW
    )
    assert again.replayed
    assert again.body == first.body
    assert _count(engine, reports) == 1


def test_the_same_key_with_another_body_is_a_conflict(engine: Engine) -> None:
    submit(engine, [_report()], agency="KNPA", idempotency_key="k", request_sha256="a", now=NOW)
    with pytest.raises(IdempotencyConflict, match="'k'"):
        submit(engine, [_report()], agency="KNPA", idempotency_key="k", request_sha256="b", now=NOW)
    assert _count(engine, reports) == 1
