"""Reports sent one at a time (the JSON API and the web form) turned into `Report`s.

A submission is a mapping of field name → value, as the API receives it in JSON and as the
form posts it. The row rules of the bulk-import CSV (`interop.report_csv.parse_fields`) check
dates, countries, scam types, currencies and TLP, so every channel accepts the same reports.
Here come in what only one-by-one intake has: values typed as JSON (numbers, lists), a
generated external id, "received now", the language detected when none is given, the
structured indicator fields (an invalid value is an error to fix, not a value dropped: the
sender is there to fix it) and the indicators found in the narrative. An indicator given in a
field and found in the narrative too is one sighting, with the field's role.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from scamlink.cases.notify import after_reports_stored
from scamlink.indicators import InvalidIndicator, parse_field
from scamlink.indicators.extract import Found, extract
from scamlink.indicators.warninglists import warninglist_hit
from scamlink.interop.report_csv import (
    INDICATOR_COLUMNS,
    RECIPIENTS_COLUMN,
    RELEASE_COLUMN,
    VALUE_SEPARATOR,
    parse_fields,
)
from scamlink.linking.incremental import link_reports
from scamlink.reports.language import detect_language, normalise_language
from scamlink.reports.model import Report, ReportSource, Sighting
from scamlink.reports.narrative import IndicatorKey, with_narrative_sightings
from scamlink.sharing.agencies import Agency
from scamlink.sharing.groups import ReleaseDirectory
from scamlink.store.intake import StoredResponse, find_idempotent, report_ids, save_idempotent
from scamlink.store.reports import BatchResult, store_reports

MAX_BATCH = 1000
MAX_NARRATIVE = 100_000  # characters; a long chat export belongs in an attachment
MAX_TEXT = 1000  # characters of any other single value
MAX_VALUES = 200  # values in one list field

TEXT_FIELDS = (
    "external_id",
    "received_at",
    "incident_date",
    "victim_country",
    "language",
    "scam_type",
    "loss_amount",
    "loss_currency",
    "narrative",
    "tlp",
    "source",
)
LIST_FIELDS = (*INDICATOR_COLUMNS, RELEASE_COLUMN, RECIPIENTS_COLUMN)
FIELDS = frozenset((*TEXT_FIELDS, *LIST_FIELDS))


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one field of a submission (`phones[1]`, `tlp`, …)."""

    field: str
    reason: str
    report: int | None = None  # the report's index in a batch

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {"field": self.field, "reason": self.reason}
        if self.report is not None:
            found["report"] = self.report
        return found


@dataclass(frozen=True, slots=True)
class Reporter:
    """Who sends the submission: their agency (the owner) and what kind of source they are."""

    agency: Agency
    source: ReportSource  # police staff may file for the public; partners are always partners


@dataclass(frozen=True, slots=True)
class Parsed:
    report: Report | None  # None when a problem stops it
    problems: tuple[Problem, ...]


def new_external_id(agency: str, now: datetime) -> str:
    """An external id for a report sent without one: readable, unique, sortable by day."""
    return f"{agency}-{now.strftime('%Y%m%d')}-{secrets.token_hex(6)}"


def needs_directory(submission: Mapping[str, Any]) -> bool:
    """Whether the submission names releases or recipients (the directory is then needed)."""
    return bool(submission.get(RELEASE_COLUMN) or submission.get(RECIPIENTS_COLUMN))


