"""Reports from JSON Lines: one object per line, with the CSV's column names as keys.

Indicator fields (and `release_to`, `recipients`) may hold an array of values instead of one
`;`-separated string, so a value that contains `;` survives. Numbers are read as the text
they were written as (no binary float in between), so `1500.10` stays exact. Each row then
goes through the CSV's `parse_row`: the rules are the same whatever the format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from scamlink.interop.report_csv import (
    KNOWN_COLUMNS,
    LIST_COLUMNS,
    Cell,
    FieldProblem,
    ParsedRow,
    parse_row,
)
from scamlink.sharing.agencies import Agency
from scamlink.sharing.groups import ReleaseDirectory


class _NotJson(ValueError):
    pass


def read_reports_jsonl(
    lines: Iterable[str], agency: Agency, directory: ReleaseDirectory | None = None
) -> Iterator[ParsedRow]:
    directory = directory or ReleaseDirectory()
    for line, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        yield _parse_line(line, text, agency, directory)


def _parse_line(line: int, text: str, agency: Agency, directory: ReleaseDirectory) -> ParsedRow:
    try:
        value = json.loads(text, parse_float=str, parse_int=str, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        return _rejected(line, "", f"not valid JSON at column {exc.colno}: {exc.msg}")
    except _NotJson as exc:
        return _rejected(line, "", str(exc))
    if not isinstance(value, dict):
        return _rejected(line, "", f"a JSON object expected, got {_kind(value)}")
    row: dict[str, Cell] = {}
    problems: list[FieldProblem] = []
    for key, field in value.items():
        if key not in KNOWN_COLUMNS:
            problems.append(FieldProblem(line, key, "unknown field"))
            continue
        cell, reason = _cell(key, field)
        if reason:
            problems.append(FieldProblem(line, key, reason))
        else:
            row[key] = cell
    if problems:
        return ParsedRow(line, None, tuple(problems))
    return parse_row(line, row, agency, directory)


def _cell(key: str, field: Any) -> tuple[Cell, str]:
    """The field as a cell, or why it cannot be one."""
    if field is None or isinstance(field, str):
        return field, ""
    if isinstance(field, list):
        if key not in LIST_COLUMNS:
            return None, "one value expected, got an array"
        if not all(isinstance(item, str) for item in field):
            return None, "an array of strings expected"
        return list(field), ""
    return None, f"a string expected, got {_kind(field)}"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON number")


def _rejected(line: int, column: str, reason: str) -> ParsedRow:
    return ParsedRow(line, None, (FieldProblem(line, column, reason),))
