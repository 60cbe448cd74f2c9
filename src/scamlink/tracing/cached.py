"""A `TransferSource` that remembers what it was asked: one walk of the graph shared by several
traces (the four-model comparison asks the same addresses four times).

The engine memoises within one trace (an address's history is asked for once); this wrapper
memoises across traces, by the exact question (chain, address, token, window), so the second and
later models read nothing from the store. Meant to live as long as one request: it holds every
answer in memory and never sees later imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from scamlink.tracing.model import Chain, Transfer, UtxoTx
from scamlink.tracing.source import TransferSource

_Window = tuple[Chain, str, str, datetime | None, datetime | None]


class CachingTransferSource:
    """Answers from `source`, each question asked of it once; `asked` and `answered` count."""

    def __init__(self, source: TransferSource) -> None:
        self._source = source
        self._out: dict[_Window, Sequence[Transfer]] = {}
        self._in: dict[_Window, Sequence[Transfer]] = {}
        self._tx: dict[tuple[Chain, str], Sequence[Transfer]] = {}
        self._utxo: dict[tuple[Chain, str], UtxoTx | None] = {}
        self._spender: dict[tuple[Chain, str, int], UtxoTx | None] = {}
        self.asked = 0  # questions passed on to `source`
        self.answered = 0  # questions answered from memory

    def outgoing(
        self, chain: Chain, address: str, token: str, since: datetime, until: datetime | None
    ) -> Sequence[Transfer]:
        key = (chain, address, token, since, until)
        found = self._out.get(key)
        if found is None:
            self.asked += 1
            found = self._out[key] = tuple(
                self._source.outgoing(chain, address, token, since, until)
            )
        else:
            self.answered += 1
        return found

    def incoming(
        self, chain: Chain, address: str, token: str, since: datetime | None, until: datetime
    ) -> Sequence[Transfer]:
        key = (chain, address, token, since, until)
        found = self._in.get(key)
        if found is None:
            self.asked += 1
            found = self._in[key] = tuple(
                self._source.incoming(chain, address, token, since, until)
            )
        else:
            self.answered += 1
        return found

    def transaction(self, chain: Chain, tx_hash: str) -> Sequence[Transfer]:
        key = (chain, tx_hash)
        found = self._tx.get(key)
        if found is None:
            self.asked += 1
            found = self._tx[key] = tuple(self._source.transaction(chain, tx_hash))
        else:
            self.answered += 1
        return found

    def utxo_tx(self, chain: Chain, tx_hash: str) -> UtxoTx | None:
        key = (chain, tx_hash)
        if key in self._utxo:
            self.answered += 1
            return self._utxo[key]
        self.asked += 1
        found = self._utxo[key] = self._source.utxo_tx(chain, tx_hash)
        return found

    def spender(self, chain: Chain, tx_hash: str, index: int) -> UtxoTx | None:
        key = (chain, tx_hash, index)
        if key in self._spender:
            self.answered += 1
            return self._spender[key]
        self.asked += 1
        found = self._spender[key] = self._source.spender(chain, tx_hash, index)
        return found
