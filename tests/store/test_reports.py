"""Storing report batches: ids of what was stored, and work committed with the batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
from sqlalchemy import Connection, Engine, select

from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.store.reports import ReportWriter
from scamlink.store.schema import reports
from scamlink.store.stats import total_reports
from tests.factories import make_report


def test_the_hook_sees_the_ids_of_new_reports_only(engine: Engine) -> None:
    seen: list[list[int]] = []

    def hook(conn: Connection, ids: Sequence[int]) -> None:
        stored = conn.execute(select(reports.c.id).where(reports.c.id.in_(ids))).scalars()
        assert sorted(stored) == sorted(ids)  # visible inside the batch's transaction
        seen.append(list(ids))

    writer = ReportWriter(engine, on_stored=hook)
    first = writer.store([make_report("A-1"), make_report("A-2")])
    again = writer.store([make_report("A-1"), make_report("A-3")])
    assert (len(first.report_ids), len(again.report_ids)) == (2, 1)
    assert seen == [first.report_ids, again.report_ids]


def test_a_failing_hook_rolls_the_batch_back(engine: Engine) -> None:
    def hook(conn: Connection, ids: Sequence[int]) -> None:
        raise RuntimeError("linking failed")

    with pytest.raises(RuntimeError):
        ReportWriter(engine, on_stored=hook).store([make_report("B-1")])
    with engine.connect() as conn:
        assert total_reports(conn) == 0


def test_source_and_review_status_are_stored(engine: Engine) -> None:
    report = replace(
        make_report("C-1"), source=ReportSource.PUBLIC, review_status=ReviewStatus.VERIFIED
    )
    ReportWriter(engine).store([report])
    with engine.connect() as conn:
        row = conn.execute(select(reports.c.source, reports.c.review_status)).one()
    assert tuple(row) == ("public", "verified")
