from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from scamlink.indicators import IndicatorType
from scamlink.interop.report_csv import (
    COLUMNS,
    HeaderError,
    ParsedRow,
    read_reports,
    write_header,
)
from scamlink.reports.model import ScamType, SightingRole
from scamlink.sharing.agencies import agency_by_code
from scamlink.sharing.groups import ReleaseDirectory
from scamlink.sharing.policy import NO_RELEASES, Releases
from scamlink.sharing.tlp import Tlp

KNPA = agency_by_code("KNPA")


def _csv(*rows: dict[str, str]) -> io.StringIO:
    out = io.StringIO()
    writer = write_header(out)
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    out.seek(0)
    return out


def _row(**overrides: str) -> dict[str, str]:
    row = {
        "external_id": "KNPA-2026-000001",
        "received_at": "2026-03-02T10:15:00+09:00",
        "incident_date": "2026-03-01",
        "victim_country": "kr",
        "language": "ko",
        "scam_type": "impersonation_authority",
        "loss_amount": "3,500,000",
        "loss_currency": "krw",
        "narrative": "검찰 수사관이라며 010-1234-5678 번호로 전화가 왔습니다.",
        "phones": "010-1234-5678; +82 10 1234 5678",
        "urls": "hxxp://kbstar-secure[.]com/login?id=3",
        "wallets": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        "bank_accounts": "국민은행 123456-78-901234",
        "tlp": "TLP:AMBER",
    }
    row.update(overrides)
    return row


def _only(rows: list[ParsedRow]) -> ParsedRow:
    assert len(rows) == 1
    return rows[0]


def test_a_full_row_becomes_a_report_with_canonical_indicators() -> None:
    parsed = _only(list(read_reports(_csv(_row()), KNPA)))
    report = parsed.report
    assert report is not None
    assert parsed.problems == ()
    assert report.agency == "KNPA"
    assert report.received_at == datetime(2026, 3, 2, 1, 15, tzinfo=UTC)
    assert report.victim_country == "KR"
    assert report.scam_type is ScamType.IMPERSONATION_AUTHORITY
    assert report.loss_amount == Decimal("3500000")
    assert report.loss_currency == "KRW"
    assert report.tlp is Tlp.AMBER
    keys = {(s.indicator.type, s.indicator.value): s.role for s in report.sightings}
    # Two spellings of one number are one sighting.
    assert keys[(IndicatorType.PHONE, "+821012345678")] is SightingRole.CONTACT_PHONE
    assert sum(t is IndicatorType.PHONE for t, _ in keys) == 1
    assert keys[(IndicatorType.URL, "http://kbstar-secure.com/login?id=3")] is (
        SightingRole.PHISHING_LINK
    )
    assert (IndicatorType.DOMAIN, "kbstar-secure.com") in keys
    assert keys[(IndicatorType.TRON, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")] is (
        SightingRole.PAYMENT_WALLET
    )
    assert keys[(IndicatorType.BANK_ACCOUNT, "KR:KB:12345678901234")] is (
        SightingRole.PAYEE_ACCOUNT
    )


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("received_at", "yesterday", "ISO 8601"),
        ("victim_country", "Korea", "alpha-2"),
        ("scam_type", "lottery", "unknown scam type"),
        ("tlp", "ORANGE", "unknown TLP"),
        ("loss_amount", "-5", "non-negative"),
        ("external_id", "", "empty"),
        ("incident_date", "03/01/2026", "ISO 8601 date"),
    ],
)
def test_a_bad_field_rejects_the_row_naming_line_and_column(
    column: str, value: str, reason: str
) -> None:
    parsed = list(read_reports(_csv(_row(), _row(**{column: value})), KNPA))
    assert parsed[0].report is not None
    bad = parsed[1]
    assert bad.report is None
    assert bad.line == 3
    assert [p.column for p in bad.problems] == [column]
    assert reason in str(bad.problems[0])
    assert str(bad.problems[0]).startswith(f"line 3, column {column}:")


@pytest.mark.parametrize("currency", ["", "XYZ", "WON"])
def test_an_amount_needs_a_known_currency(currency: str) -> None:
    parsed = _only(list(read_reports(_csv(_row(loss_currency=currency)), KNPA)))
    assert parsed.report is None
    assert parsed.problems[0].column == "loss_currency"


@pytest.mark.parametrize("currency", ["usdt", "KHR", "LAK", "MMK", "BND"])
def test_crypto_tickers_and_the_region_currencies_are_accepted(currency: str) -> None:
    parsed = _only(list(read_reports(_csv(_row(loss_currency=currency)), KNPA)))
    assert parsed.report is not None
    assert parsed.report.loss_currency == currency.upper()


