"""`scamlink users`: create (generated password printed once), list, disable, enable."""

from __future__ import annotations

import json
import re

from sqlalchemy import Engine, select

from scamlink.sharing.accounts import authenticate
from scamlink.store.audit import latest_entries
from scamlink.store.schema import users
from tests.cli.conftest import Invoke

PASSWORD_LINE = re.compile(r"^password: (\S+)$", re.MULTILINE)


def test_create_prints_a_generated_password_once(invoke: Invoke, engine: Engine) -> None:
    result = invoke("users", "create", "Kim@KNPA.test", "--agency", "knpa", "--role", "analyst")
    assert result.exit_code == 0, result.output
    assert "created kim@knpa.test (analyst, KNPA)" in result.output
    found = PASSWORD_LINE.findall(result.stdout)
    assert len(found) == 1
    password = found[0]
    assert len(password) >= 20
    with engine.connect() as conn:
        assert authenticate(conn, "kim@knpa.test", password) is not None
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$")
        assert latest_entries(conn, limit=1)[0].action == "user.create"
    listed = invoke("users", "list")
    assert password not in listed.output


def test_create_reads_the_password_from_stdin(invoke: Invoke, engine: Engine) -> None:
    result = invoke(
        "users", "create", "p@bank.test", "--agency", "KNPA", "--role", "partner",
        "--name", "KB Bank", "--password-stdin", input="a long chosen secret\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "password" not in result.output
    with engine.connect() as conn:
        assert authenticate(conn, "p@bank.test", "a long chosen secret") is not None


def test_bad_input_is_one_line_and_exit_2(invoke: Invoke, engine: Engine) -> None:
    weak = invoke(
        "users", "create", "p@bank.test", "--agency", "KNPA", "--role", "partner",
        "--password-stdin", input="short\n",
    )  # fmt: skip
    assert weak.exit_code == 2
    assert "error: a password needs at least 10 characters" in weak.output
    agency = invoke("users", "create", "a@b.test", "--agency", "NOPE", "--role", "analyst")
    assert agency.exit_code == 2
    assert "error: no agency NOPE" in agency.output
    role = invoke("users", "create", "a@b.test", "--agency", "KNPA", "--role", "boss")
    assert role.exit_code == 2
    assert "--role" in role.output
    invoke("users", "create", "a@b.test", "--agency", "KNPA", "--role", "analyst")
    again = invoke("users", "create", "A@b.test", "--agency", "KNPA", "--role", "analyst")
    assert again.exit_code == 2
    assert "already exists" in again.output
    with engine.connect() as conn:
        assert [e.action for e in latest_entries(conn, limit=10)] == ["user.create"]


def test_list_filters_by_agency_as_json(invoke: Invoke) -> None:
    invoke("users", "create", "a@knpa.test", "--agency", "KNPA", "--role", "admin")
    invoke("users", "create", "b@rtp.test", "--agency", "RTP", "--role", "analyst")
    result = invoke("users", "list", "--agency", "rtp", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [
        {
            "email": "b@rtp.test",
            "agency": "RTP",
            "role": "analyst",
            "name": "b@rtp.test",
            "disabled": False,
        }
    ]
    table = invoke("users", "list")
    assert "a@knpa.test" in table.output
    assert "b@rtp.test" in table.output


def test_disable_and_enable(invoke: Invoke, engine: Engine) -> None:
    invoke(
        "users", "create", "a@knpa.test", "--agency", "KNPA", "--role", "analyst",
        "--password-stdin", input="a long chosen secret\n",
    )  # fmt: skip
    assert invoke("users", "disable", "A@knpa.test").exit_code == 0
    with engine.connect() as conn:
        assert authenticate(conn, "a@knpa.test", "a long chosen secret") is None
    assert '"disabled": true' in invoke("users", "list", "--json").output
    assert invoke("users", "enable", "a@knpa.test").exit_code == 0
    with engine.connect() as conn:
        assert authenticate(conn, "a@knpa.test", "a long chosen secret") is not None
    missing = invoke("users", "disable", "ghost@knpa.test")
    assert missing.exit_code == 2
    assert "error: no user with e-mail ghost@knpa.test" in missing.output
