"""The public bulk-import format for reports: CSV, one row per report.

Multi-valued indicator columns hold several values separated by `;`. The same module writes the
format (the demo world) and reads it (bulk import), so the two cannot drift apart.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TextIO

from babel.numbers import list_currencies

from scamlink.indicators import FieldKind, InvalidIndicator, parse_field
from scamlink.reports.model import Report, ScamType, Sighting, SightingRole
from scamlink.sharing.agencies import Agency
from scamlink.sharing.groups import ReleaseDirectory
from scamlink.sharing.policy import NO_RELEASES, Releases
from scamlink.sharing.tlp import Tlp

COLUMNS: tuple[str, ...] = (
    "external_id",
    "received_at",
    "incident_date",
    "victim_country",
    "language",
    "scam_type",
    "loss_amount",
    "loss_currency",
    "narrative",
    "phones",
    "urls",
    "emails",
    "wallets",
    "bank_accounts",
    "handles",
    "tlp",
)

INDICATOR_COLUMNS: dict[str, tuple[FieldKind, SightingRole]] = {
    "phones": ("phones", SightingRole.CONTACT_PHONE),
    "urls": ("urls", SightingRole.PHISHING_LINK),
    "emails": ("emails", SightingRole.CONTACT_EMAIL),
    "wallets": ("wallets", SightingRole.PAYMENT_WALLET),
    "bank_accounts": ("bank_accounts", SightingRole.PAYEE_ACCOUNT),
    "handles": ("handles", SightingRole.CONTACT_HANDLE),
}

VALUE_SEPARATOR = ";"
# Victims lose stablecoins and coins too; these tickers stand beside ISO 4217's codes.
CRYPTO_CURRENCIES = frozenset({"USDT", "USDC", "BTC", "ETH", "TRX"})
CURRENCIES = frozenset(list_currencies()) | CRYPTO_CURRENCIES
REQUIRED = ("external_id", "received_at", "victim_country", "scam_type", "tlp")
# Read when present, never written by `write_header` (files without it stay byte-identical).
RELEASE_COLUMN = "release_to"  # AMBER only: `;`-separated agency codes or sharing group names
RECIPIENTS_COLUMN = "recipients"  # RED only: `;`-separated e-mails of users


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Something wrong at one place of the file: 1-based line, column name, what."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int
    report: Report | None  # None when the row is rejected
    problems: tuple[FieldProblem, ...]  # why rejected, or indicator values left out


class HeaderError(ValueError):
    pass


def write_header(out: TextIO) -> csv.DictWriter[str]:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    return writer


def read_reports(
    stream: TextIO, agency: Agency, directory: ReleaseDirectory | None = None
) -> Iterator[ParsedRow]:
    """Parse rows one at a time (bounded memory); bad rows come back with their problems.

    `directory` holds the agencies and sharing groups a `release_to` cell may name, and the
    users a `recipients` cell may name; without one, any release or recipient is rejected as
    unknown.
    """
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise HeaderError(f"line 1: missing column(s) {', '.join(missing)}")
    for row in reader:
        yield _parse_row(reader.line_num, row, agency, directory or ReleaseDirectory())


def _parse_row(
    line: int, row: dict[str, str | None], agency: Agency, directory: ReleaseDirectory
) -> ParsedRow:
    problems: list[FieldProblem] = []

    def text(column: str) -> str:
        return (row.get(column) or "").strip()

    def fail(column: str, reason: str) -> None:
        problems.append(FieldProblem(line, column, reason))

    external_id = text("external_id")
    if not external_id:
        fail("external_id", "empty")
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
    releases = _parse_releases(text(RELEASE_COLUMN), tlp, directory, fail)
    recipients = _parse_recipients(text(RECIPIENTS_COLUMN), tlp, directory, fail)
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
        for raw in _split_values(text(column)):
            try:
                found = parse_field(kind, raw, agency.country)
            except InvalidIndicator as exc:
                dropped.append(FieldProblem(line, column, f"{raw!r}: {exc}"))
                continue
            for indicator in found:
                key = (indicator.type.value, indicator.value)
                if key not in seen:
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
        language=text("language").lower() or "und",
        scam_type=scam_type,
        loss_amount=loss_amount,
        loss_currency=loss_currency if loss_amount is not None else None,
        narrative=row.get("narrative") or "",
        tlp=tlp,
        sightings=tuple(sightings),
        releases=releases,
        recipients=recipients,
    )
    return ParsedRow(line, report, tuple(dropped))


def _parse_releases(
    cell: str, tlp: Tlp | None, directory: ReleaseDirectory, fail: Callable[[str, str], None]
) -> Releases:
    names = list(_split_values(cell))
    if not names:
        return NO_RELEASES
    if tlp is not Tlp.AMBER:
        if tlp is not None:
            fail(RELEASE_COLUMN, f"releases apply to AMBER reports only, not {tlp.value}")
        return NO_RELEASES
    agencies: set[str] = set()
    groups: set[str] = set()
    for name in names:
        found = directory.resolve(name)
        if found is None:
            fail(RELEASE_COLUMN, f"unknown agency or sharing group {name!r}")
        elif found[0] == "agency":
            agencies.add(found[1])
        else:
            groups.add(found[1])
    return Releases(frozenset(agencies), frozenset(groups))


def _parse_recipients(
    cell: str, tlp: Tlp | None, directory: ReleaseDirectory, fail: Callable[[str, str], None]
) -> frozenset[int]:
    emails = list(_split_values(cell))
    if not emails:
        return frozenset()
    if tlp is not Tlp.RED:
        if tlp is not None:
            fail(RECIPIENTS_COLUMN, f"recipients apply to RED reports only, not {tlp.value}")
        return frozenset()
    people: set[int] = set()
    for email in emails:
        user_id = directory.person(email)
        if user_id is None:
            fail(RECIPIENTS_COLUMN, f"no user with e-mail {email.lower()!r}")
        else:
            people.add(user_id)
    return frozenset(people)


def _split_values(cell: str) -> Iterable[str]:
    return (v.strip() for v in cell.split(VALUE_SEPARATOR) if v.strip())


def _parse_datetime(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    # Stored in UTC: SQLite keeps no offset, so every backend must get the same instant.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
