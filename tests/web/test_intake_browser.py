"""The report form in a real browser: check with HTMX, confirm, save; script in a narrative
is shown as text and never runs (Debian's Chromium, offline, under the CSP)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from scamlink.demo.generator import generate
from tests.web.live_server import CHROMIUM, CHROMIUM_ARGS
from tests.web.support import PASSWORD
from tests.web.test_browser import (
    ARTIFACTS,
    EMAIL,
    _require_browser,
    live_server,  # noqa: F401 (the fixture, shared with the dashboard's page test)
)

pytestmark = pytest.mark.browser

HOSTILE = (
    "사기범이 010-2345-6789 로 전화했습니다. <script>window.pwned = 1</script>"
    '<img src=x onerror="window.pwned = 2"> https://kbstar-secure.com/login'
)


def test_a_report_is_checked_confirmed_and_saved_without_running_its_script(
    live_server: str,  # noqa: F811
) -> None:
    _require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_context(locale="ko-KR").new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server}/login")
            page.locator("#email").fill(EMAIL)
            page.locator("#password").fill(PASSWORD)
            page.locator("form.form button[type=submit]").click()
            page.goto(f"{live_server}/reports/new")
            expect(page.get_by_role("heading", level=1)).to_have_text("새 신고")
            page.locator("#scam_type").select_option("impersonation_authority")
            page.locator("#narrative").fill(HOSTILE)
            page.locator("#check-button").click()
            # HTMX swapped the findings in: the page stayed, nothing was saved yet.
            expect(page.locator("#findings-table")).to_contain_text("+821023456789")
            expect(page).to_have_url(f"{live_server}/reports/new")
            page.screenshot(path=str(ARTIFACTS / "report-check-ko.png"), full_page=True)
            page.locator("#save-button").click()
            expect(page.locator("#stored-title")).to_have_text("신고가 저장되었습니다")
            expect(page.locator("#stored-narrative")).to_contain_text("<script>window.pwned = 1")
            expect(page.locator("#stored-indicators")).to_contain_text("kbstar-secure.com")
            assert page.evaluate("typeof window.pwned") == "undefined"
            page.screenshot(path=str(ARTIFACTS / "report-saved-ko.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []


def test_an_upload_shows_its_summary_when_the_import_ends(
    live_server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    _require_browser()
    generate(tmp_path / "world", reports=30, seed=5)
    source = max((tmp_path / "world").glob("reports-*.csv"), key=lambda p: p.stat().st_size)
    rows = source.read_text(encoding="utf-8").count("\n") - 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_context(locale="en-GB").new_page()
            page.goto(f"{live_server}/login")
            page.locator("#email").fill(EMAIL)
            page.locator("#password").fill(PASSWORD)
            page.locator("form.form button[type=submit]").click()
            page.goto(f"{live_server}/reports/upload")
            page.locator("#file").set_input_files(str(source))
            page.locator("#upload-form button[type=submit]").click()
            # HTMX polls the job until it is done, then the summary replaces the progress bar.
            expect(page.locator("#upload-summary")).to_be_visible(timeout=20_000)
            expect(page.locator('[data-count="stored"]')).to_have_text(str(rows))
            page.screenshot(path=str(ARTIFACTS / "report-upload.png"), full_page=True)
        finally:
            browser.close()
