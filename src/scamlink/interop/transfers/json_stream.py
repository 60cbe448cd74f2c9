"""JSON transfer files read record by record, never whole: the records of the one large array
(TronGrid's `data`, Tronscan's `token_transfers` or a top-level array of Tronscan records or
Esplora transactions) come one at a time, each decoded by the standard library's C decoder
(`json.JSONDecoder.raw_decode`) from a buffer of about `CHUNK` characters; everything else in
the document (a `meta` object, a single Esplora transaction) is small and read as a value.

The format is told from the first record (as `detect` tells it from the whole document), and
errors say what `json.loads` would: malformed or truncated JSON with its line, column and
character offset in the whole file, a byte that is not UTF-8 with its byte offset. An error
after the first records comes when the reader reaches it — the import stores nothing before
the whole file has been read, so a late error still leaves nothing stored.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from scamlink.interop.transfers.common import TransferFileError, TransferFormat, known_formats

CHUNK = 1 << 20  # bytes read (and characters kept, about) at a time
_DECODER = json.JSONDecoder(parse_float=str, parse_constant=lambda name: _no_constant(name))
_WHITESPACE = " \t\n\r"
# Keys whose array holds the records: TronGrid's and Tronscan's.
_STREAMED = {"data": TransferFormat.TRON_GRID, "token_transfers": TransferFormat.TRONSCAN}


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a number JSON allows", name, 0)


def file_chunks(path: Path) -> Iterator[str]:
    """The file as text, `CHUNK` bytes at a time (a byte-order mark dropped); a byte that is
    not UTF-8 is named by its offset in the file."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    done = 0
    with path.open("rb") as handle:
        while True:
            data = handle.read(CHUNK)
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                offset = done + exc.start - len(decoder.getstate()[0])
                raise TransferFileError(f"not UTF-8 text (byte offset {max(offset, 0)})") from None
            done += len(data)
            if text:
                yield text
            if not data:
                return


class _Reader:
    """A window on the text with absolute positions (offset, line, column) for errors."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self.chunks = iter(chunks)
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.base = 0  # characters dropped before `buffer`
        self.base_lines = 0  # line breaks among them
        self.base_column = 0  # characters after the last of them

    def fill(self, *, keep: bool = False) -> bool:
        """More text into the buffer (the consumed part dropped unless `keep`); False at the
        end."""
        if self.eof:
            return False
        chunk = next(self.chunks, None)
        if chunk is None:
            self.eof = True
            return False
        if self.pos and not keep:
            dropped = self.buffer[: self.pos]
            self.base += self.pos
            self.base_lines += dropped.count("\n")
            last = dropped.rfind("\n")
            self.base_column = (
                self.base_column + len(dropped) if last < 0 else len(dropped) - last - 1
            )
            self.buffer, self.pos = self.buffer[self.pos :], 0
        self.buffer += chunk
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end); `pos` moves to it."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.fill():
                return ""

    def take(self, expected: str, message: str) -> None:
        if self.peek() != expected:
            self.fail(message, self.pos)
        self.pos += 1

    def value(self) -> Any:
        """The JSON value at `pos`, read whole (more text read while it is incomplete)."""
        self.peek()
        while True:
            try:
                found, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if self.fill():
                    continue
                self.fail(exc.msg, exc.pos)
            # A number may go on in the next chunk: only a value followed by something is whole.
            if end >= len(self.buffer) and self.fill():
                continue
            self.pos = end
            return found

    def fail(self, message: str, pos: int) -> Any:
        # Whether the error is at the end of the file needs to know whether more text follows.
        while not self.eof and not self.buffer[pos:].strip() and self.fill(keep=True):
            continue
        text = self.buffer
        truncated = self.eof and (pos >= len(text.rstrip()) or message.startswith("Unterminated"))
        what = "truncated JSON (the file ends early)" if truncated else "malformed JSON"
        line = self.base_lines + text.count("\n", 0, pos) + 1
        last = text.rfind("\n", 0, pos)
        column = pos - last if last >= 0 else self.base_column + pos + 1
        raise TransferFileError(
            f"{what} at line {line}, column {column} (character offset {self.base + pos}): "
            f"{message}"
        )

    def members(self) -> Iterator[str]:
        """The keys of the object whose `{` is at `pos`, each with `pos` then at its value
        (which the caller reads); `pos` after the closing `}` at the end."""
        self.take("{", "Expecting '{'")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                self.fail("Expecting property name enclosed in double quotes", self.pos)
            key = self.value()
            self.take(":", "Expecting ':' delimiter")
            yield key
            if not self._another("}"):
                return

    def elements(self) -> Iterator[Any]:
        """The elements of the array whose `[` is at `pos`, one by one."""
        self.take("[", "Expecting '['")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if not self._another("]"):
                return

    def _another(self, close: str) -> bool:
        """After a member or an element: True past a ",", False past `close`."""
        after = self.peek()
        if after != "," and after != close:
            self.fail("Expecting ',' delimiter", self.pos)
        self.pos += 1
        return after == ","

    def end(self) -> None:
        """Nothing but white space may follow the document."""
        if self.peek() != "":
            self.fail("Extra data", self.pos)


def records(chunks: Iterable[str]) -> tuple[TransferFormat, Iterator[Any]]:
    """The format of a JSON transfer document and its records, read as they are needed."""
    reader = _Reader(chunks)
    first = reader.peek()
    if first == "[":
        stream = reader.elements()
        found, head = _decide(stream, (TransferFormat.TRONSCAN, TransferFormat.ESPLORA))
        return found, _then_end(reader, head)
    if first != "{":
        reader.value()  # not JSON at all: raises, naming where
        raise TransferFileError(
            f"JSON of no known transfer format; known formats: {known_formats()}"
        )
    small: dict[str, Any] = {}
    members = reader.members()
    for key in members:
        kind = _STREAMED.get(key)
        if kind is not None and reader.peek() == "[":
            found, head = _decide(reader.elements(), (kind,))
            return found, _then_rest(reader, head, members)
        small[key] = reader.value()
    reader.end()
    return _decide(iter([small]), (TransferFormat.ESPLORA,))


def _decide(
    stream: Iterator[Any], candidates: tuple[TransferFormat, ...]
) -> tuple[TransferFormat, Iterator[Any]]:
    """The format whose record the first object in `stream` is; the records read so far
    are put back in front."""
    head: list[Any] = []
    for record in stream:
        head.append(record)
        if isinstance(record, dict):
            for candidate in candidates:
                if _is_record(candidate, record):
                    return candidate, _chain(head, stream)
            break
    raise TransferFileError(f"JSON of no known transfer format; known formats: {known_formats()}")


def _is_record(found: TransferFormat, record: dict[str, Any]) -> bool:
    if found is TransferFormat.TRON_GRID:
        return "transaction_id" in record and "token_info" in record
    if found is TransferFormat.TRONSCAN:
        return "transaction_id" in record and "quant" in record
    return "txid" in record and "vin" in record and "vout" in record


def _chain(head: list[Any], stream: Iterator[Any]) -> Iterator[Any]:
    yield from head
    yield from stream


def _then_end(reader: _Reader, records: Iterator[Any]) -> Iterator[Any]:
    """A top-level array's records, then nothing but white space."""
    yield from records
    reader.end()


def _then_rest(reader: _Reader, records: Iterator[Any], members: Iterator[str]) -> Iterator[Any]:
    """The streamed array's records, then the rest of the enclosing object read and checked."""
    yield from records
    for _key in members:
        reader.value()
    reader.end()
