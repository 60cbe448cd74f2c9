"""Sharing changes and their audit entries commit or roll back together."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from scamlink.sharing.audit import Actor
from scamlink.sharing.roles import Role
from scamlink.sharing.sharing_admin import (
    SharingError,
    add_member,
    create_group,
    group_id_for,
    remove_member,
    set_cap,
    set_disclose_hidden_counts,
)
from scamlink.sharing.tlp import Tlp
from scamlink.store import markings
from scamlink.store.audit import latest_entries
from tests.factories import add_user

OPERATOR = Actor("cli:test")


def _entries(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(latest_entries(conn, limit=1000))


def test_group_ids_are_stable_slugs() -> None:
    assert group_id_for("KR-TH desk") == "kr-th-desk"
    assert group_id_for("  Mekong / cyber  ") == "mekong-cyber"


def test_a_rolled_back_change_leaves_neither_change_nor_entry(engine: Engine) -> None:
    before = _entries(engine)

    with engine.connect() as conn, conn.begin() as transaction:
        create_group(conn, OPERATOR, "Mekong", ["LPF", "MPF"])
        set_disclose_hidden_counts(conn, OPERATOR, "LPF", on=True)
        transaction.rollback()
    with engine.connect() as conn:
        assert markings.group_by_name(conn, "Mekong") is None
        assert not markings.discloses_hidden_counts(conn, "LPF")
    assert _entries(engine) == before


def test_each_change_writes_one_entry_naming_what_changed(engine: Engine) -> None:
    partner = add_user(engine, "p@bank.test", "KNPA", Role.PARTNER)
    with engine.begin() as conn:
        group = create_group(conn, OPERATOR, "Mekong", ["lpf", "MPF"])
        assert group.members == frozenset({"LPF", "MPF"})
        assert add_member(conn, OPERATOR, "mekong", "RTP").members == {"LPF", "MPF", "RTP"}
        assert remove_member(conn, OPERATOR, "Mekong", "MPF").members == {"LPF", "RTP"}
        set_cap(conn, OPERATOR, owner="rtp", partner_email="P@bank.test", cap=Tlp.GREEN)
        assert markings.list_partner_caps(conn, owner="RTP") == [("RTP", partner, Tlp.GREEN)]
        entries = latest_entries(conn, limit=4)
    assert [e.action for e in entries] == [
        "partner_cap.set",
        "group.remove_member",
        "group.add_member",
        "group.create",
    ]
    assert [e.subject_agency for e in entries[:3]] == ["RTP", "MPF", "RTP"]
    assert '"max_tlp":"GREEN"' in entries[0].details


def test_a_cap_needs_a_partner_and_known_names(engine: Engine) -> None:
    add_user(engine, "kim@knpa.test", "KNPA", Role.ANALYST)
    with engine.begin() as conn:
        with pytest.raises(SharingError, match="not a partner"):
            set_cap(conn, OPERATOR, owner="RTP", partner_email="kim@knpa.test", cap=Tlp.GREEN)
        with pytest.raises(SharingError, match="no user"):
            set_cap(conn, OPERATOR, owner="RTP", partner_email="x@y.test", cap=Tlp.GREEN)
        with pytest.raises(SharingError, match="no sharing group"):
            add_member(conn, OPERATOR, "nowhere", "RTP")
        with pytest.raises(SharingError, match="not a usable group name"):
            create_group(conn, OPERATOR, " -- ", [])
