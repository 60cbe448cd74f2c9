"""Cases in a real browser: KNPA opens a person-at-risk case, triages it and refers it to CNP;
CNP accepts it from its inbox; both boards show it as accepted. A move the workflow refuses
snaps the card back with the server's message; with the keyboard alone, a card's "move to"
menu offers the allowed moves and Move sends one (Debian's Chromium, offline)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scamlink.sharing.roles import Role
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade
from scamlink.web.app import create_app
from tests.web.live_server import serving, watched_page
from tests.web.support import PASSWORD, add_user, settings_in
from tests.web.test_browser import ARTIFACTS, _require_browser

pytestmark = pytest.mark.browser

KNPA = "analyst@knpa.test"
CNP = "investigator@cnp.test"


@pytest.fixture
def case_server(tmp_path: Path) -> Iterator[str]:
    engine = open_engine(f"sqlite:///{tmp_path / 'cases.db'}")
    upgrade(engine)
    add_user(engine, KNPA, "KNPA", Role.ANALYST, name="Kim Ji-won")
    add_user(engine, CNP, "CNP", Role.INVESTIGATOR, name="Sok Dara")
    app = create_app(settings_in(tmp_path), engine)
    try:
        with serving(app) as base:
            yield base
    finally:
        engine.dispose()


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


# Headless Chromium under Playwright does not start HTML5 drags from mouse moves here: the
# test sends the events a drag sends (dragstart, dragover, drop, dragend), as a browser does.
DRAG = """([source, target]) => {
    const card = document.querySelector(source);
    const column = document.querySelector(target);
    const data = new DataTransfer();
    const fire = (element, type) => element.dispatchEvent(
        new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
    fire(card, "dragstart");
    fire(column, "dragover");
    fire(column, "drop");
    fire(card, "dragend");
}"""


def _drag(page: Page, source: str, target: str) -> None:
    page.evaluate(DRAG, [source, target])


def test_refer_a_person_at_risk_and_see_it_on_both_boards(case_server: str) -> None:
    _require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    base = case_server
    with watched_page(width=2400) as watched:
        page = watched.page
        _sign_in(page, base, KNPA)
        page.goto(f"{base}/cases/new")
        page.locator("select[name=kind]").select_option("person_at_risk")
        page.locator("input[name=title]").fill("Held in a compound — 감금 신고")
        page.locator("input[name=nationality]").fill("KR")
        page.locator("input[name=country]").fill("KH")
        page.locator("input[name=compound]").fill("Golden Fortune")
        page.locator("#create-case").click()
        expect(page).to_have_url(re.compile(r"/cases/\d+$"))
        case_id = page.url.rsplit("/", 1)[1]
        expect(page.locator(".case-facts")).to_contain_text("P1")
        page.locator("button[data-move=triaged]").click()
        expect(page.locator("#case-status")).to_have_text("Triaged")
        refer = page.locator("#refer-form")
        refer.locator("select[name=to_agency]").select_option("CNP")
        refer.locator("textarea[name=message]").fill("구조 요청 — សូមជួយ")
        refer.locator("input[name=language]").fill("ko")
        page.locator("#refer").click()
        expect(page.locator("#referrals")).to_contain_text("KNPA → CNP")
        expect(page.locator("#case-status")).to_have_text("Referred")

        # On the board: a move the workflow refuses puts the card back and says why.
        page.goto(f"{base}/cases")
        expect(page.locator("#column-referred")).to_contain_text("감금 신고")
        _drag(page, f"#card-{case_id}", "#column-closed .cards")
        expect(page.locator("#board-error")).to_contain_text("cannot go from referred to closed")
        expect(page.locator("#column-referred")).to_contain_text("감금 신고")
        expect(page.locator("#column-closed")).not_to_contain_text("감금 신고")
        # Referred, the case waits for CNP's answer: KNPA's card offers no move.
        expect(page.locator(f"#move-{case_id}")).to_have_count(0)

        cnp = watched.context.browser.new_context(locale="en-GB")  # type: ignore[union-attr]
        try:
            other = cnp.new_page()
            _sign_in(other, base, CNP)
            other.goto(f"{base}/cases/inbox")
            incoming = other.locator(f"#incoming li[data-case='{case_id}']")
            expect(incoming).to_contain_text("구조 요청 — សូមជួយ")
            incoming.locator("button[data-action=accept]").click()
            expect(other.locator("#no-referrals")).to_be_visible()
            other.goto(f"{base}/cases")
            expect(other.locator("#column-accepted")).to_contain_text("감금 신고")
            # The recipient's card offers the recipient's moves only.
            options = other.locator(f"#move-{case_id} option")
            expect(options).to_have_count(1)
            expect(options).to_have_attribute("value", "in_progress")
            other.goto(f"{base}/cases/{case_id}")
            expect(other.locator("#referred-part")).to_be_visible()
            other.screenshot(path=str(ARTIFACTS / "case-referred-cnp.png"), full_page=True)
        finally:
            cnp.close()

        page.goto(f"{base}/cases")
        expect(page.locator("#column-accepted")).to_contain_text("감금 신고")
        # A move the workflow allows: the card moves, and stays there after a reload.
        _drag(page, f"#card-{case_id}", "#column-in_progress .cards")
        expect(page.locator("#column-in_progress")).to_contain_text("감금 신고")
        expect(page.locator("#board-error")).to_be_hidden()
        page.reload()
        expect(page.locator("#column-in_progress")).to_contain_text("감금 신고")

        # With the keyboard alone: Tab to the card's menu, choose a move, Tab to Move, Enter.
        menu = page.locator(f"#move-{case_id}")
        expect(menu.locator("option")).to_have_text(["Resolved"])
        page.locator(f"#card-title-{case_id}").focus()
        page.keyboard.press("Tab")
        expect(menu).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.locator(f"#card-{case_id} .move-button")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#column-resolved")).to_contain_text("감금 신고")
        expect(page.locator("#board-status")).to_have_text(
            "Held in a compound — 감금 신고 → Resolved"
        )
        expect(menu).to_be_focused()  # the focus follows the card
        expect(menu.locator("option")).to_have_text(["Closed", "Reopened"])
        menu.select_option("closed")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("#column-closed")).to_contain_text("감금 신고")
        expect(page.locator("[data-count=closed]")).to_have_text("1")
        page.reload()
        expect(page.locator("#column-closed")).to_contain_text("감금 신고")
        page.screenshot(path=str(ARTIFACTS / "case-board-knpa.png"), full_page=True)
    assert set(watched.hosts) == {"127.0.0.1"}
    # The one refused move is the only problem the console reports.
    assert watched.problems == [
        "console error: Failed to load resource: the server responded with a status of 409 "
        "(Conflict)"
    ], watched.problems
