"""Settings from the environment, checked once at start-up."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scamlink.linking.rules import LinkPolicy, policy_from_env


class ConfigError(Exception):
    """A setting is wrong; the message is one line a person can act on."""


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    audit_checkpoint_minutes: float = 60.0  # the web app signs an audit checkpoint this often
    # Hub thresholds (SCAMLINK_LINK_*, linking/rules.py).
    link_policy: LinkPolicy = field(default_factory=LinkPolicy)

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "files"


SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read `SCAMLINK_*` variables; create the data dir and the secret key on first run."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("SCAMLINK_DATA_DIR") or "var").resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"data dir {data_dir} is not writable ({exc.strerror or exc}); "
            "set SCAMLINK_DATA_DIR to a writable folder"
        ) from None
    default_url = f"sqlite:///{data_dir / 'scamlink.db'}"
    database_url = env.get("SCAMLINK_DATABASE_URL") or default_url
    secret_key = env.get("SCAMLINK_SECRET_KEY") or _secret_key_from(data_dir)
    minutes = env.get("SCAMLINK_AUDIT_CHECKPOINT_MINUTES") or "60"
    try:
        checkpoint_minutes = float(minutes)
    except ValueError:
        checkpoint_minutes = -1.0
    if not 0 < checkpoint_minutes <= 7 * 24 * 60:
        raise ConfigError(
            f"SCAMLINK_AUDIT_CHECKPOINT_MINUTES={minutes!r} is not a number of minutes "
            "between 0 and 10080 (one week)"
        )
    try:
        link_policy = policy_from_env(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return Settings(
        link_policy=link_policy,
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret_key,
        audit_checkpoint_minutes=checkpoint_minutes,
    )


def _secret_key_from(data_dir: Path) -> str:
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    # Write-then-rename: a crash never leaves an empty key; 0600: only the service reads it.
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    tmp.replace(path)
    return key
