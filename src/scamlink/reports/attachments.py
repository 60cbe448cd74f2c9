"""Attachments of a report (screenshots, chat exports, receipts): size limit, type sniffing.

The type is read from the bytes, never believed from the name or the sender's declaration: a
declared type that disagrees with the bytes is refused (a script renamed `.png` stays out).
Accepted: PNG, JPEG, GIF, WebP, PDF, ZIP-based exports (chat apps export a .zip; XLSX and
DOCX are ZIP too) and plain UTF-8 text (WhatsApp, LINE and KakaoTalk chat exports).
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlalchemy import Engine

from scamlink.store.attachments import AttachmentRow, BlobStore, TooLarge, add_attachment

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_HEAD = 16
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),  # an empty archive
)
TEXT = "text/plain"
# Declarations that name the same type differently, or say nothing about it.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "application/x-zip-compressed": "application/zip",
    "application/x-zip": "application/zip",
    "application/x-pdf": "application/pdf",
}
_ZIP_BASED = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
_TEXT_DECLARED = frozenset({"text/plain", "text/csv"})
_UNSAID = frozenset({"", "application/octet-stream"})
MAX_FILENAME = 255


class AttachmentRefused(ValueError):
    """The file cannot be attached; the message says why."""


@dataclass(frozen=True, slots=True)
class Attached:
    sha256: str
    size: int
    media_type: str
    filename: str
    new_link: bool  # False when the report already had these bytes


def sniff(path: Path) -> str | None:
    """The type the bytes of the file say, or None when they are none we accept."""
    with path.open("rb") as stream:
        head = stream.read(_HEAD)
        for magic, media_type in _MAGIC:
            if head.startswith(magic):
                return media_type
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return "image/webp"
        stream.seek(0)
        return TEXT if _is_utf8_text(stream) else None


def _is_utf8_text(stream: Iterable[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in stream:
            text = decoder.decode(chunk)
            # NUL and other control characters (but tab and line ends) mean a binary file.
            if any(c < " " and c not in "\t\r\n\f" for c in text):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def agrees(declared: str | None, sniffed: str) -> bool:
    """Whether the sender's declared type (Content-Type of the part) fits the bytes."""
    said = (declared or "").split(";", 1)[0].strip().lower()
    said = _ALIASES.get(said, said)
    if said in _UNSAID or said == sniffed:
        return True
    if sniffed == "application/zip":
        return said in _ZIP_BASED
    return sniffed == TEXT and said in _TEXT_DECLARED


def clean_filename(name: str | None) -> str:
    """The file's own name without folders or control characters, at most 255 characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    kept = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return kept[:MAX_FILENAME] or "attachment"


def attach(
    engine: Engine,
    blobs: BlobStore,
    report_id: int,
    *,
    filename: str | None,
    declared: str | None,
    chunks: Iterable[bytes],
    max_bytes: int = DEFAULT_MAX_BYTES,
    now: datetime | None = None,
) -> Attached:
    """Store the file (once per content) and link it to the report; AttachmentRefused when it
    is too large, of a type we do not accept, or not of the type declared."""
    try:
        blob = blobs.write_temp(chunks, max_bytes)
    except TooLarge as exc:
        raise AttachmentRefused(str(exc)) from None
    try:
        if blob.size == 0:
            raise AttachmentRefused("the file is empty")
        media_type = sniff(blob.path)
        if media_type is None:
            raise AttachmentRefused(
                "not a type we accept (PNG, JPEG, GIF, WebP, PDF, ZIP or UTF-8 text)"
            )
        if not agrees(declared, media_type):
            raise AttachmentRefused(f"declared as {declared!r} but the content is {media_type}")
    except BaseException:
        blobs.discard(blob)
        raise
    blobs.commit(blob)
    row = AttachmentRow(blob.sha256, blob.size, media_type, clean_filename(filename))
    with engine.begin() as conn:
        linked = add_attachment(conn, report_id, row, now or datetime.now(UTC))
    return Attached(row.sha256, row.size, row.media_type, row.filename, linked)