def parse_submission(
    submission: Mapping[str, Any],
    reporter: Reporter,
    *,
    directory: ReleaseDirectory | None = None,
    now: datetime | None = None,
    confirmed: frozenset[IndicatorKey] | None = None,
) -> Parsed:
    """A report from one submission, or the problems that stop it (all of them, per field).

    `confirmed`: the narrative's indicators the sender ticked (the form's check step); None
    keeps every one found (the API).
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    problems: list[Problem] = []
    if not isinstance(submission, Mapping):
        return Parsed(None, (Problem("", "a report must be a JSON object"),))
    for name in sorted(k for k in submission if k not in FIELDS):
        problems.append(Problem(str(name), "unknown field"))
    texts = {name: _text(submission, name, problems) for name in TEXT_FIELDS}
    lists = {name: _values(submission, name, problems) for name in LIST_FIELDS}
    source = _source(texts["source"], reporter, problems)

    row: dict[str, str | None] = {name: value for name, value in texts.items()}
    row["external_id"] = texts["external_id"] or new_external_id(reporter.agency.code, moment)
    row["received_at"] = texts["received_at"] or moment.isoformat()
    for name in (RELEASE_COLUMN, RECIPIENTS_COLUMN):
        row[name] = VALUE_SEPARATOR.join(lists[name])
    parsed = parse_fields(row, reporter.agency, directory or ReleaseDirectory())
    # A field already refused for its JSON type is not refused again for being left empty.
    refused = {p.field for p in problems}
    problems.extend(Problem(p.column, p.reason) for p in parsed.problems if p.column not in refused)
    language = _language(texts["language"], texts["narrative"], problems)
    sightings = _field_sightings(lists, reporter.agency.country, problems)
    if problems or parsed.report is None:
        return Parsed(None, tuple(problems))
    report = replace(
        parsed.report,
        language=language,
        narrative=texts["narrative"],
        sightings=tuple(sightings.values()),
        source=source,
    )
    return Parsed(with_narrative_sightings(report, reporter.agency.country, confirmed), ())


def parse_batch(
    body: Any,
    reporter: Reporter,
    *,
    directory: ReleaseDirectory | None = None,
    now: datetime | None = None,
) -> tuple[list[Report], list[Problem]]:
    """One report object or {"reports": [...]} (up to MAX_BATCH): all the reports, or every
    problem with the index of its report. A batch goes in whole or not at all."""
    single = not (isinstance(body, Mapping) and set(body) == {"reports"})
    items: Sequence[Any]
    if single:
        items = [body]
    elif not isinstance(body["reports"], list):
        return [], [Problem("reports", "must be a list of report objects")]
    else:
        items = body["reports"]
    if not items:
        return [], [Problem("reports", "the list is empty")]
    if len(items) > MAX_BATCH:
        return [], [Problem("reports", f"{len(items)} reports; at most {MAX_BATCH} at a time")]
    moment = now or datetime.now(UTC)
    reports: list[Report] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        parsed = parse_submission(item, reporter, directory=directory, now=moment)
        if parsed.report is not None:
            reports.append(parsed.report)
        where = None if single else index
        problems.extend(Problem(p.field, p.reason, where) for p in parsed.problems)
    return reports, problems


def narrative_findings(narrative: str, country: str) -> list[Found]:
    """What the check step shows: the narrative's indicators with their warninglist hits."""
    return extract(narrative[:MAX_NARRATIVE], country)


def _text(submission: Mapping[str, Any], name: str, problems: list[Problem]) -> str:
    value = submission.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        problems.append(Problem(name, "must be text"))
        return ""
    text = value if isinstance(value, str) else str(value)
    limit = MAX_NARRATIVE if name == "narrative" else MAX_TEXT
    if len(text) > limit:
        problems.append(Problem(name, f"longer than {limit} characters"))
        return ""
    return text if name == "narrative" else text.strip()


def _values(submission: Mapping[str, Any], name: str, problems: list[Problem]) -> list[str]:
    """A list field: a JSON list of text, or one text (several values on separate lines)."""
    value = submission.get(name)
    if value is None or value == "":
        return []
    raw = value.splitlines() if isinstance(value, str) else value
    if not isinstance(raw, list):
        problems.append(Problem(name, "must be a list of text values"))
        return []
    if len(raw) > MAX_VALUES:
        problems.append(Problem(name, f"{len(raw)} values; at most {MAX_VALUES}"))
        return []
    values: list[str] = []
    for index, item in enumerate(raw):
        if not isinstance(item, str):
            problems.append(Problem(f"{name}[{index}]", "must be text"))
        elif len(item) > MAX_TEXT:
            problems.append(Problem(f"{name}[{index}]", f"longer than {MAX_TEXT} characters"))
        elif item.strip():
            values.append(item.strip())
    return values


def _source(text: str, reporter: Reporter, problems: list[Problem]) -> ReportSource:
    if not text:
        return reporter.source
    try:
        asked = ReportSource(text.lower())
    except ValueError:
        allowed = ", ".join(s.value for s in ReportSource)
        problems.append(Problem("source", f"unknown source {text!r} (expected one of {allowed})"))
        return reporter.source
    # Police staff take reports from the public; nobody else may say they are someone else.
    if asked is not reporter.source and not (
        reporter.source is ReportSource.POLICE and asked is ReportSource.PUBLIC
    ):
        problems.append(Problem("source", f"a {reporter.source.value} cannot file as {text!r}"))
    return asked


