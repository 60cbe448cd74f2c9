"""Esplora (Blockstream, mempool.space) Bitcoin transactions: `GET /tx/{txid}` (one object) or
`GET /address/{address}/txs` (an array), the UTXO structure kept.

```
{"txid": "…", "vin": [{"txid": "…", "vout": 1, "prevout": {"scriptpubkey_address": "bc1…",
 "value": 150000}, "is_coinbase": false, …}], "vout": [{"scriptpubkey_address": "…",
 "value": 120000}, …], "status": {"confirmed": true, "block_height": 840000,
 "block_time": 1713571767}}
```

Values are satoshis (exact `Decimal` BTC). Each output is a `Transfer` (index = vout, from =
the first input's address) and each transaction a `UtxoTx`. An unconfirmed transaction (no
block time) is skipped; coinbase inputs are not kept (they spend no output). Esplora promises
no order across a hand-assembled file, so none is checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from scamlink.interop.transfers.common import (
    ParsedTransfers,
    RowError,
    RowProblem,
    Sink,
    TransferFormat,
    address,
    base_units,
    block_number,
    epoch,
    tx_hash,
)
from scamlink.tracing.model import Chain, Transfer, UtxoInput, UtxoOutput, UtxoTx

BTC_TOKEN = Chain.BTC.value.upper()


def parse(records: Iterable[Any], sink: Sink | None = None) -> ParsedTransfers:
    parsed = ParsedTransfers(TransferFormat.ESPLORA, Chain.BTC, sink=sink)
    for number, record in enumerate(records, start=1):
        parsed.rows += 1
        try:
            tx = _tx(record)
        except RowError as exc:
            parsed.problems.append(RowProblem(None, number, exc.field, exc.reason))
            continue
        if tx is None:
            parsed.skipped += 1
            continue
        parsed.utxo.append(tx)
        sender = next((i.address for i in tx.inputs if i.address), "")
        parsed.transfers.extend(
            Transfer(
                chain=Chain.BTC,
                tx_hash=tx.tx_hash,
                index=o.index,
                timestamp=tx.timestamp,
                from_address=sender,
                to_address=o.address,
                token=BTC_TOKEN,
                amount=o.value,
                block=tx.block,
            )
            for o in tx.outputs
        )
        parsed.added()
    return parsed


def _tx(record: object) -> UtxoTx | None:
    if not isinstance(record, dict):
        raise RowError("txid", "record is not a JSON object")
    txid = tx_hash(Chain.BTC, record.get("txid"), "txid")
    status = record.get("status")
    if not isinstance(status, dict):
        raise RowError("status", "status is missing")
    if not status.get("confirmed", True) or status.get("block_time") is None:
        return None
    stamp = epoch(status.get("block_time"), "status.block_time", millis=False)
    block = block_number(status.get("block_height"), "status.block_height")
    vin = record.get("vin")
    vout = record.get("vout")
    if not isinstance(vin, list) or not isinstance(vout, list) or not vout:
        raise RowError("vin" if not isinstance(vin, list) else "vout", "must be a non-empty list")
    inputs = [i for i in (_input(txid, n, v) for n, v in enumerate(vin)) if i is not None]
    outputs = [_output(txid, n, v) for n, v in enumerate(vout)]
    coinbase = len(inputs) < len(vin)
    paid_in = sum((i.value for i in inputs), Decimal(0))
    paid_out = sum((o.value for o in outputs), Decimal(0))
    if not coinbase and paid_out > paid_in:
        raise RowError("vout", f"outputs ({paid_out} BTC) exceed inputs ({paid_in} BTC)")
    return UtxoTx(txid, stamp, tuple(inputs), tuple(outputs), block)


def _input(txid: str, n: int, raw: object) -> UtxoInput | None:
    where = f"vin[{n}]"
    if not isinstance(raw, dict):
        raise RowError(where, "input is not a JSON object")
    if raw.get("is_coinbase"):
        return None
    prevout = raw.get("prevout")
    if not isinstance(prevout, dict):
        raise RowError(f"{where}.prevout", "prevout is missing (request the full /tx JSON)")
    prev = tx_hash(Chain.BTC, raw.get("txid"), f"{where}.txid")
    prev_index = raw.get("vout")
    if isinstance(prev_index, bool) or not isinstance(prev_index, int) or prev_index < 0:
        raise RowError(f"{where}.vout", f"{prev_index!r} is not an output number")
    return UtxoInput(
        tx_hash=txid,
        index=n,
        prev_tx_hash=prev,
        prev_index=prev_index,
        address=_optional_address(prevout, f"{where}.prevout.scriptpubkey_address"),
        value=base_units(prevout.get("value"), 8, f"{where}.prevout.value"),
    )


def _output(txid: str, n: int, raw: object) -> UtxoOutput:
    where = f"vout[{n}]"
    if not isinstance(raw, dict):
        raise RowError(where, "output is not a JSON object")
    return UtxoOutput(
        tx_hash=txid,
        index=n,
        address=_optional_address(raw, f"{where}.scriptpubkey_address"),
        value=base_units(raw.get("value"), 8, f"{where}.value"),
    )


def _optional_address(holder: dict[str, Any], field_name: str) -> str:
    """The output's address; "" for a script without one (OP_RETURN, bare multisig)."""
    raw = holder.get("scriptpubkey_address")
    if raw is None:
        return ""
    return address(Chain.BTC, raw, field_name)
