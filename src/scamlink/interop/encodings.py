"""Text encodings of the files agencies send: found from the bytes, decoded line by line.

Korean Excel saves CSV in CP949 (EUC-KR's superset), Thai Excel in TIS-620/CP874, others in
UTF-8 (with or without a byte order mark) or UTF-16. The choice is made in this order: a byte
order mark; the whole file being valid UTF-8 (checked in one streamed pass, so a stray byte
near the end is not missed); a score of a bounded sample over the legacy candidates only. A
wrong guess would garble every narrative, so a file that none of the candidates decodes is
refused with its line, never imported with replacement characters.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from io import TextIOWrapper
from typing import BinaryIO

_CHUNK = 1 << 20
_SAMPLE = 1 << 18  # bytes of non-ASCII lines scored when the file is not UTF-8


@dataclass(frozen=True, slots=True)
class Encoding:
    codec: str  # the Python codec name
    label: str  # what a person is told
    bom: bytes = b""


UTF8 = Encoding("utf-8", "UTF-8")
UTF8_BOM = Encoding("utf-8", "UTF-8 with byte order mark", codecs.BOM_UTF8)
UTF16_LE = Encoding("utf-16-le", "UTF-16 LE", codecs.BOM_UTF16_LE)
UTF16_BE = Encoding("utf-16-be", "UTF-16 BE", codecs.BOM_UTF16_BE)
CP949 = Encoding("cp949", "CP949 (Korean, EUC-KR)")
CP874 = Encoding("cp874", "CP874 (Thai, TIS-620)")

# The legacy encodings a sample is scored against, most common first (ties go to the first).
LEGACY = (CP949, CP874)
# What `--encoding` accepts, by the names people use.
NAMED: dict[str, Encoding] = {
    "utf-8": UTF8,
    "utf8": UTF8,
    "utf-8-sig": UTF8_BOM,
    "utf-16": UTF16_LE,
    "utf-16-le": UTF16_LE,
    "utf-16le": UTF16_LE,
    "utf-16-be": UTF16_BE,
    "utf-16be": UTF16_BE,
    "cp949": CP949,
    "euc-kr": CP949,
    "euc_kr": CP949,
    "uhc": CP949,
    "cp874": CP874,
    "tis-620": CP874,
    "tis620": CP874,
    "windows-874": CP874,
}


class EncodingProblem(ValueError):
    """The file is not text in the encoding chosen, or in any encoding accepted."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.reason = reason
        self.line = line  # where decoding failed, when it failed midway


def named_encoding(name: str) -> Encoding:
    found = NAMED.get(name.strip().lower())
    if found is None:
        raise EncodingProblem(
            f"unknown encoding {name!r}; use one of {', '.join(sorted(set(NAMED)))}"
        )
    return found


def detect(stream: BinaryIO) -> Encoding:
    """The encoding of a seekable byte stream; the stream is left at its start."""
    start = stream.read(4)
    stream.seek(0)
    for encoding in (UTF8_BOM, UTF16_LE, UTF16_BE):
        if start.startswith(encoding.bom):
            return encoding
    if _is_utf8(stream):
        return UTF8
    sample = _non_ascii_sample(stream)
    if any(b"\x00" in line for line in sample):
        raise EncodingProblem(
            "the file holds NUL bytes: UTF-16 without a byte order mark, or not text; "
            "save it as UTF-8 or name the encoding with --encoding"
        )
    scored = [(score, encoding) for encoding in LEGACY if (score := _score(sample, encoding))]
    if not scored:
        raise EncodingProblem(
            "the file is neither UTF-8, UTF-16, CP949 (Korean) nor CP874 (Thai); "
            "save it as UTF-8 or name the encoding with --encoding"
        )
    return max(scored, key=lambda pair: pair[0])[1]


def _is_utf8(stream: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def _non_ascii_sample(stream: BinaryIO) -> list[bytes]:
    """Whole lines holding non-ASCII bytes, up to a bounded size: what tells encodings apart."""
    lines: list[bytes] = []
    size = 0
    try:
        for line in stream:
            if b"\x00" in line or not line.isascii():
                lines.append(line)
                size += len(line)
                if size >= _SAMPLE:
                    break
    finally:
        stream.seek(0)
    return lines


def _score(sample: list[bytes], encoding: Encoding) -> float:
    """How much of the sample reads as the language the encoding is made for (0 = cannot).

    A line that does not decode counts against the encoding without ruling it out: a file of
    good rows with one damaged line is still imported up to that line, which is then named.
    """
    decoded: list[str] = []
    for line in sample:
        try:
            decoded.append(line.decode(encoding.codec))
        except UnicodeDecodeError:
            continue
    if len(decoded) * 2 < len(sample):
        return 0.0
    text = "".join(decoded)
    letters = [c for c in text if not c.isascii()]
    if not letters:
        return 0.0
    if encoding is CP949:
        fitting = sum(1 for c in letters if "\uac00" <= c <= "\ud7a3")  # Hangul syllables
    else:
        fitting = _well_formed_thai(text)
    return fitting / len(letters) * len(decoded) / len(sample)


def _well_formed_thai(text: str) -> int:
    """Thai letters, counting a combining vowel or tone mark only after a base character.

    Korean bytes read as CP874 give Thai letters too, but with marks stacked on nothing.
    """
    count = 0
    previous = " "
    for c in text:
        if "\u0e00" <= c <= "\u0e7f":
            if unicodedata.combining(c) or c in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47":
                if "\u0e01" <= previous <= "\u0e2e" or unicodedata.combining(previous):
                    count += 1
            else:
                count += 1
        previous = c
    return count


def decoded_lines(stream: BinaryIO, encoding: Encoding) -> Iterator[str]:
    """The file's lines as text, each with its line ending; bad bytes name their line."""
    if encoding.codec.startswith("utf-16"):
        # Newline bytes are two wide here: let the text layer split lines.
        stream.seek(len(encoding.bom))
        text = TextIOWrapper(stream, encoding=encoding.codec, newline="")
        done = 0  # lines handed out; the text layer decodes ahead, so the place is approximate
        try:
            for decoded in text:
                yield decoded
                done += 1
        except UnicodeDecodeError as exc:
            raise EncodingProblem(
                f"not valid {encoding.label} ({exc.reason}), at or shortly after this line",
                done + 1,
            ) from None
        finally:
            text.detach()
        return
    stream.seek(len(encoding.bom))
    # Every accepted single- or double-byte encoding keeps 0x0A for newline only.
    for line, raw in enumerate(stream, start=1):
        try:
            yield raw.decode(encoding.codec)
        except UnicodeDecodeError as exc:
            raise EncodingProblem(
                f"byte {exc.start + 1} is not valid {encoding.label}; "
                "name the file's encoding with --encoding",
                line,
            ) from None
