from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Connection, Engine, func, select

from scamlink.interop.report_csv import COLUMNS, FieldProblem, HeaderError
from scamlink.reports import bulk_parse
from scamlink.reports.bulk import FileFormat, detect_format, import_csv, import_file
from scamlink.reports.model import ReportSource
from scamlink.sharing.agencies import agency_by_code
from scamlink.sharing.policy import NO_RELEASES, Releases
from scamlink.sharing.roles import Role
from scamlink.store.markings import recipients_of, releases_of, resolve_viewer
from scamlink.store.schema import indicators, reports, sightings
from scamlink.store.stats import report_counts_by_agency, total_reports
from tests.factories import add_user

HEADER = (
    "external_id,received_at,incident_date,victim_country,language,scam_type,loss_amount,"
    "loss_currency,narrative,phones,urls,emails,wallets,bank_accounts,handles,tlp\n"
)
GOOD = 'K-{n},2026-01-0{n}T09:00:00+09:00,,KR,ko,loan,,,"대출 문자",010-1234-567{n},,,,,,GREEN\n'
BAD = "K-bad,not-a-date,,KR,ko,loan,,,,,,,,,,GREEN\n"


def test_good_rows_go_in_bad_rows_are_named_and_reimport_adds_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "reports.csv"
    path.write_text(HEADER + GOOD.format(n=1) + BAD + GOOD.format(n=2), encoding="utf-8")
    knpa = agency_by_code("KNPA")
    seen: list[int] = []
    first = import_csv(engine, path, knpa, seen.append)
    assert (first.stored, first.duplicates) == (2, 0)
    assert [(p.line, p.column) for p in first.rejected] == [(3, "received_at")]
    assert sum(seen) == 3  # rows handled, the rejected one too: the progress bar counts lines
    again = import_csv(engine, path, knpa)
    assert (again.stored, again.duplicates) == (0, 2)
    with engine.connect() as conn:
        assert total_reports(conn) == 2


def test_a_byte_order_mark_from_excel_is_accepted(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + GOOD.format(n=3)).encode("utf-8"))
    summary = import_csv(engine, path, agency_by_code("KNPA"))
    assert summary.stored == 1
    assert not summary.rejected


