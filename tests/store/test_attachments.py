"""Attachment files: written whole under their SHA-256 or not at all."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from scamlink.store.attachments import BlobStore, TooLarge


def test_a_file_lands_under_its_content_address(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "attachments")
    temp = blobs.write_temp([b"hello ", b"world"], max_bytes=100)
    digest = hashlib.sha256(b"hello world").hexdigest()
    assert (temp.sha256, temp.size) == (digest, 11)
    final = blobs.commit(temp)
    assert final == tmp_path / "attachments" / digest[:2] / digest[2:]
    assert final.read_bytes() == b"hello world"
    assert not temp.path.exists()


def test_the_same_content_again_keeps_the_first_file(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "attachments")
    first = blobs.commit(blobs.write_temp([b"same"], 100))
    second_temp = blobs.write_temp([b"same"], 100)
    assert blobs.commit(second_temp) == first
    assert not second_temp.path.exists()
    assert [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()] == [first]


def test_past_the_limit_nothing_is_kept(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "attachments")
    with pytest.raises(TooLarge):
        blobs.write_temp([b"x" * 60, b"x" * 60], max_bytes=100)
    assert not [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
