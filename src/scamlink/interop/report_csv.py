"""The public bulk-import format for reports: CSV, one row per report.

Multi-valued indicator columns hold several values separated by `;`. The same module writes the
format (the demo world, exports) and reads it (bulk import), so the two cannot drift apart; the
XLSX and JSON Lines readers hand their rows to `parse_row`, so validation exists once.

Cells are data, never formulas: a value starting with `=`, `+`, `-`, `@`, tab or carriage
return is stored as the text it is, and written back with a leading `'` so that a spreadsheet
opening the export shows it instead of evaluating it (reading the file again removes that `'`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TextIO

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
# The widths of the store's columns: a longer value is refused here, with its place, instead
# of failing the whole batch in the database.
MAX_EXTERNAL_ID = 100
MAX_LANGUAGE = 12
MAX_INDICATOR = 2048
NUL = "\x00"
MAX_CELL = 16 << 20  # characters in one CSV cell: a long chat log fits, a runaway quote stops
KNOWN_COLUMNS = frozenset((*COLUMNS, RELEASE_COLUMN, RECIPIENTS_COLUMN))
LIST_COLUMNS = frozenset((*INDICATOR_COLUMNS, RELEASE_COLUMN, RECIPIENTS_COLUMN))
# What spreadsheets take for the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

# One cell as a reader found it: text, several values (JSON arrays), or nothing.
Cell = str | list[str] | None


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Something wrong at one place of the file: 1-based line, column name, what."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        if not self.column:  # the whole line, e.g. not JSON at all
            return f"line {self.line}: {self.reason}"
        return f"line {self.line}, column {self.column}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int
    report: Report | None  # None when the row is rejected
    problems: tuple[FieldProblem, ...]  # why rejected, or indicator values left out


class HeaderError(ValueError):
    pass


if TYPE_CHECKING:
    _DictWriter = csv.DictWriter[str]
else:  # not subscriptable at run time before Python 3.12
    _DictWriter = csv.DictWriter


class EscapingWriter(_DictWriter):
    """Writes rows with every formula-like value escaped (see the module's docstring)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: escape_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def write_header(out: TextIO) -> csv.DictWriter[str]:
    writer = EscapingWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    return writer


def escape_cell(value: object) -> object:
    """`=1+1` → `'=1+1`; a value already starting with `'` and a formula start gets one more."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or _escaped(value) or value.startswith(ESCAPE * 2):
        return ESCAPE + value
    return value


def unescape_cell(value: str) -> str:
    """The inverse of `escape_cell`: drop the `'` it added, nothing else."""
    if _escaped(value) or value.startswith(ESCAPE * 2):
        return value[1:]
    return value


def _escaped(value: str) -> bool:
    return value.startswith(ESCAPE) and value[1:].startswith(FORMULA_STARTS)


def check_header(header: Sequence[str]) -> None:
    """Refuse a header missing a required column, or naming one this format does not have.

    An unknown column would be dropped without a word (a `phone` column for `phones`), so it
    stops the import instead.
    """
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise HeaderError(f"line 1: missing column(s) {', '.join(missing)}")
    unknown = [c for c in header if c not in KNOWN_COLUMNS]
    if unknown:
        raise HeaderError(
            f"line 1: unknown column(s) {', '.join(repr(c) for c in unknown)}; "
            f"the columns are {', '.join(COLUMNS)}, {RELEASE_COLUMN}, {RECIPIENTS_COLUMN}"
        )
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise HeaderError(f"line 1: column(s) named twice: {', '.join(repeated)}")


def read_reports(
    stream: Iterable[str],
    agency: Agency,
    directory: ReleaseDirectory | None = None,
    owned: Callable[[int], bool] | None = None,
) -> Iterator[ParsedRow]:
    """Parse rows one at a time (bounded memory); bad rows come back with their problems.

    `directory` holds the agencies and sharing groups a `release_to` cell may name, and the
    users a `recipients` cell may name; without one, any release or recipient is rejected as
    unknown. `owned`, given each row's ordinal (0, 1, … over the rows that are not blank),
    says whether to parse it here: several processes can read one file and each parse a share
    of its rows (the others are read and skipped, nothing yielded).
    """
    # Chat exports pasted into a narrative outgrow the csv module's 128 KiB default.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    reader = csv.reader(stream)
    try:
        header = [c.strip() for c in next(reader, [])]
    except csv.Error as exc:
        raise HeaderError(f"line 1: not valid CSV ({exc})") from None
    check_header(header)
    directory = directory or ReleaseDirectory()
    width = len(header)
    start = reader.line_num + 1
    ordinal = -1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # the reader starts afresh on the next line
            line, start = start, reader.line_num + 1
            ordinal += 1
            if owned is None or owned(ordinal):
                problem = FieldProblem(line, "", f"not valid CSV ({exc})")
                yield ParsedRow(line, None, (problem,))
            continue
        line, start = start, reader.line_num + 1  # a quoted cell may span lines
        if not any(cells):
            continue  # a blank line (spreadsheets leave them at the end)
        ordinal += 1
        if owned is not None and not owned(ordinal):
            continue
        if len(cells) > width:
            extra = FieldProblem(line, "", f"{len(cells)} cells in a row of {width} columns")
            yield ParsedRow(line, None, (extra,))
            continue
        row = dict(zip(header, cells, strict=False))
        # Only a cell starting with `'` can be escaped, and only a row holding a NUL needs
        # each cell looked at for one: searches of the joined row spare a look at every cell
        # of the many rows without either.
        joined = "\n" + "\n".join(cells)
        if "\n" + ESCAPE in joined:
            row = {name: unescape_cell(cell) for name, cell in row.items()}
        yield parse_row(line, row, agency, directory, text_only=NUL not in joined)


def parse_fields(
    row: Mapping[str, str | None], agency: Agency, directory: ReleaseDirectory, line: int = 0
) -> ParsedRow:
    """One report from named text fields: the row rules for a report sent one by one (the API
    and the web form), so both channels check dates, countries, currencies and TLP alike."""
    return parse_row(line, row, agency, directory)


def parse_row(
    line: int,
    row: Mapping[str, Cell],
    agency: Agency,
    directory: ReleaseDirectory,
    *,
    text_only: bool = False,
) -> ParsedRow:
    """One row of any reader (CSV, XLSX, JSON Lines) as a report, or why it is rejected.

    `line` is where the row starts in its file, as the person who made the file sees it.
    `text_only`: the caller knows every cell is text (or None) without a NUL character, so
    the cells are not looked at one by one for a list or a NUL.
    """
    problems: list[FieldProblem] = []

    def fail(column: str, reason: str) -> None:
        problems.append(FieldProblem(line, column, reason))

    get = row.get
    for column, value in () if text_only else row.items():
        if not value:
            continue
        if isinstance(value, list):
            if column not in LIST_COLUMNS:
                fail(column, "one value expected, got a list")
            elif any(NUL in v for v in value):
                fail(column, "holds a NUL character")
        elif NUL in value:  # text never holds one; PostgreSQL refuses it
            fail(column, "holds a NUL character")

    external_id = _text(get("external_id"))
    if not external_id:
        fail("external_id", "empty")
    elif len(external_id) > MAX_EXTERNAL_ID:
        fail("external_id", f"longer than {MAX_EXTERNAL_ID} characters")
    language_text = _text(get("language"))
    language = language_text.lower() or "und"
    if len(language) > MAX_LANGUAGE:
        fail("language", f"not a language tag: {language_text!r}")
    received_text = _text(get("received_at"))
    received_at = _parse_datetime(received_text)
    if received_at is None:
        fail("received_at", f"not an ISO 8601 date-time: {received_text!r}")
    incident_date: date | None = None
    incident_text = _text(get("incident_date"))
    if incident_text:
        try:
            incident_date = date.fromisoformat(incident_text)
        except ValueError:
            fail("incident_date", f"not an ISO 8601 date: {incident_text!r}")
    country_text = _text(get("victim_country"))
    victim_country = country_text.upper()
    if len(victim_country) != 2 or not victim_country.isascii() or not victim_country.isalpha():
        fail("victim_country", f"not an ISO 3166 alpha-2 code: {country_text!r}")
    scam_text = _text(get("scam_type"))
    scam_type = _SCAM_TYPES.get(scam_text.lower())
    if scam_type is None:
        fail("scam_type", f"unknown scam type {scam_text!r}")
    tlp = _tlp(_text(get("tlp")), fail)
    releases = NO_RELEASES
    if get(RELEASE_COLUMN):
        releases = _parse_releases(_values(get(RELEASE_COLUMN)), tlp, directory, fail)
    recipients: frozenset[int] = frozenset()
    if get(RECIPIENTS_COLUMN):
        recipients = _parse_recipients(_values(get(RECIPIENTS_COLUMN)), tlp, directory, fail)
    loss_amount: Decimal | None = None
    loss_currency = _text(get("loss_currency")).upper() or None
    amount_text = _text(get("loss_amount"))
    if amount_text:
        try:
            loss_amount = Decimal(amount_text.replace(",", ""))
            if loss_amount < 0 or not loss_amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            fail("loss_amount", f"not a non-negative decimal: {amount_text!r}")
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
    country = agency.country
    for column in INDICATOR_COLUMNS:
        cell = get(column)
        if not cell:
            continue
        for raw in _values(cell):
            outcome = _FIELD_MEMO.get((column, raw, country))
            if outcome is None:
                outcome = _field_outcome(column, raw, country)
            if isinstance(outcome, str):
                dropped.append(FieldProblem(line, column, f"{raw!r}: {outcome}"))
                continue
            for key, sighting in outcome:
                if sighting is None:
                    dropped.append(
                        FieldProblem(line, column, f"longer than {MAX_INDICATOR} characters")
                    )
                elif key not in seen:
                    seen.add(key)
                    sightings.append(sighting)
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
        narrative=_narrative(get("narrative")),
        tlp=tlp,
        sightings=tuple(sightings),
        releases=releases,
        recipients=recipients,
    )
    return ParsedRow(line, report, tuple(dropped))


def _text(value: Cell) -> str:
    if not value or isinstance(value, list):
        return ""  # a list is refused by the row's first check, once
    return value.strip()


def _values(value: Cell) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [v.strip() for v in value if v.strip()]
    if VALUE_SEPARATOR not in value:
        one = value.strip()
        return [one] if one else []
    return [v for v in map(str.strip, value.split(VALUE_SEPARATOR)) if v]


_SCAM_TYPES: dict[str, ScamType] = {t.value: t for t in ScamType}
_TLPS: dict[str, Tlp] = {}  # marking as written → marking (accepted ones only: few)
_TLP_MEMO_MAX = 1024


def _tlp(text: str, fail: Callable[[str, str], None]) -> Tlp | None:
    tlp = _TLPS.get(text)
    if tlp is not None:
        return tlp
    try:
        tlp = Tlp.parse(text)
    except ValueError as exc:
        fail("tlp", str(exc))
        return None
    if len(_TLPS) < _TLP_MEMO_MAX:
        _TLPS[text] = tlp
    return tlp


# What one value of an indicator column gives, remembered per (column, value, country): its
# sightings with their (type, value) keys (None where an indicator is too long to store), or
# why it was left out. A bulk file repeats the values that link reports, so most values are
# met again; the entries are immutable and shared between reports. Cleared when full, so
# memory stays bounded.
FieldOutcome = tuple[tuple[tuple[str, str], Sighting | None], ...] | str
_FIELD_MEMO: dict[tuple[str, str, str], FieldOutcome] = {}
_FIELD_MEMO_MAX = 1 << 16  # about 20 MB; `parse_field` keeps its own memory behind it


def _field_outcome(column: str, raw: str, country: str) -> FieldOutcome:
    kind, role = INDICATOR_COLUMNS[column]
    try:
        found = parse_field(kind, raw, country)
    except InvalidIndicator as exc:
        outcome: FieldOutcome = str(exc)
    else:
        outcome = tuple(
            (
                (indicator.type.value, indicator.value),
                None
                if len(indicator.value) > MAX_INDICATOR or len(indicator.display) > MAX_INDICATOR
                else Sighting(indicator, role),
            )
            for indicator in found
        )
    if len(_FIELD_MEMO) >= _FIELD_MEMO_MAX:
        _FIELD_MEMO.clear()
    _FIELD_MEMO[(column, raw, country)] = outcome
    return outcome


def _narrative(value: Cell) -> str:
    # Stored verbatim, markup included: escaping for display is the pages' job.
    return value if isinstance(value, str) else ""


def _parse_releases(
    names: list[str], tlp: Tlp | None, directory: ReleaseDirectory, fail: Callable[[str, str], None]
) -> Releases:
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
    emails: list[str],
    tlp: Tlp | None,
    directory: ReleaseDirectory,
    fail: Callable[[str, str], None],
) -> frozenset[int]:
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
