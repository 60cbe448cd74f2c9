"""Etherscan token-transfer CSV export (ERC-20 "Token Transfers" of an address).

Current header: `"Transaction Hash","Blockno","UnixTimestamp","DateTime (UTC)","From","To",
"TokenValue","USDValueDayOfTx","ContractAddress","TokenName","TokenSymbol"`; older exports:
`"Txhash","Blockno","UnixTimestamp","DateTime","From","To","Value","ContractAddress",
"TokenName","TokenSymbol"`. Values are in the token's unit and may carry thousands separators
("1,250.5"). Etherscan lists transfers in block order, so a row out of time order is rejected.
No log index is exported: see `common.derived_index`.
"""

from __future__ import annotations

from scamlink.interop.transfers.common import (
    OrderCheck,
    ParsedTransfers,
    RowError,
    TransferFormat,
    address,
    block_number,
    cell,
    collect,
    csv_rows,
    decimal_amount,
    derived_index,
    epoch,
    tx_hash,
)
from scamlink.tracing.model import Chain, Transfer

_HASH = ("transaction hash", "txhash")
_VALUE = ("tokenvalue", "value")


def looks_like(header: list[str]) -> bool:
    names = {name.lower() for name in header}
    return (
        bool(names & set(_HASH))
        and bool(names & set(_VALUE))
        and {"from", "to", "contractaddress", "unixtimestamp"} <= names
    )


def parse(text: str) -> ParsedTransfers:
    parsed = ParsedTransfers(TransferFormat.ETHERSCAN, Chain.ETH)
    order = OrderCheck("UnixTimestamp")
    taken: dict[str, set[int]] = {}
    for line, row in csv_rows(text):
        collect(parsed, line, None, _transfer, row, line, order, taken)
    return parsed


def _transfer(
    row: dict[str, str], line: int, order: OrderCheck, taken: dict[str, set[int]]
) -> Transfer:
    hash_field = "Transaction Hash" if "transaction hash" in row else "Txhash"
    value_field = "TokenValue" if "tokenvalue" in row else "Value"
    tx = tx_hash(Chain.ETH, cell(row, *_HASH), hash_field)
    block = block_number(cell(row, "blockno"), "Blockno")
    stamp = epoch(cell(row, "unixtimestamp"), "UnixTimestamp", millis=False)
    order.check(stamp, f"line {line}")
    sender = address(Chain.ETH, cell(row, "from"), "From")
    receiver = address(Chain.ETH, cell(row, "to"), "To")
    contract = address(Chain.ETH, cell(row, "contractaddress"), "ContractAddress")
    amount = decimal_amount(cell(row, *_VALUE), value_field, thousands=True)
    symbol = cell(row, "tokensymbol")
    if not symbol:
        raise RowError("TokenSymbol", "token symbol is missing")
    return Transfer(
        chain=Chain.ETH,
        tx_hash=tx,
        index=derived_index(taken, tx, contract, sender, receiver, amount),
        timestamp=stamp,
        from_address=sender,
        to_address=receiver,
        token=symbol,
        amount=amount,
        token_contract=contract,
        block=block,
    )
