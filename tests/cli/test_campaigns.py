"""`scamlink campaigns`: the CLI contract scripts rely on."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Engine

from tests.cli.conftest import Invoke
from tests.linking.support import report, store_linked


def test_json_lists_every_campaign_with_members_countries_and_usd_loss(
    invoke: Invoke, engine: Engine
) -> None:
    thai = replace(
        report("T-1", "phone=+66812345678", agency="RTP"),
        victim_country="TH",
        loss_amount=Decimal("35500"),
        loss_currency="THB",
    )
    store_linked(
        engine,
        [
            report("K-1", "phone=+66812345678"),  # 3,500,000 KRW each (the factory's)
            thai,
            report("K-2", "eth=0x52908400098527886e0f7030069857d2e4169ee7"),
            report("K-3", "eth=0x52908400098527886e0f7030069857d2e4169ee7"),
            report("K-4", "phone=+821099998888"),  # a campaign of one
        ],
    )
    result = invoke("campaigns", "--json")
    assert result.exit_code == 0, result.output
    campaigns = json.loads(result.stdout)
    by_members = {frozenset(c["members"]): c for c in campaigns}
    assert set(by_members) == {
        frozenset({"KNPA:K-1", "RTP:T-1"}),
        frozenset({"KNPA:K-2", "KNPA:K-3"}),
        frozenset({"KNPA:K-4"}),
    }
    cross = by_members[frozenset({"KNPA:K-1", "RTP:T-1"})]
    assert cross["size"] == 2
    assert cross["countries"] == ["KR", "TH"]
    # 3,500,000 KRW at 1,380 a dollar + 35,500 THB at 35.5 a dollar.
    assert cross["loss_usd"] == round(3_500_000 / 1380 + 1000, 2)
    assert set(cross) == {"id", "size", "members", "countries", "loss_usd"}
    assert len({c["id"] for c in campaigns}) == 3
    assert [c["id"] for c in campaigns] == sorted(c["id"] for c in campaigns)


def test_an_empty_store_prints_an_empty_array(invoke: Invoke) -> None:
    result = invoke("campaigns", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_min_size_and_the_human_listing(invoke: Invoke, engine: Engine) -> None:
    store_linked(
        engine,
        [
            report("A", "phone=+821011112222"),
            report("B", "phone=+821011112222"),
            report("C", "phone=+821011112222"),
            report("D", "tron=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
            report("E", "tron=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
        ],
    )
    big = json.loads(invoke("campaigns", "--json", "--min-size", "3").stdout)
    assert [c["size"] for c in big] == [3]
    lines = invoke("campaigns").stdout.splitlines()
    assert len(lines) == 2
    assert any("3 reports" in line and "KNPA:A, KNPA:B, KNPA:C" in line for line in lines)
