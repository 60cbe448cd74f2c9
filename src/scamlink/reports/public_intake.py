"""A report from a member of the public (the `/report` form), through the one intake path.

The public form asks what a victim can tell without knowing our formats: their country, the
kind of scam, what happened, the numbers, links, accounts and wallets the scammers used (one
per line, in any form; each line is read with the indicators library and must hold at least
one), and the loss. No contact data is taken, so no personal data is stored.

The report goes to the police agency of the chosen country (the brief's table), is marked
TLP:AMBER without releases (the owner's staff only: nothing public before an officer checks
it), `source=public`, `review_status=unverified`, and is parsed and stored by
`reports.intake` like every other report (`parse_submission`, `submit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine

from scamlink.indicators.extract import Found, extract
from scamlink.reports.intake import MAX_NARRATIVE, MAX_TEXT, MAX_VALUES, Reporter, parse_submission
from scamlink.reports.intake import submit as submit_reports
from scamlink.reports.model import ReportSource, ScamType
from scamlink.sharing.tlp import Tlp
from scamlink.store.agencies import get_agency

# The national police force that receives the public's reports from each member country.
POLICE_OF_COUNTRY: dict[str, str] = {
    "KR": "KNPA",
    "KH": "CNP",
    "TH": "RTP",
    "VN": "MPS",
    "ID": "POLRI",
    "PH": "PNP",
    "MY": "PDRM",
    "SG": "SPF",
    "LA": "LPF",
    "MM": "MPF",
    "BN": "RBPF",
}
# Currencies offered on the form: the region's, the US dollar and what scammers take in crypto.
CURRENCIES = (
    "KRW",
    "KHR",
    "THB",
    "VND",
    "IDR",
    "PHP",
    "MYR",
    "SGD",
    "LAK",
    "MMK",
    "BND",
    "USD",
    "CNY",
    "USDT",
    "USDC",
    "BTC",
    "ETH",
    "TRX",
)
FIELDS = ("country", "scam_type", "narrative", "details", "loss_amount", "loss_currency")
PUBLIC_MARKING = Tlp.AMBER

# Where a value found in a line of "details" goes among the structured indicator fields.
_LIST_FIELD_OF_TYPE: dict[str, str] = {
    "phone": "phones",
    "url": "urls",
    "domain": "urls",
    "ipv4": "urls",
    "ipv6": "urls",
    "email": "emails",
    "btc": "wallets",
    "eth": "wallets",
    "tron": "wallets",
    "bank_account": "bank_accounts",
    "telegram": "handles",
    "line": "handles",
    "kakao": "handles",
    "wechat": "handles",
    "zalo": "handles",
}


class ProblemKind(StrEnum):
    """What is wrong with a field; the form says it in the reader's language."""

    REQUIRED = "required"
    UNKNOWN = "unknown"  # not one of the choices
    TOO_LONG = "too_long"
    INVALID = "invalid"
    UNREADABLE = "unreadable"  # a line of details holds no number, link, account or wallet
    TOO_MANY = "too_many"


@dataclass(frozen=True, slots=True)
class PublicProblem:
    field: str
    kind: ProblemKind
    line: int | None = None  # 1-based line of "details"
    value: str = ""


@dataclass(frozen=True, slots=True)
class PublicReceipt:
    report_id: int
    reference: str  # the external id: the reference number the person is given
    agency: str


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""


def _found_outermost(found: list[Found]) -> list[Found]:
    """Values not inside another one found in the same line (a URL's own domain goes)."""
    return [
        f
        for f in found
        if not any(o is not f and o.start <= f.start and f.end <= o.end for o in found)
    ]


def read_details(text: str, country: str) -> tuple[dict[str, list[str]], list[PublicProblem]]:
    """The structured indicator fields from the lines of "details", and the lines that hold
    none (each with its line number and text)."""
    lists: dict[str, list[str]] = {}
    problems: list[PublicProblem] = []
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_VALUES:
        return {}, [PublicProblem("details", ProblemKind.TOO_MANY)]
    for number, line in lines:
        if len(line) > MAX_TEXT:
            problems.append(PublicProblem("details", ProblemKind.TOO_LONG, number, line[:80]))
            continue
        found = [f for f in extract(line, country) if f.type.value in _LIST_FIELD_OF_TYPE]
        if not found:
            problems.append(PublicProblem("details", ProblemKind.UNREADABLE, number, line))
            continue
        for item in _found_outermost(found):
            values = lists.setdefault(_LIST_FIELD_OF_TYPE[item.type.value], [])
            if item.display not in values:
                values.append(item.display)
    return lists, problems


