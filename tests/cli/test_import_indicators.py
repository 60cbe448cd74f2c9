"""`scamlink import indicators`: text, CSV and JSON lists; invalid lines named; idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select

from scamlink.store.schema import audit_log, indicator_listings, indicators
from tests.cli.conftest import Invoke

PHONES = "# KB fraud desk, November\n010-1234-5678\n\n+66 81 234 5678\n12\n010 1234 5678\n02-XYZ\n"


def _listings(engine: Engine) -> list[tuple[str, str, str, str, str]]:
    query = select(
        indicators.c.type,
        indicators.c.value,
        indicator_listings.c.list_source,
        indicator_listings.c.agency,
        indicator_listings.c.tlp,
    ).select_from(indicator_listings.join(indicators))
    with engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(query))


def test_text_list(invoke: Invoke, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "kb.txt"
    path.write_text(PHONES, encoding="utf-8")
    args = ("import", "indicators", str(path), "--type", "phone", "--source", "KB fraud desk")
    result = invoke(*args, "--tlp", "green", "--agency", "knpa", "--json")
    assert result.exit_code == 1, result.output  # some lines were rejected
    summary = json.loads(result.stdout)
    assert summary["format"] == "text"
    assert (summary["read"], summary["stored"], summary["duplicates"]) == (5, 2, 1)
    assert [(p["line"], p["value"]) for p in summary["rejected"]] == [(5, "12"), (7, "02-XYZ")]
    assert "short code" in summary["rejected"][0]["reason"]
    assert _listings(engine) == [
        ("phone", "+66812345678", "KB fraud desk", "KNPA", "GREEN"),
        ("phone", "+821012345678", "KB fraud desk", "KNPA", "GREEN"),
    ]
    # Idempotent: the same list again adds nothing.
    again = json.loads(invoke(*args, "--tlp", "GREEN", "--agency", "KNPA", "--json").stdout)
    assert (again["stored"], again["duplicates"]) == (0, 3)
    assert len(_listings(engine)) == 2
    with engine.connect() as conn:
        actions = [row.action for row in conn.execute(select(audit_log.c.action))]
    assert actions.count("listings.import") == 2


def test_csv_and_json(invoke: Invoke, engine: Engine, tmp_path: Path) -> None:
    csv_path = tmp_path / "wallets.csv"
    csv_path.write_text(
        "note,Value\nexchange,TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\nbad,TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6A\n",
        encoding="utf-8",
    )
    result = invoke(
        "import",
        "indicators",
        str(csv_path),
        "--type",
        "tron",
        "--source",
        "Exchange",
        "--tlp",
        "CLEAR",
        "--agency",
        "RTP",
        "--json",
    )
    summary = json.loads(result.stdout)
    assert summary["stored"] == 1
    assert summary["rejected"][0]["line"] == 3
    assert summary["rejected"][0]["column"] == "Value"
    assert "checksum" in summary["rejected"][0]["reason"]
    json_path = tmp_path / "links.json"
    json_path.write_text(
        '[\n  "hxxps://kbstar-secure[.]com/login",\n  42,\n  "not a link at all"\n]\n',
        encoding="utf-8",
    )
    result = invoke(
        "import",
        "indicators",
        str(json_path),
        "--type",
        "url",
        "--source",
        "CERT",
        "--tlp",
        "AMBER",
        "--agency",
        "SPF",
        "--json",
    )
    summary = json.loads(result.stdout)
    assert summary["format"] == "json"
    assert summary["stored"] == 1
    assert [(p["line"], p["reason"][:18]) for p in summary["rejected"]] == [
        (3, "expected a string,"),
        (4, summary["rejected"][1]["reason"][:18]),
    ]
    assert ("url", "https://kbstar-secure.com/login", "CERT", "SPF", "AMBER") in _listings(engine)


def test_refusals_exit_2_with_one_line(invoke: Invoke, tmp_path: Path) -> None:
    good = tmp_path / "x.txt"
    good.write_text("+66812345678\n", encoding="utf-8")
    base = ["import", "indicators", str(good), "--source", "S", "--agency", "KNPA"]
    cases = [
        ([*base, "--type", "fax", "--tlp", "CLEAR"], "unknown type"),
        ([*base, "--type", "phone", "--tlp", "PURPLE"], "unknown TLP"),
        (
            [
                "import",
                "indicators",
                str(tmp_path / "none.txt"),
                "--type",
                "phone",
                "--source",
                "S",
                "--tlp",
                "CLEAR",
                "--agency",
                "KNPA",
            ],
            "no such file",
        ),
        (
            [
                "import",
                "indicators",
                str(good),
                "--type",
                "phone",
                "--source",
                "S",
                "--tlp",
                "CLEAR",
                "--agency",
                "NOPE",
            ],
            "unknown agency",
        ),
    ]
    for args, message in cases:
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
        assert "Traceback" not in result.output
    csv_path = tmp_path / "no-value.csv"
    csv_path.write_text("number,note\n1,2\n", encoding="utf-8")
    result = invoke(
        "import",
        "indicators",
        str(csv_path),
        "--type",
        "phone",
        "--source",
        "S",
        "--tlp",
        "CLEAR",
        "--agency",
        "KNPA",
    )
    assert result.exit_code == 2
    assert "line 1: no 'value' column" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('[\n "a",\n "b"\n', encoding="utf-8")
    result = invoke(
        "import",
        "indicators",
        str(broken),
        "--type",
        "phone",
        "--source",
        "S",
        "--tlp",
        "CLEAR",
        "--agency",
        "KNPA",
    )
    assert result.exit_code == 2
    assert "line 4" in result.stderr or "line 3" in result.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"+66812345678\n\xe9\n")
    result = invoke(
        "import",
        "indicators",
        str(latin),
        "--type",
        "phone",
        "--source",
        "S",
        "--tlp",
        "CLEAR",
        "--agency",
        "KNPA",
    )
    assert result.exit_code == 2
    assert "line 2: not UTF-8" in result.stderr
