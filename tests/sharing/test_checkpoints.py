"""Signed checkpoints: the key file, signatures that hold and ones that do not."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

from scamlink.sharing.checkpoints import KEY_FILE, is_authentic, public_hex, sign, signing_key


def test_the_key_is_created_once_readable_by_the_owner_only(tmp_path: Path) -> None:
    key = signing_key(tmp_path)
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert public_hex(signing_key(tmp_path)) == public_hex(key)


def test_a_checkpoint_verifies_only_as_signed(tmp_path: Path) -> None:
    key = signing_key(tmp_path)
    checkpoint = sign(key, 42, "ab" * 32)
    assert is_authentic(checkpoint, key)
    assert not is_authentic(replace(checkpoint, seq=43), key)
    assert not is_authentic(replace(checkpoint, hash="cd" * 32), key)
    assert not is_authentic(replace(checkpoint, signature="00" * 64), key)
    assert not is_authentic(replace(checkpoint, signature="zz"), key)
    (tmp_path / "other").mkdir()
    assert not is_authentic(sign(signing_key(tmp_path / "other"), 42, "ab" * 32), key)
