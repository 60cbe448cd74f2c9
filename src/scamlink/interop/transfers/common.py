"""What every transfer-file parser shares: the result, per-row problems, file-level errors, and
the checks of amounts, addresses, hashes, timestamps and time order.

Amounts are exact `Decimal`s (never floats): an integer in base units is scaled by the token's
decimals in a 200-digit context, a decimal text is read as written. Addresses go through the
indicators library (TRON base58check, Ethereum EIP-55, Bitcoin base58check/bech32); a bad
checksum is a row problem, never a stored address.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Context, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from scamlink.indicators.crypto import canonical_btc, canonical_eth, canonical_tron
from scamlink.indicators.types import InvalidIndicator
from scamlink.tracing.model import Chain, Transfer, UtxoTx


class TransferFormat(StrEnum):
    TRON_GRID = "tron_grid"
    TRONSCAN = "tronscan"
    ETHERSCAN = "etherscan"
    ESPLORA = "esplora"
    PLAIN_CSV = "plain_csv"


FORMAT_NAMES: dict[TransferFormat, str] = {
    TransferFormat.TRON_GRID: "TronGrid TRC-20 JSON (data[] with transaction_id, token_info)",
    TransferFormat.TRONSCAN: "Tronscan transfers CSV/JSON (transaction_id, block_ts, quant)",
    TransferFormat.ETHERSCAN: 'Etherscan token-transfer CSV ("Transaction Hash"/"Txhash")',
    TransferFormat.ESPLORA: "Esplora Bitcoin transaction JSON (txid, vin[], vout[])",
    TransferFormat.PLAIN_CSV: (
        "plain CSV (chain, tx_hash, index, timestamp, from, to, token, amount)"
    ),
}

# The chain a format's file is about (None: the file says, per row).
FORMAT_CHAINS: dict[TransferFormat, frozenset[Chain]] = {
    TransferFormat.TRON_GRID: frozenset({Chain.TRON}),
    TransferFormat.TRONSCAN: frozenset({Chain.TRON}),
    TransferFormat.ETHERSCAN: frozenset({Chain.ETH}),
    TransferFormat.ESPLORA: frozenset({Chain.BTC}),
    TransferFormat.PLAIN_CSV: frozenset(Chain),
}


def known_formats() -> str:
    return "; ".join(FORMAT_NAMES.values())


class TransferFileError(ValueError):
    """The file as a whole cannot be read (unknown format, truncated JSON, wrong chain…)."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row/record was rejected: where (line of a CSV, record of a JSON), which field."""

    line: int | None
    record: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else f"record {self.record}"
        return f"{where}, field {self.field}: {self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "reason": self.reason,
        }


Sink = Callable[[list[Transfer], list[UtxoTx]], None]
SINK_ROWS = 10_000  # transfers handed to a sink at a time


@dataclass(slots=True)
class ParsedTransfers:
    """A whole file read and checked: what it holds, and every problem found.

    With a `sink` (the JSON formats, read record by record) the transfers read are handed
    over `SINK_ROWS` at a time for as long as the file has no problem, so they are never all
    in memory; `transfers` and `utxo` then hold only the last ones, not yet handed over. Once a
    problem is found nothing more is handed over or kept (the caller rolls back what it got)."""

    format: TransferFormat
    chain: Chain
    transfers: list[Transfer] = field(default_factory=list)
    utxo: list[UtxoTx] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped: int = 0  # records that moved no value (failed or unconfirmed transactions)
    rows: int = 0  # rows/records read
    sink: Sink | None = None

    def added(self) -> None:
        """Called after transfers were appended: hand them over when there are enough."""
        if self.sink is None:
            return
        if self.problems:
            self.transfers.clear()
            self.utxo.clear()
        elif len(self.transfers) >= SINK_ROWS:
            self.sink(self.transfers, self.utxo)
            self.transfers, self.utxo = [], []


