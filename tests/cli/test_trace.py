"""`scamlink trace`: the store's transfers and labels, cash-out points printed, clear refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from scamlink.indicators.codecs import base58check_encode
from scamlink.store.labels import upsert_labels
from scamlink.store.transfers import store_transfers
from scamlink.tracing.model import Category, Chain, Label, Transfer
from tests.cli.conftest import Invoke

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def tron(n: int) -> str:
    return base58check_encode(bytes([0x41]) + n.to_bytes(20, "big"))


VICTIM, COLLECT, LAYER, EXCHANGE, OTHER = (tron(n) for n in range(1, 6))


def tx(n: int) -> str:
    return f"{n:064x}"


def transfer(n: int, src: str, dst: str, amount: str, minutes: int) -> Transfer:
    return Transfer(
        Chain.TRON, tx(n), 0, T0 + timedelta(minutes=minutes), src, dst, "USDT", Decimal(amount)
    )


def seed_store(engine: Engine) -> None:
    with engine.begin() as conn:
        store_transfers(
            conn,
            [
                transfer(1, VICTIM, COLLECT, "1000", 0),
                transfer(2, OTHER, COLLECT, "1000", 1),
                transfer(3, COLLECT, LAYER, "1500", 10),
                transfer(4, LAYER, EXCHANGE, "1500", 20),
                transfer(5, COLLECT, OTHER, "500", 30),
            ],
        )
        label = Label(Chain.TRON, EXCHANGE, "Exchange X", Category.EXCHANGE, "test", 90, True)
        upsert_labels(conn, [label], "KNPA")


def test_haircut_fifo_and_json(invoke: Invoke, engine: Engine) -> None:
    seed_store(engine)
    args = ("trace", "--chain", "tron", "--from", tx(1), "--hops", "3")
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["totals"] == {"in": "1000", "attributed": "750", "unresolved": "250", "fees": "0"}
    [point] = out["cash_outs"]
    assert point["address"] == EXCHANGE
    assert point["label"] == "Exchange X"
    assert point["amount"] == "750"
    assert point["token"] == "USDT"
    assert point["paths"] == [[tx(1), tx(3), tx(4)]]
    assert out["unresolved"][0]["address"] == OTHER
    fifo = json.loads(invoke(*args, "--model", "fifo", "--json").stdout)
    assert fifo["cash_outs"][0]["amount"] == "1000"
    table = invoke(*args)
    assert table.exit_code == 0
    assert "Exchange X" in table.stdout
    assert "750" in table.stdout
    by_address = json.loads(
        invoke(
            "trace",
            "--chain",
            "tron",
            "--from",
            COLLECT,
            "--since",
            "2026-03-01T09:00",
            "--until",
            "2026-03-01T09:00:30",
            "--ref",
            "case-7",
            "--json",
        ).stdout
    )
    assert by_address["totals"]["in"] == "1000"
    assert by_address["cash_outs"][0]["by_seed"] == {"case-7": "750"}


def test_bad_input_exits_2_with_a_clear_message(invoke: Invoke, engine: Engine) -> None:
    seed_store(engine)
    cases = [
        (("--from", tx(99)), f"transaction {tx(99)} not found on tron"),
        (("--from", f"{tx(1)}:7"), "no transfer with index 7"),
        (("--from", "hello"), "neither a transaction id"),
        (("--from", tron(77)), f"no USDT transfers to {tron(77)}"),
        (("--from", tx(1), "--model", "magic"), "unknown model 'magic'"),
        (("--from", tx(1), "--min-amount", "lots"), "--min-amount: 'lots' is not a number"),
        (("--from", tx(1), "--hops", "-1"), "--hops: -1 must be between 0 and 50"),
        (("--from", COLLECT, "--since", "yesterday"), "--since: 'yesterday' is not a date"),
    ]
    for extra, message in cases:
        result = invoke("trace", "--chain", "tron", *extra)
        assert result.exit_code == 2, (extra, result.output)
        assert message in result.stderr, (extra, result.stderr)
        assert "Traceback" not in result.output
    chain = invoke("trace", "--chain", "doge", "--from", tx(1))
    assert chain.exit_code == 2
    assert "unknown chain" in chain.stderr


def test_bitcoin_and_backward_over_the_store(invoke: Invoke, engine: Engine) -> None:
    """T1 pays the victim's 1 BTC to A; T2 spends it with 1 BTC of C's: 1.2 to the exchange X,
    0.7 to D, 0.1 fee. FIFO puts the victim's BTC at the front: 1.0 reaches X."""
    from scamlink.tracing.model import UtxoInput, UtxoOutput, UtxoTx

    def utxo(
        n: int, minutes: int, inputs: list[tuple[int, int, str, str]], outs: list[tuple[str, str]]
    ) -> UtxoTx:
        return UtxoTx(
            tx(n),
            T0 + timedelta(minutes=minutes),
            tuple(
                UtxoInput(tx(n), k, tx(p), i, a, Decimal(v))
                for k, (p, i, a, v) in enumerate(inputs)
            ),
            tuple(UtxoOutput(tx(n), k, a, Decimal(v)) for k, (a, v) in enumerate(outs)),
        )

    t1 = utxo(11, 0, [(10, 0, "bc1victim", "1.6")], [("bc1a", "1.0"), ("bc1z", "0.5")])
    t2 = utxo(
        12, 5, [(11, 0, "bc1a", "1.0"), (9, 0, "bc1c", "1.0")], [("bc1x", "1.2"), ("bc1d", "0.7")]
    )
    outputs = [
        Transfer(
            Chain.BTC,
            u.tx_hash,
            o.index,
            u.timestamp,
            u.inputs[0].address,
            o.address,
            "BTC",
            o.value,
        )
        for u in (t1, t2)
        for o in u.outputs
    ]
    with engine.begin() as conn:
        store_transfers(conn, outputs, [t1, t2])
        label = Label(Chain.BTC, "bc1x", "Exchange X", Category.EXCHANGE, "test", 90, True)
        upsert_labels(conn, [label], "KNPA")
    args = ("trace", "--chain", "btc", "--from", f"{tx(11)}:0", "--json")
    fifo = json.loads(invoke(*args, "--model", "fifo").stdout)
    assert fifo["cash_outs"][0]["address"] == "bc1x"
    assert fifo["cash_outs"][0]["amount"] == "1"
    assert fifo["cash_outs"][0]["paths"] == [[tx(11), tx(12)]]
    haircut = json.loads(invoke(*args).stdout)
    assert haircut["totals"] == {
        "in": "1",
        "attributed": "0.6",
        "unresolved": "0.35",
        "fees": "0.05",
    }
    # backward from the exchange's deposit: half of it was the victim's payment's output
    back = json.loads(
        invoke("trace", "--chain", "btc", "--from", f"{tx(12)}:0", "--backward", "--json").stdout
    )
    assert back["totals"]["in"] == "1.2"
    rests = {r["address"]: r["amount"] for r in back["unresolved"]}
    assert rests == {"bc1victim": "0.6", "bc1c": "0.6"}


def test_transaction_ids_are_read_as_imported() -> None:
    from scamlink.cli.trace import parse_start

    upper = parse_start(Chain.TRON, tx(1).upper() + ":0", "r", None, None)
    assert (upper.tx_hash, upper.index) == (tx(1), 0)
    eth = parse_start(Chain.ETH, "ABC".lower() + tx(1)[3:], "r", None, None)
    assert eth.tx_hash == "0xabc" + tx(1)[3:]
    assert parse_start(Chain.ETH, "0X" + tx(2).upper(), "r", None, None).tx_hash == "0x" + tx(2)
    for bad, message in [("0x" + tx(1), "have no 0x"), (tx(1) + ":x", "must be a number")]:
        with pytest.raises(ValueError, match=message):
            parse_start(Chain.TRON, bad, "r", None, None)
