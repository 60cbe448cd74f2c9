"""Where the keys live: files in the data dir or the environment, never the database.

Layout (directories 0700, files 0600, each file one base64 key):

    $SCAMLINK_DATA_DIR/keys/<AGENCY>/v<N>.key    an agency's data keys (AES-256), one per version
    $SCAMLINK_DATA_DIR/keys/groups/<GROUP>.key    a sharing group's pseudonym key (HMAC-SHA256)

`SCAMLINK_KEY_<AGENCY>` overrides an agency's files: either one base64 key (version 1) or
`v2:<base64>,v1:<base64>` to carry several versions while a rotation runs. Keys that come from
the environment are rotated by whoever sets the environment, so `create_data_key` refuses them.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from scamlink.sharing.personal_data import KEY_BYTES, Keyring

GROUP_KEY_BYTES = 32
_AGENCY_RE = re.compile(r"^[A-Z0-9_]{1,16}$")
_GROUP_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_VERSION_FILE_RE = re.compile(r"^v([1-9][0-9]{0,8})\.key$")


class KeyStoreError(ValueError):
    """A key is missing, malformed or cannot be written; the message never holds key bytes."""


def decode_key(text: str, *, size: int, what: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyStoreError(f"{what} is not valid base64") from None
    if len(key) != size:
        raise KeyStoreError(f"{what} must be {size} bytes, not {len(key)}")
    return key


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


class KeyStore:
    def __init__(self, data_dir: Path, environ: Mapping[str, str] | None = None) -> None:
        self.root = data_dir / "keys"
        self._env = os.environ if environ is None else environ

    # --- agency data keys -------------------------------------------------------------

    def _env_name(self, agency: str) -> str:
        return f"SCAMLINK_KEY_{agency}"

    def data_keys(self, agency: str) -> Keyring:
        """Every version of the agency's data key (empty when none was ever created)."""
        _check_agency(agency)
        env_value = self._env.get(self._env_name(agency))
        if env_value:
            return Keyring(agency, _parse_env_keys(env_value, self._env_name(agency)))
        keys: dict[int, bytes] = {}
        folder = self.root / agency
        if folder.is_dir():
            for path in folder.iterdir():
                match = _VERSION_FILE_RE.match(path.name)
                if match:
                    what = f"data key file {path}"
                    keys[int(match[1])] = decode_key(path.read_text(), size=KEY_BYTES, what=what)
        return Keyring(agency, keys)

    def from_environment(self, agency: str) -> bool:
        return bool(self._env.get(self._env_name(agency)))

    def create_data_key(self, agency: str) -> int:
        """Write a new version (the newest encrypts from now on); returns its number."""
        if self.from_environment(agency):
            raise KeyStoreError(
                f"the data keys of {agency} come from {self._env_name(agency)}; "
                "add a new version there (v2:<base64>,v1:<base64>) instead"
            )
        existing = self.data_keys(agency).keys
        version = max(existing, default=0) + 1
        _write_new(self.root / agency / f"v{version}.key", secrets.token_bytes(KEY_BYTES))
        return version

    def ensure_data_key(self, agency: str) -> Keyring:
        """The agency's keys, creating version 1 on first use."""
        keyring = self.data_keys(agency)
        if not keyring.keys:
            try:
                self.create_data_key(agency)
            except KeyStoreError:
                if not self.data_keys(agency).keys:
                    raise
                # Another process created version 1 first: use it.
            keyring = self.data_keys(agency)
        return keyring

    def retire_data_keys(self, agency: str, *, keep: set[int]) -> list[int]:
        """Delete the key files of versions not in `keep`; returns the versions deleted."""
        if self.from_environment(agency):
            return []
        retired = []
        for version in sorted(self.data_keys(agency).keys):
            if version not in keep:
                (self.root / agency / f"v{version}.key").unlink()
                retired.append(version)
        return retired

    # --- sharing-group pseudonym keys ---------------------------------------------------

    def _group_path(self, group: str) -> Path:
        if not _GROUP_RE.match(group):
            raise KeyStoreError(
                f"sharing group name {group!r} must be letters, digits, '_', '.' or '-' "
                "(up to 64, starting with a letter or digit)"
            )
        return self.root / "groups" / f"{group}.key"

    def create_group_key(self, group: str) -> None:
        _write_new(self._group_path(group), secrets.token_bytes(GROUP_KEY_BYTES))

    def import_group_key(self, group: str, text: str) -> None:
        key = decode_key(text, size=GROUP_KEY_BYTES, what=f"the key of group {group}")
        _write_new(self._group_path(group), key)

    def group_key(self, group: str) -> bytes:
        path = self._group_path(group)
        if not path.exists():
            raise KeyStoreError(f"no key for sharing group {group} in {path.parent}")
        return decode_key(path.read_text(), size=GROUP_KEY_BYTES, what=f"group key file {path}")

    def group_keys(self) -> dict[str, bytes]:
        folder = self.root / "groups"
        if not folder.is_dir():
            return {}
        return {
            path.stem: self.group_key(path.stem)
            for path in sorted(folder.iterdir())
            if path.suffix == ".key" and _GROUP_RE.match(path.stem)
        }


def _check_agency(agency: str) -> None:
    if not _AGENCY_RE.match(agency):
        raise KeyStoreError(f"agency code {agency!r} is not a valid code")


def _parse_env_keys(value: str, name: str) -> dict[int, bytes]:
    keys: dict[int, bytes] = {}
    for part in value.split(","):
        version_text, sep, key_text = part.strip().rpartition(":")
        if not sep:
            version_text, key_text = "v1", part
        if not re.fullmatch(r"v[1-9][0-9]{0,8}", version_text.strip()):
            raise KeyStoreError(f"{name}: expected <base64> or v<N>:<base64>,…")
        keys[int(version_text.strip()[1:])] = decode_key(key_text, size=KEY_BYTES, what=name)
    return keys


def _write_new(path: Path, key: bytes) -> None:
    """Create `path` (0600) holding the key; never overwrites an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for folder in (path.parent.parent, path.parent):  # keys/ and keys/<AGENCY or groups>/
        os.chmod(folder, 0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(encode_key(key) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        # A hard link fails when the name exists: two writers never both create version N.
        os.link(tmp, path)
    except FileExistsError:
        raise KeyStoreError(f"key {path.name} already exists in {path.parent}") from None
    finally:
        tmp.unlink()
