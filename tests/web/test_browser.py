"""The application in a real browser: Debian's Chromium driven by Playwright, offline.

The server runs in a thread on 127.0.0.1 with Secure cookies on (browsers accept them from
http://127.0.0.1), on SQLite only: the other tests cover both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scamlink.sharing.roles import Role
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade
from scamlink.web.app import STATIC_DIR, create_app
from scamlink.web.auth import SESSION_COOKIE
from tests.web.live_server import CHROMIUM, serving, watched_page
from tests.web.support import PASSWORD, VISIBILITY_WORLD, add_reports, add_user, settings_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
EMAIL = "analyst@knpa.test"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    engine = open_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    upgrade(engine)
    add_user(engine, EMAIL, "KNPA", Role.ANALYST, name="Kim Ji-won")
    add_reports(engine, VISIBILITY_WORLD)
    app = create_app(settings_in(tmp_path), engine)  # Secure cookies, as in production
    try:
        with serving(app) as base:
            yield base
    finally:
        engine.dispose()


def _require_browser() -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Debian's Chromium is missing ({CHROMIUM}): run `make test`, which installs it"
        )
    if not (STATIC_DIR / "vendor" / "htmx.min.js").exists():
        pytest.fail("static/vendor/htmx.min.js is missing: run `make assets` (or `make test`)")


def test_sign_in_see_the_dashboard_in_english_and_korean(live_server: str) -> None:
    _require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    with watched_page() as watched:
        context, page, problems = watched.context, watched.page, watched.problems
        page.goto(f"{live_server}/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("heading", level=1)).to_contain_text("scam centres")
        page.screenshot(path=str(ARTIFACTS / "landing.png"), full_page=True)

        _fail_to_sign_in(page, live_server)
        # The refused form comes back with status 400, which Chromium logs; nothing else.
        assert [p for p in problems if "status of 400" not in p] == []
        problems.clear()
        _sign_in(page, live_server)
        _check_dashboard(page)
        cookie = next(c for c in context.cookies() if c["name"] == SESSION_COOKIE)
        assert cookie["secure"] is True
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Lax"
        # htmx came from our origin and runs under the Content-Security-Policy.
        assert page.evaluate("typeof window.htmx") == "object"
        page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(ARTIFACTS / "home-narrow.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 1000})

        page.get_by_role("link", name="한국어").click()
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        expect(page.get_by_role("heading", level=1)).to_have_text("대시보드")
        expect(page.locator("#agency-counts")).to_contain_text("경찰청")
        expect(page.locator("#agency-counts")).to_contain_text("대한민국")
        expect(page.get_by_role("button", name="로그아웃")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "home-ko.png"), full_page=True)

        # The choice is remembered.
        page.goto(f"{live_server}/")
        expect(page.locator("html")).to_have_attribute("lang", "ko")

        page.get_by_role("button", name="로그아웃").click()
        expect(page.get_by_role("link", name="로그인").first).to_be_visible()
        expect(page.locator("#agency-counts")).to_have_count(0)

    assert watched.hosts, "the page made no requests"
    strangers = sorted({str(h) for h in watched.hosts if h != "127.0.0.1"})
    assert not strangers, f"requests left 127.0.0.1: {strangers}"
    assert not problems, "\n".join(problems)


def _fail_to_sign_in(page: Page, base: str) -> None:
    page.get_by_role("link", name="Sign in").first.click()
    expect(page).to_have_url(f"{base}/login")
    page.get_by_label("E-mail address").fill("wrong@knpa.test")
    page.get_by_label("Password").fill("not the password")
    page.locator("form.form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")


def _sign_in(page: Page, base: str) -> None:
    expect(page).to_have_url(f"{base}/login")
    page.screenshot(path=str(ARTIFACTS / "login.png"), full_page=True)
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/")


def _check_dashboard(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    table = page.locator("#agency-counts")
    expect(table.locator("tbody tr")).to_have_count(13)
    expect(table.locator('tr[data-agency="KNPA"] td.num')).to_have_text("7")
    expect(table.locator('tr[data-agency="RTP"] td.num')).to_have_text("1")
    expect(table.locator('tr[data-agency="CNP"] td.num')).to_have_text("0")
    expect(table.locator("tfoot td.num")).to_have_text("8")
    expect(page.locator("#total-reports")).to_have_text("8")
    expect(page.get_by_text("Kim Ji-won")).to_be_visible()
