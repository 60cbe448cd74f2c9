"""Reports from JSON Lines: the CSV's fields, arrays for indicators, errors by line and field."""

from __future__ import annotations

import json
from decimal import Decimal

from scamlink.indicators import IndicatorType
from scamlink.interop.report_csv import ParsedRow
from scamlink.interop.report_jsonl import read_reports_jsonl
from scamlink.sharing.agencies import agency_by_code

KNPA = agency_by_code("KNPA")
BASE: dict[str, object] = {
    "external_id": "J-1",
    "received_at": "2026-03-02T10:15:00+09:00",
    "victim_country": "KR",
    "scam_type": "investment",
    "tlp": "GREEN",
}


def _read(*lines: str) -> list[ParsedRow]:
    return list(read_reports_jsonl([line + "\n" for line in lines], KNPA))


def test_arrays_hold_several_values_even_with_the_separator_inside() -> None:
    record = {
        **BASE,
        "urls": ["http://kbstar-secure.com/a;b=1", "hxxp://kbstar-login[.]com/"],
        "phones": ["010-1234-5678", "+82 10 1234 5678"],
        "loss_amount": 1500.10,
        "loss_currency": "USDT",
    }
    (parsed,) = _read(json.dumps(record))
    report = parsed.report
    assert report is not None
    assert report.loss_amount == Decimal("1500.1")  # the text of the number, no float between
    urls = {s.indicator.value for s in report.sightings if s.indicator.type is IndicatorType.URL}
    assert urls == {"http://kbstar-secure.com/a;b=1", "http://kbstar-login.com/"}
    assert sum(s.indicator.type is IndicatorType.PHONE for s in report.sightings) == 1


def test_a_loss_written_as_a_number_keeps_every_digit() -> None:
    (parsed,) = _read(
        '{"external_id": "J-2", "received_at": "2026-03-02T10:15:00Z",'
        ' "victim_country": "KR", "scam_type": "loan", "tlp": "GREEN",'
        ' "loss_amount": 12345678901234.123456, "loss_currency": "KRW"}'
    )
    assert parsed.report is not None
    assert parsed.report.loss_amount == Decimal("12345678901234.123456")


def test_problems_name_line_and_field() -> None:
    rows = _read(
        json.dumps(BASE),
        "",
        "{not json",
        json.dumps([1, 2]),
        json.dumps({**BASE, "external_id": "J-5", "scam_type": ["loan"]}),
        json.dumps({**BASE, "external_id": "J-6", "phone": "010-1234-5678"}),
        json.dumps({**BASE, "external_id": "J-7", "loss_amount": True}),
        json.dumps({**BASE, "external_id": "J-8", "phones": [1, {"a": 2}]}),
        json.dumps({**BASE, "external_id": "J-9", "received_at": "soon"}),
    )
    assert rows[0].report is not None
    problems = [str(p) for row in rows[1:] for p in row.problems]
    assert all(row.report is None for row in rows[1:])
    assert problems[0].startswith("line 3: not valid JSON at column 2")
    assert problems[1:] == [
        "line 4: a JSON object expected, got an array",
        "line 5, column scam_type: one value expected, got an array",
        "line 6, column phone: unknown field",
        "line 7, column loss_amount: a string expected, got true",
        "line 8, column phones: an array of strings expected",
        "line 9, column received_at: not an ISO 8601 date-time: 'soon'",
    ]


def test_html_in_a_narrative_is_kept_verbatim() -> None:
    narrative = '<script>alert("x")</script> <b>he said</b>'
    (parsed,) = _read(json.dumps({**BASE, "narrative": narrative}))
    assert parsed.report is not None
    assert parsed.report.narrative == narrative


def test_not_a_number_is_not_json() -> None:
    (parsed,) = _read('{"external_id": "J-1", "loss_amount": NaN}')
    assert str(parsed.problems[0]) == "line 1: NaN is not a JSON number"
