"""`scamlink cases list|show|create|transition`: JSON out, refusals as one line and exit 2."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from tests.cli.conftest import Invoke
from tests.factories import add_user


def test_create_show_move_and_list(invoke: Invoke, engine: Engine) -> None:
    add_user(engine, "a@knpa.test", "KNPA", Role.ANALYST)
    add_user(engine, "i@rtp.test", "RTP", Role.INVESTIGATOR)
    created = invoke(
        "cases",
        "create",
        "--as",
        "a@knpa.test",
        "--kind",
        "person_at_risk",
        "--title",
        "실종 신고",
        "--nationality",
        "kr",
        "--country",
        "KH",
    )
    assert created.exit_code == 0, created.output
    case = json.loads(created.stdout)
    assert case["priority"] == "P1"
    assert case["nationality"] == "KR"
    cid = str(case["id"])
    refused = invoke("cases", "transition", cid, "closed", "--as", "a@knpa.test")
    assert refused.exit_code == 2
    assert "status: a case cannot go from new to closed" in refused.stderr
    moved = invoke("cases", "transition", cid, "triaged", "--as", "a@knpa.test")
    assert moved.exit_code == 0, moved.output
    assert json.loads(moved.stdout)["status"] == "triaged"
    shown = json.loads(invoke("cases", "show", cid, "--as", "a@knpa.test").stdout)
    assert [e["action"] for e in shown["events"]] == ["created", "status"]
    listed = json.loads(invoke("cases", "list", "--as", "a@knpa.test").stdout)
    assert [c["id"] for c in listed] == [case["id"]]
    assert json.loads(invoke("cases", "list", "--as", "i@rtp.test").stdout) == []
    hidden = invoke("cases", "show", cid, "--as", "i@rtp.test")
    assert hidden.exit_code == 2
    assert "no such case" in hidden.stderr
    nobody = invoke("cases", "list", "--as", "nobody@example.test")
    assert nobody.exit_code == 2


def test_an_agency_sets_its_deadlines(invoke: Invoke, engine: Engine) -> None:
    shown = json.loads(invoke("cases", "deadlines", "--agency", "cnp").stdout)
    assert shown["P1"] == {
        "first_response_minutes": 60,
        "update_minutes": 720,
        "agency_setting": False,
    }
    changed = invoke(
        "cases", "deadlines", "--agency", "CNP", "--priority", "P1",
        "--first-response-minutes", "30", "--update-minutes", "240",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["P1"] == {
        "first_response_minutes": 30,
        "update_minutes": 240,
        "agency_setting": True,
    }
    bad = invoke(
        "cases", "deadlines", "--agency", "CNP", "--priority", "P2",
        "--first-response-minutes", "0", "--update-minutes", "240",
    )  # fmt: skip
    assert bad.exit_code == 2
    assert "first_response_minutes" in bad.stderr
    assert invoke("cases", "deadlines", "--agency", "XX").exit_code == 2