def check(fields: Mapping[str, Any]) -> list[PublicProblem]:
    """The form's own checks, before the report's rules (`reports.intake`) run."""
    problems: list[PublicProblem] = []
    country = _text(fields, "country").strip().upper()
    if not country:
        problems.append(PublicProblem("country", ProblemKind.REQUIRED))
    elif country not in POLICE_OF_COUNTRY:
        problems.append(PublicProblem("country", ProblemKind.UNKNOWN, value=country))
    scam_type = _text(fields, "scam_type").strip().lower()
    if not scam_type:
        problems.append(PublicProblem("scam_type", ProblemKind.REQUIRED))
    elif scam_type not in {t.value for t in ScamType}:
        problems.append(PublicProblem("scam_type", ProblemKind.UNKNOWN, value=scam_type))
    narrative = _text(fields, "narrative")
    if not narrative.strip():
        problems.append(PublicProblem("narrative", ProblemKind.REQUIRED))
    elif len(narrative) > MAX_NARRATIVE:
        problems.append(PublicProblem("narrative", ProblemKind.TOO_LONG))
    amount = _text(fields, "loss_amount").strip()
    currency = _text(fields, "loss_currency").strip().upper()
    if amount and not currency:
        problems.append(PublicProblem("loss_currency", ProblemKind.REQUIRED))
    elif currency and currency not in CURRENCIES:
        problems.append(PublicProblem("loss_currency", ProblemKind.UNKNOWN, value=currency))
    return problems


def submit_public(
    engine: Engine, fields: Mapping[str, Any], *, now: datetime | None = None
) -> PublicReceipt | list[PublicProblem]:
    """Store the public's report (AMBER, unverified, owned by the country's police), or say
    what to correct, field by field."""
    moment = now or datetime.now(UTC)
    problems = check(fields)
    country = _text(fields, "country").strip().upper()
    lists: dict[str, list[str]] = {}
    if country in POLICE_OF_COUNTRY:
        lists, unreadable = read_details(_text(fields, "details"), country)
        problems.extend(unreadable)
    if problems:
        return problems
    with engine.connect() as conn:
        agency = get_agency(conn, POLICE_OF_COUNTRY[country])
    if agency is None:  # the reference agencies are in every database
        raise LookupError(f"no agency {POLICE_OF_COUNTRY[country]} in the store")
    submission: dict[str, Any] = {
        "victim_country": country,
        "scam_type": _text(fields, "scam_type").strip().lower(),
        "narrative": _text(fields, "narrative"),
        "tlp": PUBLIC_MARKING.value,
        "source": ReportSource.PUBLIC.value,
        **lists,
    }
    amount = _text(fields, "loss_amount").strip()
    if amount:
        submission["loss_amount"] = amount
        submission["loss_currency"] = _text(fields, "loss_currency").strip().upper()
    parsed = parse_submission(submission, Reporter(agency, ReportSource.PUBLIC), now=moment)
    if parsed.report is None:
        return [_from_intake(p.field, p.reason) for p in parsed.problems]
    outcome = submit_reports(engine, [parsed.report], agency=agency.code, now=moment)
    [described] = outcome.body["reports"]
    return PublicReceipt(int(described["id"]), str(described["external_id"]), agency.code)


def _from_intake(field: str, reason: str) -> PublicProblem:
    """A problem the report's rules found, on the form's field that holds it."""
    name = field.split("[", 1)[0]
    if name in {"phones", "urls", "emails", "wallets", "bank_accounts", "handles"}:
        return PublicProblem("details", ProblemKind.INVALID, value=reason)
    if name not in FIELDS:
        name = "narrative"
    kind = ProblemKind.TOO_LONG if reason.startswith("longer than") else ProblemKind.INVALID
    return PublicProblem(name, kind, value=reason)