def test_releases_in_the_file_are_stored_and_unknown_names_reject_the_row(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "amber.csv"
    header = HEADER.rstrip("\n") + ",release_to\n"
    amber = "K-{n},2026-01-01T09:00:00+09:00,,KR,ko,loan,,,,,,,,,,AMBER,{to}\n"
    path.write_text(
        header
        + amber.format(n=1, to="RTP;ASEANAPOL all")
        + amber.format(n=2, to="Nowhere")
        + amber.format(n=3, to=""),
        encoding="utf-8",
    )
    summary = import_csv(engine, path, agency_by_code("KNPA"))
    assert summary.stored == 2
    assert [(p.line, p.column) for p in summary.rejected] == [(3, "release_to")]
    with engine.connect() as conn:
        ids = {r.external_id: r.id for r in conn.execute(select(reports))}
        assert releases_of(conn, ids["K-1"]) == Releases(
            frozenset({"RTP"}), frozenset({"aseanapol-all"})
        )
        assert releases_of(conn, ids["K-3"]) == NO_RELEASES


def test_red_recipients_in_the_file_are_stored_and_see_the_report(
    engine: Engine, tmp_path: Path
) -> None:
    kim = add_user(engine, "kim@knpa.test", "KNPA", Role.INVESTIGATOR)
    som = add_user(engine, "Som@RTP.test", "RTP", Role.ANALYST)
    lee = add_user(engine, "lee@knpa.test", "KNPA", Role.ANALYST)
    path = tmp_path / "red.csv"
    header = HEADER.rstrip("\n") + ",release_to,recipients\n"
    row = "K-{n},2026-01-01T09:00:00+09:00,,KR,ko,loan,,,,,,,,,,{tlp},,{to}\n"
    path.write_text(
        header
        + row.format(n=1, tlp="RED", to="kim@knpa.test; som@rtp.TEST")
        + row.format(n=2, tlp="RED", to="kim@knpa.test;ghost@knpa.test")
        + row.format(n=3, tlp="AMBER", to="kim@knpa.test")
        + row.format(n=4, tlp="RED", to=""),
        encoding="utf-8",
    )
    summary = import_csv(engine, path, agency_by_code("KNPA"))
    assert summary.stored == 2
    assert [(p.line, p.column) for p in summary.rejected] == [(3, "recipients"), (4, "recipients")]
    assert "ghost@knpa.test" in summary.rejected[0].reason
    assert "RED reports only, not AMBER" in summary.rejected[1].reason
    with engine.connect() as conn:
        ids = {r.external_id: r.id for r in conn.execute(select(reports))}
        assert set(ids) == {"K-1", "K-4"}
        assert recipients_of(conn, ids["K-1"]) == frozenset({kim, som})
        assert recipients_of(conn, ids["K-4"]) == frozenset()

        def sees(user_id: int, agency: str, role: Role) -> int:
            viewer = resolve_viewer(conn, agency=agency, role=role, user_id=user_id)
            counts = report_counts_by_agency(conn, viewer)
            return sum(c.reports for c in counts)

        assert sees(kim, "KNPA", Role.INVESTIGATOR) == 1
        assert sees(som, "RTP", Role.ANALYST) == 1
        assert sees(lee, "KNPA", Role.ANALYST) == 0  # same agency, not named: RED stays hidden


KOREAN_ROW = 'K-{n},2026-01-01T09:00:00+09:00,,KR,ko,loan,,,"{text}",010-1234-567{n},,,,,,GREEN\n'
THAI_ROW = 'T-{n},2026-01-01T09:00:00+07:00,,TH,th,loan,,,"{text}",081-234-567{n},,,,,,GREEN\n'


@pytest.mark.parametrize(
    ("codec", "row", "text", "label"),
    [
        ("cp949", KOREAN_ROW, "대출 문자를 받고 송금했습니다", "CP949 (Korean, EUC-KR)"),
        ("euc-kr", KOREAN_ROW, "대출 문자를 받고 송금했습니다", "CP949 (Korean, EUC-KR)"),
        ("tis-620", THAI_ROW, "มีคนโทรมาอ้างว่าเป็นตำรวจ", "CP874 (Thai, TIS-620)"),
        ("utf-16", KOREAN_ROW, "대출 문자를 받고 송금했습니다", "UTF-16 LE"),
        ("utf-8-sig", THAI_ROW, "มีคนโทรมาอ้างว่าเป็นตำรวจ", "UTF-8 with byte order mark"),
    ],
)
def test_legacy_encodings_are_detected_named_and_decoded(
    engine: Engine, tmp_path: Path, codec: str, row: str, text: str, label: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes((HEADER + row.format(n=1, text=text)).encode(codec))
    agency = agency_by_code("KNPA" if row is KOREAN_ROW else "RTP")
    summary = import_file(engine, path, agency)
    assert (summary.stored, summary.encoding, summary.rejected) == (1, label, [])
    with engine.connect() as conn:
        assert conn.scalar(select(reports.c.narrative)) == text


def test_a_bad_byte_midway_stops_there_keeping_what_came_before(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "cut.csv"
    good = "".join(KOREAN_ROW.format(n=n, text="송금") for n in range(1, 4))
    path.write_bytes((HEADER + good).encode("cp949") + b"K-9,\xff\xfe\n")
    summary = import_file(engine, path, agency_by_code("KNPA"))
    assert summary.stored == 3
    assert [str(p) for p in summary.rejected] == [
        "line 5: byte 5 is not valid CP949 (Korean, EUC-KR); name the file's encoding with "
        "--encoding; the rest of the file was not read"
    ]


def test_xlsx_and_jsonl_go_through_the_same_rules_and_source_is_stored(
    engine: Engine, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    base = {"received_at": "2026-01-01T09:00:00+09:00", "victim_country": "KR", "tlp": "GREEN"}
    sheet.append([{**base, "external_id": "X-1", "scam_type": "loan"}.get(c) for c in COLUMNS])
    sheet.append([{**base, "external_id": "X-2", "scam_type": "lotto"}.get(c) for c in COLUMNS])
    book.save(tmp_path / "book.xlsx")
    lines = [
        json.dumps(
            {**base, "external_id": "J-1", "scam_type": "romance", "phones": ["01012345678"]}
        ),
        json.dumps({**base, "external_id": "J-2", "scam_type": "romance", "tlp": "PURPLE"}),
    ]
    (tmp_path / "reports.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    knpa = agency_by_code("KNPA")
    xlsx = import_file(engine, tmp_path / "book.xlsx", knpa, source=ReportSource.PARTNER)
    jsonl = import_file(engine, tmp_path / "reports.jsonl", knpa, source=ReportSource.PUBLIC)
    assert (xlsx.format, xlsx.encoding, xlsx.stored, xlsx.rejected_rows) == ("xlsx", "", 1, 1)
    assert [(p.line, p.column) for p in xlsx.rejected] == [(3, "scam_type")]
    assert (jsonl.format, jsonl.encoding, jsonl.stored) == ("jsonl", "UTF-8", 1)
    assert [(p.line, p.column) for p in jsonl.rejected] == [(2, "tlp")]
    with engine.connect() as conn:
        stored = {r.external_id: r.source for r in conn.execute(select(reports))}
    assert stored == {"X-1": "partner", "J-1": "public"}


def test_the_format_comes_from_the_extension_or_the_content(tmp_path: Path) -> None:
    (tmp_path / "a.data").write_text('{"external_id": "1"}\n', encoding="utf-8")
    (tmp_path / "b.data").write_bytes(b"PK\x03\x04rest")
    (tmp_path / "c.data").write_text(HEADER, encoding="utf-8")
    (tmp_path / "d.NDJSON").write_text("", encoding="utf-8")
    found = [detect_format(tmp_path / n) for n in ("a.data", "b.data", "c.data", "d.NDJSON")]
    assert found == [FileFormat.JSONL, FileFormat.XLSX, FileFormat.CSV, FileFormat.JSONL]


def test_a_batch_that_fails_leaves_no_part_of_itself_and_a_rerun_completes(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "five.csv"
    path.write_text(HEADER + "".join(GOOD.format(n=n) for n in range(1, 6)), encoding="utf-8")
    batches: list[int] = []
    acknowledged: list[int] = []

    def crash_on_second(conn: Connection, ids: Sequence[int]) -> None:
        batches.append(len(ids))
        if len(batches) == 2:
            raise RuntimeError("killed mid-import")

    with pytest.raises(RuntimeError, match="killed mid-import"):
        import_file(
            engine,
            path,
            agency_by_code("KNPA"),
            batch_size=2,
            on_stored=crash_on_second,
            progress=acknowledged.append,
        )
    with engine.connect() as conn:
        # The first batch, and all of it: its reports with their sightings; nothing of the second.
        assert total_reports(conn) == 2 == sum(acknowledged)
        assert conn.scalar(select(func.count()).select_from(sightings)) == 2
    again = import_file(engine, path, agency_by_code("KNPA"), batch_size=2)
    assert (again.stored, again.duplicates) == (3, 2)
    with engine.connect() as conn:
        assert total_reports(conn) == 5
        assert conn.scalar(select(func.count()).select_from(sightings)) == 5


def test_html_in_narratives_is_stored_verbatim(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "html.csv"
    narrative = "<script>alert('x')</script><b>bold</b>"
    path.write_text(
        HEADER + f'K-1,2026-01-01T09:00:00Z,,KR,ko,loan,,,"{narrative}",,,,,,,GREEN\n',
        encoding="utf-8",
    )
    assert import_file(engine, path, agency_by_code("KNPA")).stored == 1
    with engine.connect() as conn:
        assert conn.scalar(select(reports.c.narrative)) == narrative


# Run in a process of its own: its peak resident memory is the reader's, not the test run's.
_MEASURE_READING = """
import resource, sys
from pathlib import Path
from scamlink.interop.encodings import decoded_lines, detect
from scamlink.interop.report_csv import read_reports
from scamlink.sharing.agencies import agency_by_code
agency = agency_by_code("KNPA")
def peak(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
with Path(sys.argv[1]).open("rb") as handle:
    rows = read_reports(decoded_lines(handle, detect(handle)), agency)
    stored = sum(parsed.report is not None for _, parsed in zip(range(1000), rows))
    before = peak()  # every module and cache warm, the first thousand rows read
    stored += sum(parsed.report is not None for parsed in rows)
print(stored, peak() - before)
"""


def test_reading_streams_in_flat_memory(tmp_path: Path) -> None:
    """200,000 rows (over 25 MB) read without the memory growing: a 2 GB file is no different."""
    path = tmp_path / "big.csv"
    row = "K-{n},2026-01-01T09:00:00Z,,KR,ko,loan,,,Lorem ipsum dolor sit amet {n} " + "x" * 60
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(200_000):
            out.write(row.format(n=n) + ",,,,,,,GREEN\n")
    size = path.stat().st_size
    assert size > 25_000_000
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE_READING, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    rows, growth = (int(n) for n in done.stdout.split())
    assert rows == 200_000
    assert growth < size / 10  # a whole-file read would grow by the file's size, or more


def test_when_reading_fails_midway_what_was_acknowledged_is_exactly_what_is_stored(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "stop.csv"
    rows = [GOOD.format(n=n) for n in range(1, 4)] + [BAD] + [GOOD.format(n=n) for n in (7, 8)]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    acknowledged: list[int] = []

    def stop(problem: FieldProblem, rejected: bool) -> None:
        raise KeyboardInterrupt  # what Ctrl-C does while a row is being read

    with pytest.raises(KeyboardInterrupt):
        import_file(
            engine,
            path,
            agency_by_code("KNPA"),
            batch_size=1,
            progress=acknowledged.append,
            on_problem=stop,
        )
    with engine.connect() as conn:
        stored = {r.external_id for r in conn.execute(select(reports))}
    assert len(stored) == sum(acknowledged)
    assert stored <= {"K-1", "K-2", "K-3"}  # nothing after the row being read


def test_indicators_only_in_the_narrative_are_sightings_too(engine: Engine, tmp_path: Path) -> None:
    row = (
        'K-n,2026-01-05T09:00:00+09:00,,KR,ko,loan,,,"텔레그램 @loan_fast_kr 로 연락, '
        '입금 계좌 국민은행 123456-78-901234",010-1234-5670,,,,,,GREEN\n'
    )
    path = tmp_path / "narrative.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    assert import_csv(engine, path, agency_by_code("KNPA")).stored == 1
    with engine.connect() as conn:
        found = conn.execute(
            select(indicators.c.value, sightings.c.role).join(
                sightings, sightings.c.indicator_id == indicators.c.id
            )
        ).all()
    assert sorted(found) == [
        ("+821012345670", "contact_phone"),
        ("KR:KB:12345678901234", "payee_account"),
        ("telegram:loan_fast_kr", "contact_handle"),
    ]


# --- parsing in a process of its own (large files) -----------------------------------------


def _mixed_file(path: Path) -> Path:
    """Good rows, a rejected row, a value left out, narratives to extract, a bad byte at the end."""
    good = "".join(KOREAN_ROW.format(n=n, text="텔레그램 @loan_fast_kr 송금") for n in range(1, 8))
    dropped = "K-d,2026-01-05T09:00:00+09:00,,KR,ko,loan,,,,010-12,,,,,,GREEN\n"
    bad = "K-bad,not-a-date,,KR,ko,loan,,,,,,,,,,GREEN\n"
    path.write_bytes((HEADER + good + bad + dropped).encode("cp949") + b"K-9,\xff\xfe\n")
    return path


def _stored(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(reports.c.external_id, indicators.c.value)
            .join(sightings, sightings.c.report_id == reports.c.id)
            .join(indicators, indicators.c.id == sightings.c.indicator_id)
        )
        return sorted((r.external_id, r.value) for r in rows)


# Two processes each parse every other chunk of rows: the file stops (bad bytes) at a chunk's
# start with batches of 3, in the middle of one with batches of 4.
@pytest.mark.parametrize("batch_size", [3, 4])
def test_parsing_in_processes_of_their_own_gives_the_same_import(
    engine: Engine, tmp_path: Path, batch_size: int
) -> None:
    path = _mixed_file(tmp_path / "mixed.csv")
    knpa = agency_by_code("KNPA")
    heard: list[tuple[int, str, bool]] = []
    seen: list[int] = []

    def hear(problem: FieldProblem, rejected: bool) -> None:
        heard.append((problem.line, problem.column, rejected))

    here = import_file(engine, path, knpa, batch_size=batch_size, parallel=False)
    in_process = _stored(engine)
    with engine.begin() as conn:  # start again from an empty store
        for table in ("report_campaigns", "campaigns", "indicator_stats", "sightings", "reports"):
            conn.exec_driver_sql(f"DELETE FROM {table}")  # noqa: S608 (constant names)
    there = import_file(
        engine,
        path,
        knpa,
        batch_size=batch_size,
        parallel=True,
        on_problem=hear,
        progress=seen.append,
    )
    assert _stored(engine) == in_process
    assert ("K-1", "telegram:loan_fast_kr") in in_process  # the narrative was extracted
    for summary in (here, there):
        assert (summary.stored, summary.rejected_rows, summary.dropped_values) == (8, 2, 1)
        assert summary.encoding == here.encoding == "CP949 (Korean, EUC-KR)"
    assert [str(p) for p in there.rejected] == [str(p) for p in here.rejected]
    assert sorted(heard) == [(9, "received_at", True), (10, "phones", False), (11, "", True)]
    assert sum(seen) == 9  # every row read, the rejected one too


def test_a_parsing_process_refuses_a_bad_header_before_storing_anything(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "header.csv"
    path.write_text("external_id,nonsense\nK-1,x\n", encoding="utf-8")
    with pytest.raises(HeaderError, match="missing column"):
        import_file(engine, path, agency_by_code("KNPA"), parallel=True)
    with engine.connect() as conn:
        assert total_reports(conn) == 0


def test_a_failing_batch_stops_the_parsing_process_too(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(GOOD.format(n=n) for n in range(1, 10)), encoding="utf-8")

    def fail(conn: Connection, ids: Sequence[int]) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        import_file(
            engine, path, agency_by_code("KNPA"), batch_size=2, parallel=True, on_stored=fail
        )
    # The parsing process stopped with the import (only finished ones wait for another file).
    assert all(worker.alive() for worker in bulk_parse._idle)
    assert len(_parsing_processes()) == len(bulk_parse._idle)
    with engine.connect() as conn:
        assert total_reports(conn) == 0


def _parsing_processes() -> list[int]:
    """Process ids of this process's children running the parsing process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and b"scamlink.reports.parse_worker" in command:
            found.append(int(entry.name))
    return found


def test_the_collector_is_tuned_for_the_import_only(engine: Engine, tmp_path: Path) -> None:
    """During an import the objects that existed before are frozen out of the collector's
    walks and it runs less often; afterwards (a failure included) it is as it was."""
    import gc

    path = tmp_path / "three.csv"
    path.write_text(HEADER + "".join(GOOD.format(n=n) for n in range(1, 4)), encoding="utf-8")
    before = gc.get_threshold()
    during: list[tuple[tuple[int, int, int], bool]] = []

    def watch(conn: Connection, ids: Sequence[int]) -> None:
        during.append((gc.get_threshold(), gc.get_freeze_count() > 0))
        if len(during) == 2:
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        import_file(engine, path, agency_by_code("KNPA"), batch_size=1, on_stored=watch)
    assert during == [(bulk_parse.GC_THRESHOLDS, True)] * 2
    assert gc.get_threshold() == before != bulk_parse.GC_THRESHOLDS
    assert gc.get_freeze_count() == 0
