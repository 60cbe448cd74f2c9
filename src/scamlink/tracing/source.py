"""What the trace engine needs from wherever transfers live (the store, or memory)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from scamlink.tracing.model import Chain, Label, Transfer, UtxoTx


class TransferSource(Protocol):
    """Transfers by address and time, in time order (then tx_hash, index), token filtered."""

    def outgoing(
        self, chain: Chain, address: str, token: str, since: datetime, until: datetime | None
    ) -> Sequence[Transfer]: ...

    def incoming(
        self, chain: Chain, address: str, token: str, since: datetime | None, until: datetime
    ) -> Sequence[Transfer]: ...

    def transaction(self, chain: Chain, tx_hash: str) -> Sequence[Transfer]: ...

    # UTXO chains only (None on account chains or when the inputs were not imported).
    def utxo_tx(self, chain: Chain, tx_hash: str) -> UtxoTx | None: ...

    def spender(self, chain: Chain, tx_hash: str, index: int) -> UtxoTx | None:
        """The transaction that spent output `index` of `tx_hash`, if imported."""
        ...


class LabelSource(Protocol):
    def label(self, chain: Chain, address: str) -> Label | None: ...
