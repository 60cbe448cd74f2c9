"""`scamlink import reports`: summary, problems by line and column, exit codes 0/1/2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine, select

from scamlink.interop.report_csv import COLUMNS
from scamlink.store.schema import reports
from scamlink.store.stats import total_reports
from tests.cli.conftest import Invoke

HEADER = ",".join(COLUMNS) + "\n"
GOOD = 'K-{n},2026-01-01T09:00:00+09:00,,KR,ko,loan,,,"{text}",010-1234-5678,,,,,,GREEN\n'
BAD = "K-bad{n},2026-01-01T09:00:00+09:00,,KR,ko,lottery,,,,,,,,,,GREEN\n"


def _write(path: Path, *rows: str, codec: str = "utf-8") -> Path:
    path.write_bytes((HEADER + "".join(rows)).encode(codec))
    return path


def test_a_clean_file_exits_0_and_names_the_encoding(
    invoke: Invoke, tmp_path: Path, engine: Engine
) -> None:
    path = _write(tmp_path / "korea.csv", GOOD.format(n=1, text="대출 사기"), codec="cp949")
    result = invoke("import", "reports", str(path), "--agency", "knpa")
    assert result.exit_code == 0, result.output
    assert "CSV (CP949 (Korean, EUC-KR)): stored 1, duplicates 0, rejected 0" in result.stdout
    again = invoke("import", "reports", str(path), "--agency", "KNPA")
    assert again.exit_code == 0
    assert "stored 0, duplicates 1" in again.stdout
    with engine.connect() as conn:
        assert total_reports(conn) == 1
        assert conn.scalar(select(reports.c.narrative)) == "대출 사기"


def test_rejected_rows_exit_1_listing_twenty_and_counting_the_rest(
    invoke: Invoke, tmp_path: Path
) -> None:
    rows = [GOOD.format(n=1, text="ok"), *(BAD.format(n=n) for n in range(25))]
    path = _write(tmp_path / "mixed.csv", *rows)
    errors = tmp_path / "errors.csv"
    result = invoke("import", "reports", str(path), "--agency", "KNPA", "--errors", str(errors))
    assert result.exit_code == 1
    assert "stored 1, duplicates 0, rejected 25 row(s)" in result.stdout
    assert "line 3, column scam_type: unknown scam type 'lottery'" in result.stdout
    assert "line 22, column scam_type" in result.stdout
    assert "line 23, column" not in result.stdout
    assert "… and 5 more problem(s)" in result.stdout
    with errors.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == 25
    assert written[-1] == {
        "line": "27",
        "column": "scam_type",
        "reason": "unknown scam type 'lottery'",
        "outcome": "row rejected",
    }


def test_json_summary_for_scripts(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        json.dumps(
            {
                "external_id": "J-1",
                "received_at": "2026-01-01T00:00:00Z",
                "victim_country": "TH",
                "scam_type": "romance",
                "tlp": "GREEN",
                "phones": ["081-234-5678", "112"],
            }
        )
        + "\n"
        + '{"external_id": "J-2"\n',
        encoding="utf-8",
    )
    result = invoke(
        "import", "reports", str(path), "--agency", "RTP", "--source", "public", "--json"
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["format"] == "jsonl"
    assert summary["encoding"] == "UTF-8"
    assert (summary["stored"], summary["duplicates"], summary["rejected_rows"]) == (1, 0, 1)
    assert summary["rejected"][0]["line"] == 2
    assert summary["dropped_values"] == 1  # "112" is an emergency number, not a scammer's phone


def test_xlsx_with_a_formula_is_imported_without_it(invoke: Invoke, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    base = {"received_at": "2026-01-01T09:00:00Z", "victim_country": "KR", "tlp": "GREEN"}
    sheet.append([{**base, "external_id": "X-1", "scam_type": "loan"}.get(c) for c in COLUMNS])
    sheet.append([{**base, "external_id": "X-2", "scam_type": "=A1"}.get(c) for c in COLUMNS])
    path = tmp_path / "sheet.bin"
    book.save(path)
    result = invoke("import", "reports", str(path), "--agency", "KNPA", "--format", "xlsx")
    assert result.exit_code == 1
    assert "XLSX: stored 1" in result.stdout
    assert "line 3, column scam_type: a formula (=A1) is not imported" in result.stdout


def test_usage_errors_exit_2_with_one_line(invoke: Invoke, tmp_path: Path) -> None:
    good = _write(tmp_path / "good.csv", GOOD.format(n=1, text="x"))
    missing = tmp_path / "missing.csv"
    missing.write_text("external_id,received_at\n", encoding="utf-8")
    cases = [
        (("--agency", "NOPE"), good, "unknown agency 'NOPE'"),
        (("--agency", "KNPA", "--format", "pdf"), good, "unknown format 'pdf'"),
        (("--agency", "KNPA", "--encoding", "latin-9"), good, "unknown encoding 'latin-9'"),
        (("--agency", "KNPA", "--source", "press"), good, "unknown source 'press'"),
        (("--agency", "KNPA"), missing, "missing column(s) victim_country, scam_type, tlp"),
        (("--agency", "KNPA"), tmp_path / "absent.csv", "no such file"),
    ]
    for options, path, message in cases:
        result = invoke("import", "reports", str(path), *options)
        assert result.exit_code == 2, (options, result.output)
        assert result.stderr.startswith(f"error: {path.name}: ")
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_an_explicit_encoding_overrides_detection(invoke: Invoke, tmp_path: Path) -> None:
    path = _write(tmp_path / "thai.csv", GOOD.format(n=1, text="โอนเงิน"), codec="tis-620")
    result = invoke("import", "reports", str(path), "--agency", "RTP", "--encoding", "tis-620")
    assert result.exit_code == 0, result.output
    assert "CP874 (Thai, TIS-620)" in result.stdout
