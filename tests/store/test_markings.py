from __future__ import annotations

from sqlalchemy import Engine, func, select

from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.sharing.groups import SharingGroup
from scamlink.sharing.roles import PUBLIC, Role
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import (
    add_group,
    ensure_reference_groups,
    list_groups,
    release_directory,
    resolve_viewer,
    set_partner_cap,
)
from scamlink.store.schema import partner_caps
from scamlink.store.users import create_user


def _partner(engine: Engine) -> int:
    with engine.begin() as conn:
        return create_user(
            conn,
            email="partner@bank.test",
            agency="KNPA",
            role=Role.PARTNER,
            display_name="bank",
            password_hash="x",
        )


def test_reference_groups_are_seeded_once(engine: Engine) -> None:
    with engine.begin() as conn:
        assert ensure_reference_groups(conn) == 0  # the upgrade seeded them
        groups = {g.name: g for g in list_groups(conn)}
    assert groups["KR-KH desk"].members == {"KNPA", "CNP", "KDESK"}
    assert groups["ASEANAPOL all"].members == {a.code for a in REFERENCE_AGENCIES}


def test_the_release_directory_knows_agencies_and_group_names(engine: Engine) -> None:
    with engine.begin() as conn:
        add_group(conn, SharingGroup("mekong", "Mekong crypto", frozenset({"RTP", "LPF"})))
        directory = release_directory(conn)
    assert directory.resolve("LPF") == ("agency", "LPF")
    assert directory.resolve("mekong crypto") == ("group", "mekong")
    assert directory.resolve("ASEANAPOL ALL") == ("group", "aseanapol-all")
    assert directory.resolve("nobody") is None


def test_a_partner_viewer_carries_the_caps_set_for_them(engine: Engine) -> None:
    user_id = _partner(engine)
    with engine.begin() as conn:
        set_partner_cap(conn, "RTP", user_id, Tlp.GREEN)
        set_partner_cap(conn, "RTP", user_id, Tlp.AMBER)  # replaces
        set_partner_cap(conn, "KNPA", user_id, Tlp.GREEN)
        viewer = resolve_viewer(conn, agency="KNPA", role=Role.PARTNER, user_id=user_id)
        rows = conn.scalar(select(func.count()).select_from(partner_caps))
    assert viewer.partner_caps == {("RTP", Tlp.AMBER), ("KNPA", Tlp.GREEN)}
    assert rows == 2


def test_caps_of_a_partner_do_not_follow_a_change_of_role(engine: Engine) -> None:
    user_id = _partner(engine)
    with engine.begin() as conn:
        set_partner_cap(conn, "RTP", user_id, Tlp.AMBER)
        analyst = resolve_viewer(conn, agency="KNPA", role=Role.ANALYST, user_id=user_id)
        public = resolve_viewer(conn, agency=None, role=None, user_id=None)
    assert analyst.partner_caps == frozenset()
    assert public == PUBLIC
