"""Tronscan TRC-20 transfers, as its API's JSON (`/api/token_trc20/transfers`:
`{"token_transfers": [{"transaction_id", "block", "block_ts", "from_address", "to_address",
"contract_address", "quant", "contractRet", "tokenInfo": {"tokenAbbr", "tokenDecimal", …}}]}`,
or a bare array of those records) or as a CSV of the same fields (`tokenInfo.tokenAbbr` or
`tokenAbbr`, `tokenInfo.tokenDecimal` or `tokenDecimal`).

`quant` is an integer of base units scaled by `tokenDecimal`; `block_ts` is in milliseconds.
Tronscan lists transfers sorted by time, so a row out of that order is rejected. A transfer
whose transaction failed (`contractRet`/`finalResult` other than SUCCESS) moved nothing and is
skipped. No event index is given: see `common.derived_index`.
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
    block_number,
    cell,
    collect,
    csv_rows,
    decimals_of,
    derived_index,
    epoch,
    tx_hash,
)
from scamlink.tracing.model import Chain, Transfer

CSV_COLUMNS = frozenset({"transaction_id", "block_ts", "from_address", "to_address", "quant"})


def looks_like_csv(header: list[str]) -> bool:
    return {name.lower() for name in header} >= CSV_COLUMNS


def parse_json(records: Iterable[Any], sink: Sink | None = None) -> ParsedTransfers:
    parsed = ParsedTransfers(TransferFormat.TRONSCAN, Chain.TRON, sink=sink)
    order = OrderCheck("block_ts")
    taken: dict[str, set[int]] = {}
    for number, record in enumerate(records, start=1):
        collect(parsed, None, number, _from_json, record, number, order, taken)
    return parsed


def _from_json(
    record: object, number: int, order: OrderCheck, taken: dict[str, set[int]]
) -> Transfer | None:
    if not isinstance(record, dict):
        raise RowError(f"token_transfers[{number - 1}]", "record is not a JSON object")
    info = record.get("tokenInfo")
    if not isinstance(info, dict):
        raise RowError("tokenInfo", "tokenInfo is missing")
    fields = {
        "transaction_id": record.get("transaction_id"),
        "block": record.get("block"),
        "block_ts": record.get("block_ts"),
        "from_address": record.get("from_address"),
        "to_address": record.get("to_address"),
        "contract_address": record.get("contract_address") or info.get("tokenId"),
        "quant": record.get("quant"),
        "result": record.get("finalResult") or record.get("contractRet") or "SUCCESS",
        "symbol": info.get("tokenAbbr"),
        "decimals": info.get("tokenDecimal"),
    }
    return _transfer(fields, f"record {number}", order, taken, "tokenInfo.")


def parse_csv(text: str) -> ParsedTransfers:
    parsed = ParsedTransfers(TransferFormat.TRONSCAN, Chain.TRON)
    order = OrderCheck("block_ts")
    taken: dict[str, set[int]] = {}
    for line, row in csv_rows(text):
        fields: dict[str, object] = {
            "transaction_id": cell(row, "transaction_id"),
            "block": cell(row, "block"),
            "block_ts": cell(row, "block_ts"),
            "from_address": cell(row, "from_address"),
            "to_address": cell(row, "to_address"),
            "contract_address": cell(row, "contract_address", "tokeninfo.tokenid"),
            "quant": cell(row, "quant"),
            "result": cell(row, "finalresult", "contractret") or "SUCCESS",
            "symbol": cell(row, "tokeninfo.tokenabbr", "tokenabbr"),
            "decimals": cell(row, "tokeninfo.tokendecimal", "tokendecimal"),
        }
        collect(parsed, line, None, _transfer, fields, f"line {line}", order, taken, "")
    return parsed


def _transfer(
    fields: dict[str, object],
    where: str,
    order: OrderCheck,
    taken: dict[str, set[int]],
    info_prefix: str,
) -> Transfer | None:
    if str(fields["result"]).strip().upper() != "SUCCESS":
        return None
    symbol = fields["symbol"]
    if not isinstance(symbol, str) or not symbol.strip():
        raise RowError(f"{info_prefix}tokenAbbr", "token symbol is missing")
    decimals = decimals_of(fields["decimals"], f"{info_prefix}tokenDecimal")
    contract = address(Chain.TRON, fields["contract_address"], "contract_address")
    tx = tx_hash(Chain.TRON, fields["transaction_id"], "transaction_id")
    stamp = epoch(fields["block_ts"], "block_ts", millis=True)
    order.check(stamp, where)
    block = block_number(fields["block"], "block")
    sender = address(Chain.TRON, fields["from_address"], "from_address")
    receiver = address(Chain.TRON, fields["to_address"], "to_address")
    amount = base_units(fields["quant"], decimals, "quant")
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
        block=block,
    )
