"""Transfers and labels held in memory: tests, the synthetic world's ground truth, the benchmark.

`InMemoryTransferSource` answers the `TransferSource` protocol from dictionaries of per-address
lists kept in time order (then tx_hash, index); a time window is two binary searches.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from scamlink.tracing.model import Chain, Label, Transfer, UtxoTx

_Key = tuple[Chain, str, str]  # chain, address, token


def _order(t: Transfer) -> tuple[datetime, str, int]:
    return (t.timestamp, t.tx_hash, t.index)


class _Lane:
    """One address's transfers of one token in one direction, sorted lazily."""

    __slots__ = ("dirty", "items", "times")

    def __init__(self) -> None:
        self.items: list[Transfer] = []
        self.times: list[datetime] = []
        self.dirty = False

    def add(self, transfer: Transfer) -> None:
        self.items.append(transfer)
        self.dirty = True  # sorted on the next read (timsort: linear on sorted input)

    def window(self, since: datetime | None, until: datetime | None) -> Sequence[Transfer]:
        if self.dirty or len(self.times) != len(self.items):
            self.items.sort(key=_order)
            self.times = [t.timestamp for t in self.items]
            self.dirty = False
        lo = 0 if since is None else bisect_left(self.times, since)
        hi = len(self.items) if until is None else bisect_right(self.times, until)
        return self.items[lo:hi]


class InMemoryTransferSource:
    """A `TransferSource` over transfers (and BTC transactions) held in memory."""

    def __init__(self, transfers: Iterable[Transfer] = (), utxo: Iterable[UtxoTx] = ()) -> None:
        self._out: dict[_Key, _Lane] = defaultdict(_Lane)
        self._in: dict[_Key, _Lane] = defaultdict(_Lane)
        self._by_tx: dict[tuple[Chain, str], list[Transfer]] = defaultdict(list)
        self._seen: set[tuple[Chain, str, int]] = set()
        self._utxo: dict[str, UtxoTx] = {}
        self._spent_by: dict[tuple[str, int], str] = {}
        for transfer in transfers:
            self.add(transfer)
        for tx in utxo:
            self.add_utxo(tx)

    def __len__(self) -> int:
        return len(self._seen)

    def add(self, transfer: Transfer) -> bool:
        """Add one transfer; False (and nothing added) if `(chain, tx_hash, index)` is known."""
        chain, tx_hash = transfer.chain, transfer.tx_hash
        ident = (chain, tx_hash, transfer.index)
        seen = self._seen
        if ident in seen:
            return False
        seen.add(ident)
        token = transfer.token
        self._out[(chain, transfer.from_address, token)].add(transfer)
        self._in[(chain, transfer.to_address, token)].add(transfer)
        self._by_tx[(chain, tx_hash)].append(transfer)
        return True

    def add_utxo(self, tx: UtxoTx) -> None:
        """Add a Bitcoin transaction: its inputs and outputs, and its outputs as transfers."""
        self._utxo[tx.tx_hash] = tx
        for vin in tx.inputs:
            self._spent_by[(vin.prev_tx_hash, vin.prev_index)] = tx.tx_hash
        sender = next((i.address for i in tx.inputs if i.address), "")
        for out in tx.outputs:
            self.add(
                Transfer(
                    chain=Chain.BTC,
                    tx_hash=tx.tx_hash,
                    index=out.index,
                    timestamp=tx.timestamp,
                    from_address=sender,
                    to_address=out.address,
                    token="BTC",  # noqa: S106 - a symbol, not a secret
                    amount=out.value,
                    block=tx.block,
                )
            )

    def outgoing(
        self, chain: Chain, address: str, token: str, since: datetime, until: datetime | None
    ) -> Sequence[Transfer]:
        lane = self._out.get((chain, address, token))
        return () if lane is None else lane.window(since, until)

    def incoming(
        self, chain: Chain, address: str, token: str, since: datetime | None, until: datetime
    ) -> Sequence[Transfer]:
        lane = self._in.get((chain, address, token))
        return () if lane is None else lane.window(since, until)

    def transaction(self, chain: Chain, tx_hash: str) -> Sequence[Transfer]:
        return sorted(self._by_tx.get((chain, tx_hash), ()), key=lambda t: t.index)

    def utxo_tx(self, chain: Chain, tx_hash: str) -> UtxoTx | None:
        return self._utxo.get(tx_hash) if chain is Chain.BTC else None

    def spender(self, chain: Chain, tx_hash: str, index: int) -> UtxoTx | None:
        if chain is not Chain.BTC:
            return None
        spending = self._spent_by.get((tx_hash, index))
        return None if spending is None else self._utxo.get(spending)


class InMemoryLabels:
    """A `LabelSource` over labels held in memory (the last label added for an address wins)."""

    def __init__(self, labels: Iterable[Label] = ()) -> None:
        self._labels: dict[tuple[Chain, str], Label] = {}
        for label in labels:
            self.add(label)

    def __len__(self) -> int:
        return len(self._labels)

    def add(self, label: Label) -> None:
        self._labels[(label.chain, label.address)] = label

    def label(self, chain: Chain, address: str) -> Label | None:
        return self._labels.get((chain, address))
