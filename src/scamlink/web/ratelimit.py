"""Abuse control: token buckets per client address (the public) and per API key or user, and
the public query log (hash prefixes only).

A route opts in with `Depends(rate_limit("lookup"))` (or `"report"`). An anonymous caller is
counted by its address, a caller with an API key by the key, a signed-in user by the account
(an invalid key is refused before it is counted, so made-up keys do not buy a fresh bucket).
An empty bucket answers 429 with `Retry-After` (whole seconds until one token is back). The
limits are `Settings.rate_limits` (requests a minute; a full bucket holds one minute's worth).

The check is a coroutine: a request without a session and without a key (the public, most of
the load) is counted inline on the event loop, with no I/O and no hop to a worker thread;
anyone else is resolved from the store in one hop (`request_viewer`), kept for the route.

The address is the connection's peer, unless the peer is one of `Settings.trusted_proxies`
(`SCAMLINK_TRUSTED_PROXIES`): then `X-Forwarded-For` is read from the right, skipping trusted
proxies, and the first address that is not one of them is the client's. A header from any
other peer is ignored (anyone can send one).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from functools import lru_cache
from typing import Literal

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from scamlink.lookup.query_log import QueryLog
from scamlink.sharing.roles import PUBLIC, Viewer
from scamlink.web.auth import current_viewer
from scamlink.web.bearer import bearer_token
from scamlink.web.i18n import N_
from scamlink.web.sessions import session_user
from scamlink.web.state import SESSION_TOKEN, web_state

TOO_MANY = N_("Too many requests. Wait a moment and try again.")
Limit = Literal["lookup", "report"]
_MAX_BUCKETS = 100_000  # beyond this, full buckets are forgotten (they hold nothing)
_STATE_LOCK = threading.Lock()
_VIEWER_STATE = "resolved_viewer"  # request.state: the caller, resolved once per request
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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

    def __init__(
        self, public: int, key: int, report: int, trusted_proxies: tuple[str, ...] = ()
    ) -> None:
        self.trusted_proxies = trusted_proxies

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


def _new_limiter(request: Request) -> Limiter:
    settings = web_state(request).settings
    limits = settings.rate_limits
    return Limiter(limits.public, limits.key, limits.report, settings.trusted_proxies)


def limiter(request: Request) -> Limiter:
    found = getattr(request.app.state, "rate_limiter", None)
    if not isinstance(found, Limiter):
        found = _app_object(request, "rate_limiter", lambda: _new_limiter(request))
        assert isinstance(found, Limiter)
    return found


def is_anonymous(request: Request) -> bool:
    """No key and no session token: the public, known without I/O."""
    if "authorization" in request.headers and bearer_token(request) is not None:
        return False
    return not isinstance(request.session.get(SESSION_TOKEN), str)


def _resolve(request: Request) -> Viewer:
    return current_viewer(request, session_user(request))


async def request_viewer(request: Request) -> Viewer:
    """The caller as a `Viewer`, resolved once per request and kept in `request.state`: the
    public inline, anyone else from the store in one worker-thread hop (a refused API key
    answers 401 there, before anything is counted)."""
    found = getattr(request.state, _VIEWER_STATE, None)
    if isinstance(found, Viewer):
        return found
    viewer = PUBLIC if is_anonymous(request) else await run_in_threadpool(_resolve, request)
    setattr(request.state, _VIEWER_STATE, viewer)
    return viewer


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str, proxies: tuple[str, ...]) -> str:
    """The client's address: `peer`, unless it is a trusted proxy; then the rightmost address
    of `X-Forwarded-For` that is not a trusted proxy (a malformed entry stops the walk: the
    hop to its right is the furthest that can be believed)."""
    networks = _networks(proxies)
    if not networks or not forwarded_for or not _trusted(peer, networks):
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return client
        client = hop
        if not _trusted(hop, networks):
            return hop
    return client  # every hop is a trusted proxy: the leftmost one sent it


def client_address(request: Request, proxies: tuple[str, ...] | None = None) -> str:
    """The client's address for rate limits (see the module's docstring)."""
    peer = request.client.host if request.client else "?"
    if proxies is None:
        proxies = limiter(request).trusted_proxies
    if not proxies:
        return peer
    return forwarded_client(peer, request.headers.get("x-forwarded-for", ""), proxies)


def _identity(request: Request, viewer: Viewer, proxies: tuple[str, ...]) -> tuple[str, bool]:
    if viewer.is_public:
        return "ip:" + client_address(request, proxies), True
    token = bearer_token(request)
    if token:
        # request_viewer has checked the key: its public id names the bucket.
        return "key:" + token.split("_")[1] if token.count("_") >= 2 else "key:?", False
    if viewer.user_id is not None:
        return f"user:{viewer.user_id}", False
    return "ip:" + client_address(request, proxies), True


def take(request: Request, limit: Limit, viewer: Viewer) -> None:
    """Count one request of `viewer` against `limit`: HTTPException 429 with Retry-After when
    its bucket is empty."""
    found = limiter(request)
    who, anonymous = _identity(request, viewer, found.trusted_proxies)
    wait = found.check(limit, who, anonymous)
    if wait > 0:
        raise HTTPException(
            status_code=429,
            detail=TOO_MANY,
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


def rate_limit(limit: Limit) -> Callable[[Request], Awaitable[None]]:
    """A route dependency: 429 with Retry-After when the caller's bucket for `limit` is empty."""

    async def check(request: Request) -> None:
        take(request, limit, await request_viewer(request))

    return check


# --- the public query log -------------------------------------------------------------------


def _new_query_log(request: Request) -> QueryLog:
    state = web_state(request)
    retention = timedelta(days=state.settings.lookup_log_retention_days)
    return QueryLog(state.engine, retention=retention)


def query_log(request: Request) -> QueryLog:
    found = _app_object(request, "lookup_query_log", lambda: _new_query_log(request))
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
