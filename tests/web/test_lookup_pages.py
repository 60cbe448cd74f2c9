"""The lookup page: the public's front page, a clear verdict in English and Korean, "report it"."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from tests.lookup.support import add, phone
from tests.web.support import add_user, client_for, sign_in

A, B = "+821011112222", "+821033334444"
KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9"}


def test_the_front_page_is_the_lookup_box_and_sets_no_cookie(app: FastAPI) -> None:
    response = client_for(app).get("/")
    assert response.status_code == 200
    assert 'id="lookup-form"' in response.text
    assert 'action="/lookup"' in response.text
    assert "set-cookie" not in response.headers
    assert 'id="lookup-answer"' not in response.text


def test_a_reported_value_says_so_with_a_report_it_link(app: FastAPI, engine: Engine) -> None:
    add(engine, "clear", (phone(A),))
    response = client_for(app).get("/lookup", params={"q": "010 1111 2222", "country": "KR"})
    assert response.status_code == 200
    assert 'data-verdict="reported"' in response.text
    assert "Reported as a scam" in response.text
    assert 'id="report-it" href="/report' in response.text
    assert "set-cookie" not in response.headers
    assert 'id="facts"' not in response.text


def test_verdicts_in_korean(app: FastAPI, engine: Engine) -> None:
    add(engine, "clear", (phone(A),))
    client = client_for(app)
    reported = client.get("/lookup", params={"q": A}, headers=KOREAN).text
    assert '<html lang="ko">' in reported
    assert "사기로 신고됨" in reported
    unknown = client.get("/lookup", params={"q": B}, headers=KOREAN).text
    assert "신고 내역 없음" in unknown
    invalid = client.get(
        "/lookup", params={"q": "0x52908400098527886E0F7030069857D2E4169Ee7"}, headers=KOREAN
    ).text
    assert "실제로 있을 수 없는 값입니다" in invalid
    assert "checksum" in invalid  # the reason, as the indicators library gives it


def test_homoglyphs_and_phone_facts_are_shown(app: FastAPI) -> None:
    client = client_for(app)
    idn = client.get("/lookup", params={"q": "аpple.com"}).text
    assert "<code>аpple.com</code>" in idn
    assert "<code>xn--pple-43d.com</code>" in idn
    assert "mixes alphabets" in idn
    number = client.get("/lookup", params={"q": "+66 81 234 5678"}, headers=KOREAN).text
    assert "휴대전화" in number


def test_text_that_cannot_be_a_value_is_a_400_with_the_reason(app: FastAPI) -> None:
    response = client_for(app).get("/lookup", params={"q": "010\x071234"})
    assert response.status_code == 400
    assert 'id="lookup-problem"' in response.text
    assert "U+0007 at character 4" in response.text


def test_signed_in_staff_see_the_box_on_the_dashboard_and_the_facts(
    app: FastAPI, engine: Engine
) -> None:
    add(engine, "amber", (phone(B),), tlp=Tlp.AMBER, agency="KNPA")
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    add_user(engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    dashboard = client.get("/").text
    assert 'id="agency-counts"' in dashboard
    assert 'id="lookup-form"' in dashboard
    own = client.get("/lookup", params={"q": "010-3333-4444"}).text  # KNPA's country: KR
    assert 'id="facts"' in own
    assert 'href="/reports/new"' in own
    other = client_for(app)
    sign_in(other, "analyst@rtp.test")
    page = other.get("/lookup", params={"q": B}).text
    # Another agency's AMBER report: RTP's analyst learns nothing of it.
    assert 'data-verdict="unknown"' in page
    assert 'id="facts"' not in page
