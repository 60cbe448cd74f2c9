"""Cases in the store (SQLite and PostgreSQL): workflow, referrals and what each agency sees,
deadlines, links that follow campaign merges, the board's counts and columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, insert, select

from scamlink.cases import service
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
from scamlink.cases.policy import Access
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store import case_board, cases
from scamlink.store.audit import latest_entries
from scamlink.store.reports import store_reports
from scamlink.store.schema import campaign_redirects, campaigns, case_events, reports
from tests.factories import make_report

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
KNPA = Viewer("KNPA", Role.ANALYST, 1)
CNP = Viewer("CNP", Role.INVESTIGATOR, 2)
RTP = Viewer("RTP", Role.ANALYST, 3)
DESK = Viewer("KDESK", Role.DESK_OFFICER, 4)
PARTNER = Viewer("KNPA", Role.PARTNER, 5)

HELD = NewCase(
    kind=CaseKind.PERSON_AT_RISK,
    title="Held in a compound near Sihanoukville",
    summary="Family says he was lured by a job offer.",
    nationality="KR",
    country="KH",
)


def _create(engine: Engine, new: NewCase = HELD, viewer: Viewer = KNPA, at: datetime = NOW) -> int:
    with engine.begin() as conn:
        return service.create_case(conn, viewer, new, at)


def _events(engine: Engine, case_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(case_events)
                .where(case_events.c.case_id == case_id)
            ).scalar_one()
        )


def test_a_person_at_risk_is_p1_and_due_within_the_hour(engine: Engine) -> None:
    case_id = _create(engine)
    with engine.connect() as conn:
        record = cases.case_record(conn, case_id)
        assert record is not None
        assert record.head.priority is Priority.P1
        assert record.head.status is Status.NEW
        assert cases.as_utc(record.first_response_due) == NOW + timedelta(hours=1)
        view = service.view_case(conn, KNPA, case_id, NOW)
        assert [e.action for e in view.events] == ["created"]
        assert not view.overdue
        assert service.view_case(conn, KNPA, case_id, NOW + timedelta(hours=2)).overdue
        overdue = case_board.inbox(conn, KNPA, NOW + timedelta(hours=2)).overdue
        assert [c.id for c in overdue] == [case_id]
        assert case_board.inbox(conn, KNPA, NOW).overdue == []


def test_an_agency_sets_its_own_deadlines(engine: Engine) -> None:
    with engine.begin() as conn:
        cases.set_agency_deadline(conn, "KNPA", Priority.P1, 15, 60)
    case_id = _create(engine)
    with engine.connect() as conn:
        record = cases.case_record(conn, case_id)
        assert record is not None
        assert cases.as_utc(record.first_response_due) == NOW + timedelta(minutes=15)


def test_moves_follow_the_table_and_a_refused_move_changes_nothing(engine: Engine) -> None:
    case_id = _create(engine)
    with engine.begin() as conn, pytest.raises(CaseError) as refused:
        service.transition(conn, KNPA, case_id, Status.CLOSED, NOW)
    assert refused.value.status == 409
    assert _events(engine, case_id) == 1
    later = NOW + timedelta(minutes=10)
    with engine.begin() as conn:
        moved = service.transition(conn, KNPA, case_id, Status.TRIAGED, later)
    assert moved.status is Status.TRIAGED
    assert cases.as_utc(moved.next_due) == later + timedelta(hours=12)
    with engine.begin() as conn, pytest.raises(CaseError) as no_reason:
        service.transition(conn, KNPA, case_id, Status.DECLINED, later)
    assert no_reason.value.field == "reason"
    with engine.begin() as conn, pytest.raises(CaseError) as other:
        service.transition(conn, RTP, case_id, Status.IN_PROGRESS, later)
    assert other.value.status == 404
    with engine.begin() as conn, pytest.raises(CaseError) as partner:
        service.transition(conn, PARTNER, case_id, Status.IN_PROGRESS, later)
    assert partner.value.status == 404
    with engine.connect() as conn:
        head = cases.case_head(conn, case_id)
        assert head is not None
        assert head.status is Status.TRIAGED


def _report_id(engine: Engine, external_id: str, tlp: Tlp = Tlp.GREEN) -> int:
    with engine.begin() as conn:
        store_reports(conn, [make_report(external_id, tlp=tlp)])
        return int(
            conn.execute(
                select(reports.c.id).where(reports.c.external_id == external_id)
            ).scalar_one()
        )


def test_the_other_agency_sees_only_the_referred_part(engine: Engine) -> None:
    case_id = _create(engine)
    shared = _report_id(engine, "R-shared")
    kept = _report_id(engine, "R-kept")
    with engine.begin() as conn:
        service.transition(conn, KNPA, case_id, Status.TRIAGED, NOW)
        shared_link = service.add_link(
            conn, KNPA, case_id, LinkKind.REPORT, shared, LinkRole.VICTIM, NOW
        )
        service.add_link(conn, KNPA, case_id, LinkKind.REPORT, kept, LinkRole.RELATED, NOW)
        service.add_note(conn, KNPA, case_id, "our eyes only", Tlp.AMBER_STRICT, NOW)
        service.add_note(conn, KNPA, case_id, "for partners in the case", Tlp.AMBER, NOW)
    with engine.begin() as conn, pytest.raises(CaseError) as own:
        service.refer(
            conn, KNPA, case_id, NewReferral("KNPA", "to ourselves", "ko", Tlp.AMBER), NOW
        )
    assert own.value.field == "to_agency"
    with engine.begin() as conn:
        referral_id = service.refer(
            conn,
            KNPA,
            case_id,
            NewReferral(
                "CNP",
                "구조 요청: 가족과 마지막 연락은 어제입니다.",
                "ko",
                Tlp.AMBER,
                include_details=False,
                link_ids=frozenset({shared_link}),
            ),
            NOW,
        )
    with engine.connect() as conn:
        # Pending: in CNP's inbox, not on its board.
        assert not case_board.sees_case(conn, CNP, case_id)
        incoming = case_board.inbox(conn, CNP, NOW).referrals
        assert [r.referral_id for r in incoming] == [referral_id]
        assert incoming[0].message.startswith("구조 요청")
        assert case_board.board_counts(conn, CNP)[Status.REFERRED] == 0
    with engine.begin() as conn, pytest.raises(CaseError):
        service.view_case(conn, CNP, case_id, NOW)
    with engine.begin() as conn:
        service.respond(conn, CNP, referral_id, accept=True, now=NOW)
    with engine.connect() as conn:
        view = service.view_case(conn, CNP, case_id, NOW)
        assert view.access is Access.RECIPIENT
        assert view.record.head.status is Status.ACCEPTED
        assert view.record.summary == ""  # details were not referred
        assert [link.target_id for link in view.links] == [shared]
        assert [n.body for n in view.notes] == ["for partners in the case"]
        assert all(e.audience in (None, "CNP") for e in view.events)
        assert [r.id for r in view.referrals] == [referral_id]
        assert case_board.board_counts(conn, CNP)[Status.ACCEPTED] == 1
        assert case_board.board_counts(conn, KNPA)[Status.ACCEPTED] == 1
        owner = service.view_case(conn, KNPA, case_id, NOW)
        assert len(owner.links) == 2
        assert owner.record.summary
        # RTP, never referred, sees nothing.
        assert not case_board.sees_case(conn, RTP, case_id)
        actions = [e.action for e in latest_entries(conn, limit=10)]
        assert "case.refer" in actions
        assert "case.referral.accept" in actions
    # CNP keeps its own notes, the owner does not see them.
    with engine.begin() as conn:
        service.add_note(conn, CNP, case_id, "CNP only", Tlp.AMBER_STRICT, NOW)
        service.transition(conn, CNP, case_id, Status.IN_PROGRESS, NOW)
    with engine.connect() as conn:
        assert "CNP only" not in [n.body for n in service.view_case(conn, KNPA, case_id, NOW).notes]
        assert "CNP only" in [n.body for n in service.view_case(conn, CNP, case_id, NOW).notes]
    # A referral answered once cannot be answered again.
    with engine.begin() as conn, pytest.raises(CaseError) as again:
        service.respond(conn, CNP, referral_id, accept=False, now=NOW, reason="no")
    assert again.value.status == 409


def test_declining_needs_a_reason_and_declines_the_case(engine: Engine) -> None:
    case_id = _create(engine)
    with engine.begin() as conn:
        service.transition(conn, KNPA, case_id, Status.TRIAGED, NOW)
        referral_id = service.refer(
            conn, KNPA, case_id, NewReferral("RTP", "please check", "en", Tlp.AMBER), NOW
        )
    with engine.begin() as conn, pytest.raises(CaseError) as bare:
        service.respond(conn, RTP, referral_id, accept=False, now=NOW)
    assert bare.value.field == "reason"
    with engine.begin() as conn, pytest.raises(CaseError) as stranger:
        service.respond(conn, CNP, referral_id, accept=True, now=NOW)
    assert stranger.value.status == 404
    with engine.begin() as conn:
        answered = service.respond(
            conn, RTP, referral_id, accept=False, now=NOW, reason="not in Thailand"
        )
    assert answered.reason == "not in Thailand"
    with engine.connect() as conn:
        head = cases.case_head(conn, case_id)
        assert head is not None
        assert head.status is Status.DECLINED
        assert not case_board.sees_case(conn, RTP, case_id)


def test_desk_officers_see_their_nationals_in_the_host_country(engine: Engine) -> None:
    ours = _create(engine, HELD, CNP)
    thai = _create(
        engine,
        NewCase(CaseKind.PERSON_AT_RISK, "Thai national", nationality="TH", country="KH"),
        CNP,
    )
    strict = _create(
        engine,
        NewCase(
            CaseKind.PERSON_AT_RISK, "strict", nationality="KR", country="KH", tlp=Tlp.AMBER_STRICT
        ),
        CNP,
    )
    with engine.connect() as conn:
        assert case_board.sees_case(conn, DESK, ours)
        assert not case_board.sees_case(conn, DESK, thai)
        assert not case_board.sees_case(conn, DESK, strict)
        assert case_board.board_counts(conn, DESK)[Status.NEW] == 1
        late = case_board.Filters(overdue_at=NOW + timedelta(hours=2))
        assert case_board.board_counts(conn, DESK, late)[Status.NEW] == 1
        assert [c.id for c in case_board.board(conn, DESK, late).columns[Status.NEW]] == [ours]
        view = service.view_case(conn, DESK, ours, NOW)
        assert view.access is Access.DESK
        assert view.moves == []
        assert not case_board.sees_case(conn, Viewer("KDESK", Role.ANALYST, 9), ours)


def test_a_campaign_link_follows_merges(engine: Engine) -> None:
    case_id = _create(engine)
    with engine.begin() as conn:
        for cid in (10, 11):
            conn.execute(
                insert(campaigns).values(id=cid, report_count=1, created_at=NOW, updated_at=NOW)
            )
        conn.execute(insert(campaign_redirects).values(old_id=9, new_id=10, at=NOW))
        service.add_link(conn, KNPA, case_id, LinkKind.CAMPAIGN, 9, LinkRole.RELATED, NOW)
        with pytest.raises(CaseError) as absent:
            service.add_link(conn, KNPA, case_id, LinkKind.CAMPAIGN, 999, LinkRole.RELATED, NOW)
        assert absent.value.field == "target_id"
    with engine.begin() as conn:
        # Campaign 10 merges into 11 after the link was made.
        conn.execute(insert(campaign_redirects).values(old_id=10, new_id=11, at=NOW))
        conn.execute(campaigns.delete().where(campaigns.c.id == 10))
    with engine.connect() as conn:
        links = cases.links_of(conn, case_id)
    assert [(link.kind, link.target_id) for link in links] == [(LinkKind.CAMPAIGN, 11)]


def test_hidden_reports_cannot_be_linked(engine: Engine) -> None:
    case_id = _create(engine)
    with engine.begin() as conn:
        store_reports(conn, [make_report("RTP-strict", agency="RTP", tlp=Tlp.AMBER_STRICT)])
        hidden = int(
            conn.execute(
                select(reports.c.id).where(reports.c.external_id == "RTP-strict")
            ).scalar_one()
        )
    with engine.begin() as conn, pytest.raises(CaseError) as refused:
        service.add_link(conn, KNPA, case_id, LinkKind.REPORT, hidden, LinkRole.RELATED, NOW)
    assert refused.value.field == "target_id"


def test_board_counts_columns_and_filters(engine: Engine) -> None:
    ids = [
        _create(engine, NewCase(CaseKind.FINANCIAL_LOSS, f"loss {i}", nationality="KR"), KNPA)
        for i in range(5)
    ]
    held = _create(engine)
    _create(engine, NewCase(CaseKind.FINANCIAL_LOSS, "RTP's"), RTP)
    with engine.begin() as conn:
        service.transition(conn, KNPA, ids[0], Status.TRIAGED, NOW)
    with engine.connect() as conn:
        counts = case_board.board_counts(conn, KNPA)
        assert counts[Status.NEW] == 5
        assert counts[Status.TRIAGED] == 1
        page, after = case_board.column_page(conn, KNPA, Status.NEW, limit=2)
        assert [c.id for c in page] == [held, ids[1]]  # P1 first
        assert after is not None
        rest, _ = case_board.column_page(conn, KNPA, Status.NEW, limit=10, after=after)
        assert [c.id for c in rest] == ids[2:]
        only_p1 = case_board.Filters(priority=Priority.P1)
        assert case_board.board_counts(conn, KNPA, only_p1)[Status.NEW] == 1
        overdue = case_board.Filters(overdue_at=NOW + timedelta(hours=2))
        assert case_board.board_counts(conn, KNPA, overdue)[Status.NEW] == 1
        by_kind = case_board.Filters(kind=CaseKind.FINANCIAL_LOSS)
        assert sum(case_board.board_counts(conn, KNPA, by_kind).values()) == 5
        full = case_board.board(conn, KNPA)
        assert [c.id for c in full.columns[Status.TRIAGED]] == [ids[0]]
        assert case_board.board_counts(conn, PARTNER) == dict.fromkeys(full.counts, 0)


def test_bad_input_names_the_field(engine: Engine) -> None:
    bad = [
        (NewCase(CaseKind.FINANCIAL_LOSS, "  "), "title"),
        (NewCase(CaseKind.FINANCIAL_LOSS, "x", nationality="Korea"), "nationality"),
        (NewCase(CaseKind.FREEZE_REQUEST, "freeze"), "target"),
    ]
    for new, field in bad:
        with engine.begin() as conn, pytest.raises(CaseError) as refused:
            service.create_case(conn, KNPA, new, NOW)
        assert refused.value.field == field
    with engine.begin() as conn, pytest.raises(CaseError) as partner:
        service.create_case(conn, PARTNER, HELD, NOW)
    assert partner.value.status == 403