class RowError(ValueError):
    """A problem in one field of the row being read (turned into a `RowProblem`)."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


_EXACT = Context(prec=200)
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_INTEGER = re.compile(r"\d+")
_MAX_DECIMALS = 77


def base_units(raw: object, decimals: int, field_name: str) -> Decimal:
    """An integer count of base units (JSON string or number) scaled by `decimals`, exactly."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise RowError(field_name, f"amount {raw!r} is not an integer count of base units")
    text = str(raw).strip()
    if text.startswith("-"):
        raise RowError(field_name, f"negative amount {text!r}")
    if not _INTEGER.fullmatch(text):
        raise RowError(field_name, f"amount {text!r} is not an integer count of base units")
    return _EXACT.scaleb(Decimal(text), -decimals)


def decimal_amount(raw: str, field_name: str, *, thousands: bool = False) -> Decimal:
    """A decimal text in the token's unit ("12.5"; with `thousands`, also "1,234.5")."""
    text = raw.strip()
    if text.startswith("-"):
        raise RowError(field_name, f"negative amount {text!r}")
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    if thousands and _THOUSANDS.fullmatch(text):
        return Decimal(text.replace(",", ""))
    raise RowError(field_name, f"amount {text!r} is not a decimal number")


def decimals_of(raw: object, field_name: str) -> int:
    if isinstance(raw, bool):
        raise RowError(field_name, f"decimals {raw!r} is not a whole number")
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise RowError(field_name, f"decimals {raw!r} is not a whole number") from None
    if not 0 <= value <= _MAX_DECIMALS:
        raise RowError(field_name, f"decimals {value} is outside 0–{_MAX_DECIMALS}")
    return value


@lru_cache(maxsize=1 << 16)
def _canonical(chain: Chain, raw: str) -> str:
    if chain is Chain.TRON:
        return canonical_tron(raw).value
    if chain is Chain.ETH:
        return canonical_eth(raw).value
    return canonical_btc(raw).value


def address(chain: Chain, raw: object, field_name: str) -> str:
    """The canonical address (validated once per distinct value)."""
    if not isinstance(raw, str) or not raw.strip():
        raise RowError(field_name, "address is missing")
    try:
        return _canonical(chain, raw.strip())
    except InvalidIndicator as exc:
        raise RowError(field_name, str(exc)) from None


_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def tx_hash(chain: Chain, raw: object, field_name: str) -> str:
    """A transaction hash: 64 hex digits (Ethereum: with 0x), lower-case."""
    if not isinstance(raw, str):
        raise RowError(field_name, "transaction hash is missing")
    text = raw.strip()
    body = text[2:] if chain is Chain.ETH and text[:2] in ("0x", "0X") else text
    if not _HEX64.fullmatch(body):
        expected = "0x + 64 hex digits" if chain is Chain.ETH else "64 hex digits"
        raise RowError(field_name, f"{text!r} is not a transaction hash ({expected})")
    return ("0x" + body.lower()) if chain is Chain.ETH else body.lower()


EARLIEST = datetime(2009, 1, 3, tzinfo=UTC)  # the Bitcoin genesis block
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def epoch(raw: object, field_name: str, *, millis: bool) -> datetime:
    """A Unix time (seconds, or milliseconds with `millis`) as UTC."""
    if isinstance(raw, bool):
        raise RowError(field_name, f"timestamp {raw!r} is not a Unix time")
    text = str(raw).strip()
    if not _INTEGER.fullmatch(text):
        raise RowError(field_name, f"timestamp {text!r} is not a Unix time")
    seconds = int(text) / 1000 if millis else int(text)
    if not EARLIEST.timestamp() <= seconds < LATEST.timestamp():
        unit = " (milliseconds expected)" if millis else " (seconds expected)"
        raise RowError(field_name, f"timestamp {text!r} is outside 2009–2100{unit}")
    return datetime.fromtimestamp(seconds, tz=UTC)


