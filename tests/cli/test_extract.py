"""`scamlink extract` and `scamlink warninglists`: the JSON contract other tools rely on."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from scamlink.cli import extract as cli_extract
from scamlink.cli.app import app
from scamlink.indicators.extract import Found, extract
from scamlink.indicators.types import IndicatorType


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_extract_reads_stdin_and_prints_one_json_array() -> None:
    text = "입금 계좌: 국민은행 123456-78-901234, 텔레그램 @usdt_vip, 고객센터 1588-9999"
    code, out, _ = run("extract", "--country", "kr", input=text)
    assert code == 0
    found = json.loads(out)
    assert [f["type"] for f in found] == ["bank_account", "telegram", "phone"]
    for f in found:
        assert set(f) == {"type", "value", "display", "start", "end", "warninglist"}
        assert text[f["start"] : f["end"]] == f["display"]  # code-point offsets
    assert found[2]["warninglist"] == "bank-hotlines"
    assert found[0]["value"] == "KR:KB:12345678901234"


def test_extract_needs_a_country() -> None:
    code, _, err = run("extract", input="010-1234-5678")
    assert code == 2
    assert "--country" in err


def test_jsonl_prints_one_array_per_line_in_order() -> None:
    lines = [
        {"text": "call 081 234 5678", "country": "TH"},
        {"text": "nothing here", "country": "VN"},
        {"text": "Liên lạc qua zalo 0914566014", "country": "VN"},
    ]
    code, out, _ = run("extract", "--jsonl", input="".join(json.dumps(x) + "\n" for x in lines))
    assert code == 0
    arrays = [json.loads(line) for line in out.splitlines()]
    assert len(arrays) == 3
    assert arrays[0][0]["value"] == "+66812345678"
    assert arrays[1] == []
    assert {f["type"] for f in arrays[2]} == {"zalo", "phone"}


def test_jsonl_bad_line_names_its_number_and_exits_2() -> None:
    code, out, err = run("extract", "--jsonl", input='{"text": "a", "country": "KR"}\n{bad json\n')
    assert code == 2
    assert "line 2" in err
    assert "Traceback" not in err + out


def test_jsonl_line_without_text_or_country() -> None:
    code, _, err = run("extract", "--jsonl", input='{"country": "KR"}\n')
    assert code == 2
    assert "line 1" in err
    code, _, err = run("extract", "--jsonl", input='{"text": "x"}\n')
    assert code == 2
    assert "country" in err


def test_warninglists_table_and_json() -> None:
    code, out, _ = run("warninglists")
    assert code == 0
    assert "bank-hotlines" in out
    code, out, _ = run("warninglists", "--json")
    assert code == 0
    lists = json.loads(out)
    assert {"name", "version", "count", "types", "match", "description"} <= set(lists[0])
    assert all(x["count"] > 0 for x in lists)


def _jsonl(records: list[dict[str, str]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


_MIXED = [
    {"text": "call 081 234 5678", "country": "TH"},
    {"text": "nothing here", "country": "VN"},
    {"text": "입금 계좌: 국민은행 123456-78-901234, 텔레그램 @usdt_vip", "country": "KR"},
    {"text": "Liên lạc qua zalo 0914566014", "country": "VN"},
    {
        "text": "wallet TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW, site hxxps://kb-star[.]top/x",
        "country": "KH",
    },
]


def test_workers_print_the_same_lines_in_input_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small chunks, so that several chunks are in flight in two processes at once.
    monkeypatch.setattr(cli_extract, "_CHUNK_LINES", 3)
    records = [dict(r, text=f"{i}: {r['text']}") for i in range(40) for r in _MIXED]
    text = _jsonl(records)
    code, one, _ = run("extract", "--jsonl", input=text)
    assert code == 0
    code, two, _ = run("extract", "--jsonl", "--workers", "2", input=text)
    assert code == 0
    assert two == one
    lines = two.splitlines()
    assert len(lines) == len(records)
    for record, line in zip(records, lines, strict=True):
        for f in json.loads(line):  # each array belongs to its own line's text
            assert record["text"][f["start"] : f["end"]] == f["display"]


def test_workers_bad_line_after_the_lines_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_extract, "_CHUNK_LINES", 2)
    good = _jsonl([{"text": f"call 081 234 56{i:02d}", "country": "TH"} for i in range(7)])
    code, out, err = run("extract", "--jsonl", "--workers", "2", input=good + "{bad json\n")
    assert code == 2
    assert "line 8" in err
    assert "Traceback" not in err + out
    assert len(out.splitlines()) == 7


def test_workers_need_jsonl_and_a_positive_count() -> None:
    code, _, err = run("extract", "--country", "KR", "--workers", "2", input="010-1234-5678")
    assert code == 2
    assert "--jsonl" in err
    code, _, err = run("extract", "--jsonl", "--workers", "0", input="")
    assert code == 2
    assert "--workers" in err


_AWKWARD = [
    "plain",
    'quote " and \\ backslash',
    "tab\tnew\nline\x00\x1f",
    "한국어 ไทย",
    "\ud800",
    "",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(IndicatorType)),
            st.sampled_from(_AWKWARD) | st.text(max_size=12),
            st.sampled_from(_AWKWARD) | st.text(max_size=12),
            st.integers(min_value=0, max_value=10**6),
            st.integers(min_value=0, max_value=10**6),
            st.none() | st.sampled_from(_AWKWARD) | st.text(max_size=8),
        ),
        max_size=4,
    )
)
def test_json_array_is_json_dumps_byte_for_byte(
    rows: list[tuple[IndicatorType, str, str, int, int, str | None]],
) -> None:
    found = [Found(*row) for row in rows]
    expected = json.dumps([f.as_json() for f in found], ensure_ascii=False)
    assert cli_extract._json_array(found) == expected


def test_json_array_of_real_extractions() -> None:
    for record in _MIXED:  # every line but one finds something
        found = extract(record["text"], record["country"])
        assert found or record["text"] == "nothing here"
        expected = json.dumps([f.as_json() for f in found], ensure_ascii=False)
        assert cli_extract._json_array(found) == expected


def test_workers_stop_at_a_bad_line_in_the_middle(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bad line is in the second of several chunks, a blank line before it still counts:
    # the lines before it are written, none after it.
    monkeypatch.setattr(cli_extract, "_CHUNK_LINES", 3)
    good = [json.dumps({"text": f"call 081 234 56{i:02d}", "country": "TH"}) for i in range(9)]
    lines = [*good[:4], "", '{"text": 5}', *good[4:]]
    code, out, err = run(
        "extract", "--jsonl", "--workers", "2", input="".join(x + "\n" for x in lines)
    )
    assert code == 2
    assert "line 6" in err
    assert len(out.splitlines()) == 4
    code, one, _ = run("extract", "--jsonl", input="".join(x + "\n" for x in good[:4]))
    assert out == one
