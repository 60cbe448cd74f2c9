"""Forged or tampered session cookies: an audit entry, then the request goes on anonymous.

Starlette's `SessionMiddleware` quietly treats a cookie whose signature does not verify as no
session at all. This middleware runs just before it, checks the cookie with the same signer
and key, and records `session.forged` (client address, path) when it fails. An expired cookie
is not forged, nor is the `null` the session middleware itself sends to clear a cookie.

Entries are rate-limited in memory so nobody can flood the log: at most one per client address
per minute and `GLOBAL_PER_MINUTE` in all; what is left out is counted into the next entry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import itsdangerous
from itsdangerous.exc import BadSignature, SignatureExpired
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from scamlink.sharing.audit import Actor, record

log = logging.getLogger(__name__)

WINDOW = 60.0  # seconds
GLOBAL_PER_MINUTE = 60
TRACKED_ADDRESSES = 10_000  # memory bound of the per-address limiter


def is_forged(signer: itsdangerous.TimestampSigner, value: str, max_age: int) -> bool:
    """The cookie does not carry this installation's signature (expired ones are genuine)."""
    if value == "null":
        return False
    try:
        signer.unsign(value.encode(), max_age=max_age)
    except SignatureExpired:
        return False
    except BadSignature:
        return True
    return False


class RateLimit:
    """One entry per address per window, `overall` per window in all; counts the rest."""

    def __init__(
        self,
        *,
        window: float = WINDOW,
        overall: int = GLOBAL_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._window, self._overall, self._clock = window, overall, clock
        self._last: dict[str, float] = {}
        self._recent: list[float] = []
        self._skipped = 0
        self._lock = threading.Lock()

    def admit(self, address: str) -> int | None:
        """None when this one is left out; else how many were left out before it."""
        now = self._clock()
        with self._lock:
            self._recent = [t for t in self._recent if now - t < self._window]
            last = self._last.get(address)
            if (last is not None and now - last < self._window) or len(
                self._recent
            ) >= self._overall:
                self._skipped += 1
                return None
            if len(self._last) >= TRACKED_ADDRESSES:
                self._last = {a: t for a, t in self._last.items() if now - t < self._window}
            if len(self._last) >= TRACKED_ADDRESSES:
                self._skipped += 1
                return None
            self._last[address] = now
            self._recent.append(now)
            skipped, self._skipped = self._skipped, 0
            return skipped


class ForgedSessionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        engine: Engine,
        secret_key: str,
        session_cookie: str,
        max_age: int,
        limit: RateLimit | None = None,
    ) -> None:
        self.app = app
        self.engine = engine
        self.signer = itsdangerous.TimestampSigner(secret_key)
        self.session_cookie = session_cookie
        self.max_age = max_age
        self.limit = limit or RateLimit()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            connection = HTTPConnection(scope)
            value = connection.cookies.get(self.session_cookie)
            if value is not None and is_forged(self.signer, value, self.max_age):
                address = connection.client.host if connection.client else "?"
                skipped = self.limit.admit(address)
                if skipped is not None:
                    await run_in_threadpool(self._record, address, connection.url.path, skipped)
        await self.app(scope, receive, send)

    def _record(self, address: str, path: str, skipped: int) -> None:
        details: dict[str, object] = {"ip": address, "path": path}
        if skipped:
            details["unrecorded_before"] = skipped
        try:
            with self.engine.begin() as conn:
                record(conn, Actor("public"), "session.forged", f"ip:{address}", details)
        except Exception:  # the request goes on anonymous either way
            log.exception("could not record a forged session cookie from %s", address)
