"""Notifications written to the outbox inside the transaction of the change they tell of, so
nothing acknowledged is lost: the service calls `tell` with its notices; the deadline check
and the report hook find theirs here. Sending is `cases/delivery.py`'s.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from scamlink.cases import notifications as n
from scamlink.cases.model import CaseError
from scamlink.sharing.audit import actor_of, record
from scamlink.sharing.roles import Role, Viewer
from scamlink.store import notifications as rows
from scamlink.store.cases import cases_by_ids, visible_report_ids
from scamlink.store.markings import resolve_viewer

DEADLINES = "deadlines"  # the deadline check's watermark


def tell(conn: Connection, notices: Iterable[n.Notice], now: datetime) -> int:
    """Write each notice for every active subscription of its agency that wants its event,
    in the subscription's language; returns the number of messages written."""
    notices = list(notices)
    if not notices:
        return 0
    by_agency: dict[str, list[rows.Subscription]] = {}
    for sub in rows.active_subscriptions(conn, (x.agency for x in notices)):
        by_agency.setdefault(sub.agency, []).append(sub)
    out: list[rows.Outgoing] = []
    for notice in notices:
        for sub in by_agency.get(notice.agency, []):
            if notice.event.value not in sub.events:
                continue
            subject, body = n.render(notice, sub.language)
            body_json = json.dumps(
                n.payload(notice, sub.language, created_at=now),
                ensure_ascii=False,
                separators=(",", ":"),
                sort_keys=True,
            )
            out.append(
                rows.Outgoing(
                    sub.id,
                    notice.agency,
                    notice.event.value,
                    notice.case_id,
                    sub.language,
                    subject,
                    body,
                    body_json,
                )
            )
    rows.enqueue(conn, out, now)
    return len(out)


def check_deadlines(conn: Connection, now: datetime) -> int:
    """Tell the owners of cases whose deadline passed since the last check, each deadline once.

    The first check only sets the watermark (no flood of old overdue cases). A check that
    finds nothing leaves the watermark (no write); one that loses the race to another check
    (the watermark moved meanwhile) writes nothing. Returns the number of cases told of."""
    since = rows.watermark(conn, DEADLINES)
    if since is None:
        rows.move_watermark(conn, DEADLINES, None, now)
        return 0
    if now <= since:
        return 0
    overdue = rows.newly_overdue(conn, since, now)
    if not overdue:
        return 0
    if not rows.move_watermark(conn, DEADLINES, since, now):
        return 0
    tell(conn, (n.on_deadline(h, h.next_due) for h in overdue if h.next_due is not None), now)
    return len(overdue)


def reports_stored(conn: Connection, report_ids: Sequence[int], now: datetime) -> int:
    """Hook of every stored batch of reports (intake and bulk import), in its transaction: one
    set-based query against the cases' indicator links; only when it finds some does anything
    more happen (first: does any agency want this event at all). Each subscribing agency that
    sees the link is told, if it may also see the new report."""
    found = rows.sighted_links(conn, report_ids)
    if not found:
        return 0
    wanting = rows.agencies_wanting(conn, n.Event.MATCH.value)
    if not wanting:
        return 0
    heads = cases_by_ids(conn, (s.case_id for s in found))
    accepted = rows.accepted_by_case(conn, heads)
    labels = rows.indicator_labels(conn, (s.indicator_id for s in found))
    origins = rows.report_origins(conn, (s.report_id for s in found))
    visible: dict[str, set[int]] = {}
    notices: list[n.Notice] = []
    told: set[tuple[int, int, str]] = set()  # (case, report, agency): once, whatever the links
    for s in found:
        head = heads.get(s.case_id)
        if head is None:
            continue
        agency, received = origins.get(s.report_id, ("", None))
        match = n.Match(
            head, s.link_id, labels.get(s.indicator_id, ""), s.report_id, agency, received
        )
        for recipient in n.match_recipients(head, s.link_id, accepted.get(s.case_id, {})):
            if recipient not in wanting:
                continue  # nobody there would hear of it: no visibility check either
            if recipient not in visible:
                viewer = resolve_viewer(conn, agency=recipient, role=Role.ANALYST, user_id=None)
                visible[recipient] = visible_report_ids(conn, viewer, {x.report_id for x in found})
            key = (s.case_id, s.report_id, recipient)
            if s.report_id in visible[recipient] and key not in told:
                told.add(key)
                notices.append(n.on_match(match, recipient))
    tell(conn, notices, now)
    return len(notices)


