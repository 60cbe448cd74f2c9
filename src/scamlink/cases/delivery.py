"""Sending the outbox: webhooks (JSON, signed with HMAC-SHA256 over a timestamp and the body)
and e-mail (SMTP), retried with exponential backoff; one round also runs the deadline check.

Signature header (`docs/notifications.md`):

    Scamlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

A receiver recomputes the HMAC over the exact bytes received and refuses a timestamp older
than five minutes (`verify_signature`), so a captured delivery cannot be replayed later.
Each delivery also carries `Scamlink-Event` and `Scamlink-Delivery` (its id: the same id
arrives again only when a retry follows an answer that was lost; receivers deduplicate on it).

A delivery is claimed (leased) and committed before it is sent, and its result recorded in a
transaction of its own: a worker that dies mid-send leaves a lease that runs out, and the row
is sent again (at least once).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import smtplib
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from sqlalchemy import Engine

from scamlink.cases import notify
from scamlink.cases.notifications import MAX_ATTEMPTS, Channel, internal_address, retry_delay
from scamlink.config import SmtpSettings
from scamlink.store import notifications as rows

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Scamlink-Signature"
EVENT_HEADER = "Scamlink-Event"
DELIVERY_HEADER = "Scamlink-Delivery"
TOLERANCE_SECONDS = 300
WEBHOOK_TIMEOUT = 10.0
LEASE = timedelta(minutes=2)
USER_AGENT = "scamlink-notifications/1"


class DeliveryError(Exception):
    """One attempt failed; the message is what the delivery log shows."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Scamlink-Signature` header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str, header: str, body: bytes, now: float, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver checks: a well-formed header, a fresh timestamp, a matching HMAC."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    stamps = parts.get("t", [])
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: never followed (it could point the
    signed body at another host)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _refuse_internal(url: str) -> None:
    """The receiver's host must not resolve to a private or internal address (a host name can
    point anywhere, and can be changed after the subscription was checked)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise DeliveryError(f"could not resolve the receiver {host!r}: {error}") from None
    for *_, sockaddr in found:
        if internal_address(str(sockaddr[0])):
            raise DeliveryError(f"refused: {host!r} resolves to an internal address")


def send_webhook(
    url: str, secret: str, event: str, delivery_id: int, body: bytes, now: datetime
) -> None:
    _refuse_internal(url)
    timestamp = int(now.timestamp())
    request = urllib.request.Request(  # noqa: S310 (the URL was checked: https, or http to loopback)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
            EVENT_HEADER: event,
            DELIVERY_HEADER: str(delivery_id),
        },
    )
    try:
        with _OPENER.open(request, timeout=WEBHOOK_TIMEOUT) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} from the receiver") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"could not reach the receiver: {reason}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status} from the receiver")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:250]


def send_email(smtp: SmtpSettings, to: str, subject: str, body: str, delivery_id: int) -> None:
    if not smtp.host:
        raise DeliveryError("no mail server configured (SCAMLINK_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = to
    message["Subject"] = _one_line(subject)
    message["Message-ID"] = make_msgid(f"delivery-{delivery_id}")
    message["X-Scamlink-Delivery"] = str(delivery_id)
    message.set_content(body)
    try:
        client: smtplib.SMTP
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password)
            client.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        said = _one_line(str(error)) or type(error).__name__
        raise DeliveryError(f"mail server: {said}") from None


@dataclass
class Round:
    """What one round did."""

    overdue: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    def as_json(self) -> dict[str, int]:
        return {
            "overdue": self.overdue,
            "delivered": self.delivered,
            "retried": self.retried,
            "failed": self.failed,
        }


Sender = Callable[[rows.Delivery, datetime], None]


def sender_for(smtp: SmtpSettings) -> Sender:
    def send(d: rows.Delivery, now: datetime) -> None:
        if d.channel == Channel.WEBHOOK.value:
            if not d.secret:
                raise DeliveryError("the subscription has no secret")
            send_webhook(d.target, d.secret, d.event, d.id, d.payload.encode(), now)
        elif d.channel == Channel.EMAIL.value:
            send_email(smtp, d.target, d.subject, d.body, d.id)
        else:
            raise DeliveryError(f"unknown channel {d.channel!r}")

    return send


def system_now() -> datetime:
    return datetime.now(UTC)


def run_round(
    engine: Engine,
    smtp: SmtpSettings,
    *,
    clock: Callable[[], datetime] = system_now,
    send: Sender | None = None,
    limit: int = 100,
) -> Round:
    """The deadline check, then every delivery whose time has come (up to `limit`)."""
    done = Round()
    with engine.begin() as conn:
        done.overdue = notify.check_deadlines(conn, clock())
    send = send or sender_for(smtp)
    with engine.begin() as conn:
        claimed = rows.claim_due(conn, clock(), lease=LEASE, limit=limit)
    for delivery in claimed:
        try:
            send(delivery, clock())
        except Exception as error:  # recorded on the row; the next attempt follows the backoff
            if not isinstance(error, DeliveryError):
                log.exception("notification %s: unexpected error while sending", delivery.id)
                error = DeliveryError(f"{type(error).__name__}: {error}")
            attempts = delivery.attempts + 1
            retry_at = (
                clock() + timedelta(seconds=retry_delay(attempts))
                if attempts < MAX_ATTEMPTS
                else None
            )
            with engine.begin() as conn:
                rows.record_failure(conn, delivery.id, str(error), retry_at)
            if retry_at is None:
                done.failed += 1
                log.warning("notification %s failed for good: %s", delivery.id, error)
            else:
                done.retried += 1
            continue
        with engine.begin() as conn:
            rows.record_delivered(conn, delivery.id, clock())
        done.delivered += 1
    return done
