"""Notifications of cases on SQLite and PostgreSQL: the outbox written with the case change, who
is told what under the sharing policy, the deadline check (once per deadline), the report hook
(one query per batch), webhook delivery (signed, retried with backoff) and e-mail (aiosmtpd)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Engine, event, func, select

from scamlink.cases import delivery, notify, service
from scamlink.cases.model import (
    CaseError,
    CaseKind,
    LinkKind,
    LinkRole,
    NewCase,
    NewReferral,
    Priority,
    Status,
)
from scamlink.cases.notifications import FIRST_RETRY_SECONDS, MAX_ATTEMPTS
from scamlink.config import SmtpSettings
from scamlink.reports.intake import store_submitted
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import case_board
from scamlink.store import notifications as rows
from scamlink.store.schema import case_status_counts, cases, indicators, notification_outbox
from tests.factories import make_report

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
KNPA = Viewer("KNPA", Role.ANALYST, 1)
CNP = Viewer("CNP", Role.INVESTIGATOR, 2)
RTP = Viewer("RTP", Role.ANALYST, 3)
KNPA_ADMIN = Viewer("KNPA", Role.ADMIN, 11)
CNP_ADMIN = Viewer("CNP", Role.ADMIN, 12)
RTP_ADMIN = Viewer("RTP", Role.ADMIN, 13)
DESK = Viewer("KDESK", Role.DESK_OFFICER, 4)
PHONE = "+821098765432"

HELD = NewCase(
    kind=CaseKind.PERSON_AT_RISK,
    title="Held in a compound near Sihanoukville",
    summary="Family says he was lured by a job offer.",
    nationality="KR",
    country="KH",
)


def _create(engine: Engine, new: NewCase = HELD, *, triage: bool = True) -> int:
    with engine.begin() as conn:
        case_id = service.create_case(conn, KNPA, new, NOW)
        if triage:  # a case is referred once triaged
            service.transition(conn, KNPA, case_id, Status.TRIAGED, NOW)
        return case_id


def _subscribe(
    engine: Engine,
    admin: Viewer,
    target: str = "https://hooks.example.test/scamlink",
    *,
    channel: str = "webhook",
    events: str = "",
    language: str | None = None,
) -> notify.Subscribed:
    with engine.begin() as conn:
        return notify.subscribe(
            conn,
            admin,
            channel=channel,
            target=target,
            events=events,
            language=language,
            now=NOW,
        )


def _outbox(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(select(notification_outbox).order_by(notification_outbox.c.id)).all()
        )


def _refer(engine: Engine, case_id: int, to: str, link_ids: frozenset[int] = frozenset()) -> int:
    with engine.begin() as conn:
        return service.refer(
            conn,
            KNPA,
            case_id,
            NewReferral(to, "가족이 구조를 요청합니다", "ko", Tlp.AMBER, link_ids=link_ids),
            NOW,
        )


def test_a_referral_is_told_to_the_recipient_in_the_transaction_of_the_referral(
    engine: Engine,
) -> None:
    _subscribe(engine, CNP_ADMIN)
    _subscribe(engine, RTP_ADMIN)  # not referred: told nothing
    case_id = _create(engine)

    def refer_then_fail() -> None:
        with engine.begin() as conn:
            service.refer(conn, KNPA, case_id, NewReferral("CNP", "help", "en", Tlp.AMBER), NOW)
            assert len(conn.execute(select(notification_outbox)).all()) == 1
            raise RuntimeError("the change rolls back")

    with pytest.raises(RuntimeError):
        refer_then_fail()
    assert _outbox(engine) == []  # nothing told of a change that did not happen

    referral_id = _refer(engine, case_id, "CNP")
    (row,) = _outbox(engine)
    assert (row.agency, row.event, row.case_id, row.status) == (
        "CNP",
        "referral.created",
        case_id,
        "pending",
    )
    assert row.language == "en"  # CNP's languages: km → English
    body = json.loads(row.payload)
    assert body["event"] == "referral.created"
    assert body["data"]["referral"]["id"] == referral_id
    assert body["data"]["referral"]["message"] == "가족이 구조를 요청합니다"
    # The pending recipient sees the head and the message, never the summary or details.
    assert "lured" not in row.payload
    assert "lured" not in row.body
    assert "Sihanoukville" in row.subject


def test_accepting_and_declining_tell_the_owner_in_its_language(engine: Engine) -> None:
    _subscribe(engine, KNPA_ADMIN)  # KNPA's language: Korean
    _subscribe(engine, KNPA_ADMIN, "owner@knpa.test", channel="email", language="en")
    case_id = _create(engine)
    accepted = _refer(engine, case_id, "CNP")
    declined = _refer(engine, case_id, "RTP")
    with engine.begin() as conn:
        service.respond(conn, CNP, accepted, accept=True, now=NOW)
        service.respond(conn, RTP, declined, accept=False, now=NOW, reason="not our country")
    told = [(r.event, r.language) for r in _outbox(engine)]
    assert told == [
        ("referral.accepted", "ko"),
        ("referral.accepted", "en"),
        ("referral.declined", "ko"),
        ("referral.declined", "en"),
    ]
    ko_declined = _outbox(engine)[2]
    assert ko_declined.subject.startswith("RTP이(가) 사건 #")
    assert "사유: not our country" in ko_declined.body
    assert "RTP declined the referral" in _outbox(engine)[3].subject


def test_a_subscription_gets_only_the_events_it_chose(engine: Engine) -> None:
    _subscribe(engine, KNPA_ADMIN, events="referral.declined")
    case_id = _create(engine)
    referral = _refer(engine, case_id, "CNP")
    with engine.begin() as conn:
        service.respond(conn, CNP, referral, accept=True, now=NOW)
    assert _outbox(engine) == []


def test_a_deadline_breach_is_told_once(engine: Engine) -> None:
    _subscribe(engine, KNPA_ADMIN)
    _subscribe(engine, CNP_ADMIN)
    case_id = _create(engine, triage=False)  # P1: first response due within the hour
    with engine.begin() as conn:
        assert notify.check_deadlines(conn, NOW) == 0  # the first check sets the watermark
        assert notify.check_deadlines(conn, NOW + timedelta(minutes=30)) == 0
        assert notify.check_deadlines(conn, NOW + timedelta(hours=2)) == 1
        assert notify.check_deadlines(conn, NOW + timedelta(hours=3)) == 0
        assert notify.check_deadlines(conn, NOW + timedelta(hours=2)) == 0
    (row,) = _outbox(engine)
    assert (row.agency, row.event, row.case_id) == ("KNPA", "case.deadline_breached", case_id)
    assert "기한이 지났습니다" in row.subject
    # A response sets the next deadline; breaching that one is a new breach, told once more.
    with engine.begin() as conn:
        service.transition(conn, KNPA, case_id, Status.TRIAGED, NOW + timedelta(hours=3))
        assert notify.check_deadlines(conn, NOW + timedelta(days=30)) == 1
    assert len(_outbox(engine)) == 2


def _phone_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(indicators.c.id).where(indicators.c.value == PHONE)).scalar_one()
        )


def test_a_new_report_sighting_a_case_indicator_is_told_to_who_sees_both(engine: Engine) -> None:
    for admin in (KNPA_ADMIN, CNP_ADMIN, RTP_ADMIN):
        _subscribe(engine, admin, events="case.report_matched")
    with engine.begin() as conn:
        store_submitted(conn, [make_report("KNPA-1", phones=(PHONE,))])
    case_id = _create(engine)
    with engine.begin() as conn:
        link = service.add_link(
            conn, KNPA, case_id, LinkKind.INDICATOR, _phone_id(engine), LinkRole.SUSPECT, NOW
        )
        other = service.add_link(
            conn, KNPA, case_id, LinkKind.INDICATOR, _phone_id(engine), LinkRole.RELATED, NOW
        )
    assert link == other
    to_cnp = _refer(engine, case_id, "CNP", frozenset({link}))  # shares the link
    to_rtp = _refer(engine, case_id, "RTP")  # shares no link
    with engine.begin() as conn:
        service.respond(conn, CNP, to_cnp, accept=True, now=NOW)
        service.respond(conn, RTP, to_rtp, accept=True, now=NOW)
    assert _outbox(engine) == []

    with engine.begin() as conn:
        store_submitted(conn, [make_report("RTP-7", agency="RTP", phones=(PHONE,))])
    told = _outbox(engine)
    assert sorted(r.agency for r in told) == ["CNP", "KNPA"]
    assert {r.event for r in told} == {"case.report_matched"}
    data = json.loads(told[0].payload)["data"]
    assert data["link"]["indicator"] == f"phone: {PHONE}"
    assert data["report"]["agency"] == "RTP"

    # A report KNPA may not see (RTP's AMBER+STRICT) tells nobody outside RTP; RTP does not
    # see the case's link, so it is told nothing either.
    with engine.begin() as conn:
        store_submitted(
            conn, [make_report("RTP-8", agency="RTP", tlp=Tlp.AMBER_STRICT, phones=(PHONE,))]
        )
    assert len(_outbox(engine)) == 2


def test_the_report_hook_is_one_query_per_batch(engine: Engine) -> None:
    with engine.begin() as conn:
        result = store_submitted(
            conn, [make_report(f"KNPA-{i}", phones=(f"+8210{i:08d}",)) for i in range(50)]
        )
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with engine.begin() as conn:
            assert notify.reports_stored(conn, result.report_ids, NOW) == 0
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    queries = [s for s in statements if "case_links" in s]
    assert len(queries) == 1
    assert len(statements) == 1


# --- delivery -------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    answers: list[int]
    received: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(({k: v for k, v in self.headers.items()}, body))
        status = self.answers.pop(0) if self.answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"answers": [], "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def test_a_webhook_is_signed_retried_with_backoff_and_logged(
    engine: Engine, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    handler.answers = [500, 503]
    sub = _subscribe(engine, CNP_ADMIN, url)
    assert sub.secret is not None
    assert sub.secret.startswith("whsec_")
    _refer(engine, _create(engine), "CNP")
    clock = _Clock(NOW)
    smtp = SmtpSettings()

    first = delivery.run_round(engine, smtp, clock=clock)
    assert (first.delivered, first.retried) == (0, 1)
    (row,) = _outbox(engine)
    assert (row.status, row.attempts, row.last_error) == (
        "pending",
        1,
        "HTTP 500 from the receiver",
    )
    retry_at = rows._utc(row.next_attempt_at)
    assert retry_at == NOW + timedelta(seconds=FIRST_RETRY_SECONDS)

    # Not before its time; then again with the delay doubled; then delivered.
    assert delivery.run_round(engine, smtp, clock=clock).retried == 0
    clock.at = NOW + timedelta(seconds=FIRST_RETRY_SECONDS)
    assert delivery.run_round(engine, smtp, clock=clock).retried == 1
    (row,) = _outbox(engine)
    assert rows._utc(row.next_attempt_at) == clock.at + timedelta(seconds=2 * FIRST_RETRY_SECONDS)
    clock.at += timedelta(seconds=2 * FIRST_RETRY_SECONDS)
    assert delivery.run_round(engine, smtp, clock=clock).delivered == 1
    (row,) = _outbox(engine)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 3, None)

    assert len(handler.received) == 3
    headers, body = handler.received[-1]
    assert headers["Scamlink-Event"] == "referral.created"
    assert headers["Scamlink-Delivery"] == str(row.id)
    signature = headers["Scamlink-Signature"]
    stamp = int(clock.at.timestamp())
    assert signature.startswith(f"t={stamp},v1=")
    assert delivery.verify_signature(sub.secret, signature, body, now=stamp + 10)
    assert json.loads(body)["event"] == "referral.created"
    # A replay later, a changed body, another secret: refused.
    assert not delivery.verify_signature(sub.secret, signature, body, now=stamp + 301)
    assert not delivery.verify_signature(sub.secret, signature, body + b" ", now=stamp)
    assert not delivery.verify_signature("whsec_other", signature, body, now=stamp)
    assert not delivery.verify_signature(sub.secret, "v1=abc", body, now=stamp)

    with engine.connect() as conn:
        (logged,) = rows.delivery_log(conn, "CNP")
        assert rows.delivery_log(conn, "KNPA") == []
    assert (logged.status, logged.attempts) == ("delivered", 3)


def test_a_redirect_is_not_followed(engine: Engine, receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    handler.answers = [302]
    _subscribe(engine, CNP_ADMIN, url)
    _refer(engine, _create(engine), "CNP")
    assert delivery.run_round(engine, SmtpSettings(), clock=_Clock(NOW)).retried == 1
    (row,) = _outbox(engine)
    assert (row.status, row.last_error) == ("pending", "HTTP 302 from the receiver")
    assert len(handler.received) == 1


def test_a_delivery_fails_for_good_after_the_last_attempt(engine: Engine) -> None:
    _subscribe(engine, CNP_ADMIN, "http://127.0.0.1:9/closed")  # nothing listens on port 9
    _refer(engine, _create(engine), "CNP")
    clock = _Clock(NOW)
    for _ in range(MAX_ATTEMPTS):
        done = delivery.run_round(engine, SmtpSettings(), clock=clock)
        clock.at += timedelta(days=1)
    assert done.failed == 1
    (row,) = _outbox(engine)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert row.last_error.startswith("could not reach the receiver")
    assert delivery.run_round(engine, SmtpSettings(), clock=clock).failed == 0


class _Sink:
    def __init__(self) -> None:
        self.messages: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"


def test_an_email_goes_through_smtp_in_the_recipients_language(engine: Engine) -> None:
    sink = _Sink()
    with socket.socket() as probe:  # a free port (aiosmtpd probes the port it was given)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = SmtpSettings(
            host="127.0.0.1",
            port=port,
            sender="cases@scamlink.test",
            security="none",
        )
        _subscribe(engine, KNPA_ADMIN, "desk@knpa.test", channel="email")
        case_id = _create(engine)
        referral = _refer(engine, case_id, "CNP")
        with engine.begin() as conn:
            service.respond(conn, CNP, referral, accept=False, now=NOW, reason="outside our area")
        done = delivery.run_round(engine, smtp, clock=_Clock(NOW))
    finally:
        controller.stop()
    assert done.delivered == 1
    (envelope,) = sink.messages
    assert envelope.rcpt_tos == ["desk@knpa.test"]
    assert isinstance(envelope.content, bytes)
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["Subject"].startswith("CNP이(가) 사건 #")
    assert "사유: outside our area" in mail.get_body().get_content()  # type: ignore[union-attr]


def test_email_without_a_mail_server_is_retried_with_the_reason(engine: Engine) -> None:
    _subscribe(engine, KNPA_ADMIN, "desk@knpa.test", channel="email")
    referral = _refer(engine, _create(engine), "CNP")
    with engine.begin() as conn:
        service.respond(conn, CNP, referral, accept=True, now=NOW)
    assert delivery.run_round(engine, SmtpSettings(), clock=_Clock(NOW)).retried == 1
    (row,) = _outbox(engine)
    assert row.last_error == "no mail server configured (SCAMLINK_SMTP_HOST)"


def test_removing_a_subscription_cancels_what_waits(engine: Engine) -> None:
    sub = _subscribe(engine, CNP_ADMIN)
    _refer(engine, _create(engine), "CNP")
    with pytest.raises(CaseError) as other_agency, engine.begin() as conn:
        notify.unsubscribe(conn, KNPA_ADMIN, sub.id, NOW)
    assert other_agency.value.status == 404
    with engine.begin() as conn:
        notify.unsubscribe(conn, CNP_ADMIN, sub.id, NOW)
    with pytest.raises(CaseError) as again, engine.begin() as conn:
        notify.unsubscribe(conn, CNP_ADMIN, sub.id, NOW)
    assert again.value.status == 409
    (row,) = _outbox(engine)
    assert (row.status, row.last_error) == ("cancelled", "subscription removed")
    assert delivery.run_round(engine, SmtpSettings(), clock=_Clock(NOW)).delivered == 0


@pytest.mark.parametrize(
    ("channel", "target", "events", "language", "field", "says"),
    [
        ("sms", "x", "", None, "channel", "channel must be webhook or email"),
        ("webhook", "", "", None, "target", "target is required"),
        ("webhook", "http://hooks.example.test/", "", None, "target", "https://"),
        ("webhook", "ftp://hooks.example.test/", "", None, "target", "https://"),
        ("webhook", "https://u:p@hooks.example.test/", "", None, "target", "credentials"),
        ("webhook", "https://a.test/\r\nX: y", "", None, "target", "without spaces"),
        ("email", "not-an-address", "", None, "target", "not an e-mail address"),
        ("email", "a@b.test", "referral.created nope", None, "events", "unknown event 'nope'"),
        ("email", "a@b.test", "", "th", "language", "language must be one of en, ko"),
    ],
)
def test_a_bad_subscription_is_refused_naming_its_field(
    engine: Engine,
    channel: str,
    target: str,
    events: str,
    language: str | None,
    field: str,
    says: str,
) -> None:
    with pytest.raises(CaseError) as refused:
        _subscribe(engine, KNPA_ADMIN, target, channel=channel, events=events, language=language)
    assert refused.value.field == field
    assert says in refused.value.message
    with engine.connect() as conn:
        assert rows.subscriptions_of(conn, "KNPA") == []


def test_only_admins_manage_subscriptions(engine: Engine) -> None:
    with pytest.raises(CaseError) as refused:
        _subscribe(engine, KNPA)
    assert refused.value.status == 403
    sub = _subscribe(engine, KNPA_ADMIN, events="referral.accepted,referral.declined")
    with engine.connect() as conn:
        (found,) = notify.subscriptions(conn, KNPA_ADMIN)
        assert found.id == sub.id
        assert found.events == ("referral.accepted", "referral.declined")
        assert found.language == "ko"
        assert notify.subscriptions(conn, CNP_ADMIN) == []


# --- the board's counts table ---------------------------------------------------------------


def test_the_counts_table_follows_every_case_change(engine: Engine) -> None:
    ids = [_create(engine, triage=i == 2) for i in range(3)]
    _create(engine, NewCase(kind=CaseKind.FREEZE_REQUEST, title="freeze", target="KR:KB:1234"))
    with engine.begin() as conn:
        service.transition(conn, KNPA, ids[0], Status.TRIAGED, NOW)
        service.set_priority(conn, KNPA, ids[1], Priority.P2, NOW)
        referral = service.refer(
            conn, KNPA, ids[2], NewReferral("CNP", "please", "en", Tlp.AMBER), NOW
        )
        service.respond(conn, CNP, referral, accept=True, now=NOW)
    with engine.connect() as conn:
        actual = {
            tuple(r[:4]): r[4]
            for r in conn.execute(
                select(
                    cases.c.owner_agency,
                    cases.c.status,
                    cases.c.priority,
                    cases.c.kind,
                    func.count(),
                ).group_by(cases.c.owner_agency, cases.c.status, cases.c.priority, cases.c.kind)
            )
        }
        counted = {
            tuple(r[:4]): r[4] for r in conn.execute(select(case_status_counts)).all() if r.cases
        }
    assert counted == actual
    assert sum(actual.values()) == 4


def test_the_board_counts_from_the_tables_match_the_visibility_rule(engine: Engine) -> None:
    """Own counts and a desk's counts come from the counts tables; the whole rule as one
    condition (`visible_cases`) must give the same figures for every kind of viewer."""
    cnp_admin_free = [
        NewCase(kind=CaseKind.REPATRIATION, title=f"KR in KH {m}", nationality="KR", country="KH",
                tlp=m)
        for m in (Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.AMBER)
    ]  # fmt: skip
    with engine.begin() as conn:
        ids = [service.create_case(conn, CNP, new, NOW) for new in cnp_admin_free]
        service.create_case(conn, CNP, NewCase(kind=CaseKind.REPATRIATION, title="TH"), NOW)
        service.create_case(conn, KNPA, HELD, NOW)
        service.transition(conn, CNP, ids[0], Status.TRIAGED, NOW)
        service.transition(conn, CNP, ids[3], Status.TRIAGED, NOW)
        referral = service.refer(
            conn, CNP, ids[3], NewReferral("KDESK", "please", "en", Tlp.AMBER), NOW
        )
        service.respond(conn, DESK, referral, accept=True, now=NOW)
    for viewer in (KNPA, CNP, DESK, RTP):
        with engine.connect() as conn:
            counted = {s: n for s, n in case_board.board_counts(conn, viewer).items() if n}
            reference = {
                Status(s): n
                for s, n in conn.execute(
                    select(cases.c.status, func.count())
                    .where(case_board.visible_cases(viewer))
                    .group_by(cases.c.status)
                )
            }
            owned = {
                s: n
                for s, n in case_board.board_counts(
                    conn, viewer, case_board.Filters(agency="CNP")
                ).items()
                if n
            }
            owned_reference = {
                Status(s): n
                for s, n in conn.execute(
                    select(cases.c.status, func.count())
                    .where(case_board.visible_cases(viewer), cases.c.owner_agency == "CNP")
                    .group_by(cases.c.status)
                )
            }
        assert counted == reference, viewer
        assert owned == owned_reference, viewer
    with engine.connect() as conn:
        desk = case_board.board_counts(conn, DESK)
    assert desk[Status.TRIAGED] == 1  # GREEN, triaged: the desk's nationals
    assert desk[Status.ACCEPTED] == 1  # referred to KDESK and accepted: counted once
    assert desk[Status.NEW] == 2  # CNP AMBER and KNPA HELD; AMBER+STRICT is not the desk's
