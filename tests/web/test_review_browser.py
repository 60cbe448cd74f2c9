"""The review flow in a real browser (Debian's Chromium, offline): a member of the public
reports a scam, an officer of the country's police opens the queue, verifies it (HTMX swaps
the row) and sees the new status on the report's page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scamlink.sharing.roles import Role
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade
from scamlink.web.app import create_app
from tests.web.live_server import serving, watched_page
from tests.web.support import PASSWORD, add_user, settings_in
from tests.web.test_browser import ARTIFACTS, _require_browser

pytestmark = pytest.mark.browser

OFFICER = "analyst@rtp.test"


@pytest.fixture
def review_server(tmp_path: Path) -> Iterator[str]:
    engine = open_engine(f"sqlite:///{tmp_path / 'review.db'}")
    upgrade(engine)
    add_user(engine, OFFICER, "RTP", Role.ANALYST, name="Somchai P.")
    app = create_app(settings_in(tmp_path), engine)  # Secure cookies, as in production
    try:
        with serving(app) as base:
            yield base
    finally:
        engine.dispose()


def test_a_public_report_is_verified_from_the_queue(review_server: str) -> None:
    _require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    base = review_server
    with watched_page() as watched:
        page = watched.page
        # The public: no account.
        page.goto(f"{base}/report")
        page.locator("#country").select_option("TH")
        page.locator("#scam_type").select_option("job_task")
        page.locator("#narrative").fill(
            "They offered paid tasks on LINE and asked me to top up USDT. <b>not bold</b>"
        )
        page.locator("#details").fill("081 234 5678\nline: task_boss")
        page.locator("#loss_amount").fill("12000")
        page.locator("#loss_currency").select_option("THB")
        page.locator("#public-report-send").click()
        expect(page.locator("#thanks-title")).to_be_visible()
        reference = page.locator("#report-reference").inner_text()
        assert reference.startswith("RTP-")
        page.screenshot(path=str(ARTIFACTS / "public-report-thanks.png"), full_page=True)

        # The officer of the Royal Thai Police.
        page.goto(f"{base}/login")
        page.locator("#email").fill(OFFICER)
        page.locator("#password").fill(PASSWORD)
        page.locator("form.form button[type=submit]").click()
        expect(page).to_have_url(f"{base}/")
        page.get_by_role("link", name="Reports to review").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Reports to review")
        row = page.locator("#review-queue tbody tr").filter(has_text=reference)
        expect(row).to_have_count(1)
        expect(page.locator("#waiting-public")).to_have_text("1")
        page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)
        row.locator('button[data-action="verify"]').click()
        # HTMX swapped the row in place: the page stayed, the status is there.
        swapped = page.locator("#review-queue tr[data-reviewed]")
        expect(swapped).to_have_attribute("data-reviewed", "verified")
        expect(swapped.locator("[data-status]")).to_have_text("Verified")
        expect(page).to_have_url(re.compile(r"/reports/review$"))
        swapped.get_by_role("link", name=reference).click()
        expect(page.locator("#report-review-status")).to_have_text("Verified")
        expect(page.locator("#report-source")).to_have_text("The public")
        expect(page.locator("#report-tlp")).to_have_text("TLP:AMBER")
        expect(page.locator("#report-narrative")).to_contain_text("<b>not bold</b>")
        page.screenshot(path=str(ARTIFACTS / "report-verified.png"), full_page=True)
        # Back in the queue, nothing waits any more.
        page.goto(f"{base}/reports/review")
        expect(page.locator("#queue-empty")).to_be_visible()
    strangers = sorted({str(h) for h in watched.hosts if h != "127.0.0.1"})
    assert not strangers, f"requests left 127.0.0.1: {strangers}"
    # A stored report is answered 201, which Chromium does not log; nothing else may appear.
    assert not watched.problems, "\n".join(watched.problems)
