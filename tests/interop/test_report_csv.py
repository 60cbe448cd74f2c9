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
