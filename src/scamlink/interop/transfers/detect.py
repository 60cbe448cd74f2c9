"""Which transfer format a file is, told from its content (JSON keys or CSV header), never
from its name, and the whole file read with that format's parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scamlink.interop.transfers import esplora, etherscan, plain_csv, tron_grid, tronscan
from scamlink.interop.transfers.common import (
    FORMAT_CHAINS,
    FORMAT_NAMES,
    ParsedTransfers,
    TransferFileError,
    TransferFormat,
    csv_header,
    known_formats,
)
from scamlink.tracing.model import Chain


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark dropped); otherwise say at which byte it breaks."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TransferFileError(f"not UTF-8 text (byte offset {exc.start})") from None


def load_json(text: str) -> Any:
    """The JSON document; a truncated or malformed one names its line, column and offset."""
    try:
        return json.loads(text, parse_float=str, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated")
        what = "truncated JSON (the file ends early)" if truncated else "malformed JSON"
        raise TransferFileError(
            f"{what} at line {exc.lineno}, column {exc.colno} (character offset {exc.pos}): "
            f"{exc.msg}"
        ) from None


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a number JSON allows", name, 0)


def detect_text(text: str) -> tuple[TransferFormat, Any]:
    """The format and what the parser needs (the JSON document, the records, or the text)."""
    start = text.lstrip()
    if not start:
        raise TransferFileError(f"the file is empty; known formats: {known_formats()}")
    if start[0] in "{[":
        document = load_json(text)
        if tron_grid.looks_like(document):
            return TransferFormat.TRON_GRID, document
        records = tronscan.records_of(document)
        if records is not None:
            return TransferFormat.TRONSCAN, records
        records = esplora.records_of(document)
        if records is not None:
            return TransferFormat.ESPLORA, records
        raise TransferFileError(
            f"JSON of no known transfer format; known formats: {known_formats()}"
        )
    header = csv_header(text)
    if plain_csv.looks_like(header):
        return TransferFormat.PLAIN_CSV, text
    if etherscan.looks_like(header):
        return TransferFormat.ETHERSCAN, text
    if tronscan.looks_like_csv(header):
        return TransferFormat.TRONSCAN, text
    shown = ", ".join(header[:8]) or "(none)"
    raise TransferFileError(
        f"unknown format: header {shown!r} matches no known format; known formats: "
        f"{known_formats()}"
    )


def check_chain(found: TransferFormat, chain: Chain) -> None:
    if chain not in FORMAT_CHAINS[found]:
        chains = "/".join(sorted(c.value for c in FORMAT_CHAINS[found]))
        raise TransferFileError(
            f"the file is {FORMAT_NAMES[found]}, which holds {chains} transfers, not {chain.value}"
        )


def parse_text(text: str, chain: Chain) -> ParsedTransfers:
    found, content = detect_text(text)
    check_chain(found, chain)
    if found is TransferFormat.TRON_GRID:
        return tron_grid.parse(content)
    if found is TransferFormat.TRONSCAN:
        if isinstance(content, str):
            return tronscan.parse_csv(content)
        return tronscan.parse_json(content)
    if found is TransferFormat.ESPLORA:
        return esplora.parse(content)
    if found is TransferFormat.ETHERSCAN:
        return etherscan.parse(content)
    return plain_csv.parse(content, chain)


def parse_file(path: Path, chain: Chain) -> ParsedTransfers:
    """Read, detect and check a whole file (nothing is stored here)."""
    return parse_text(decode(path.read_bytes()), chain)


def sniff_file(path: Path, limit: int = 1 << 16) -> TransferFormat:
    """The format from the file's first bytes only (for choosing the bulk path); JSON files are
    not told apart here (`parse_file` does it)."""
    with path.open("rb") as handle:
        head = handle.read(limit)
    text = head.decode("utf-8-sig", errors="replace")
    if text.lstrip()[:1] in ("{", "["):
        raise TransferFileError("JSON is read whole, not sniffed")
    first_line = text.split("\n", 1)[0]
    header = csv_header(first_line)
    if plain_csv.looks_like(header):
        return TransferFormat.PLAIN_CSV
    return detect_text(text if len(head) < limit else first_line + "\n")[0]
