"""`scamlink extract` and `scamlink warninglists`: the JSON contract other tools rely on."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from scamlink.cli.app import app


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
