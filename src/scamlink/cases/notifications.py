"""Notifications of cases, decided without I/O: which event tells which agency what, in which
language, and the shape of the webhook's JSON (`docs/notifications.md`).

Events (`Event`):
- `referral.created`   to the agency a case was referred to: the case's head and the referral's
  message, what its inbox shows of a pending referral, nothing more;
- `referral.accepted` / `referral.declined` to the referring (owning) agency, with the reason;
- `case.deadline_breached` to the owning agency, once per deadline passed;
- `case.report_matched` ("a new victim reported the same wallet") to each agency that sees the
  case's link to the indicator (the owner; an agency whose accepted referral shared that link),
  only when that agency may see the new report too.

Whether an agency sees a case part is `cases.policy.seen` with the agency as the viewer; the
callers (`cases/notify.py`) check the new report against the reports' sharing policy.
Messages are in the recipient subscription's language: English or Korean.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from scamlink.cases.model import CaseError, CaseHead
from scamlink.cases.policy import AcceptedReferral, seen
from scamlink.sharing.roles import Role, Viewer


class Event(StrEnum):
    REFERRAL = "referral.created"
    ACCEPTED = "referral.accepted"
    DECLINED = "referral.declined"
    DEADLINE = "case.deadline_breached"
    MATCH = "case.report_matched"


class Channel(StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"


LANGUAGES: tuple[str, ...] = ("en", "ko")
MAX_ATTEMPTS = 8  # then the delivery is `failed`
FIRST_RETRY_SECONDS = 30.0  # doubled after each failure: 30 s, 1 min, 2 min … about 64 min


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt (exponential backoff)."""
    return FIRST_RETRY_SECONDS * float(2 ** max(attempts - 1, 0))


def language_of(agency_languages: str) -> str:
    """An agency's first supported language (its `languages`, space-separated), else English."""
    for tag in agency_languages.split():
        base = tag.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return "en"


def parse_events(value: str | Collection[str], field_name: str = "events") -> tuple[Event, ...]:
    """Events named in a subscription (a list or space/comma-separated); CaseError naming the
    unknown one. Empty means every event."""
    names = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    found: list[Event] = []
    for name in names:
        try:
            event = Event(name.strip())
        except ValueError:
            allowed = ", ".join(e.value for e in Event)
            raise CaseError(f"unknown event {name!r} (one of {allowed})", field_name) from None
        if event not in found:
            found.append(event)
    return tuple(found) if found else tuple(Event)


@dataclass(frozen=True, slots=True)
class Notice:
    """One event told to one agency: `facts` are what that agency may see, JSON-ready."""

    event: Event
    agency: str
    case_id: int
    facts: Mapping[str, Any] = field(default_factory=dict)


def _time(at: datetime | None) -> str | None:
    if at is None:
        return None
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)).isoformat()


def head_facts(head: CaseHead) -> dict[str, Any]:
    """The case's head: what every agency that hears of a case may see of it."""
    return {
        "id": head.id,
        "kind": head.kind.value,
        "title": head.title,
        "owner_agency": head.owner_agency,
        "priority": head.priority.value,
        "status": head.status.value,
        "tlp": head.tlp.value,
        "next_due": _time(head.next_due),
    }


def on_referral(
    head: CaseHead,
    *,
    referral_id: int,
    to_agency: str,
    message: str,
    language: str,
    tlp: str,
    respond_by: datetime,
) -> Notice:
    return Notice(
        Event.REFERRAL,
        to_agency,
        head.id,
        {
            "case": head_facts(head),
            "referral": {
                "id": referral_id,
                "from_agency": head.owner_agency,
                "to_agency": to_agency,
                "message": message,
                "language": language,
                "tlp": tlp,
                "respond_by": _time(respond_by),
            },
        },
    )


def on_response(
    head: CaseHead, *, referral_id: int, to_agency: str, accepted: bool, reason: str
) -> Notice:
    return Notice(
        Event.ACCEPTED if accepted else Event.DECLINED,
        head.owner_agency,
        head.id,
        {
            "case": head_facts(head),
            "referral": {
                "id": referral_id,
                "to_agency": to_agency,
                "status": "accepted" if accepted else "declined",
                "reason": reason or None,
            },
        },
    )


