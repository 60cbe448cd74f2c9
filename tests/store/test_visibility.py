"""The SQL filter and the one-record rule agree, on SQLite and PostgreSQL, for random worlds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, select

from scamlink.sharing.groups import SharingGroup
from scamlink.sharing.policy import Releases, may_see
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import add_group, add_recipients, resolve_viewer, set_partner_cap
from scamlink.store.reports import store_reports
from scamlink.store.schema import reports
from scamlink.store.users import create_user
from scamlink.store.visibility import list_visible_reports, visible_reports
from tests.factories import make_report

AGENCIES = ("KNPA", "CNP", "RTP", "KDESK", "SPF")
EXTRA_GROUPS = ("g1", "g2", "g3")
GROUP_IDS = ("kr-kh-desk", "aseanapol-all", *EXTRA_GROUPS)
USERS = 6
Record = tuple[str, Tlp, Releases, frozenset[int]]  # owner, marking, releases, recipients

marking = st.sampled_from(list(Tlp))
agency = st.sampled_from(AGENCIES)
world = st.fixed_dictionaries(
    {
        # Membership of the groups made for this world (the reference groups are as seeded).
        "groups": st.lists(st.frozensets(agency, max_size=3), min_size=3, max_size=3),
        "users": st.lists(
            st.tuples(agency, st.sampled_from(list(Role))), min_size=USERS, max_size=USERS
        ),
        "caps": st.lists(st.tuples(agency, st.integers(0, USERS - 1), marking), max_size=4),
        "reports": st.lists(
            st.tuples(
                agency,
                marking,
                st.frozensets(agency, max_size=2),
                st.frozensets(st.sampled_from(GROUP_IDS), max_size=2),
                st.frozensets(st.integers(0, USERS - 1), max_size=2),
            ),
            min_size=1,
            max_size=25,
        ),
    }
)


def _build(conn: Connection, spec: dict[str, Any]) -> tuple[list[int], dict[int, Record]]:
    for group_id, members in zip(EXTRA_GROUPS, spec["groups"], strict=True):
        add_group(conn, SharingGroup(group_id, f"group {group_id}", members))
    user_ids = [
        create_user(
            conn,
            email=f"user{i}@{owner.lower()}.test",
            agency=owner,
            role=role,
            display_name=f"user {i}",
            password_hash="not a hash",
        )
        for i, (owner, role) in enumerate(spec["users"])
    ]
    for owner, user, cap in spec["caps"]:
        set_partner_cap(conn, owner, user_ids[user], cap)
    batch = []
    for i, (owner, tlp, to_agencies, to_groups, _) in enumerate(spec["reports"]):
        releases = Releases(to_agencies, to_groups) if tlp is Tlp.AMBER else Releases()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        report = make_report(
            f"r{i}", agency=owner, tlp=tlp, received_at=start + timedelta(hours=i % 7)
        )
        batch.append(replace(report, releases=releases))
    store_reports(conn, batch)
    ids = {
        row.external_id: row.id for row in conn.execute(select(reports.c.external_id, reports.c.id))
    }
    records: dict[int, Record] = {}
    for i, (owner, tlp, _, _, named) in enumerate(spec["reports"]):
        report_id = ids[f"r{i}"]
        recipients = frozenset(user_ids[n] for n in named)
        add_recipients(conn, report_id, recipients)
        records[report_id] = (owner, tlp, batch[i].releases, recipients)
    return user_ids, records


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=world)
def test_the_sql_filter_shows_exactly_what_may_see_allows(
    engine: Engine,
    spec: dict[str, Any],
) -> None:
    with engine.connect() as conn, conn.begin() as transaction:
        user_ids, records = _build(conn, spec)
        viewers = [PUBLIC] + [
            resolve_viewer(conn, agency=owner, role=role, user_id=user_ids[i])
            for i, (owner, role) in enumerate(spec["users"])
        ]
        for viewer in viewers:
            shown = set(conn.scalars(select(reports.c.id).where(visible_reports(viewer))))
            allowed = {
                report_id
                for report_id, (owner, tlp, releases, recipients) in records.items()
                if may_see(viewer, owner, tlp, releases, recipients)
            }
            assert shown == allowed, viewer
            listed = list_visible_reports(conn, viewer, limit=len(records) + 1).items
            assert {item.id for item in listed} == allowed
        transaction.rollback()


def test_viewers_get_the_groups_of_their_agency(engine: Engine) -> None:
    with engine.begin() as conn:
        knpa = resolve_viewer(conn, agency="KNPA", role=Role.ANALYST, user_id=None)
        rtp = resolve_viewer(conn, agency="RTP", role=Role.ANALYST, user_id=None)
    assert knpa.groups == {"kr-kh-desk", "aseanapol-all"}
    assert rtp.groups == {"aseanapol-all"}


def test_amber_released_to_a_group_is_listed_for_its_members_only(engine: Engine) -> None:
    amber = replace(
        make_report("amber", agency="KNPA", tlp=Tlp.AMBER),
        releases=Releases(groups=frozenset({"kr-kh-desk"})),
    )
    with engine.begin() as conn:
        store_reports(conn, [amber])
        cnp = resolve_viewer(conn, agency="CNP", role=Role.INVESTIGATOR, user_id=None)
        desk = resolve_viewer(conn, agency="KDESK", role=Role.DESK_OFFICER, user_id=None)
        rtp = resolve_viewer(conn, agency="RTP", role=Role.ANALYST, user_id=None)
        assert [i.external_id for i in list_visible_reports(conn, cnp).items] == ["amber"]
        assert [i.external_id for i in list_visible_reports(conn, desk).items] == ["amber"]
        assert list_visible_reports(conn, rtp).items == []
        assert list_visible_reports(conn, Viewer("CNP", Role.ANALYST)).items == []


def test_keyset_pages_cover_every_visible_report_once_newest_first(engine: Engine) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch = [
        make_report(
            f"r{i}",
            agency=("KNPA", "RTP")[i % 2],
            tlp=(Tlp.GREEN, Tlp.AMBER, Tlp.CLEAR)[i % 3],
            received_at=start + timedelta(minutes=i // 3),  # ties on received_at
        )
        for i in range(47)
    ]
    viewer = Viewer("RTP", Role.ANALYST)
    with engine.begin() as conn:
        store_reports(conn, batch)
        seen: list[tuple[datetime, int]] = []
        page = list_visible_reports(conn, viewer, limit=5)
        seen.extend((i.received_at, i.id) for i in page.items)
        while page.after is not None:
            page = list_visible_reports(conn, viewer, limit=5, after=page.after)
            seen.extend((i.received_at, i.id) for i in page.items)
        expected = conn.execute(
            select(reports.c.received_at, reports.c.id)
            .where(visible_reports(viewer))
            .order_by(reports.c.received_at.desc(), reports.c.id.desc())
        ).all()
    assert seen == list(expected)
    visible = [r for r in batch if may_see(viewer, r.agency, r.tlp)]
    assert len(seen) == len(visible)
    assert len(seen) < len(batch)
