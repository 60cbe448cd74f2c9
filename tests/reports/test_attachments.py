"""Attachments: types read from the bytes, declarations checked, names cleaned, sizes capped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scamlink.reports.attachments import (
    AttachmentRefused,
    agrees,
    attach,
    clean_filename,
    sniff,
)
from scamlink.store.attachments import BlobStore, attachments_of
from scamlink.store.reports import store_reports
from tests.factories import make_report

SAMPLES = {
    b"\x89PNG\r\n\x1a\n\x00\x00": "image/png",
    b"\xff\xd8\xff\xe0\x00\x10JFIF": "image/jpeg",
    b"GIF89a\x01\x00": "image/gif",
    b"RIFF\x24\x00\x00\x00WEBPVP8 ": "image/webp",
    b"%PDF-1.7\n%": "application/pdf",
    b"PK\x03\x04\x14\x00": "application/zip",
    "[12/03/2026, 10:14] 김민준: 입금했어요\r\n".encode(): "text/plain",
    b"\xef\xbb\xbf[10:14] Anna: hi\n": "text/plain",
}


@pytest.mark.parametrize(("content", "media_type"), SAMPLES.items())
def test_types_are_read_from_the_bytes(tmp_path: Path, content: bytes, media_type: str) -> None:
    path = tmp_path / "f"
    path.write_bytes(content)
    assert sniff(path) == media_type


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00", b"\x7fELF\x02", b"text with a \x00 NUL", b"\xc3\x28 broken utf-8"]
)
def test_other_bytes_are_not_accepted(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "f"
    path.write_bytes(content)
    assert sniff(path) is None


@pytest.mark.parametrize(
    ("declared", "sniffed", "fits"),
    [
        (None, "image/png", True),
        ("application/octet-stream", "application/pdf", True),
        ("image/jpg", "image/jpeg", True),
        ("text/plain; charset=utf-8", "text/plain", True),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/zip",
            True,
        ),
        ("image/png", "application/pdf", False),
        ("text/html", "text/plain", False),
        ("image/svg+xml", "text/plain", False),
    ],
)
def test_a_declared_type_must_fit_the_bytes(declared: str | None, sniffed: str, fits: bool) -> None:
    assert agrees(declared, sniffed) is fits


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\kim\\캡처.png", "캡처.png"),
        ("a\x00b\u202e.png", "ab.png"),
        ("", "attachment"),
        (None, "attachment"),
        ("x" * 300, "x" * 255),
    ],
)
def test_file_names_lose_folders_and_control_characters(name: str | None, clean: str) -> None:
    assert clean_filename(name) == clean


def _report(engine: Engine) -> int:
    with engine.begin() as conn:
        return store_reports(conn, [make_report("A-1")]).report_ids[0]


def test_the_same_bytes_are_stored_once(engine: Engine, tmp_path: Path) -> None:
    report_id = _report(engine)
    blobs = BlobStore(tmp_path / "attachments")
    content = b"%PDF-1.4 receipt"
    one = attach(engine, blobs, report_id, filename="a.pdf", declared=None, chunks=[content])
    two = attach(engine, blobs, report_id, filename="b.pdf", declared=None, chunks=[content])
    assert one.sha256 == two.sha256
    assert one.new_link
    assert not two.new_link
    files = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert files == [blobs.path_of(one.sha256)]
    with engine.connect() as conn:
        assert [a.filename for a in attachments_of(conn, report_id)] == ["a.pdf"]


def test_too_large_files_leave_nothing_behind(engine: Engine, tmp_path: Path) -> None:
    report_id = _report(engine)
    blobs = BlobStore(tmp_path / "attachments")
    chunks = [b"a" * 1000] * 5
    with pytest.raises(AttachmentRefused, match="limit of 4096"):
        attach(
            engine, blobs, report_id, filename="x.txt", declared=None, chunks=chunks, max_bytes=4096
        )
    assert not [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    with engine.connect() as conn:
        assert attachments_of(conn, report_id) == []


def test_a_crash_while_writing_leaves_no_file_under_a_final_name(
    engine: Engine, tmp_path: Path
) -> None:
    report_id = _report(engine)
    blobs = BlobStore(tmp_path / "attachments")

    def interrupted() -> Iterator[bytes]:
        yield b"\x89PNG\r\n\x1a\n"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        attach(engine, blobs, report_id, filename="x.png", declared=None, chunks=interrupted())
    assert not [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
