"""The plain transfers CSV: `chain, tx_hash, index, timestamp, from, to, token, amount`
(optional `token_contract`, `block`).

`timestamp` is ISO 8601 with a time zone or Unix seconds; `amount` a decimal in the token's
unit (no thousands separators, no exponent). Every row's chain must be the one imported. The
format promises no order. Very large files take the DuckDB path (`bulk_csv.py`), which applies
the same rules.
"""

from __future__ import annotations

from scamlink.interop.transfers.common import (
    ParsedTransfers,
    RowError,
    TransferFormat,
    address,
    block_number,
    cell,
    collect,
    csv_rows,
    decimal_amount,
    iso_or_epoch,
    tx_hash,
)
from scamlink.tracing.model import Chain, Transfer

COLUMNS = ("chain", "tx_hash", "index", "timestamp", "from", "to", "token", "amount")
MAX_INDEX = 2**31 - 1


def looks_like(header: list[str]) -> bool:
    return set(COLUMNS) <= {name.lower() for name in header}


def parse(text: str, chain: Chain) -> ParsedTransfers:
    parsed = ParsedTransfers(TransferFormat.PLAIN_CSV, chain)
    for line, row in csv_rows(text):
        collect(parsed, line, None, _transfer, row, chain)
    return parsed


def index_of(raw: str) -> int:
    if not raw.isdigit() or int(raw) > MAX_INDEX:
        raise RowError("index", f"index {raw!r} is not a whole number 0–{MAX_INDEX}")
    return int(raw)


def chain_of(raw: str, chain: Chain) -> None:
    if raw.lower() != chain.value:
        raise RowError("chain", f"chain {raw!r} is not the chain imported ({chain.value})")


def _transfer(row: dict[str, str], chain: Chain) -> Transfer:
    chain_of(cell(row, "chain"), chain)
    tx = tx_hash(chain, cell(row, "tx_hash"), "tx_hash")
    index = index_of(cell(row, "index"))
    stamp = iso_or_epoch(cell(row, "timestamp"), "timestamp")
    sender = address(chain, cell(row, "from"), "from")
    receiver = address(chain, cell(row, "to"), "to")
    token = cell(row, "token")
    if not token:
        raise RowError("token", "token is missing")
    amount = decimal_amount(cell(row, "amount"), "amount")
    contract_raw = cell(row, "token_contract")
    contract = address(chain, contract_raw, "token_contract") if contract_raw else ""
    return Transfer(
        chain=chain,
        tx_hash=tx,
        index=index,
        timestamp=stamp,
        from_address=sender,
        to_address=receiver,
        token=token,
        amount=amount,
        token_contract=contract,
        block=block_number(cell(row, "block"), "block"),
    )