def after_reports_stored(conn: Connection, report_ids: Sequence[int]) -> None:
    """`reports_stored` at the present time: the hook intake and bulk import call."""
    reports_stored(conn, report_ids, datetime.now(UTC))


# --- subscriptions (an agency's administrators) ---------------------------------------------

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def _admin(viewer: Viewer) -> str:
    if viewer.agency is None:
        raise CaseError("sign in to manage notifications", None, 401)
    if viewer.role is not Role.ADMIN:
        raise CaseError("only your agency's administrators manage notifications", None, 403)
    return viewer.agency


@dataclass(frozen=True, slots=True)
class Subscribed:
    id: int
    secret: str | None  # shown once, at creation (webhooks)


def subscribe(
    conn: Connection,
    viewer: Viewer,
    *,
    channel: str,
    target: str,
    events: str | Sequence[str],
    language: str | None,
    now: datetime,
) -> Subscribed:
    """A subscription of the admin's own agency; a webhook gets a new random secret (returned
    once). Audited."""
    agency = _admin(viewer)
    kind = n.check_channel(channel)
    where = n.check_target(kind, target)
    wanted = n.parse_events(events)
    lang = n.check_language(language, n.language_of(rows.agency_languages(conn, agency)))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32) if kind is n.Channel.WEBHOOK else None
    new_id = rows.add_subscription(
        conn,
        agency=agency,
        channel=kind.value,
        target=where,
        secret=secret,
        events=[e.value for e in wanted],
        language=lang,
        by=viewer.user_id,
        now=now,
    )
    record(
        conn,
        actor_of(viewer),
        "notifications.subscribe",
        f"subscription:{new_id}",
        {"channel": kind.value, "target": where, "events": [e.value for e in wanted]},
        subject_agency=agency,
    )
    return Subscribed(new_id, secret)


def subscriptions(conn: Connection, viewer: Viewer) -> list[rows.Subscription]:
    return rows.subscriptions_of(conn, _admin(viewer))


def unsubscribe(conn: Connection, viewer: Viewer, subscription_id: int, now: datetime) -> None:
    """Disable one of the agency's subscriptions (its log stays; waiting deliveries are
    cancelled). Another agency's subscription is the same 404 as an absent one."""
    agency = _admin(viewer)
    found = rows.subscription(conn, subscription_id)
    if found is None or found.agency != agency:
        raise CaseError("no such subscription", "subscription", 404)
    if not rows.disable_subscription(conn, subscription_id, now):
        raise CaseError("the subscription is already removed", "subscription", 409)
    record(
        conn,
        actor_of(viewer),
        "notifications.unsubscribe",
        f"subscription:{subscription_id}",
        {},
        subject_agency=agency,
    )


def delivery_log(
    conn: Connection, viewer: Viewer, subscription_id: int | None = None, limit: int = 100
) -> list[rows.LogEntry]:
    return rows.delivery_log(conn, _admin(viewer), subscription_id=subscription_id, limit=limit)


# --- as JSON (the API and the CLI) ---------------------------------------------------------


def _time(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def subscription_json(s: rows.Subscription) -> dict[str, Any]:
    return {
        "id": s.id,
        "channel": s.channel,
        "target": s.target,
        "events": list(s.events),
        "language": s.language,
        "created_at": _time(s.created_at),
        "active": s.disabled_at is None,
        "disabled_at": _time(s.disabled_at),
    }


def log_json(e: rows.LogEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "subscription_id": e.subscription_id,
        "event": e.event,
        "case_id": e.case_id,
        "subject": e.subject,
        "created_at": _time(e.created_at),
        "status": e.status,
        "attempts": e.attempts,
        "next_attempt_at": _time(e.next_attempt_at),
        "last_error": e.last_error,
        "delivered_at": _time(e.delivered_at),
    }
