"""The fast row rules and packing of the bulk import give exactly what the plain ones gave.

`parse_row` remembers each indicator cell's outcome per (column, value, country) and reads
the row's cells once; `pack` reads the enums' values directly. The plain versions they
replaced are kept below, word for word, as the reference: every row of a default and a noisy
world, and rows made to break each rule, must come out equal (reports, sightings in order,
problems and their words), with the memory empty and full.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from scamlink.demo import generate
from scamlink.indicators import InvalidIndicator, parse_field
from scamlink.interop import report_csv
from scamlink.interop.report_csv import (
    CRYPTO_CURRENCIES,
    CURRENCIES,
    INDICATOR_COLUMNS,
    LIST_COLUMNS,
    MAX_EXTERNAL_ID,
    MAX_INDICATOR,
    MAX_LANGUAGE,
    NUL,
    RECIPIENTS_COLUMN,
    RELEASE_COLUMN,
    VALUE_SEPARATOR,
    Cell,
    FieldProblem,
    ParsedRow,
    _parse_datetime,
    _parse_recipients,
    _parse_releases,
    parse_row,
)
from scamlink.reports.model import Report, ReportSource, ScamType, Sighting
from scamlink.reports.narrative import mentioned_values, with_narrative_sightings
from scamlink.sharing.agencies import Agency, agency_by_code
from scamlink.sharing.groups import ReleaseDirectory
from scamlink.sharing.tlp import Tlp
from scamlink.store.reports import PackedBatch, Packer, ReportRow, SightingRow, pack


def reference_parse_row(
    line: int, row: Mapping[str, Cell], agency: Agency, directory: ReleaseDirectory
) -> ParsedRow:
    """`parse_row` as it was before the memory of cell outcomes (2026-11-29)."""
    problems: list[FieldProblem] = []

    def fail(column: str, reason: str) -> None:
        problems.append(FieldProblem(line, column, reason))

    def text(column: str) -> str:
        value = row.get(column)
        if not value or isinstance(value, list):
            return ""
        return value.strip()

    def values(column: str) -> list[str]:
        value = row.get(column)
        if not value:
            return []
        if isinstance(value, list):
            return [v.strip() for v in value if v.strip()]
        return [v for v in (v.strip() for v in value.split(VALUE_SEPARATOR)) if v]

    for column, value in row.items():
        if not value:
            continue
        if isinstance(value, list):
            if column not in LIST_COLUMNS:
                fail(column, "one value expected, got a list")
            elif any(NUL in v for v in value):
                fail(column, "holds a NUL character")
        elif NUL in value:
            fail(column, "holds a NUL character")

    external_id = text("external_id")
    if not external_id:
        fail("external_id", "empty")
    elif len(external_id) > MAX_EXTERNAL_ID:
        fail("external_id", f"longer than {MAX_EXTERNAL_ID} characters")
    language = text("language").lower() or "und"
    if len(language) > MAX_LANGUAGE:
        fail("language", f"not a language tag: {text('language')!r}")
    received_at = _parse_datetime(text("received_at"))
    if received_at is None:
        fail("received_at", f"not an ISO 8601 date-time: {text('received_at')!r}")
    incident_date: date | None = None
    if text("incident_date"):
        try:
            incident_date = date.fromisoformat(text("incident_date"))
        except ValueError:
            fail("incident_date", f"not an ISO 8601 date: {text('incident_date')!r}")
    victim_country = text("victim_country").upper()
    if len(victim_country) != 2 or not victim_country.isascii() or not victim_country.isalpha():
        fail("victim_country", f"not an ISO 3166 alpha-2 code: {text('victim_country')!r}")
    scam_type: ScamType | None = None
    try:
        scam_type = ScamType(text("scam_type").lower())
    except ValueError:
        fail("scam_type", f"unknown scam type {text('scam_type')!r}")
    tlp: Tlp | None = None
    try:
        tlp = Tlp.parse(text("tlp"))
    except ValueError as exc:
        fail("tlp", str(exc))
    releases = _parse_releases(values(RELEASE_COLUMN), tlp, directory, fail)
    recipients = _parse_recipients(values(RECIPIENTS_COLUMN), tlp, directory, fail)
    loss_amount: Decimal | None = None
    loss_currency = text("loss_currency").upper() or None
    if text("loss_amount"):
        try:
            loss_amount = Decimal(text("loss_amount").replace(",", ""))
            if loss_amount < 0 or not loss_amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            fail("loss_amount", f"not a non-negative decimal: {text('loss_amount')!r}")
        if loss_currency not in CURRENCIES:
            fail(
                "loss_currency",
                f"an amount needs an ISO 4217 code or one of {', '.join(sorted(CRYPTO_CURRENCIES))}"
                f", got {loss_currency!r}",
            )
    if problems:
        return ParsedRow(line, None, tuple(problems))

    sightings: list[Sighting] = []
    seen: set[tuple[str, str]] = set()
    dropped: list[FieldProblem] = []
    for column, (kind, role) in INDICATOR_COLUMNS.items():
        for raw in values(column):
            try:
                found = parse_field(kind, raw, agency.country)
            except InvalidIndicator as exc:
                dropped.append(FieldProblem(line, column, f"{raw!r}: {exc}"))
                continue
            for indicator in found:
                key = (indicator.type.value, indicator.value)
                if len(indicator.value) > MAX_INDICATOR or len(indicator.display) > MAX_INDICATOR:
                    dropped.append(
                        FieldProblem(line, column, f"longer than {MAX_INDICATOR} characters")
                    )
                elif key not in seen:
                    seen.add(key)
                    sightings.append(Sighting(indicator, role))
    assert received_at is not None
    assert scam_type is not None
    assert tlp is not None
    report = Report(
        agency=agency.code,
        external_id=external_id,
        received_at=received_at,
        incident_date=incident_date,
        victim_country=victim_country,
        language=language,
        scam_type=scam_type,
        loss_amount=loss_amount,
        loss_currency=loss_currency if loss_amount is not None else None,
        narrative=row.get("narrative") if isinstance(row.get("narrative"), str) else "",  # type: ignore[arg-type]
        tlp=tlp,
        sightings=tuple(sightings),
        releases=releases,
        recipients=recipients,
    )
    return ParsedRow(line, report, tuple(dropped))


def reference_pack(batch: Sequence[Report]) -> PackedBatch:
    """`pack` as it was (enum values read through `.value`)."""
    rows: list[ReportRow] = []
    sighting_rows: list[SightingRow] = []
    releases: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []
    recipients: list[tuple[int, tuple[int, ...]]] = []
    seen: set[tuple[str, str]] = set()
    for r in batch:
        key = (r.agency, r.external_id)
        if key in seen:
            continue
        seen.add(key)
        index = len(rows)
        rows.append(
            (
                r.agency,
                r.external_id,
                r.received_at,
                r.incident_date,
                r.victim_country,
                r.language,
                r.scam_type.value,
                r.loss_amount,
                r.loss_currency,
                r.narrative,
                r.tlp.value,
                r.source.value,
                r.review_status.value,
            )
        )
        for s in r.sightings:
            i = s.indicator
            sighting_rows.append((index, i.type.value, i.value, i.display, s.role.value))
        if r.releases:
            releases.append(
                (index, tuple(sorted(r.releases.agencies)), tuple(sorted(r.releases.groups)))
            )
        if r.recipients:
            recipients.append((index, tuple(sorted(r.recipients))))
    return PackedBatch(rows, sighting_rows, releases, recipients, len(batch))


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, row


def _world_rows(folder: Path) -> Iterator[tuple[Agency, int, dict[str, str]]]:
    for path in sorted(folder.glob("reports-*.csv")):
        agency = agency_by_code(path.stem.removeprefix("reports-"))
        for line, row in _rows(path):
            yield agency, line, row


def _same_everywhere(
    cases: list[tuple[Agency, int, Mapping[str, Cell]]], directory: ReleaseDirectory
) -> int:
    """Compares both ways twice (memory empty, then full); returns the reports compared."""
    reports = 0
    for _ in range(2):
        for agency, line, row in cases:
            ours = parse_row(line, row, agency, directory)
            assert ours == reference_parse_row(line, row, agency, directory), (line, row)
            reports += ours.report is not None
        report_csv._FIELD_MEMO.clear()
    return reports


@pytest.fixture(autouse=True)
def _empty_memory() -> Iterator[None]:
    report_csv._FIELD_MEMO.clear()
    yield
    report_csv._FIELD_MEMO.clear()


@pytest.mark.parametrize("profile", ["default", "noisy"])
def test_every_row_of_a_world_parses_as_before(tmp_path: Path, profile: str) -> None:
    generate(tmp_path, 1_500, seed=11, profile=profile)  # type: ignore[arg-type]
    cases: list[tuple[Agency, int, Mapping[str, Cell]]] = list(_world_rows(tmp_path))
    assert _same_everywhere(cases, ReleaseDirectory()) >= 2_000  # both passes


def test_packed_batches_are_as_before(tmp_path: Path) -> None:
    generate(tmp_path, 1_000, seed=12, profile="noisy")
    parsed = [
        parse_row(line, row, agency, ReleaseDirectory())
        for agency, line, row in _world_rows(tmp_path)
    ]
    reports = [p.report for p in parsed if p.report is not None]
    for start in range(0, len(reports), 250):
        batch = reports[start : start + 250] + reports[start : start + 3]  # repeats count
        assert pack(batch) == reference_pack(batch)


@pytest.mark.parametrize("source", [ReportSource.POLICE, ReportSource.PARTNER])
def test_narratives_packed_as_values_give_the_sightings_of_the_objects(
    tmp_path: Path, source: ReportSource
) -> None:
    # The bulk parser packs a narrative's indicators as plain values (`mentioned_values` into
    # a `Packer`); the other channels add them as objects (`with_narrative_sightings`).
    generate(tmp_path, 1_000, seed=13, profile="noisy")
    parsed = [
        (agency, parse_row(line, row, agency, ReleaseDirectory()).report)
        for agency, line, row in _world_rows(tmp_path)
    ]
    reports = [(agency, r) for agency, r in parsed if r is not None]
    mentioned = 0
    for start in range(0, len(reports), 250):
        batch = reports[start : start + 250] + reports[start : start + 3]  # repeats count
        packer = Packer()
        expected = []
        for agency, report in batch:
            values = mentioned_values(report.narrative, agency.country)
            mentioned += len(values)
            packer.add(report, values, None if source is ReportSource.POLICE else source.value)
            expected.append(
                replace(with_narrative_sightings(report, agency.country), source=source)
            )
        assert packer.packed() == reference_pack(expected)
    assert mentioned > 500


GOOD: dict[str, Cell] = {
    "external_id": "X-1",
    "received_at": "2026-10-31T16:48:07+09:00",
    "incident_date": "2026-10-30",
    "victim_country": "kr",
    "language": "KO",
    "scam_type": "Investment",
    "loss_amount": "1,200.50",
    "loss_currency": "krw",
    "narrative": "call 010-1234-5678 <b>now</b>",
    "phones": "010-1234-5678; +82 10 1234 5678;;010-9999",
    "urls": "hxxps://kbstar-secure[.]com/login?id=3 ; www.example.org",
    "emails": "help@kbstar-secure.com",
    "wallets": "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t;0xnothex",
    "bank_accounts": "국민은행 631943-07-060792",
    "handles": "텔레그램 @tasktan26; WhatsApp 010-2296-5963",
    "tlp": "tlp:amber",
}

BROKEN: list[dict[str, Cell]] = [
    {"external_id": ""},
    {"external_id": "x" * 101},
    {"language": "a-very-long-language-tag"},
    {"received_at": "yesterday"},
    {"received_at": ""},
    {"incident_date": "31/10/2026"},
    {"victim_country": "Korea"},
    {"victim_country": "K1"},
    {"scam_type": "unknown"},
    {"scam_type": ["investment"]},
    {"tlp": "purple"},
    {"tlp": "WHITE"},
    {"tlp": " TLP: AMBER+STRICT "},
    {"tlp": None},
    {"loss_amount": "-5"},
    {"loss_amount": "NaN"},
    {"loss_amount": "12", "loss_currency": "XXX1"},
    {"loss_amount": "12", "loss_currency": ""},
    {"loss_amount": "", "loss_currency": "usd"},
    {"narrative": "a\x00b"},
    {"narrative": ["a list"]},
    {"phones": ["010-1234-5678", " ", "+66 81 234 5678"]},
    {"phones": ["010-1234\x00-5678"]},
    {"urls": "http://" + "a" * 2100 + ".com"},
    {"urls": "https://x.com/" + "p" * 2100},
    {"release_to": "KNPA", "tlp": "GREEN"},
    {"release_to": "NOBODY"},
    {"recipients": "someone@example.org"},
    {"recipients": "someone@example.org", "tlp": "RED"},
    {"emails": "   ;  ; "},
    {"handles": 12},  # type: ignore[dict-item]  # a reader's odd value, refused alike
]


def test_rows_breaking_each_rule_are_refused_as_before() -> None:
    agency = agency_by_code("KNPA")
    cases: list[tuple[Agency, int, Mapping[str, Cell]]] = [(agency, 2, GOOD)]
    for number, change in enumerate(BROKEN, start=3):
        cases.append((agency, number, {**GOOD, **change}))
        cases.append((agency_by_code("RTP"), number, {**GOOD, **change}))
    for agency_, line, row in cases:
        try:
            expected: ParsedRow | type[BaseException] = reference_parse_row(
                line, row, agency_, ReleaseDirectory()
            )
        except Exception as exc:  # the same failure both ways
            expected = type(exc)
        for _ in range(2):
            try:
                ours: ParsedRow | type[BaseException] = parse_row(
                    line, row, agency_, ReleaseDirectory()
                )
            except Exception as exc:
                ours = type(exc)
            assert ours == expected, row
    assert isinstance(parse_row(2, GOOD, agency, ReleaseDirectory()).report, Report)


def test_the_memory_of_cell_outcomes_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_csv, "_FIELD_MEMO_MAX", 8)
    agency = agency_by_code("KNPA")
    for n in range(50):
        row = {**GOOD, "phones": f"010-1234-{n:04d}", "external_id": f"X-{n}"}
        assert parse_row(2, row, agency, ReleaseDirectory()) == reference_parse_row(
            2, row, agency, ReleaseDirectory()
        )
        assert len(report_csv._FIELD_MEMO) <= 8