def test_an_invalid_indicator_value_is_left_out_and_named() -> None:
    bad_wallet = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u"  # last character changed
    parsed = _only(list(read_reports(_csv(_row(wallets=bad_wallet, phones="112")), KNPA)))
    assert parsed.report is not None
    assert {p.column for p in parsed.problems} == {"wallets", "phones"}
    types = {s.indicator.type for s in parsed.report.sightings}
    assert IndicatorType.TRON not in types
    assert IndicatorType.PHONE not in types


def test_missing_required_columns_fail_on_the_header() -> None:
    with pytest.raises(HeaderError, match="line 1: missing column\\(s\\) scam_type, tlp"):
        list(read_reports(io.StringIO("external_id,received_at,victim_country\n"), KNPA))


def test_a_local_number_takes_the_agency_country() -> None:
    rtp = agency_by_code("RTP")
    parsed = _only(list(read_reports(_csv(_row(phones="081-234-5678")), rtp)))
    assert parsed.report is not None
    phones = [s.indicator.value for s in parsed.report.sightings if s.indicator.type == "phone"]
    assert phones == ["+66812345678"]


def _with_releases(*rows: dict[str, str]) -> io.StringIO:
    columns = (*COLUMNS, "release_to")
    out = io.StringIO()
    out.write(",".join(columns) + "\n")
    for row in rows:
        out.write(",".join(f'"{row.get(c, "")}"' for c in columns) + "\n")
    out.seek(0)
    return out


DIRECTORY = ReleaseDirectory(
    agencies=frozenset({"KNPA", "CNP", "RTP", "KDESK"}),
    groups={"kr-kh desk": "kr-kh-desk", "kr-kh-desk": "kr-kh-desk"},
)


def test_release_to_names_agencies_and_groups_of_an_amber_report() -> None:
    source = _with_releases(_row(release_to="rtp; KR-KH desk ;CNP"))
    parsed = _only(list(read_reports(source, KNPA, DIRECTORY)))
    assert parsed.report is not None
    assert parsed.report.releases == Releases(frozenset({"RTP", "CNP"}), frozenset({"kr-kh-desk"}))


@pytest.mark.parametrize(
    ("tlp", "release_to", "reason"),
    [
        ("AMBER", "RTP;Interpol", "unknown agency or sharing group 'Interpol'"),
        ("GREEN", "RTP", "releases apply to AMBER reports only, not GREEN"),
        ("AMBER+STRICT", "kr-kh-desk", "releases apply to AMBER reports only, not AMBER+STRICT"),
    ],
)
def test_a_bad_release_rejects_the_row_with_line_and_column(
    tlp: str, release_to: str, reason: str
) -> None:
    source = _with_releases(_row(tlp=tlp, release_to=release_to))
    parsed = _only(list(read_reports(source, KNPA, DIRECTORY)))
    assert parsed.report is None
    assert [str(p) for p in parsed.problems] == [f"line 2, column release_to: {reason}"]


def test_without_a_directory_every_release_is_unknown_and_none_is_fine() -> None:
    rejected = _only(list(read_reports(_with_releases(_row(release_to="RTP")), KNPA)))
    assert rejected.report is None
    kept = _only(list(read_reports(_with_releases(_row(release_to=" ")), KNPA)))
    assert kept.report is not None
    assert kept.report.releases == NO_RELEASES


def test_the_written_header_has_no_release_column() -> None:
    assert "release_to" not in COLUMNS


def _with_recipients(*rows: dict[str, str]) -> io.StringIO:
    columns = (*COLUMNS, "recipients")
    out = io.StringIO()
    out.write(",".join(columns) + "\n")
    for row in rows:
        out.write(",".join(f'"{row.get(c, "")}"' for c in columns) + "\n")
    out.seek(0)
    return out


PEOPLE = ReleaseDirectory(people={"kim@knpa.test": 7, "som@rtp.test": 9})


def test_recipients_name_the_people_of_a_red_report_by_e_mail() -> None:
    source = _with_recipients(_row(tlp="RED", recipients=" Kim@KNPA.test ;som@rtp.test;"))
    parsed = _only(list(read_reports(source, KNPA, PEOPLE)))
    assert parsed.report is not None
    assert parsed.report.recipients == frozenset({7, 9})
    assert parsed.report.releases == NO_RELEASES


