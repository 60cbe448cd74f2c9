"""`scamlink lookup`: one answer per value, as the public or as an agency's staff."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine

from scamlink.cli.lookup import leave_snapshot
from scamlink.config import Settings
from scamlink.lookup.keys import key_hash
from scamlink.lookup.live import INDEX_FOLDER, LiveIndex
from scamlink.lookup.verdict import Standing, pack
from scamlink.sharing.tlp import Tlp
from tests.cli.conftest import Invoke
from tests.lookup.support import add, phone

A, B = "+821011112222", "+821033334444"


def test_json_gives_one_object_per_value(invoke: Invoke, engine: Engine) -> None:
    add(engine, "clear", (phone(A),))
    result = invoke(
        "lookup", "--json", "--country", "KR", "010-1111-2222", "t.me/usdt_vip", "0xnothing"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(x["query"], x["type"], x["canonical"], x["verdict"]) for x in lines] == [
        ("010-1111-2222", "phone", A, "reported"),
        ("t.me/usdt_vip", "telegram", "telegram:usdt_vip", "unknown"),
        ("0xnothing", None, None, "invalid"),
    ]
    assert "facts" not in lines[0]  # without --agency: the public's answer


def test_an_agency_sees_its_counts(invoke: Invoke, engine: Engine) -> None:
    add(engine, "amber", (phone(B),), tlp=Tlp.AMBER, agency="KNPA")
    own = json.loads(invoke("lookup", "--json", "--agency", "knpa", B).output)
    assert own["verdict"] == "reported"
    assert own["facts"]["reports"] == 1
    other = json.loads(invoke("lookup", "--json", "--agency", "RTP", B).output)
    assert other["verdict"] == "unknown"
    assert "facts" not in other
    public = json.loads(invoke("lookup", "--json", B).output)
    assert public["verdict"] == "unknown"


def test_the_table_and_clear_errors(invoke: Invoke) -> None:
    table = invoke("lookup", "+66 81 234 5678")
    assert table.exit_code == 0
    assert "+66812345678" in table.output
    assert "unknown" in table.output
    bad = invoke("lookup", "--agency", "NOPE", "x")
    assert bad.exit_code == 2
    assert "unknown agency NOPE" in bad.output
    country = invoke("lookup", "--country", "Korea", "x")
    assert country.exit_code == 2
    assert "two-letter" in country.output


def test_build_index_saves_the_snapshot_the_server_loads(
    invoke: Invoke, engine: Engine, settings: Settings
) -> None:
    add(engine, "clear", (phone(A),))
    result = invoke("lookup", "--build-index")
    assert result.exit_code == 0, result.output
    assert "indicators built in" in result.output
    folder = settings.data_dir / INDEX_FOLDER
    live = LiveIndex(engine, folder, embargo=timedelta(hours=settings.lookup_embargo_hours))
    loaded = live.load()
    assert (loaded.how, loaded.delta) == ("snapshot", 0)
    assert live.index.code(key_hash(A)) == pack(Standing.REPORTED, Standing.REPORTED)
    both = invoke("lookup", "--build-index", A)
    assert both.exit_code == 2
    assert "no values with --build-index" in both.output
    none = invoke("lookup")
    assert none.exit_code == 2
    assert "at least one value" in none.output


def test_leave_snapshot_after_a_bulk_import(engine: Engine, settings: Settings) -> None:
    add(engine, "clear", (phone(A),))
    line = leave_snapshot(settings, engine)
    assert line.startswith("lookup index snapshot built: ")
    live = LiveIndex(
        engine,
        settings.data_dir / INDEX_FOLDER,
        embargo=timedelta(hours=settings.lookup_embargo_hours),
    )
    assert (live.load().how, live.index.code(key_hash(A))) == (
        "snapshot",
        pack(Standing.REPORTED, Standing.REPORTED),
    )
    assert "up to date (0 changed)" in leave_snapshot(settings, engine)
