"""The transfers upload page: staff only, imported in the background with progress, the summary
with every rejected row, nothing stored from a bad file, English and Korean, audited."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.roles import Role
from scamlink.store.audit import latest_entries
from scamlink.store.transfers import count_transfers
from scamlink.web.app import create_app
from tests.web.support import add_user, client_for, csrf_from, sign_in

DATA = Path(__file__).parents[1] / "interop" / "transfers" / "data"


def _staff(app: FastAPI, engine: Engine, email: str = "analyst@knpa.test") -> TestClient:
    add_user(engine, email, "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, email)
    return client


def _upload(client: TestClient, name: str, chain: str) -> Any:
    form = {"csrf_token": csrf_from(client), "chain": chain}
    files = {"file": (name, (DATA / name).read_bytes(), "application/octet-stream")}
    return client.post("/tracing/transfers/upload", data=form, files=files)


def _summary(client: TestClient, started: Any) -> str:
    assert started.status_code == 303, started.text
    page = client.get(started.headers["location"])
    assert page.status_code == 200
    found = re.search(r'data-job="(/tracing/transfers/upload/[^"]+)"', page.text)
    assert found is not None, page.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        fragment = client.get(found.group(1), headers={"HX-Request": "true"}).text
        if 'data-done="true"' in fragment:
            return str(fragment)
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return count_transfers(conn)


def test_the_form_in_english_and_korean(app: FastAPI, engine: Engine) -> None:
    client = _staff(app, engine)
    page = client.get("/tracing/transfers/upload")
    assert page.status_code == 200
    assert "Import transfers" in page.text
    assert 'name="chain"' in page.text
    korean = client.get("/tracing/transfers/upload?lang=ko")
    assert "거래 내역 가져오기" in korean.text


def test_an_upload_is_imported_and_reimport_merges(app: FastAPI, engine: Engine) -> None:
    client = _staff(app, engine)
    summary = _summary(client, _upload(client, "tron_grid.json", "tron"))
    assert 'data-format="tron_grid"' in summary
    assert 'data-count="stored">5<' in summary
    again = _summary(client, _upload(client, "tronscan.csv", "tron"))
    assert 'data-count="stored">0<' in again
    assert 'data-count="duplicates">3<' in again
    assert _count(engine) == 5
    with engine.connect() as conn:
        actions = [e.action for e in latest_entries(conn, limit=20)]
    assert actions.count("transfers.import") == 2
    assert not list((Path(str(app.state.web.settings.data_dir)) / "uploads").glob("*"))


def test_a_bad_file_lists_every_row_and_stores_nothing(app: FastAPI, engine: Engine) -> None:
    client = _staff(app, engine)
    summary = _summary(client, _upload(client, "etherscan_bad.csv", "eth"))
    assert 'id="nothing-stored"' in summary
    assert 'data-count="rejected">3<' in summary
    assert "EIP-55" in summary
    assert "out of time order" in summary
    assert _count(engine) == 0


def test_an_unreadable_file_says_why(app: FastAPI, engine: Engine) -> None:
    client = _staff(app, engine)
    summary = _summary(client, _upload(client, "tron_grid_truncated.json", "tron"))
    assert 'id="upload-failed"' in summary
    assert "truncated JSON" in summary
    assert "line 46, column 25" in summary
    unknown = _summary(client, _upload(client, "unknown.csv", "tron"))
    assert "known formats" in unknown


def test_missing_chain_or_file_is_400(app: FastAPI, engine: Engine) -> None:
    client = _staff(app, engine)
    token = csrf_from(client)
    no_chain = client.post("/tracing/transfers/upload", data={"csrf_token": token, "chain": "doge"})
    assert no_chain.status_code == 400
    assert "Choose the chain" in no_chain.text
    no_file = client.post("/tracing/transfers/upload", data={"csrf_token": token, "chain": "btc"})
    assert no_file.status_code == 400
    assert "Choose a file" in no_file.text


def test_partners_and_other_users_are_refused(app: FastAPI, engine: Engine) -> None:
    client = _staff(app, engine)
    started = _upload(client, "plain.csv", "tron")
    _summary(client, started)
    other = _staff(app, engine, "other@knpa.test")
    assert other.get(started.headers["location"]).status_code == 404
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    partner = client_for(app)
    sign_in(partner, "partner@bank.test")
    assert partner.get("/tracing/transfers/upload").status_code == 403
    assert partner.get(started.headers["location"]).status_code == 403


def test_a_file_over_the_limit_is_413_with_the_limit(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    small = create_app(replace(settings, transfer_upload_max_mb=0.01), engine, secure_cookies=False)
    client = _staff(small, engine)
    token = csrf_from(client)
    rows = (DATA / "plain.csv").read_text()
    # Refused from its Content-Length (far over the limit) …
    big = {"file": ("big.csv", rows * 2000, "text/csv")}
    refused = client.post(
        "/tracing/transfers/upload", data={"csrf_token": token, "chain": "tron"}, files=big
    )
    assert refused.status_code == 413
    assert "larger than the upload limit of 0.01 MB" in refused.text
    # … or from its size once received (the declared length was within the form's allowance).
    over = {"file": ("over.csv", rows * 40, "text/csv")}
    assert len(rows * 40) > 0.01 * (1 << 20)
    client.cookies.set("lang", "ko")
    refused = client.post(
        "/tracing/transfers/upload", data={"csrf_token": token, "chain": "tron"}, files=over
    )
    assert refused.status_code == 413
    assert "업로드 한도(0.01 MB)" in refused.text
    assert _count(engine) == 0
    assert not list((settings.data_dir / "uploads").glob("*"))
    # Within the limit the same page imports.
    assert _summary(client, _upload(client, "plain.csv", "tron"))
