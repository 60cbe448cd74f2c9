"""Which transfer format a file is, told from its content (JSON keys or CSV header), never
from its name, and the file read with that format's parser (JSON record by record)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scamlink.interop.transfers import (
    esplora,
    etherscan,
    json_stream,
    plain_csv,
    tron_grid,
    tronscan,
)
from scamlink.interop.transfers.common import (
    FORMAT_CHAINS,
    FORMAT_NAMES,
    ParsedTransfers,
    Sink,
    TransferFileError,
    TransferFormat,
    csv_header,
    known_formats,
)
from scamlink.tracing.model import Chain


def detect_text(text: str) -> tuple[TransferFormat, Any]:
    """The format and what the parser needs (the JSON records, read as needed, or the text)."""
    start = text.lstrip()
    if not start:
        raise TransferFileError(f"the file is empty; known formats: {known_formats()}")
    if start[0] in "{[":
        return json_stream.records([text])
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


def parse_text(text: str, chain: Chain, sink: Sink | None = None) -> ParsedTransfers:
    return _parse(*detect_text(text), chain, sink)


def _parse(found: TransferFormat, content: Any, chain: Chain, sink: Sink | None) -> ParsedTransfers:
    """Parse with the format's reader; the JSON ones hand their transfers to `sink` as they
    go (`ParsedTransfers.sink`), the CSV ones keep them all (their text is in memory anyway)."""
    check_chain(found, chain)
    if found is TransferFormat.TRON_GRID:
        return tron_grid.parse(content, sink)
    if found is TransferFormat.TRONSCAN:
        if isinstance(content, str):
            return tronscan.parse_csv(content)
        return tronscan.parse_json(content, sink)
    if found is TransferFormat.ESPLORA:
        return esplora.parse(content, sink)
    if found is TransferFormat.ETHERSCAN:
        return etherscan.parse(content)
    return plain_csv.parse(content, chain)


def parse_file(path: Path, chain: Chain, sink: Sink | None = None) -> ParsedTransfers:
    """Read, detect and check a file (nothing is stored here but what `sink` does). A JSON file
    is read record by record (`json_stream`), never whole, and with a `sink` its transfers are
    handed over in chunks while it has no problem."""
    chunks = json_stream.file_chunks(path)
    head = ""
    for chunk in chunks:
        head += chunk
        if head.strip():
            break
    if head.lstrip()[:1] in ("{", "["):
        return _parse(*json_stream.records(_again(head, chunks)), chain, sink)
    return parse_text(head + "".join(chunks), chain)


def _again(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


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
