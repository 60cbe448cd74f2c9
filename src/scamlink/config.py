"""Settings from the environment, checked once at start-up."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scamlink.linking.rules import LinkPolicy, policy_from_env


class ConfigError(Exception):
    """A setting is wrong; the message is one line a person can act on."""


ATTACHMENTS_FOLDER = "attachments"  # of the data dir: `ab/cdef…` files named by SHA-256


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Token buckets of web/ratelimit.py, in requests a minute (also the burst: a full bucket
    holds one minute's allowance); 0 switches a limit off. `SCAMLINK_RATELIMIT_PUBLIC`,
    `…_KEY`, `…_REPORT`."""

    public: int = 120  # lookups a minute from one address without an account or key
    key: int = 1200  # lookups a minute for one API key or signed-in user
    report: int = 12  # public reports a minute from one address

    @classmethod
    def off(cls) -> RateLimits:
        return cls(public=0, key=0, report=0)


SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The mail server notifications are sent through (`SCAMLINK_SMTP_HOST`, `…_PORT`,
    `…_USER`, `…_PASSWORD`, `…_FROM`, `…_SECURITY` starttls|ssl|none). No host: no e-mail
    is sent (e-mail deliveries fail with that reason and are retried)."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "scamlink@localhost"
    security: str = "starttls"
    timeout: float = 20.0


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    audit_checkpoint_minutes: float = 60.0  # the web app signs an audit checkpoint this often
    # Hub thresholds (SCAMLINK_LINK_*, linking/rules.py).
    link_policy: LinkPolicy = field(default_factory=LinkPolicy)
    # Lookup (issue 6): the public learns of a report only this long after it was received;
    # the in-memory index is rebuilt from the store this often (review changes, SCAMLINK_LOOKUP_*).
    lookup_embargo_hours: float = 24.0
    lookup_rebuild_minutes: float = 60.0
    rate_limits: RateLimits = field(default_factory=RateLimits)  # SCAMLINK_RATELIMIT_*
    # Notifications of cases (docs/notifications.md): e-mail through this server; the web
    # app's worker delivers every `notify_seconds` (SCAMLINK_NOTIFY_SECONDS, 0 = no worker:
    # `scamlink notifications deliver` from a timer instead).
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    notify_seconds: float = 15.0
    # Reverse proxies (addresses or networks) whose X-Forwarded-For names the client for the
    # rate limits (SCAMLINK_TRUSTED_PROXIES, comma-separated); no other peer's header counts.
    trusted_proxies: tuple[str, ...] = ()
    # The public query log (hash prefixes) is pruned past this many days
    # (SCAMLINK_LOOKUP_LOG_RETENTION_DAYS).
    lookup_log_retention_days: float = 90.0
    # The largest file the transfers upload page takes (SCAMLINK_TRANSFER_UPLOAD_MAX_MB; larger
    # files: `scamlink import transfers` on the server). Issue 8.
    transfer_upload_max_mb: float = 2048.0
    # The same for the reports upload page (SCAMLINK_REPORT_UPLOAD_MAX_MB; larger files:
    # `scamlink import reports`). Issue 5.
    report_upload_max_mb: float = 2048.0

    @property
    def attachments_dir(self) -> Path:
        """Where attachment files live (`store.attachments.BlobStore` takes this folder)."""
        return self.data_dir / ATTACHMENTS_FOLDER


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
    embargo_hours = _number(env, "SCAMLINK_LOOKUP_EMBARGO_HOURS", 24.0, 0.0, 24 * 365)
    rebuild_minutes = _number(env, "SCAMLINK_LOOKUP_REBUILD_MINUTES", 60.0, 1.0, 7 * 24 * 60)
    try:
        link_policy = policy_from_env(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    rate_limits = RateLimits(
        **{
            name: _per_minute(env, f"SCAMLINK_RATELIMIT_{name.upper()}", default)
            for name, default in (("public", 120), ("key", 1200), ("report", 12))
        }
    )
    retention_days = _number(env, "SCAMLINK_LOOKUP_LOG_RETENTION_DAYS", 90.0, 1.0, 3650.0)
    upload_mb = _number(env, "SCAMLINK_TRANSFER_UPLOAD_MAX_MB", 2048.0, 1.0, 1024.0 * 1024)
    reports_mb = _number(env, "SCAMLINK_REPORT_UPLOAD_MAX_MB", 2048.0, 1.0, 1024.0 * 1024)
    return Settings(
        transfer_upload_max_mb=upload_mb,
        report_upload_max_mb=reports_mb,
        trusted_proxies=_proxies(env.get("SCAMLINK_TRUSTED_PROXIES") or ""),
        lookup_log_retention_days=retention_days,
        rate_limits=rate_limits,
        smtp=_smtp(env),
        notify_seconds=_number(env, "SCAMLINK_NOTIFY_SECONDS", 15.0, 0.0, 24 * 60 * 60),
        link_policy=link_policy,
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret_key,
        audit_checkpoint_minutes=checkpoint_minutes,
        lookup_embargo_hours=embargo_hours,
        lookup_rebuild_minutes=rebuild_minutes,
    )


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    """A number setting within [low, high], or ConfigError naming the variable."""
    text = env.get(name) or str(default)
    try:
        value = float(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ConfigError(f"{name}={text!r} is not a number between {low:g} and {high:g}")
    return value


def _proxies(text: str) -> tuple[str, ...]:
    """Addresses or networks (CIDR), comma-separated; ConfigError naming a bad entry."""
    found: list[str] = []
    for position, entry in enumerate(text.split(","), start=1):
        entry = entry.strip()
        if not entry:
            continue
        try:
            found.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ConfigError(
                f"SCAMLINK_TRUSTED_PROXIES: entry {position} ({entry!r}) is not an IP address "
                "or network, e.g. 10.0.0.5 or 10.0.0.0/24"
            ) from None
    return tuple(found)


def _smtp(env: Mapping[str, str]) -> SmtpSettings:
    security = (env.get("SCAMLINK_SMTP_SECURITY") or "starttls").strip().lower()
    if security not in SMTP_SECURITY:
        raise ConfigError(
            f"SCAMLINK_SMTP_SECURITY={security!r} is not one of {', '.join(SMTP_SECURITY)}"
        )
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    port = env.get("SCAMLINK_SMTP_PORT") or str(default_port)
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError(f"SCAMLINK_SMTP_PORT={port!r} is not a port number (1-65535)")
    sender = (env.get("SCAMLINK_SMTP_FROM") or "scamlink@localhost").strip()
    if "@" not in sender or any(c in sender for c in "\r\n"):
        raise ConfigError(f"SCAMLINK_SMTP_FROM={sender!r} is not an e-mail address")
    return SmtpSettings(
        host=(env.get("SCAMLINK_SMTP_HOST") or "").strip(),
        port=int(port),
        user=env.get("SCAMLINK_SMTP_USER") or "",
        password=env.get("SCAMLINK_SMTP_PASSWORD") or "",
        sender=sender,
        security=security,
    )


def _per_minute(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name) or str(default)
    if not raw.isdigit() or int(raw) > 10_000_000:
        raise ConfigError(f"{name}={raw!r} is not a number of requests a minute (0 = no limit)")
    return int(raw)


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