def on_deadline(head: CaseHead, due: datetime) -> Notice:
    return Notice(
        Event.DEADLINE, head.owner_agency, head.id, {"case": head_facts(head), "due": _time(due)}
    )


@dataclass(frozen=True, slots=True)
class Match:
    """A newly stored report sighting an indicator a case links."""

    head: CaseHead
    link_id: int
    indicator: str  # "type: value" as the case shows the link
    report_id: int
    report_agency: str
    received_at: datetime | None


def match_recipients(
    head: CaseHead, link_id: int, accepted: Mapping[str, Collection[AcceptedReferral]]
) -> list[str]:
    """The agencies that see link `link_id` of the case under the sharing policy: the owner,
    and each agency whose accepted referrals (`accepted`: agency → its accepted referrals of
    this case) shared the link. Agency-wide subscriptions act as the agency's analyst, so a
    desk officer's personal view of a case never reaches an agency's webhook."""
    out: list[str] = []
    for agency in (head.owner_agency, *sorted(accepted)):
        if agency in out:
            continue
        view = seen(Viewer(agency, Role.ANALYST), head, list(accepted.get(agency, ())))
        if view is not None and (view.link_ids is None or link_id in view.link_ids):
            out.append(agency)
    return out


def on_match(match: Match, agency: str) -> Notice:
    return Notice(
        Event.MATCH,
        agency,
        match.head.id,
        {
            "case": head_facts(match.head),
            "link": {"id": match.link_id, "indicator": match.indicator},
            "report": {
                "id": match.report_id,
                "agency": match.report_agency,
                "received_at": _time(match.received_at),
            },
        },
    )


# --- messages -------------------------------------------------------------------------------

_SUBJECTS: dict[Event, dict[str, str]] = {
    Event.REFERRAL: {
        "en": "Case #{id} referred to {agency} by {owner}: {title}",
        "ko": "사건 #{id}이(가) {owner}에서 {agency}(으)로 이관되었습니다: {title}",
    },
    Event.ACCEPTED: {
        "en": "{to} accepted the referral of case #{id}: {title}",
        "ko": "{to}이(가) 사건 #{id}의 이관을 수락했습니다: {title}",
    },
    Event.DECLINED: {
        "en": "{to} declined the referral of case #{id}: {title}",
        "ko": "{to}이(가) 사건 #{id}의 이관을 거절했습니다: {title}",
    },
    Event.DEADLINE: {
        "en": "Case #{id} is overdue ({priority}): {title}",
        "ko": "사건 #{id}의 기한이 지났습니다 ({priority}): {title}",
    },
    Event.MATCH: {
        "en": "A new report matches case #{id}: {indicator}",
        "ko": "새 신고가 사건 #{id}과(와) 일치합니다: {indicator}",
    },
}

_LINES: dict[str, dict[str, str]] = {
    "case": {"en": "Case", "ko": "사건"},
    "kind": {"en": "Kind", "ko": "유형"},
    "priority": {"en": "Priority", "ko": "우선순위"},
    "status": {"en": "Status", "ko": "상태"},
    "message": {"en": "Message (as written, {language})", "ko": "메시지 (원문, {language})"},
    "respond_by": {"en": "Respond by", "ko": "응답 기한"},
    "reason": {"en": "Reason", "ko": "사유"},
    "due": {"en": "Deadline", "ko": "기한"},
    "indicator": {"en": "Indicator", "ko": "지표"},
    "report": {
        "en": "New report #{report} from {agency}, received {received}",
        "ko": "{agency}의 새 신고 #{report}, 접수 {received}",
    },
    "footer": {
        "en": "Open case #{id} in scamlink for the details you may see.",
        "ko": "열람 가능한 세부 사항은 scamlink에서 사건 #{id}을(를) 여십시오.",
    },
}


def _line(key: str, language: str) -> str:
    return _LINES[key][language]


