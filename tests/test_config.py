from __future__ import annotations

from pathlib import Path

import pytest

from scamlink.config import ConfigError, load_settings


def test_defaults_put_the_database_and_key_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"SCAMLINK_DATA_DIR": str(tmp_path / "data")})
    assert settings.data_dir == (tmp_path / "data").resolve()
    assert settings.database_url == f"sqlite:///{settings.data_dir / 'scamlink.db'}"
    key_file = settings.data_dir / "secret_key"
    assert key_file.read_text() == settings.secret_key
    assert len(settings.secret_key) >= 48
    assert key_file.stat().st_mode & 0o077 == 0


def test_the_generated_secret_key_is_reused(tmp_path: Path) -> None:
    first = load_settings({"SCAMLINK_DATA_DIR": str(tmp_path)})
    second = load_settings({"SCAMLINK_DATA_DIR": str(tmp_path)})
    assert first.secret_key == second.secret_key


def test_environment_overrides(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SCAMLINK_DATA_DIR": str(tmp_path),
            "SCAMLINK_DATABASE_URL": "postgresql://db.example/scamlink",
            "SCAMLINK_SECRET_KEY": "k" * 40,
        }
    )
    assert settings.database_url == "postgresql://db.example/scamlink"
    assert settings.secret_key == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_data_dir_that_is_a_file_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="SCAMLINK_DATA_DIR"):
        load_settings({"SCAMLINK_DATA_DIR": str(blocker)})


def test_the_audit_checkpoint_interval(tmp_path: Path) -> None:
    assert load_settings({"SCAMLINK_DATA_DIR": str(tmp_path)}).audit_checkpoint_minutes == 60
    env = {"SCAMLINK_DATA_DIR": str(tmp_path), "SCAMLINK_AUDIT_CHECKPOINT_MINUTES": "15"}
    assert load_settings(env).audit_checkpoint_minutes == 15
    for wrong in ("0", "-5", "hourly", "nan", "20000"):
        env["SCAMLINK_AUDIT_CHECKPOINT_MINUTES"] = wrong
        with pytest.raises(ConfigError, match="SCAMLINK_AUDIT_CHECKPOINT_MINUTES"):
            load_settings(env)


def test_the_upload_pages_limits(tmp_path: Path) -> None:
    defaults = load_settings({"SCAMLINK_DATA_DIR": str(tmp_path)})
    assert (defaults.report_upload_max_mb, defaults.transfer_upload_max_mb) == (2048, 2048)
    env = {
        "SCAMLINK_DATA_DIR": str(tmp_path),
        "SCAMLINK_REPORT_UPLOAD_MAX_MB": "64",
        "SCAMLINK_TRANSFER_UPLOAD_MAX_MB": "512",
    }
    chosen = load_settings(env)
    assert (chosen.report_upload_max_mb, chosen.transfer_upload_max_mb) == (64, 512)
    for name in ("SCAMLINK_REPORT_UPLOAD_MAX_MB", "SCAMLINK_TRANSFER_UPLOAD_MAX_MB"):
        for wrong in ("0", "-1", "big"):
            with pytest.raises(ConfigError, match=name):
                load_settings({**env, name: wrong})
