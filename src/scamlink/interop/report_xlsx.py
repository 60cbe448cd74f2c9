"""Reports from an Excel workbook: the first sheet, a header row of the CSV's columns.

The sheet is streamed (openpyxl's read-only mode parses the XML as it goes), so rows cost no
memory once read. Each cell becomes the text the CSV would hold and goes through the same
`parse_row`. Row numbers are the ones Excel shows.

A formula cell is refused with its row and column: its cached result is whatever the sender's
Excel last computed (or nothing, for files written by other programs), and its text is not
the value the sender meant. Text that merely starts with `=` (typed with a leading `'`) is
text, and is stored as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from scamlink.interop.report_csv import (
    Cell,
    FieldProblem,
    HeaderError,
    ParsedRow,
    check_header,
    parse_row,
    unescape_cell,
)
from scamlink.sharing.agencies import Agency
from scamlink.sharing.groups import ReleaseDirectory

FORMULA = "f"


class NotAWorkbook(ValueError):
    pass


def read_reports_xlsx(
    path: Path, agency: Agency, directory: ReleaseDirectory | None = None
) -> Iterator[ParsedRow]:
    handle = path.open("rb")  # a handle, not a name: any extension will do (`--format xlsx`)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=False)
    except (BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        handle.close()
        raise NotAWorkbook(f"{path.name} is not an XLSX workbook ({exc})") from None
    try:
        sheet: Any = workbook.worksheets[0]
        # Some writers record a wrong sheet size; reading to the real end loses no row.
        sheet.reset_dimensions()
        rows = sheet.iter_rows()
        header_cells = next(rows, ())
        header = [_header_name(c.value) for c in header_cells]
        while header and not header[-1]:
            header.pop()  # formatted but empty cells to the right
        check_header(header)
        directory = directory or ReleaseDirectory()
        for line, cells in enumerate(rows, start=2):
            parsed = _row(line, header, cells, agency, directory)
            if parsed is not None:
                yield parsed
    finally:
        workbook.close()
        handle.close()


def _header_name(value: object) -> str:
    return str(value).strip() if value is not None else ""


def _row(
    line: int,
    header: list[str],
    cells: tuple[Any, ...],
    agency: Agency,
    directory: ReleaseDirectory,
) -> ParsedRow | None:
    """The row's report, or why not; None for a row with nothing in it."""
    row: dict[str, Cell] = {}
    problems: list[FieldProblem] = []
    for index, cell in enumerate(cells):
        value = cell.value
        if value is None:
            continue
        if index >= len(header) or not header[index]:
            problems.append(
                FieldProblem(line, _letter(index), "a value in a column without a header")
            )
            continue
        column = header[index]
        if getattr(cell, "data_type", None) == FORMULA:
            problems.append(
                FieldProblem(
                    line,
                    column,
                    f"a formula ({_formula_text(value)}) is not imported: "
                    "paste the value as text instead",
                )
            )
            continue
        row[column] = _text(value)
    if not problems and not any(row.values()):
        return None  # formatted but empty: nothing to report, nothing lost
    if problems:
        return ParsedRow(line, None, tuple(problems))
    return parse_row(line, row, agency, directory)


def _text(value: object) -> str:
    """The cell as the CSV would hold it."""
    if isinstance(value, datetime):
        # Excel keeps every date as a date-time; midnight is a date typed without a time.
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Whole numbers are shown without ".0", as Excel shows them; others exactly.
        exact = Decimal(repr(value))
        return format(exact, "f") if exact == exact.to_integral() else str(exact)
    return unescape_cell(str(value))


def _formula_text(value: object) -> str:
    text = str(getattr(value, "text", value))
    return text if len(text) <= 60 else text[:57] + "…"


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


__all__ = ["HeaderError", "NotAWorkbook", "read_reports_xlsx"]
