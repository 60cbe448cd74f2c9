"""Attachment files, stored once per content under the data dir, and their rows.

A file is written to a temporary name in the same folder tree, hashed as it is written,
fsynced, and only then renamed to `ab/cdef…` (its SHA-256) under the attachments folder
(`Settings.attachments_dir`): a crash leaves at most a temporary file, never a half-written
attachment under its final name. The rows are added
after the file is in place, so a row always has its file (a file without a row, left by a
crash between the two, is harmless: the next upload of the same bytes adopts it).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from scamlink.store.schema import attachments, report_attachments

_TEMP = ".incoming"


class TooLarge(ValueError):
    """The file is longer than the limit; nothing of it was kept."""


@dataclass(frozen=True, slots=True)
class TempBlob:
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    sha256: str
    size: int
    media_type: str
    filename: str


class BlobStore:
    """The attachment files under one folder: `Settings.attachments_dir`, the one place that
    names it (`attachments/` of the data dir)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def write_temp(self, chunks: Iterable[bytes], max_bytes: int) -> TempBlob:
        """Write the chunks to a temporary file, hashing them; TooLarge past `max_bytes`."""
        folder = self.root / _TEMP
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / secrets.token_hex(16)
        digest = hashlib.sha256()
        size = 0
        try:
            with path.open("xb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"larger than the limit of {max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return TempBlob(path, digest.hexdigest(), size)

    def commit(self, blob: TempBlob) -> Path:
        """Move the written file to its content address (the same bytes are kept once)."""
        final = self.path_of(blob.sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            blob.path.unlink(missing_ok=True)
            return final
        blob.path.replace(final)
        _fsync_folder(final.parent)
        return final

    def discard(self, blob: TempBlob) -> None:
        blob.path.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (the folder's entry), where the system allows it."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def add_attachment(
    conn: Connection,
    report_id: int,
    row: AttachmentRow,
    now: datetime,
) -> bool:
    """Record the file and link it to the report; False when the report already had it."""
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(attachments)
        .values(sha256=row.sha256, size=row.size, media_type=row.media_type, created_at=now)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    linked = conn.execute(
        dialect.insert(report_attachments)
        .values(report_id=report_id, sha256=row.sha256, filename=row.filename)
        .on_conflict_do_nothing(index_elements=["report_id", "sha256"])
        .returning(report_attachments.c.report_id)
    )
    return linked.first() is not None


def attachments_of(conn: Connection, report_id: int) -> list[AttachmentRow]:
    query = (
        select(
            attachments.c.sha256,
            attachments.c.size,
            attachments.c.media_type,
            report_attachments.c.filename,
        )
        .join(attachments, attachments.c.sha256 == report_attachments.c.sha256)
        .where(report_attachments.c.report_id == report_id)
        .order_by(report_attachments.c.filename)
    )
    return [AttachmentRow(r.sha256, r.size, r.media_type, r.filename) for r in conn.execute(query)]
