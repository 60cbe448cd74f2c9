"""Abuse control: token buckets per client address (the public) and per API key or user, and
the public query log (hash prefixes only).

A route opts in with `Depends(rate_limit("lookup"))` (or `"report"`). An anonymous caller is
counted by its address, a caller with an API key by the key, a signed-in user by the account
(an invalid key is refused before it is counted, so made-up keys do not buy a fresh bucket).
An empty bucket answers 429 with `Retry-After` (whole seconds until one token is back). The
limits are `Settings.rate_limits` (requests a minute; a full bucket holds one minute's worth).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request

from scamlink.lookup.query_log import QueryLog
from scamlink.sharing.roles import Viewer
from scamlink.web.auth import current_viewer
from scamlink.web.bearer import bearer_token
from scamlink.web.i18n import N_
from scamlink.web.state import web_state

TOO_MANY = N_("Too many requests. Wait a moment and try again.")
Limit = Literal["lookup", "report"]
_MAX_BUCKETS = 100_000  # beyond this, full buckets are forgotten (they hold nothing)
_STATE_LOCK = threading.Lock()


class TokenBuckets:
    """Buckets of `capacity` tokens refilled at `rate` tokens a second, one per key."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def take(self, key: str) -> float:
        """Take one token: 0.0 when granted, else the seconds until one is back."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > _MAX_BUCKETS:
                    self._forget_full(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        full = [
            key
            for key, (tokens, at) in self._buckets.items()
            if tokens + (now - at) * self.rate >= self.capacity
        ]
        for key in full:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class Limiter:
    """The application's buckets: per limit, one set for addresses and one for identities."""

    def __init__(self, public: int, key: int, report: int) -> None:
        def buckets(per_minute: int) -> TokenBuckets | None:
            return TokenBuckets(per_minute / 60.0, float(per_minute)) if per_minute else None

        self._anonymous: dict[Limit, TokenBuckets | None] = {
            "lookup": buckets(public),
            "report": buckets(report),
        }
        self._identified: dict[Limit, TokenBuckets | None] = {
            "lookup": buckets(key),
            "report": buckets(key),
        }

    def check(self, limit: Limit, who: str, anonymous: bool) -> float:
        buckets = (self._anonymous if anonymous else self._identified)[limit]
        return 0.0 if buckets is None else buckets.take(who)


def _app_object(request: Request, name: str, make: Callable[[], object]) -> object:
    state = request.app.state
    found = getattr(state, name, None)
    if found is None:
        with _STATE_LOCK:
            found = getattr(state, name, None)
            if found is None:
                found = make()
                setattr(state, name, found)
    return found


def limiter(request: Request) -> Limiter:
    limits = web_state(request).settings.rate_limits
    found = _app_object(
        request, "rate_limiter", lambda: Limiter(limits.public, limits.key, limits.report)
    )
    assert isinstance(found, Limiter)
    return found


def _identity(request: Request, viewer: Viewer) -> tuple[str, bool]:
    token = bearer_token(request)
    if token and not viewer.is_public:
        # current_viewer has checked the key: its public id names the bucket.
        return "key:" + token.split("_")[1] if token.count("_") >= 2 else "key:?", False
    if viewer.user_id is not None:
        return f"user:{viewer.user_id}", False
    return "ip:" + (request.client.host if request.client else "?"), True


def rate_limit(limit: Limit) -> Callable[..., None]:
    """A route dependency: 429 with Retry-After when the caller's bucket for `limit` is empty."""

    def check(request: Request, viewer: Annotated[Viewer, Depends(current_viewer)]) -> None:
        who, anonymous = _identity(request, viewer)
        wait = limiter(request).check(limit, who, anonymous)
        if wait > 0:
            raise HTTPException(
                status_code=429,
                detail=TOO_MANY,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )

    return check


# --- the public query log -------------------------------------------------------------------


def query_log(request: Request) -> QueryLog:
    found = _app_object(request, "lookup_query_log", lambda: QueryLog(web_state(request).engine))
    assert isinstance(found, QueryLog)
    return found


def log_lookup(request: Request, channel: str, canonical: str | None, verdict: str | None) -> None:
    """Log one answered value as its hash prefix (nothing when it had no canonical key)."""
    query_log(request).add_values(channel, [(canonical, verdict)])


def log_lookups(
    request: Request, channel: str, answered: Iterable[tuple[str | None, str | None]]
) -> None:
    """Log a batch of answered values, (canonical or None, verdict) each, in one append."""
    query_log(request).add_values(channel, answered)


def log_prefix(request: Request, channel: str, prefix: str) -> None:
    """Log a range request (the server never learns the verdict)."""
    query_log(request).add(channel, prefix, None)
