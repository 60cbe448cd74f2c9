"""The in-memory transfer source answers the protocol like the store: time order, windows."""

from __future__ import annotations

from decimal import Decimal

from scamlink.tracing.memory import InMemoryLabels, InMemoryTransferSource
from scamlink.tracing.model import Chain
from tests.tracing.engine_helpers import at, exchange, tr, utxo


def test_windows_are_inclusive_and_in_time_order() -> None:
    source = InMemoryTransferSource(
        [tr("b", "A", "B", 2, 5), tr("a", "A", "C", 1, 1), tr("c", "A", "B", 3, 9)]
    )
    assert [t.tx_hash for t in source.outgoing(Chain.TRON, "A", "USDT", at(0), None)] == [
        "a",
        "b",
        "c",
    ]
    assert [t.tx_hash for t in source.outgoing(Chain.TRON, "A", "USDT", at(5), at(9))] == ["b", "c"]
    assert [t.tx_hash for t in source.incoming(Chain.TRON, "B", "USDT", None, at(5))] == ["b"]
    assert source.outgoing(Chain.TRON, "A", "TRX", at(0), None) == ()
    assert source.outgoing(Chain.ETH, "A", "USDT", at(0), None) == ()


def test_duplicates_are_ignored_and_transactions_found() -> None:
    source = InMemoryTransferSource([tr("a", "A", "B", 1, 1, index=1), tr("a", "A", "C", 2, 1)])
    assert not source.add(tr("a", "A", "B", 9, 1, index=1))
    assert len(source) == 2
    assert [t.index for t in source.transaction(Chain.TRON, "a")] == [0, 1]
    assert source.transaction(Chain.TRON, "zz") == []


def test_utxo_transactions_and_spenders() -> None:
    first = utxo("T1", 1, [("T0", 0, "V", "2")], [("A", "1.5"), ("B", "0.4")])
    second = utxo("T2", 2, [("T1", 0, "A", "1.5")], [("C", "1.4")])
    source = InMemoryTransferSource(utxo=[first, second])
    assert source.utxo_tx(Chain.BTC, "T1") == first
    assert source.utxo_tx(Chain.TRON, "T1") is None
    assert source.spender(Chain.BTC, "T1", 0) == second
    assert source.spender(Chain.BTC, "T1", 1) is None
    assert first.fee == Decimal("0.1")
    outs = source.transaction(Chain.BTC, "T1")
    assert [(t.to_address, t.amount, t.from_address) for t in outs] == [
        ("A", Decimal("1.5"), "V"),
        ("B", Decimal("0.4"), "V"),
    ]


def test_labels_last_one_wins() -> None:
    labels = InMemoryLabels([exchange("X", "Old")])
    labels.add(exchange("X", "New"))
    found = labels.label(Chain.TRON, "X")
    assert found is not None
    assert found.label == "New"
    assert labels.label(Chain.ETH, "X") is None
    assert len(labels) == 1
