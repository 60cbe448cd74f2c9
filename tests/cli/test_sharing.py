"""`scamlink sharing`: groups, partner caps, hidden-count disclosure; audited, clear errors."""

from __future__ import annotations

from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store import markings
from scamlink.store.audit import latest_entries
from tests.cli.conftest import Invoke
from tests.factories import add_user


def _actions(engine: Engine, n: int) -> list[str]:
    with engine.connect() as conn:
        return [e.action for e in latest_entries(conn, limit=n)]


def test_groups_lists_the_reference_groups_with_members(invoke: Invoke) -> None:
    result = invoke("sharing", "groups")
    assert result.exit_code == 0, result.output
    assert "KR-KH desk" in result.output
    assert "CNP, KDESK, KNPA" in result.output


def test_create_add_and_remove_members_are_stored_and_audited(
    invoke: Invoke, engine: Engine
) -> None:
    made = invoke(
        "sharing", "groups", "create", "KR-TH desk", "--member", "knpa", "--member", "RTP"
    )
    assert made.exit_code == 0, made.output
    assert "created KR-TH desk (kr-th-desk): KNPA, RTP" in made.output
    assert invoke("sharing", "groups", "add-member", "KR-TH desk", "KDESK").exit_code == 0
    assert invoke("sharing", "groups", "remove-member", "kr-th-desk", "RTP").exit_code == 0
    with engine.connect() as conn:
        group = markings.group_by_name(conn, "kr-th desk")
        assert group is not None
        assert group.members == frozenset({"KNPA", "KDESK"})
        assert markings.groups_of_agency(conn, "RTP") == frozenset({"aseanapol-all"})
        entries = latest_entries(conn, limit=3)
    assert [e.action for e in entries] == [
        "group.remove_member",
        "group.add_member",
        "group.create",
    ]
    assert entries[0].target == "group:kr-th-desk"
    assert entries[0].actor.startswith("cli:")


def test_group_errors_are_one_line_exit_2_and_change_nothing(
    invoke: Invoke, engine: Engine
) -> None:
    before = _actions(engine, 50)
    cases = [
        (("groups", "create", "KR-KH desk"), "exists already"),
        (("groups", "create", "New", "--member", "NOPE"), "no agency NOPE"),
        (("groups", "add-member", "nowhere", "KNPA"), "no sharing group 'nowhere'"),
        (("groups", "add-member", "KR-KH desk", "XX"), "no agency XX"),
        (("groups", "add-member", "KR-KH desk", "KNPA"), "already a member"),
        (("groups", "remove-member", "KR-KH desk", "RTP"), "not a member"),
    ]
    for args, message in cases:
        result = invoke("sharing", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "error: " in result.output, result.output
        assert message in result.output, result.output
        assert "Traceback" not in result.output
    assert _actions(engine, 50) == before
    with engine.connect() as conn:
        assert markings.group_by_name(conn, "New") is None


def test_cap_set_list_and_errors(invoke: Invoke, engine: Engine) -> None:
    partner = add_user(engine, "bank@kb.test", "KNPA", Role.PARTNER)
    add_user(engine, "kim@knpa.test", "KNPA", Role.ANALYST)
    ok = invoke(
        "sharing", "cap", "set", "--owner", "rtp", "--partner", "Bank@kb.test", "--max", "amber"
    )
    assert ok.exit_code == 0, ok.output
    with engine.connect() as conn:
        assert markings.list_partner_caps(conn) == [("RTP", partner, Tlp.AMBER)]
    assert _actions(engine, 1) == ["partner_cap.set"]
    listed = invoke("sharing", "cap", "list", "--owner", "RTP")
    assert "bank@kb.test" in listed.output
    assert "AMBER" in listed.output
    assert "bank@kb.test" not in invoke("sharing", "cap", "list", "--owner", "KNPA").output
    bad = [
        (("--owner", "RTP", "--partner", "kim@knpa.test", "--max", "GREEN"), "not a partner"),
        (("--owner", "RTP", "--partner", "nobody@x.test", "--max", "GREEN"), "no user"),
        (("--owner", "NOPE", "--partner", "bank@kb.test", "--max", "GREEN"), "no agency NOPE"),
    ]
    for args, message in bad:
        result = invoke("sharing", "cap", "set", *args)
        assert result.exit_code == 2, result.output
        assert "error: " in result.output, result.output
        assert message in result.output, result.output
    assert invoke("sharing", "cap", "set", "--owner", "RTP", "--partner", "bank@kb.test",
                  "--max", "PURPLE").exit_code == 2  # fmt: skip
    with engine.connect() as conn:
        assert markings.list_partner_caps(conn) == [("RTP", partner, Tlp.AMBER)]


def test_disclose_hidden_counts_on_and_off(invoke: Invoke, engine: Engine) -> None:
    assert invoke("sharing", "disclose-hidden-counts", "rtp", "on").exit_code == 0
    with engine.connect() as conn:
        assert markings.discloses_hidden_counts(conn, "RTP")
    assert invoke("sharing", "disclose-hidden-counts", "RTP", "off").exit_code == 0
    with engine.connect() as conn:
        assert not markings.discloses_hidden_counts(conn, "RTP")
        entries = latest_entries(conn, limit=2)
    assert [e.action for e in entries] == ["agency.disclose_hidden_counts"] * 2
    assert entries[0].subject_agency == "RTP"
    assert invoke("sharing", "disclose-hidden-counts", "RTP", "maybe").exit_code == 2
    unknown = invoke("sharing", "disclose-hidden-counts", "NOPE", "on")
    assert unknown.exit_code == 2
    assert "error: no agency NOPE" in unknown.output
