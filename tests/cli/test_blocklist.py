"""`scamlink blocklist export` (the API's snapshot and deltas) and `withdraw`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from scamlink.indicators import Indicator, IndicatorType
from scamlink.sharing.tlp import Tlp
from scamlink.store.listings import ListingBatch, count_listings, store_listings
from scamlink.store.reports import store_reports
from scamlink.store.schema import audit_log
from tests.cli.conftest import Invoke
from tests.factories import make_report

P = IndicatorType.PHONE


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
    assert out.read_text() == "++821011110009\n"  # a delta's lines: +value, -value
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


def test_withdraw_a_list_or_some_values(invoke: Invoke, engine: Engine) -> None:
    listed = [Indicator(P, v, v) for v in ("+66811110001", "+66811110002", "+66811110003")]
    with engine.begin() as conn:
        store_listings(conn, listed, ListingBatch("Telco", "RTP", "GREEN", datetime.now(UTC)))
    first = json.loads(invoke("blocklist", "export", "--type", "phone", "--agency", "RTP").stdout)
    assert first["values"] == ["+66811110001", "+66811110002", "+66811110003"]
    # One value, written as a Thai caller would (the agency's country completes it).
    result = invoke(
        "blocklist",
        "withdraw",
        "--source",
        "Telco",
        "--agency",
        "rtp",
        "--type",
        "phone",
        "081-111-0002",
    )
    assert result.exit_code == 0, result.output
    assert "withdrew 1 listing(s)" in result.stdout
    delta = json.loads(
        invoke(
            "blocklist",
            "export",
            "--type",
            "phone",
            "--agency",
            "RTP",
            "--since",
            first["version"],
        ).stdout
    )
    assert (delta["values"], delta["removed"]) == ([], ["+66811110002"])
    result = invoke("blocklist", "withdraw", "--source", "Telco", "--agency", "RTP")
    assert "withdrew 2 listing(s)" in result.stdout
    with engine.connect() as conn:
        assert count_listings(conn) == 0
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert actions.count("listings.withdraw") == 2
    for args, message in (
        (["--source", "Telco", "--agency", "NOPE"], "unknown agency"),
        (["--source", " ", "--agency", "RTP"], "--source"),
        (["--source", "Telco", "--agency", "RTP", "0812"], "--type"),
        (["--source", "Telco", "--agency", "RTP", "--type", "phone", "12"], "value 1"),
    ):
        refused = invoke("blocklist", "withdraw", *args)
        assert refused.exit_code == 2, args
        assert message in refused.stderr
