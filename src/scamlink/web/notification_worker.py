"""The notifications' delivery worker: a thread the web app runs between start-up and shutdown.

Every `Settings.notify_seconds` (SCAMLINK_NOTIFY_SECONDS; 0: no thread) it runs one round of
`cases.delivery.run_round`: the deadline check, then every delivery whose time has come. An
error is logged and the next round tries again; shutdown stops it between two sends (a send
in flight finishes first, within its timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from sqlalchemy import Engine
from starlette.types import ASGIApp

from scamlink.cases.delivery import run_round
from scamlink.config import Settings

log = logging.getLogger(__name__)

Lifespan = Callable[[ASGIApp], AbstractAsyncContextManager[None]]


class DeliveryWorker:
    def __init__(self, settings: Settings, engine: Engine, interval: float) -> None:
        self._settings = settings
        self._engine = engine
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notification-delivery", daemon=True)
        self.rounds = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                run_round(self._engine, self._settings.smtp)
            except Exception:  # logged; the next round tries again
                log.exception("notification delivery round failed")
            self.rounds += 1


def with_notifications(settings: Settings, engine: Engine, inner: Lifespan) -> Lifespan:
    """`inner` with the delivery worker running alongside (unless SCAMLINK_NOTIFY_SECONDS=0)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: ASGIApp) -> AsyncIterator[None]:
        worker = None
        if settings.notify_seconds > 0:
            worker = DeliveryWorker(settings, engine, settings.notify_seconds)
            worker.start()
        try:
            async with inner(app):
                yield
        finally:
            if worker is not None:
                await asyncio.to_thread(worker.stop)

    return lifespan
