"""The private check in a real browser: the keys Chromium computes equal the server's.

Several hundred values (tests/web/private_inputs.py) are canonicalised by
static/lookup_private.js inside Debian's Chromium and compared with `parse_field`: every
mismatch is listed. Then the form on the public page checks a reported number while the
browser sends nothing but the 5-hex prefix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from playwright.sync_api import Request, expect

from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_digest, key_hash, range_prefix
from scamlink.lookup.verdict import Standing, pack
from scamlink.store.engine import open_engine
from scamlink.store.migrate import upgrade
from scamlink.web.app import STATIC_DIR, create_app
from tests.web.live_server import CHROMIUM, serving, watched_page
from tests.web.private_inputs import INPUTS, server_keys
from tests.web.support import settings_in

pytestmark = pytest.mark.browser

REPORTED = "+821012345678"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    engine = open_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    upgrade(engine)
    app = create_app(settings_in(tmp_path), engine)
    app.state.lookup_index = MembershipIndex.build(
        np.array([key_hash(REPORTED), key_hash("kbstar-secure.com")], dtype=np.uint64),
        np.array(
            [
                pack(Standing.REPORTED, Standing.REPORTED),
                pack(Standing.SUSPICIOUS, Standing.SUSPICIOUS),
            ],
            dtype=np.uint8,
        ),
    )
    try:
        yield app
    finally:
        engine.dispose()


def _require_browser() -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"Debian's Chromium is missing ({CHROMIUM}): run `make test`")
    for asset in ("libphonenumber-max.js", "tldts.esm.min.js", "noble-hashes/sha2.js"):
        if not (STATIC_DIR / "vendor" / asset).exists():
            pytest.fail(f"static/vendor/{asset} is missing: run `make assets` (or `make test`)")


COMPUTE = """async (rows) => {
  const m = await import('/static/lookup_private.js');
  return rows.map(([kind, raw, country]) => {
    const found = m.tryKeys(kind, raw, country);
    return found.keys ? found.keys.map((k) => k.value) : null;
  });
}"""


def test_browser_keys_equal_the_servers(app: FastAPI) -> None:
    _require_browser()
    rows = [list(row) for row in INPUTS]
    assert len(rows) >= 300
    with serving(app) as base, watched_page() as watched:
        page = watched.page
        page.goto(f"{base}/")
        expect(page.locator("form[data-private-lookup]")).to_have_count(1)
        page.wait_for_function("() => typeof window.libphonenumber === 'object'")
        browser = page.evaluate(COMPUTE, rows)
        digests = page.evaluate(
            "async (v) => (await import('/static/lookup_private.js')).keyHex(v)", REPORTED
        )
        assert watched.problems == []
    assert digests == key_digest(REPORTED).hex()
    mismatches = [
        f"{kind} {raw!r} ({country or 'no country'}): server {want}, browser {got}"
        for (kind, raw, country), got in zip(INPUTS, browser, strict=True)
        if got != (want := server_keys(kind, raw, country))
    ]
    assert mismatches == [], "\n".join(mismatches)
    # The table is not trivial: each kind has values that pass and values that are refused.
    for kind in ("phone", "link", "wallet"):
        outcomes = {server_keys(k, r, c) is None for k, r, c in INPUTS if k == kind}
        assert outcomes == {True, False}, kind


def test_private_check_sends_only_the_prefix(app: FastAPI) -> None:
    _require_browser()
    with serving(app) as base, watched_page() as watched:
        page = watched.page
        sent: list[str] = []
        page.on("request", lambda r: sent.append(r.url + " " + (r.post_data or "")))
        range_request = _Last()
        page.on("request", lambda r: range_request.keep(r) if "/range/" in r.url else None)
        page.goto(f"{base}/")
        page.wait_for_function("() => typeof window.libphonenumber === 'object'")
        form = page.locator("form[data-private-lookup]")
        expect(form).to_be_visible()
        sent.clear()
        form.locator("select[name=country]").select_option("KR")
        form.locator("input[name=value]").fill("010-1234-5678")
        form.get_by_role("button").click()
        result = form.locator("[data-private-result]")
        expect(result).to_have_attribute("data-standing", "reported")
        expect(result).to_contain_text(REPORTED)
        assert sent == [f"{base}/api/v1/lookup/range/{range_prefix(REPORTED)} "]
        assert range_request.value is not None
        assert not range_request.value.headers.get("referer")  # Playwright shows it empty
        assert "cookie" not in range_request.value.headers
        for written in ("01012345678", "1012345678", "1234-5678", "1234"):
            assert all(written not in url for url in sent)

        form.locator("input[value=wallet]").check()
        form.locator("input[name=value]").fill("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6A")
        form.get_by_role("button").click()
        expect(result).to_have_attribute("data-standing", "invalid")

        form.locator("input[value=link]").check()
        form.locator("input[name=value]").fill("hxxps://www.kbstar-secure[.]com/x")
        form.get_by_role("button").click()
        expect(result).to_have_attribute("data-standing", "suspicious")
        assert watched.problems == []
        page.screenshot(path=str(_artifacts() / "lookup-private.png"), full_page=True)
    assert json.dumps(sent).count("/api/v1/lookup/range/") == 3


class _Last:
    def __init__(self) -> None:
        self.value: Request | None = None

    def keep(self, request: Request) -> None:
        self.value = request


def test_without_script_the_form_stays_hidden(app: FastAPI) -> None:
    _require_browser()
    with serving(app) as base, watched_page() as watched:
        page = watched.page
        page.route("**/lookup_private.js", lambda route: route.abort())
        page.goto(f"{base}/")
        expect(page.locator("[data-private-section]")).to_be_hidden()


def _artifacts() -> Path:
    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
