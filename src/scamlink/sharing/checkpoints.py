"""Signed checkpoints of the audit chain (Ed25519, key in the data dir).

A checkpoint says "the chain was intact up to entry N, whose hash is H, at time T". Someone
with write access to the database but not to the key cannot rewrite the log behind a
checkpoint or cut entries off its end without `scamlink audit verify` noticing.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from scamlink.store.audit import Checkpoint

KEY_FILE = "audit_signing_key"


def signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """The installation's key, created (mode 0600, write-then-rename) on first use."""
    path = data_dir / KEY_FILE
    if path.exists():
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(path.read_text().strip()))
    key = Ed25519PrivateKey.generate()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.private_bytes_raw().hex())
    tmp.replace(path)
    return key


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def _message(seq: int, entry_hash: str, verified_at: datetime) -> bytes:
    at = verified_at.astimezone(UTC).isoformat(timespec="microseconds")
    return f"scamlink-audit-checkpoint\n{seq}\n{entry_hash}\n{at}".encode()


def sign(key: Ed25519PrivateKey, seq: int, entry_hash: str) -> Checkpoint:
    at = datetime.now(UTC)
    signature = key.sign(_message(seq, entry_hash, at)).hex()
    return Checkpoint(seq, entry_hash, at, public_hex(key), signature)


def is_authentic(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> bool:
    """Signed by this installation's key (a checkpoint signed by any other key is forged)."""
    if checkpoint.public_key != public_hex(key):
        return False
    at = checkpoint.verified_at
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint.public_key)).verify(
            bytes.fromhex(checkpoint.signature), _message(checkpoint.seq, checkpoint.hash, at)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
