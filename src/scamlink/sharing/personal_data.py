"""Victims' personal data and its encryption at rest (AES-256-GCM, a data key per agency).

Each personal field is encrypted on its own. A stored value is

    0x01 | key version (4 bytes, big-endian) | nonce (12 random bytes) | ciphertext + tag

and its associated data binds it to where it belongs: the header above (so the key id cannot
be edited), the table, the owning agency, the victim's random reference and the field. A
ciphertext copied into another row, another agency's row or another field fails
authentication instead of decrypting to someone else's data.

Pure functions: keys come from `sharing/keystore.py`, rows from `store/victims.py`.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = 1
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
_HEADER = struct.Struct(">BI")  # format, key version
REDACTED = "<redacted>"


class PersonalDataError(Exception):
    """A ciphertext cannot be read; the message never holds personal data."""


class DecryptionFailed(PersonalDataError):
    pass


class MissingKey(PersonalDataError):
    pass


class InvalidPersonalData(PersonalDataError):
    """Input for a victim is malformed (named by field, never by value)."""


@dataclass(frozen=True, slots=True, repr=False)
class PersonalData:
    """What identifies a victim. Printing it never shows the values (they stay out of logs)."""

    name: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None  # ISO 3166-1 alpha-2
    id_number: str | None = None  # passport or national ID number
    phone: str | None = None
    address: str | None = None
    family_contact: str | None = None

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={REDACTED}" for f in fields(self) if getattr(self, f.name) is not None
        )
        return f"PersonalData({shown})"

    __str__ = __repr__


PERSONAL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PersonalData))


def field_text(data: PersonalData, field: str) -> str | None:
    value = getattr(data, field)
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def from_texts(texts: Mapping[str, str | None]) -> PersonalData:
    dob = texts.get("date_of_birth")
    return PersonalData(
        name=texts.get("name"),
        date_of_birth=date.fromisoformat(dob) if dob else None,
        nationality=texts.get("nationality"),
        id_number=texts.get("id_number"),
        phone=texts.get("phone"),
        address=texts.get("address"),
        family_contact=texts.get("family_contact"),
    )


@dataclass(frozen=True, slots=True)
class Keyring:
    """An agency's data keys by version; `current` encrypts, every version decrypts."""

    agency: str
    keys: Mapping[int, bytes]

    @property
    def current(self) -> int:
        if not self.keys:
            raise MissingKey(f"agency {self.agency} has no data key")
        return max(self.keys)

    def key(self, version: int) -> bytes:
        try:
            return self.keys[version]
        except KeyError:
            raise MissingKey(
                f"data key {self.agency} v{version} is missing from the key store"
            ) from None


def associated_data(header: bytes, table: str, agency: str, ref: str, field: str) -> bytes:
    return b"\x00".join(
        (b"scamlink", header, table.encode(), agency.encode(), ref.encode(), field.encode())
    )


def encrypt(
    keyring: Keyring,
    plaintext: str,
    *,
    table: str,
    ref: str,
    field: str,
    version: int | None = None,
) -> bytes:
    """Encrypt with the current key (or `version`) for `field` of row `ref` of the agency."""
    version = keyring.current if version is None else version
    header = _HEADER.pack(FORMAT, version)
    nonce = os.urandom(NONCE_BYTES)
    ad = associated_data(header, table, keyring.agency, ref, field)
    return header + nonce + AESGCM(keyring.key(version)).encrypt(nonce, plaintext.encode(), ad)


def key_version(blob: bytes) -> int:
    if len(blob) < _HEADER.size + NONCE_BYTES + 16:
        raise DecryptionFailed("ciphertext is too short")
    fmt, version = _HEADER.unpack_from(blob)
    if fmt != FORMAT:
        raise DecryptionFailed(f"unknown ciphertext format {fmt}")
    return int(version)


def decrypt(keyring: Keyring, blob: bytes, *, table: str, ref: str, field: str) -> str:
    version = key_version(blob)
    header, nonce = blob[: _HEADER.size], blob[_HEADER.size : _HEADER.size + NONCE_BYTES]
    ad = associated_data(header, table, keyring.agency, ref, field)
    try:
        plain = AESGCM(keyring.key(version)).decrypt(nonce, blob[_HEADER.size + NONCE_BYTES :], ad)
    except InvalidTag:
        raise DecryptionFailed(
            f"{table} {ref} field {field} does not authenticate under key "
            f"{keyring.agency} v{version} (tampered, or moved from another row)"
        ) from None
    return plain.decode()


def encrypt_all(
    keyring: Keyring, data: PersonalData, *, table: str, ref: str, version: int | None = None
) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for field in PERSONAL_FIELDS:
        text = field_text(data, field)
        out[field] = (
            None
            if text is None
            else encrypt(keyring, text, table=table, ref=ref, field=field, version=version)
        )
    return out


def decrypt_all(
    keyring: Keyring, blobs: Mapping[str, bytes | None], *, table: str, ref: str
) -> PersonalData:
    texts: dict[str, str | None] = {}
    for field in PERSONAL_FIELDS:
        blob = blobs.get(field)
        texts[field] = (
            None if blob is None else decrypt(keyring, blob, table=table, ref=ref, field=field)
        )
    return from_texts(texts)
