"""`scamlink blocklist export`: the API's snapshot and deltas from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select

from scamlink.sharing.tlp import Tlp
from scamlink.store.reports import store_reports
from scamlink.store.schema import audit_log
from tests.cli.conftest import Invoke
from tests.factories import make_report


def test_export_snapshot_then_delta(invoke: Invoke, engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        store_reports(
            conn,
            [
                make_report("g", tlp=Tlp.GREEN, phones=("+821011110002",)),
                make_report("a", agency="RTP", tlp=Tlp.AMBER, phones=("+66811110003",)),
            ],
        )
    result = invoke("blocklist", "export", "--type", "phone", "--agency", "knpa")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["values"] == ["+821011110002"]
    assert body["checksum"] in result.stderr
    with engine.begin() as conn:
        store_reports(conn, [make_report("n", tlp=Tlp.CLEAR, phones=("+821011110009",))])
    out = tmp_path / "delta.txt"
    result = invoke(
        "blocklist",
        "export",
        "--type",
        "phone",
        "--agency",
        "KNPA",
        "--since",
        body["version"],
        "--format",
        "text",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert out.read_text() == "+821011110009\n"
    assert "(delta)" in result.stderr
    with engine.connect() as conn:
        details = [
            r.details for r in conn.execute(select(audit_log)) if r.action == "blocklist.export"
        ]
    assert len(details) == 2


def test_refusals(invoke: Invoke) -> None:
    for args, message in (
        (["--type", "fax", "--agency", "KNPA"], "not an indicator type"),
        (["--type", "phone", "--agency", "NOPE"], "unknown agency"),
        (["--type", "phone", "--agency", "KNPA", "--since", "x"], "since:"),
        (["--type", "phone", "--agency", "KNPA", "--format", "xml"], "json or text"),
    ):
        result = invoke("blocklist", "export", *args)
        assert result.exit_code == 2, args
        assert message in result.stderr
