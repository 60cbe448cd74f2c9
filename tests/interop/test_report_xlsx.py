"""Reports from XLSX workbooks written with openpyxl, as Excel would save them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from scamlink.indicators import IndicatorType
from scamlink.interop.report_csv import COLUMNS, HeaderError
from scamlink.interop.report_xlsx import NotAWorkbook, read_reports_xlsx
from scamlink.sharing.agencies import agency_by_code

KNPA = agency_by_code("KNPA")


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "external_id": "KNPA-X-1",
        "received_at": datetime(2026, 3, 2, 10, 15),
        "incident_date": date(2026, 3, 1),
        "victim_country": "KR",
        "language": "ko",
        "scam_type": "loan",
        "loss_amount": 3500000,
        "loss_currency": "KRW",
        "narrative": "대출 문자를 받았습니다",
        "phones": "010-1234-5678",
        "tlp": "GREEN",
    }
    row.update(overrides)
    return row


def _workbook(path: Path, *rows: dict[str, object], header: tuple[str, ...] = COLUMNS) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(c) for c in header])
    book.save(path)
    return path


def test_typed_cells_become_the_same_report_as_the_csv_would(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "r.xlsx", _row(), _row(external_id="KNPA-X-2", loss_amount=12.5))
    first, second = list(read_reports_xlsx(path, KNPA))
    report = first.report
    assert report is not None
    assert first.line == 2  # the row number Excel shows
    assert report.received_at == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)  # no zone: UTC
    assert report.incident_date == date(2026, 3, 1)
    assert report.loss_amount == Decimal(3500000)
    assert {(s.indicator.type, s.indicator.value) for s in report.sightings} == {
        (IndicatorType.PHONE, "+821012345678")
    }
    assert second.report is not None
    assert second.report.loss_amount == Decimal("12.5")


def test_a_formula_cell_is_refused_with_its_row_and_column(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example/","click")'
    path = _workbook(tmp_path / "f.xlsx", _row(), _row(external_id="KNPA-X-2", narrative=formula))
    good, bad = list(read_reports_xlsx(path, KNPA))
    assert good.report is not None
    assert bad.report is None
    assert [(p.line, p.column) for p in bad.problems] == [(3, "narrative")]
    assert "formula" in bad.problems[0].reason
    assert "HYPERLINK" in bad.problems[0].reason


def test_text_that_starts_like_a_formula_is_stored_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append([_row().get(c) for c in COLUMNS])
    cell = sheet.cell(row=2, column=COLUMNS.index("narrative") + 1)
    cell.value = "=1+1 is what they wrote"
    cell.data_type = "s"  # what Excel saves for a value typed with a leading apostrophe
    book.save(path)
    (parsed,) = list(read_reports_xlsx(path, KNPA))
    assert parsed.report is not None
    assert parsed.report.narrative == "=1+1 is what they wrote"


def test_bad_cells_name_the_excel_row(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "b.xlsx", _row(), _row(external_id="B", scam_type="lottery"))
    rows = list(read_reports_xlsx(path, KNPA))
    assert str(rows[1].problems[0]).startswith("line 3, column scam_type: unknown scam type")


def test_empty_rows_are_skipped_and_later_rows_keep_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gap.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append([_row().get(c) for c in COLUMNS])
    sheet.append([])
    sheet.append([_row(external_id="KNPA-X-9").get(c) for c in COLUMNS])
    book.save(path)
    assert [p.line for p in read_reports_xlsx(path, KNPA)] == [2, 4]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "m.xlsx", header=("external_id", "received_at", "victim_country"))
    with pytest.raises(HeaderError, match=r"missing column\(s\) scam_type, tlp"):
        list(read_reports_xlsx(path, KNPA))


def test_a_value_beyond_the_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append([*(_row().get(c) for c in COLUMNS), "stray"])
    book.save(path)
    (parsed,) = list(read_reports_xlsx(path, KNPA))
    assert parsed.report is None
    assert str(parsed.problems[0]) == "line 2, column Q: a value in a column without a header"


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("external_id,received_at\n", encoding="utf-8")
    with pytest.raises(NotAWorkbook, match=r"fake\.xlsx is not an XLSX workbook"):
        list(read_reports_xlsx(path, KNPA))