def render(notice: Notice, language: str) -> tuple[str, str]:
    """(subject, plain-text body) of a notice in `language` (en, ko). Values are quoted as
    stored: titles and messages are the agencies' own words."""
    lang = language if language in LANGUAGES else "en"
    case = notice.facts.get("case", {})
    referral = notice.facts.get("referral", {})
    link = notice.facts.get("link", {})
    values = {
        "id": notice.case_id,
        "title": case.get("title", ""),
        "owner": case.get("owner_agency", ""),
        "agency": notice.agency,
        "to": referral.get("to_agency", ""),
        "priority": case.get("priority", ""),
        "indicator": link.get("indicator", ""),
    }
    subject = _SUBJECTS[notice.event][lang].format(**values)
    lines = [
        subject,
        "",
        f"{_line('case', lang)}: #{notice.case_id} {values['title']}",
        f"{_line('kind', lang)}: {case.get('kind', '')}",
        f"{_line('priority', lang)}: {case.get('priority', '')}",
        f"{_line('status', lang)}: {case.get('status', '')}",
    ]
    if notice.event is Event.REFERRAL:
        lines.append(_line("message", lang).format(language=referral.get("language", "")) + ":")
        lines.append(str(referral.get("message", "")))
        lines.append(f"{_line('respond_by', lang)}: {referral.get('respond_by', '')}")
    if notice.event is Event.DECLINED and referral.get("reason"):
        lines.append(f"{_line('reason', lang)}: {referral['reason']}")
    if notice.event is Event.DEADLINE:
        lines.append(f"{_line('due', lang)}: {notice.facts.get('due', '')}")
    if notice.event is Event.MATCH:
        report = notice.facts.get("report", {})
        lines.append(f"{_line('indicator', lang)}: {values['indicator']}")
        lines.append(
            _line("report", lang).format(
                report=report.get("id", ""),
                agency=report.get("agency", ""),
                received=report.get("received_at", ""),
            )
        )
    lines += ["", _line("footer", lang).format(id=notice.case_id)]
    return subject, "\n".join(lines) + "\n"


def payload(notice: Notice, language: str, *, created_at: datetime) -> dict[str, Any]:
    """The webhook's JSON body (the delivery id and signature travel in headers)."""
    subject, body = render(notice, language)
    return {
        "event": notice.event.value,
        "agency": notice.agency,
        "case_id": notice.case_id,
        "created_at": _time(created_at),
        "language": language,
        "subject": subject,
        "text": body,
        "data": dict(notice.facts),
    }


# --- subscriptions --------------------------------------------------------------------------

_EMAIL = re.compile(
    r"[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+"
)
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def internal_address(address: str) -> bool:
    """True for an address a webhook must never reach: private networks, link-local (cloud
    metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved, unspecified — the
    server's neighbours, not a partner's receiver (server-side request forgery). Loopback is
    allowed: a local relay, and the tests' receiver."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return False
    return not ip.is_global or ip.is_multicast


MAX_TARGET = 2048


def check_channel(value: str) -> Channel:
    try:
        return Channel(value.strip().lower())
    except ValueError:
        raise CaseError("channel must be webhook or email", "channel") from None


def check_target(channel: Channel, value: str) -> str:
    """A webhook's URL (https; http only to this machine, for tests and local relays) or an
    e-mail address; CaseError naming `target`."""
    target = value.strip()
    if not target:
        raise CaseError("target is required", "target")
    if len(target) > MAX_TARGET or any(c in target for c in "\r\n\t "):
        raise CaseError("target must be one URL or address, without spaces", "target")
    if channel is Channel.EMAIL:
        if not _EMAIL.fullmatch(target):
            raise CaseError(f"{target!r} is not an e-mail address", "target")
        return target
    parsed = urlsplit(target)
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        raise CaseError("a webhook's target must be an https:// URL", "target")
    if parsed.scheme == "http" and parsed.hostname not in LOOPBACK_HOSTS:
        raise CaseError("a webhook's target must be an https:// URL", "target")
    if parsed.username or parsed.password:
        raise CaseError("a webhook's URL must not hold credentials", "target")
    try:
        literal = internal_address(parsed.hostname)
    except ValueError:
        literal = False  # a host name: its addresses are checked before each delivery
    if literal:
        raise CaseError("a webhook's target must not be a private or internal address", "target")
    return target


def check_language(value: str | None, default: str) -> str:
    if value is None or not value.strip():
        return default
    lang = value.strip().lower()
    if lang not in LANGUAGES:
        raise CaseError(f"language must be one of {', '.join(LANGUAGES)}", "language")
    return lang
