"""TronGrid TRC-20 transfers JSON: `GET /v1/accounts/{address}/transactions/trc20`.

```
{"data": [{"transaction_id": "…", "token_info": {"symbol": "USDT", "address": "TR7N…",
 "decimals": 6, "name": "Tether USD"}, "block_timestamp": 1714550400000, "from": "T…",
 "to": "T…", "type": "Transfer", "value": "1500000000"}, …], "success": true, "meta": {…}}
```

`value` is an integer string of base units scaled by `token_info.decimals`; `block_timestamp` is
in milliseconds. TronGrid returns the records sorted by time (newest first unless
`order_by=block_timestamp,asc`), so a record out of that order is rejected. Only `Transfer`
events move value (`Approval` records are skipped). TronGrid gives no event index: see
`common.derived_index`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scamlink.interop.transfers.common import (
    OrderCheck,
    ParsedTransfers,
    RowError,
    Sink,
    TransferFormat,
    address,
    base_units,
    collect,
    decimals_of,
    derived_index,
    epoch,
    tx_hash,
)
from scamlink.tracing.model import Chain, Transfer


def parse(records: Iterable[Any], sink: Sink | None = None) -> ParsedTransfers:
    """The records of `data[]` (read one by one: `json_stream`)."""
    parsed = ParsedTransfers(TransferFormat.TRON_GRID, Chain.TRON, sink=sink)
    order = OrderCheck("block_timestamp")
    taken: dict[str, set[int]] = {}
    for number, record in enumerate(records, start=1):
        collect(parsed, None, number, _transfer, record, number, order, taken)
    return parsed


def _transfer(
    record: object, number: int, order: OrderCheck, taken: dict[str, set[int]]
) -> Transfer | None:
    if not isinstance(record, dict):
        raise RowError(f"data[{number - 1}]", "record is not a JSON object")
    kind = record.get("type", "Transfer")
    if kind != "Transfer":
        return None
    info = record.get("token_info")
    if not isinstance(info, dict):
        raise RowError("token_info", "token_info is missing")
    symbol = info.get("symbol")
    if not isinstance(symbol, str) or not symbol.strip():
        raise RowError("token_info.symbol", "token symbol is missing")
    contract = address(Chain.TRON, info.get("address"), "token_info.address")
    decimals = decimals_of(info.get("decimals"), "token_info.decimals")
    tx = tx_hash(Chain.TRON, record.get("transaction_id"), "transaction_id")
    stamp = epoch(record.get("block_timestamp"), "block_timestamp", millis=True)
    order.check(stamp, f"record {number}")
    sender = address(Chain.TRON, record.get("from"), "from")
    receiver = address(Chain.TRON, record.get("to"), "to")
    amount = base_units(record.get("value"), decimals, "value")
    return Transfer(
        chain=Chain.TRON,
        tx_hash=tx,
        index=derived_index(taken, tx, contract, sender, receiver, amount),
        timestamp=stamp,
        from_address=sender,
        to_address=receiver,
        token=symbol.strip(),
        amount=amount,
        token_contract=contract,
    )
