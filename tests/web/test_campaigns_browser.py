"""The campaign graph in a real browser: Cytoscape.js from our own origin draws the nodes
offline, and selecting an indicator opens its page. SQLite only (the other tests cover both
backends)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scamlink.sharing.roles import Role
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade
from scamlink.web.app import STATIC_DIR, create_app
from tests.web.campaign_fixtures import PHONE, build_world
from tests.web.live_server import CHROMIUM, serving, watched_page
from tests.web.support import PASSWORD, add_user, settings_in
from tests.web.test_browser import ARTIFACTS

pytestmark = pytest.mark.browser

EMAIL = "graph@knpa.test"


@pytest.fixture
def graph_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The application on 127.0.0.1 over the campaign world; yields (base URL, phone's id)."""
    engine = open_engine(f"sqlite:///{tmp_path / 'graph.db'}")
    upgrade(engine)
    world = build_world(engine)
    add_user(engine, EMAIL, "KNPA", Role.ANALYST)
    app = create_app(settings_in(tmp_path), engine)
    try:
        with serving(app) as base:
            yield base, world.indicator(PHONE)
    finally:
        engine.dispose()


def test_the_graph_renders_offline_and_a_node_opens_its_page(
    graph_server: tuple[str, int],
) -> None:
    base, phone_id = graph_server
    if not CHROMIUM.exists():
        pytest.fail(f"Debian's Chromium is missing ({CHROMIUM}): run `make test`")
    if not (STATIC_DIR / "vendor" / "cytoscape.min.js").exists():
        pytest.fail("static/vendor/cytoscape.min.js is missing: run `make assets`")
    ARTIFACTS.mkdir(exist_ok=True)
    with watched_page(height=1100) as watched:
        page, problems = watched.page, watched.problems
        page.goto(f"{base}/login")
        page.get_by_label("E-mail address").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("form.form button[type=submit]").click()
        expect(page).to_have_url(f"{base}/")

        page.get_by_role("link", name="Campaigns").first.click()
        expect(page.locator("#campaign-list")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "campaigns.png"), full_page=True)
        page.locator('tr[data-campaign="1"] a').click()
        expect(page).to_have_url(f"{base}/campaigns/1")
        graph = page.locator("#campaign-graph")
        expect(graph).to_have_attribute("data-ready", "true")
        # 5 visible reports and the 6 indicators they carry.
        expect(graph).to_have_attribute("data-nodes", "11")
        expect(page.locator("#graph-status")).to_have_text("All 5 reports.")
        assert page.locator("#campaign-graph canvas").count() > 0
        page.screenshot(path=str(ARTIFACTS / "campaign-graph.png"), full_page=True)

        # Select the phone number's node where Cytoscape drew it.
        point = page.evaluate(
            """(id) => {
                const node = window.scamlinkGraph.getElementById(id);
                const box = document.getElementById("campaign-graph")
                    .getBoundingClientRect();
                const at = node.renderedPosition();
                return {x: box.left + at.x, y: box.top + at.y};
            }""",
            f"i{phone_id}",
        )
        page.mouse.click(point["x"], point["y"])
        expect(page).to_have_url(f"{base}/indicators/{phone_id}")
        expect(page.locator("#indicator-summary")).to_contain_text(
            "Reported 4 times by 2 agencies since"
        )
        page.screenshot(path=str(ARTIFACTS / "indicator.png"), full_page=True)

    strangers = sorted({str(h) for h in watched.hosts if h != "127.0.0.1"})
    assert not strangers, f"requests left 127.0.0.1: {strangers}"
    assert not problems, "\n".join(problems)
