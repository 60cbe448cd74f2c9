"""The report form with its check step, and the bulk upload page with its progress."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from scamlink.demo.generator import generate
from scamlink.sharing.roles import Role
from scamlink.store.schema import reports, sightings
from tests.web.support import add_user, client_for, csrf_from, sign_in

NARRATIVE = (
    "He called from 010-2345-6789 and sent https://www.facebook.com/help and "
    "hxxp://kbstar-secure[.]com/login <script>alert('x')</script>"
)


def _officer(app: FastAPI, engine: Engine, role: Role = Role.ANALYST) -> TestClient:
    add_user(engine, "officer@knpa.test", "KNPA", role)
    client = client_for(app)
    sign_in(client, "officer@knpa.test")
    return client


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_from(client),
        "external_id": "FORM-1",
        "victim_country": "KR",
        "scam_type": "impersonation_business",
        "loss_amount": "1,200,000",
        "loss_currency": "KRW",
        "narrative": NARRATIVE,
        "tlp": "GREEN",
        **fields,
    }


def test_the_form_offers_the_taxonomy_in_korean(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    page = client.get("/reports/new?lang=ko")
    assert page.status_code == 200
    assert "새 신고" in page.text
    assert 'value="impersonation_authority"' in page.text
    assert re.search(r'name="external_id" type="text" value="KNPA-\d{8}-[0-9a-f]{12}"', page.text)


def test_check_shows_the_narratives_indicators_with_warninglist_hits(
    app: FastAPI, engine: Engine
) -> None:
    client = _officer(app, engine)
    response = client.post("/reports/new/check", data=_form(client), headers={"HX-Request": "1"})
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html  # a fragment for HTMX
    assert 'value="phone:+821023456789" id="confirm-1" checked' in html
    assert "http://kbstar-secure.com/login" in html
    # facebook.com is a platform domain: shown with its list, not ticked.
    row = re.search(r'value="domain:facebook.com"[^>]*>', html)
    assert row is not None
    assert "checked" not in row.group(0)
    assert "platform" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;" not in html


def test_check_without_htmx_returns_the_whole_page(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    response = client.post("/reports/new/check", data=_form(client))
    assert response.status_code == 200
    assert "<html" in response.text
    assert 'id="findings-table"' in response.text
    # The narrative is shown back in the textarea, escaped.
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in response.text
    assert "<script>alert" not in response.text


def test_saving_keeps_the_ticked_indicators_only(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    form = _form(client, checked="1", phones="02-3150-2345")
    response = client.post(
        "/reports/new", data={**form, "confirm": ["url:http://kbstar-secure.com/login"]}
    )
    assert response.status_code == 201, response.text
    assert "&lt;script&gt;" in response.text
    assert "<script>alert" not in response.text
    with engine.connect() as conn:
        report = conn.execute(select(reports)).one()
        count = conn.scalar(select(func.count()).select_from(sightings))
    assert report.external_id == "FORM-1"
    assert report.language == "en"
    assert Decimal(report.loss_amount) == Decimal(1_200_000)
    # The typed phone, and the ticked URL; the unticked narrative phone and domain are left out.
    assert count == 2
    again = client.post("/reports/new", data={**form, "confirm": []})
    assert again.status_code == 200
    assert "saved before" in again.text


def test_problems_are_shown_beside_their_fields(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    form = _form(client, victim_country="Korea", phones="12", loss_currency="")
    response = client.post("/reports/new", data=form)
    assert response.status_code == 400
    assert 'data-field="victim_country"' in response.text
    assert 'data-field="phones"' in response.text
    assert 'data-field="loss_currency"' in response.text
    assert 'value="Korea"' in response.text  # what was typed stays
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(reports)) == 0


def _job_page(client: TestClient, started: Any) -> str:
    """The job's own page, where the upload's 303 leads (a reload shows it again)."""
    assert started.status_code == 303, started.text
    page = client.get(started.headers["location"])
    assert page.status_code == 200
    return str(page.text)


def _wait_for_summary(client: TestClient, page: str) -> str:
    found = re.search(r'data-job="(/reports/upload/[^"]+)"', page)
    assert found is not None, page
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        fragment = client.get(found.group(1)).text
        if 'data-done="true"' in fragment:
            return fragment
        time.sleep(0.1)
    raise AssertionError("the upload did not finish")


def test_an_uploaded_csv_is_imported_with_progress_and_a_summary(
    app: FastAPI, engine: Engine, tmp_path: Path
) -> None:
    generate(tmp_path / "world", reports=40, seed=3)
    source = next(p for p in (tmp_path / "world").glob("reports-*.csv") if p.stat().st_size > 400)
    content = source.read_text(encoding="utf-8")
    bad = content.splitlines()[1].split(",")
    bad[0] = "BAD-ROW"
    bad[1] = "yesterday"
    content += ",".join(bad) + "\n"
    client = _officer(app, engine)
    form = {"csrf_token": csrf_from(client), "format": "", "encoding": ""}
    upload = {"file": ("reports.csv", content.encode(), "text/csv")}
    started = client.post("/reports/upload", data=form, files=upload)
    summary = _wait_for_summary(client, _job_page(client, started))
    rows = content.count("\n") - 1
    assert f'data-count="stored">{rows - 1}<' in summary
    assert 'data-count="rejected">1<' in summary
    assert "received_at" in summary
    again = client.post("/reports/upload", data=form, files=upload)
    summary = _wait_for_summary(client, _job_page(client, again))
    assert f'data-count="duplicates">{rows - 1}<' in summary


def test_an_unreadable_upload_says_why(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    form = {"csrf_token": csrf_from(client), "format": "csv", "encoding": ""}
    upload = {"file": ("reports.csv", b"name,colour\nx,y\n", "text/csv")}
    started = client.post("/reports/upload", data=form, files=upload)
    summary = _wait_for_summary(client, _job_page(client, started))
    assert 'id="upload-failed"' in summary
    assert "missing column" in summary


def test_an_upload_without_a_file_or_in_an_unknown_format_says_so_in_the_readers_language(
    app: FastAPI, engine: Engine
) -> None:
    client = _officer(app, engine)
    form = {"csrf_token": csrf_from(client), "format": "", "encoding": ""}
    nothing = client.post("/reports/upload", data=form)
    assert nothing.status_code == 400
    assert "Choose a file to upload." in nothing.text
    upload = {"file": ("r.pdf", b"%PDF-1.7", "application/pdf")}
    unknown = client.post("/reports/upload", data={**form, "format": "pdf"}, files=upload)
    assert unknown.status_code == 400
    assert "Unknown file format “pdf”" in unknown.text
    client.get("/reports/upload?lang=ko")
    form["csrf_token"] = csrf_from(client)
    korean = client.post("/reports/upload", data={**form, "format": "pdf"}, files=upload)
    assert korean.status_code == 400
    assert "알 수 없는 파일 형식 “pdf”" in korean.text
    assert "업로드할 파일을 선택하세요." in client.post("/reports/upload", data=form).text


def test_someone_elses_upload_is_not_found(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    form = {"csrf_token": csrf_from(client)}
    upload = {"file": ("r.csv", b"external_id\n", "text/csv")}
    started = client.post("/reports/upload", data=form, files=upload)
    found = re.search(r'data-job="(/reports/upload/[^"]+)"', _job_page(client, started))
    assert found is not None
    add_user(engine, "other@knpa.test", "KNPA", Role.ANALYST)
    other = client_for(app)
    sign_in(other, "other@knpa.test")
    assert other.get(found.group(1)).status_code == 404
