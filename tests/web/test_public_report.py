"""The public's report form: no account, English and Korean, per-field problems, a honeypot,
the CSRF token, the rate limit, and where the report goes (the country's police, AMBER,
unverified, in that agency's review queue)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from scamlink.config import RateLimits, Settings
from scamlink.sharing.roles import Role
from scamlink.store.schema import indicators, reports, sightings
from scamlink.web.app import create_app
from tests.web.support import add_user, client_for, csrf_from, sign_in

STORY = "ผมถูกหลอกให้ลงทุนคริปโต เขาบอกให้โอนเงินเข้าบัญชีและส่ง USDT ไปที่กระเป๋าเงิน"
DETAILS = (
    "081 234 5678\nhttps://kbstar-secure.com/login\n"
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t\nline: scam_desk"
)


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_from(client),
        "country": "TH",
        "scam_type": "investment",
        "narrative": STORY,
        "details": DETAILS,
        "loss_amount": "250,000",
        "loss_currency": "THB",
        "website": "",
        **fields,
    }


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(reports)) or 0)


def test_the_form_is_open_to_everyone_in_english_and_korean(app: FastAPI) -> None:
    client = client_for(app)
    english = client.get("/report")
    assert english.status_code == 200
    assert "Report a scam" in english.text
    assert 'name="csrf_token"' in english.text
    assert 'class="trap"' in english.text
    korean = client.get("/report?lang=ko")
    assert "사기 피해 신고" in korean.text
    assert '<option value="KH">캄보디아</option>' in korean.text


def test_a_report_goes_to_the_countrys_police_amber_and_unverified(
    app: FastAPI, engine: Engine
) -> None:
    client = client_for(app)
    response = client.post("/report", data=_form(client))
    assert response.status_code == 201, response.text
    found = re.search(r'id="report-reference">([^<]+)<', response.text)
    assert found is not None
    reference = found.group(1)
    assert reference.startswith("RTP-")
    with engine.connect() as conn:
        row = conn.execute(select(reports).where(reports.c.external_id == reference)).one()
        kinds = {
            r[0]: r[1]
            for r in conn.execute(
                select(indicators.c.type, sightings.c.role)
                .join(indicators, indicators.c.id == sightings.c.indicator_id)
                .where(sightings.c.report_id == row.id)
            )
        }
    assert (row.agency, row.source, row.review_status, row.tlp) == (
        "RTP",
        "public",
        "unverified",
        "AMBER",
    )
    assert row.victim_country == "TH"
    assert row.language == "th"
    assert str(row.loss_amount).startswith("250000")
    assert row.loss_currency == "THB"
    assert kinds["phone"] == "contact_phone"
    assert kinds["url"] == "phishing_link"
    assert kinds["tron"] == "payment_wallet"
    assert kinds["line"] == "contact_handle"


def test_the_owner_reviews_it_and_nobody_else_sees_it(app: FastAPI, engine: Engine) -> None:
    public = client_for(app)
    response = public.post("/report", data=_form(public))
    assert response.status_code == 201
    with engine.connect() as conn:
        report_id = conn.scalar(select(reports.c.id))
    add_user(engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    owner, other = client_for(app), client_for(app)
    sign_in(owner, "analyst@rtp.test")
    sign_in(other, "analyst@knpa.test")
    assert f'id="queue-{report_id}"' in owner.get("/reports/review").text
    assert 'data-source="public"' in owner.get(f"/reports/{report_id}").text
    assert other.get(f"/reports/{report_id}").status_code == 404
    assert f'id="queue-{report_id}"' not in other.get("/reports/review").text
    # Not public before an officer verified it, and not after either: AMBER stays AMBER.
    assert public.get(f"/reports/{report_id}").status_code == 401


def test_problems_are_shown_per_field_in_the_readers_language(app: FastAPI, engine: Engine) -> None:
    client = client_for(app)
    form = _form(
        client,
        country="",
        scam_type="",
        narrative="  ",
        details="010-1234-5678\nplease help me",
        loss_amount="a lot",
        loss_currency="",
    )
    response = client.post("/report?lang=ko", data=form)
    assert response.status_code == 400
    text = response.text
    for field in ("country", "scam_type", "narrative", "loss_currency"):
        assert f'data-field="{field}"' in text, field
    assert "살고 있는 나라를 선택하십시오." in text
    # Without a country the details are not read (their numbers need it): no problem there yet.
    english = client.post("/report?lang=en", data={**form, "country": "KR"})
    assert "Line 2: we could not find" in english.text
    assert 'aria-invalid="true"' in english.text
    assert "010-1234-5678" in english.text  # what was typed stays
    korean = client.post("/report?lang=ko", data={**form, "country": "KR"})
    assert "2번째 줄" in korean.text
    assert "“please help me”" in korean.text
    assert _count(engine) == 0


def test_an_amount_that_is_not_a_number_is_refused(app: FastAPI, engine: Engine) -> None:
    client = client_for(app)
    response = client.post("/report", data=_form(client, loss_amount="lots"))
    assert response.status_code == 400
    assert 'data-field="loss_amount"' in response.text
    assert "Write the amount as a number" in response.text
    assert _count(engine) == 0


def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(app: FastAPI, engine: Engine) -> None:
    client = client_for(app)
    response = client.post("/report", data=_form(client, website="http://spam.example"))
    assert response.status_code == 201
    assert 'id="report-reference">RTP-' in response.text
    assert _count(engine) == 0


def test_without_the_csrf_token_nothing_is_stored(app: FastAPI, engine: Engine) -> None:
    client = client_for(app)
    form = _form(client)
    del form["csrf_token"]
    assert client.post("/report", data=form).status_code == 403
    assert _count(engine) == 0


def test_reports_from_one_address_are_rate_limited(settings: Settings, engine: Engine) -> None:
    limited: Settings = replace(settings, rate_limits=RateLimits(public=0, key=0, report=3))
    client = client_for(create_app(limited, engine, secure_cookies=False))
    statuses: list[Any] = []
    for _ in range(4):
        response = client.post("/report", data=_form(client))
        statuses.append(response.status_code)
    assert statuses == [201, 201, 201, 429]
    assert "Retry-After" in response.headers
    assert _count(engine) == 3
