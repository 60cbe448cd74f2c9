from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from scamlink.sharing.keystore import KeyStore, KeyStoreError, decode_key, encode_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_data_key_is_created_private(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, environ={})
    keyring = store.ensure_data_key("KNPA")
    assert keyring.current == 1
    assert len(keyring.key(1)) == 32
    path = tmp_path / "keys" / "KNPA" / "v1.key"
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(tmp_path / "keys") == 0o700
    assert store.ensure_data_key("KNPA").keys == keyring.keys  # not created twice
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_new_versions_and_retirement(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, environ={})
    assert store.data_keys("KNPA").keys == {}
    assert store.create_data_key("KNPA") == 1
    assert store.create_data_key("KNPA") == 2
    keys = store.data_keys("KNPA")
    assert keys.current == 2
    assert keys.key(1) != keys.key(2)
    assert store.retire_data_keys("KNPA", keep={2}) == [1]
    assert set(store.data_keys("KNPA").keys) == {2}


def test_environment_keys_override_files(tmp_path: Path) -> None:
    one, two = os.urandom(32), os.urandom(32)
    single = KeyStore(tmp_path, environ={"SCAMLINK_KEY_KNPA": encode_key(one)})
    assert single.data_keys("KNPA").keys == {1: one}
    both = KeyStore(
        tmp_path, environ={"SCAMLINK_KEY_KNPA": f"v2:{encode_key(two)}, v1:{encode_key(one)}"}
    )
    assert both.data_keys("KNPA").keys == {1: one, 2: two}
    with pytest.raises(KeyStoreError, match="SCAMLINK_KEY_KNPA"):
        both.create_data_key("KNPA")
    assert both.retire_data_keys("KNPA", keep=set()) == []
    assert not (tmp_path / "keys").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not base64!", "not valid base64"),
        (base64.b64encode(b"short").decode(), "must be 32 bytes"),
        ("x2:" + base64.b64encode(bytes(32)).decode(), "expected"),
    ],
)
def test_bad_environment_keys_are_named_not_shown(value: str, message: str) -> None:
    store = KeyStore(Path("/nonexistent"), environ={"SCAMLINK_KEY_KNPA": value})
    with pytest.raises(KeyStoreError, match=message) as caught:
        store.data_keys("KNPA")
    assert value not in str(caught.value)


def test_agency_codes_cannot_escape_the_key_folder(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError, match="not a valid code"):
        KeyStore(tmp_path, environ={}).data_keys("../etc")


def test_group_key_create_export_import(tmp_path: Path) -> None:
    first = KeyStore(tmp_path / "a", environ={})
    second = KeyStore(tmp_path / "b", environ={})
    first.create_group_key("kr-kh-desk")
    second.import_group_key("kr-kh-desk", encode_key(first.group_key("kr-kh-desk")) + "\n")
    assert first.group_keys() == second.group_keys()
    assert len(first.group_key("kr-kh-desk")) == 32
    assert _mode(tmp_path / "b" / "keys" / "groups" / "kr-kh-desk.key") == 0o600


def test_a_group_key_is_never_overwritten(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, environ={})
    store.create_group_key("g1")
    before = store.group_key("g1")
    with pytest.raises(KeyStoreError, match="already exists"):
        store.create_group_key("g1")
    with pytest.raises(KeyStoreError, match="already exists"):
        store.import_group_key("g1", encode_key(os.urandom(32)))
    assert store.group_key("g1") == before


@pytest.mark.parametrize("group", ["../x", "", ".hidden", "a/b", "x" * 65])
def test_bad_group_names_are_refused(tmp_path: Path, group: str) -> None:
    with pytest.raises(KeyStoreError, match="sharing group"):
        KeyStore(tmp_path, environ={}).create_group_key(group)


def test_missing_group_key_is_named(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, environ={})
    assert store.group_keys() == {}
    with pytest.raises(KeyStoreError, match="no key for sharing group g1"):
        store.group_key("g1")


def test_decode_key_checks_length() -> None:
    assert decode_key(encode_key(bytes(32)), size=32, what="k") == bytes(32)
    with pytest.raises(KeyStoreError, match="must be 32 bytes"):
        decode_key(encode_key(bytes(16)), size=32, what="k")


def test_ensure_uses_a_key_another_process_just_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = KeyStore(tmp_path, environ={})
    other = KeyStore(tmp_path, environ={})
    real_create = KeyStore.create_data_key

    def racing_create(self: KeyStore, agency: str) -> int:
        # The other process writes v1 between our look and our write: our link fails.
        real_create(other, agency)
        raise KeyStoreError("key v1.key already exists")

    monkeypatch.setattr(KeyStore, "create_data_key", racing_create)
    keyring = store.ensure_data_key("KNPA")
    assert set(keyring.keys) == {1}
    assert keyring.keys == other.data_keys("KNPA").keys
    # With no key written at all, the failure is not hidden.
    monkeypatch.setattr(KeyStore, "create_data_key", lambda self, agency: _fail())
    with pytest.raises(KeyStoreError, match="disk full"):
        store.ensure_data_key("CNP")


def _fail() -> int:
    raise KeyStoreError("disk full")