def _language(given: str, narrative: str, problems: list[Problem]) -> str:
    if not given:
        return detect_language(narrative)
    code = normalise_language(given)
    if code is None:
        problems.append(Problem("language", f"not an ISO 639 language code: {given!r}"))
        return ""
    return code


def _field_sightings(
    lists: Mapping[str, list[str]], country: str, problems: list[Problem]
) -> dict[IndicatorKey, Sighting]:
    sightings: dict[IndicatorKey, Sighting] = {}
    for name, (kind, role) in INDICATOR_COLUMNS.items():
        for index, raw in enumerate(lists[name]):
            try:
                found = parse_field(kind, raw, country)
            except InvalidIndicator as exc:
                problems.append(Problem(f"{name}[{index}]", f"{raw!r}: {exc}"))
                continue
            for indicator in found:
                sightings.setdefault(
                    (indicator.type.value, indicator.value), Sighting(indicator, role)
                )
    return sightings


# --- storing ----------------------------------------------------------------------------------


class IdempotencyConflict(ValueError):
    """The Idempotency-Key was used within 24 hours for a different request body."""


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int  # 201 when something was stored, 200 when every report was a duplicate
    body: dict[str, Any]
    replayed: bool = False  # the answer stored for the Idempotency-Key, given again


def store_submitted(conn: Connection, batch: Sequence[Report]) -> BatchResult:
    """The one place reports sent one by one are stored, inside the caller's transaction,
    with the work that must commit with them: linking them into campaigns, and telling the
    cases whose indicators they sight (`cases/notify.py`)."""
    result = store_reports(conn, batch)
    link_reports(conn, result.report_ids)
    after_reports_stored(conn, result.report_ids)
    return result


def submit(
    engine: Engine,
    batch: Sequence[Report],
    *,
    agency: str,
    idempotency_key: str | None = None,
    request_sha256: str = "",
    now: datetime | None = None,
) -> Outcome:
    """Store the reports in one transaction and describe each (id, stored or duplicate, its
    indicators). With an idempotency key, the answer is kept in the same transaction and a
    retry with the same body gets it again; a different body raises IdempotencyConflict."""
    moment = now or datetime.now(UTC)
    try:
        return _submit_once(engine, batch, agency, idempotency_key, request_sha256, moment)
    except IntegrityError:
        if idempotency_key is None:
            raise
        # A concurrent call with the same key committed first; ours rolled back whole.
        return _submit_once(engine, batch, agency, idempotency_key, request_sha256, moment)


def _submit_once(
    engine: Engine,
    batch: Sequence[Report],
    agency: str,
    key: str | None,
    request_sha256: str,
    now: datetime,
) -> Outcome:
    with engine.begin() as conn:
        if key is not None:
            earlier = find_idempotent(conn, agency, key, now)
            if earlier is not None:
                if earlier.request_sha256 != request_sha256:
                    raise IdempotencyConflict(
                        f"Idempotency-Key {key!r} was used for a different request"
                    )
                return Outcome(earlier.status_code, json.loads(earlier.body), replayed=True)
        result = store_submitted(conn, batch)
        ids = report_ids(conn, [(r.agency, r.external_id) for r in batch])
        fresh = set(result.report_ids)
        described: list[dict[str, Any]] = []
        claimed: set[int] = set()
        for report in batch:
            report_id = ids[(report.agency, report.external_id)]
            stored = report_id in fresh and report_id not in claimed
            claimed.add(report_id)
            described.append(_describe(report, report_id, stored))
        outcome = Outcome(201 if result.stored else 200, {"reports": described})
        if key is not None:
            body = json.dumps(outcome.body, ensure_ascii=False, separators=(",", ":"))
            save_idempotent(
                conn, agency, key, StoredResponse(request_sha256, outcome.status_code, body), now
            )
    return outcome


def _describe(report: Report, report_id: int, stored: bool) -> dict[str, Any]:
    return {
        "id": report_id,
        "external_id": report.external_id,
        "status": "stored" if stored else "duplicate",
        "language": report.language,
        "indicators": [
            {
                "type": s.indicator.type.value,
                "value": s.indicator.value,
                "role": s.role.value,
                "warninglist": warninglist_hit(s.indicator),
            }
            for s in report.sightings
        ],
    }
