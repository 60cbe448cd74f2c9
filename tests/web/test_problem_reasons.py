"""Rejected rows' reasons on the upload page: translated, values kept as written."""

from __future__ import annotations

import re

import pytest

from scamlink.web.i18n import translations
from scamlink.web.problem_reasons import PATTERNS, translate_reason

KO = translations("ko").gettext
EN = translations("en").gettext


def test_every_pattern_fills_exactly_its_placeholders() -> None:
    for known in PATTERNS:
        placeholders = set(re.findall(r"%\((\w+)\)s", known.msgid))
        assert placeholders == set(known.pattern.groupindex), known.msgid
        korean = KO(known.msgid)
        assert set(re.findall(r"%\((\w+)\)s", korean)) == placeholders, known.msgid


@pytest.mark.parametrize(
    ("reason", "korean"),
    [
        ("not an ISO 8601 date-time: 'yesterday'", "ISO 8601 날짜·시각이 아닙니다: 'yesterday'"),
        ("unknown scam type 'lottery'", "알 수 없는 사기 유형 'lottery'"),
        (
            "'12': '12' is not a valid phone number",
            "'12' — 문제: '12'은(는) 유효한 전화번호가 아닙니다",
        ),
        (
            "line 7: not valid CSV (bad quote); the rest of the file was not read",
            "7번째 줄: 올바른 CSV가 아닙니다 (bad quote); 파일의 나머지 부분은 읽지 않았습니다",
        ),
        ("line 1: missing column(s) tlp, narrative", "1번째 줄: 없는 열 tlp, narrative"),
    ],
)
def test_reasons_are_translated_with_their_values_as_written(reason: str, korean: str) -> None:
    assert translate_reason(reason, KO) == korean
    assert translate_reason(reason, EN) == reason  # English stays exactly what the CLI prints


def test_a_reason_no_pattern_knows_is_shown_as_it_is() -> None:
    assert translate_reason("something new went wrong", KO) == "something new went wrong"
    assert translate_reason("100% <b>odd</b>", KO) == "100% <b>odd</b>"
