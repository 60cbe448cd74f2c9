"""The trace page in a real browser: the flow graph drawn offline by Cytoscape.js from our own
origin (no CSP complaint), victims left of the cash-out points, details on hover. SQLite only
(tests/web/test_trace_pages.py covers both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from scamlink.sharing.roles import Role
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade
from scamlink.web.app import STATIC_DIR, create_app
from tests.web.live_server import CHROMIUM, serving, watched_page
from tests.web.support import PASSWORD, add_user, settings_in
from tests.web.test_browser import ARTIFACTS
from tests.web.test_trace_pages import DEPOSIT, QUERY, VICTIM, store_flow

pytestmark = pytest.mark.browser

EMAIL = "trace@knpa.test"


@pytest.fixture
def trace_server(tmp_path: Path) -> Iterator[str]:
    engine = open_engine(f"sqlite:///{tmp_path / 'trace.db'}")
    upgrade(engine)
    store_flow(engine)
    add_user(engine, EMAIL, "KNPA", Role.ANALYST)
    app = create_app(settings_in(tmp_path), engine)
    try:
        with serving(app) as base:
            yield base
    finally:
        engine.dispose()


def test_the_flow_graph_renders_offline_with_details_on_hover(trace_server: str) -> None:
    base = trace_server
    if not CHROMIUM.exists():
        pytest.fail(f"Debian's Chromium is missing ({CHROMIUM}): run `make test`")
    if not (STATIC_DIR / "vendor" / "cytoscape.min.js").exists():
        pytest.fail("static/vendor/cytoscape.min.js is missing: run `make assets`")
    ARTIFACTS.mkdir(exist_ok=True)
    with watched_page(height=1400) as watched:
        page, problems = watched.page, watched.problems
        page.goto(f"{base}/login")
        page.get_by_label("E-mail address").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("form.form button[type=submit]").click()
        expect(page).to_have_url(f"{base}/")
        page.goto(f"{base}/trace?{urlencode(QUERY)}")
        graph = page.locator("#trace-graph")
        expect(graph).to_have_attribute("data-ready", "true")
        expect(graph).to_have_attribute("data-nodes", "5")
        expect(graph).to_have_attribute("data-edges", "4")
        expect(page.locator("#trace-graph-status")).to_have_text("All 5 addresses.")
        page.screenshot(path=str(ARTIFACTS / "trace.png"), full_page=True)
        left, right = (
            page.evaluate(
                "(id) => window.scamlinkTraceGraph.getElementById(id).renderedPosition().x",
                address,
            )
            for address in (VICTIM, DEPOSIT)
        )
        assert left < right
        point = page.evaluate(
            """(id) => {
                const node = window.scamlinkTraceGraph.getElementById(id);
                const box = document.getElementById("trace-graph").getBoundingClientRect();
                const at = node.renderedPosition();
                return {x: box.left + at.x, y: box.top + at.y};
            }""",
            DEPOSIT,
        )
        page.mouse.move(point["x"], point["y"])
        expect(page.locator("#trace-hover")).to_contain_text("Binance (exchange) · 600 USDT")
    strangers = sorted({str(h) for h in watched.hosts if h != "127.0.0.1"})
    assert not strangers, f"requests left 127.0.0.1: {strangers}"
    assert not problems, "\n".join(problems)
