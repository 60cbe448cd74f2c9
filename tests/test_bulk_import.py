from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from scamlink.reports.bulk import import_csv
from scamlink.sharing.agencies import agency_by_code
from scamlink.sharing.policy import NO_RELEASES, Releases
from scamlink.sharing.roles import Role
from scamlink.store.markings import recipients_of, releases_of, resolve_viewer
from scamlink.store.schema import reports
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
    assert sum(seen) == 2
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