@pytest.mark.parametrize(
    ("tlp", "recipients", "reason"),
    [
        ("RED", "kim@knpa.test;ghost@knpa.test", "no user with e-mail 'ghost@knpa.test'"),
        ("AMBER", "kim@knpa.test", "recipients apply to RED reports only, not AMBER"),
        ("CLEAR", "kim@knpa.test", "recipients apply to RED reports only, not CLEAR"),
    ],
)
def test_a_bad_recipient_rejects_the_row_with_line_and_column(
    tlp: str, recipients: str, reason: str
) -> None:
    source = _with_recipients(_row(), _row(external_id="X-2", tlp=tlp, recipients=recipients))
    first, second = list(read_reports(source, KNPA, PEOPLE))
    assert first.report is not None
    assert first.report.recipients == frozenset()
    assert second.report is None
    assert [str(p) for p in second.problems] == [f"line 3, column recipients: {reason}"]


def test_without_a_directory_every_recipient_is_unknown() -> None:
    source = _with_recipients(_row(tlp="RED", recipients="kim@knpa.test"))
    assert _only(list(read_reports(source, KNPA))).report is None


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example/","click")',
        "+82 10 1234 5678",
        "-5 and counting",
        "@SUM(A1)",
        "\tindented",
        "'=already escaped once",
        "''=twice",
        "'plain apostrophe",
        "plain",
    ],
)
def test_formula_like_values_are_escaped_on_export_and_read_back_as_they_were(value: str) -> None:
    out = io.StringIO()
    write_header(out).writerow({c: _row(narrative=value).get(c, "") for c in COLUMNS})
    written = out.getvalue().splitlines()[1]
    if value[0] in "=+-@\t" or value.startswith(("'=", "''")):
        assert f"'{value[:3]}" in written  # a spreadsheet shows it, never evaluates it
    out.seek(0)
    parsed = _only(list(read_reports(out, KNPA)))
    assert parsed.report is not None
    assert parsed.report.narrative == value


def test_html_in_a_narrative_is_stored_verbatim() -> None:
    narrative = '<img src=x onerror="alert(1)"> 송금했습니다'
    parsed = _only(list(read_reports(_csv(_row(narrative=narrative)), KNPA)))
    assert parsed.report is not None
    assert parsed.report.narrative == narrative


def test_an_unknown_column_stops_the_file_instead_of_being_dropped() -> None:
    header = ",".join(COLUMNS) + ",phone\n"
    with pytest.raises(HeaderError, match="line 1: unknown column\\(s\\) 'phone'"):
        list(read_reports(io.StringIO(header), KNPA))


def test_a_row_with_more_cells_than_columns_is_rejected_and_blank_lines_skipped() -> None:
    source = _csv(_row(), _row(external_id="K-2"))
    lines = source.getvalue().splitlines(keepends=True)
    text = lines[0] + lines[1] + "\n" + lines[2].rstrip("\n") + ",extra\n"
    first, second = list(read_reports(io.StringIO(text), KNPA))
    assert first.report is not None
    assert second.report is None
    assert str(second.problems[0]) == "line 4: 17 cells in a row of 16 columns"


def test_a_row_is_numbered_by_the_line_it_starts_on() -> None:
    source = _csv(_row(narrative="first line\nsecond line"), _row(external_id="K-2", tlp="X"))
    good, bad = list(read_reports(source, KNPA))
    assert (good.line, bad.line) == (2, 4)


def test_values_longer_than_the_store_holds_are_named() -> None:
    parsed = _only(list(read_reports(_csv(_row(external_id="K" * 101)), KNPA)))
    assert str(parsed.problems[0]) == "line 2, column external_id: longer than 100 characters"
    long_url = "http://kbstar-secure.com/" + "a" * 2100
    kept = _only(list(read_reports(_csv(_row(urls=long_url)), KNPA)))
    assert kept.report is not None
    assert [str(p) for p in kept.problems] == ["line 2, column urls: longer than 2048 characters"]


def test_a_nul_character_rejects_the_row_naming_the_column() -> None:
    parsed = _only(list(read_reports(_csv(_row(narrative="before\x00after")), KNPA)))
    assert parsed.report is None
    assert str(parsed.problems[0]) == "line 2, column narrative: holds a NUL character"


def test_a_long_narrative_is_read_and_a_runaway_cell_is_named_not_raised() -> None:
    chat_log = "그 사람이 말했습니다. " * 20_000  # about 260,000 characters
    parsed = _only(list(read_reports(_csv(_row(narrative=chat_log)), KNPA)))
    assert parsed.report is not None
    assert parsed.report.narrative == chat_log
    header = ",".join(COLUMNS) + "\n"
    runaway = 'K-1,"' + "x" * (17 << 20) + '"\n'
    (bad,) = list(read_reports(io.StringIO(header + runaway), KNPA))
    assert bad.report is None
    assert str(bad.problems[0]).startswith("line 2: not valid CSV (field larger than field limit")