def in_range(stamp: datetime, field_name: str, text: str, *, millis: bool = False) -> datetime:
    if not EARLIEST <= stamp < LATEST:
        unit = " (milliseconds expected)" if millis else ""
        raise RowError(field_name, f"timestamp {text!r} is outside 2009–2100{unit}")
    return stamp


def iso_or_epoch(raw: str, field_name: str) -> datetime:
    """ISO 8601 with a time zone (`2024-05-01T12:00:00Z`) or Unix seconds."""
    text = raw.strip()
    if _INTEGER.fullmatch(text):
        return epoch(text, field_name, millis=False)
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise RowError(
            field_name, f"timestamp {text!r} is neither ISO 8601 nor Unix seconds"
        ) from None
    if stamp.tzinfo is None:
        raise RowError(field_name, f"timestamp {text!r} has no time zone (add Z or +hh:mm)")
    return in_range(stamp.astimezone(UTC), field_name, text)


def derived_index(
    taken: dict[str, set[int]],
    tx: str,
    token_contract: str,
    sender: str,
    receiver: str,
    amount: Decimal,
) -> int:
    """An index for formats that give none (TronGrid, Tronscan, Etherscan exports carry no
    event index): a 30-bit hash of what the transfer moves, so the same transfer exported from
    the sender's and from the receiver's side gets the same index and is merged; two identical
    transfers in one transaction take the next free numbers."""
    seed = f"{token_contract}|{sender}|{receiver}|{amount}".encode()
    index = zlib.crc32(seed) & 0x3FFFFFFF
    used = taken.setdefault(tx, set())
    while index in used:
        index = (index + 1) & 0x3FFFFFFF
    used.add(index)
    return index


class OrderCheck:
    """Rows of a format that promises time order (ascending or descending: whichever the file's
    first two different timestamps show) must keep it; a row that breaks it is named."""

    def __init__(self, field_name: str) -> None:
        self._field = field_name
        self._direction = 0
        self._last: datetime | None = None
        self._last_where = ""

    def check(self, stamp: datetime, where: str) -> None:
        last = self._last
        if last is not None and stamp != last:
            direction = 1 if stamp > last else -1
            if self._direction == 0:
                self._direction = direction
            elif direction != self._direction:
                order = "ascending" if self._direction == 1 else "descending"
                raise RowError(
                    self._field,
                    f"out of time order: {stamp.isoformat()} after {last.isoformat()} "
                    f"({self._last_where}) in a file sorted {order}",
                )
        self._last = stamp
        self._last_where = where


def collect(
    parsed: ParsedTransfers,
    line: int | None,
    record: int | None,
    read: Callable[..., Transfer | None],
    *args: Any,
) -> None:
    """Run one row's reader; a `RowError` becomes a problem, a None is a skipped record."""
    parsed.rows += 1
    try:
        item = read(*args)
    except RowError as exc:
        parsed.problems.append(RowProblem(line, record, exc.field, exc.reason))
        return
    if item is None:
        parsed.skipped += 1
    else:
        parsed.transfers.append(item)
        parsed.added()


def csv_header(text: str) -> list[str]:
    """The first CSV row, names trimmed (a byte-order mark is already gone)."""
    import csv
    import io

    for row in csv.reader(io.StringIO(text)):
        return [name.strip() for name in row]
    return []


def csv_rows(text: str) -> Any:
    """(line number, {lower-case column name: value}) per data row; blank lines skipped."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        yield reader.line_num, dict(zip(header, row, strict=False))


def cell(row: dict[str, str], *names: str) -> str:
    """The first of `names` present in the row (lower-case), stripped; "" if none."""
    for name in names:
        value = row.get(name)
        if value is not None:
            return value.strip()
    return ""


def block_number(raw: object, field_name: str) -> int | None:
    """A block height, or None when the file leaves it empty."""
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if isinstance(raw, bool) or not text.isdigit():
        raise RowError(field_name, f"block {text!r} is not a block number")
    return int(text)
