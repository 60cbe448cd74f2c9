"""For the page tests in a real browser: the application served on 127.0.0.1 in a thread, and a
watched page in Debian's Chromium (Playwright)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, sync_playwright


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` on a free port; yields its base URL and stops the server afterwards."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(slots=True)
class WatchedPage:
    """A page whose requests' hosts and console/page errors are collected for the checks."""

    context: BrowserContext
    page: Page
    hosts: list[str | None] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@contextmanager
def watched_page(*, width: int = 1280, height: int = 1000) -> Iterator[WatchedPage]:
    """A page in Debian's Chromium (English), closed with its browser afterwards."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(
                locale="en-GB", viewport={"width": width, "height": height}
            )
            watched = WatchedPage(context, context.new_page())

            def on_console(message: ConsoleMessage) -> None:
                if message.type in {"error", "warning"}:
                    watched.problems.append(f"console {message.type}: {message.text}")

            watched.page.on("request", lambda r: watched.hosts.append(urlsplit(r.url).hostname))
            watched.page.on("console", on_console)
            watched.page.on("pageerror", lambda e: watched.problems.append(f"page error: {e}"))
            yield watched
        finally:
            browser.close()
