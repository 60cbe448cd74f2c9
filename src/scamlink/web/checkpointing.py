"""Signed audit checkpoints without a person: while the web app serves, a background task
signs one every `Settings.audit_checkpoint_minutes` (`SCAMLINK_AUDIT_CHECKPOINT_MINUTES`).

The signing (a check of the whole chain, then one row) runs in a worker thread; nothing is
signed when nothing was appended since the latest checkpoint, and a broken chain is logged,
never signed. An error is logged and the task carries on; it stops with the application.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from sqlalchemy import Engine
from starlette.types import ASGIApp

from scamlink.config import Settings
from scamlink.sharing.audit import Signed, checkpoint
from scamlink.sharing.checkpoints import signing_key

log = logging.getLogger(__name__)


def sign_once(settings: Settings, engine: Engine) -> Signed:
    key = signing_key(settings.data_dir)
    with engine.begin() as conn:
        signed = checkpoint(conn, key)
    verdict = signed.verdict
    if not verdict.intact:
        log.error("audit chain BROKEN at entry %s: %s", verdict.broken_seq, verdict.reason)
    elif signed.signed:
        log.info("audit checkpoint signed at entry %s", verdict.last_seq)
    return signed


async def sign_periodically(
    settings: Settings, engine: Engine, interval: float, sign: Callable[..., Signed] = sign_once
) -> None:
    """Every `interval` seconds (the first after one interval), until cancelled."""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(sign, settings, engine)
        except Exception:  # logged; the next round tries again
            log.exception("could not sign an audit checkpoint")


def checkpoint_lifespan(
    settings: Settings, engine: Engine, *, interval: float | None = None
) -> Callable[[ASGIApp], AbstractAsyncContextManager[None]]:
    """The application's lifespan: the periodic signing runs between start-up and shutdown."""
    seconds = settings.audit_checkpoint_minutes * 60 if interval is None else interval

    @contextlib.asynccontextmanager
    async def lifespan(_: ASGIApp) -> AsyncIterator[None]:
        task = asyncio.create_task(sign_periodically(settings, engine, seconds))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan
