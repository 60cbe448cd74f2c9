"""Campaign, indicator and search pages and their JSON twins, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from scamlink.indicators import IndicatorType, canonicalise
from scamlink.reports.model import Report, ScamType, Sighting, SightingRole
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store.markings import set_disclose_hidden_counts
from scamlink.store.reports import store_reports
from scamlink.store.schema import indicators, reports
from scamlink.web.labels import INDICATOR_TYPE_LABELS, SCAM_TYPE_LABELS, SIGHTING_ROLE_LABELS
from tests.web.campaign_fixtures import DOMAIN, PHONE, STRICT_PHONE, World, build_world, link
from tests.web.support import add_key, add_user, bearer, client_for, sign_in

ANALYST = "analyst@knpa.test"


def _signed_in(
    app: FastAPI, engine: Engine, email: str = ANALYST, agency: str = "KNPA"
) -> TestClient:
    add_user(engine, email, agency, Role.ANALYST)
    client = client_for(app)
    sign_in(client, email)
    return client


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def test_labels_cover_every_value() -> None:
    assert set(SCAM_TYPE_LABELS) == {t.value for t in ScamType}
    assert set(SIGHTING_ROLE_LABELS) == {r.value for r in SightingRole}
    assert set(INDICATOR_TYPE_LABELS) == {t.value for t in IndicatorType}


def test_campaign_list_shows_visible_campaigns_only(
    app: FastAPI, engine: Engine, world: World
) -> None:
    client = _signed_in(app, engine)
    page = client.get("/campaigns")
    assert page.status_code == 200
    assert 'data-campaign="1"' in page.text
    assert 'data-campaign="3"' in page.text
    assert 'data-campaign="2"' not in page.text  # RTP's STRICT reports only
    assert 'data-reports="5"' in page.text
    assert "rates-note" not in page.text
    by_loss = client.get("/campaigns", params={"sort": "loss"})
    assert by_loss.status_code == 200
    assert 'id="rates-note"' in by_loss.text
    filtered = client.get("/campaigns", params={"country": "KH"})
    assert 'data-campaign="1"' in filtered.text
    assert 'data-campaign="3"' not in filtered.text
    assert client.get("/campaigns", params={"sort": "largest"}).status_code == 400
    assert client.get("/campaigns", params={"after": "x~y"}).status_code == 400


def test_campaign_list_pages_with_htmx(app: FastAPI, engine: Engine) -> None:
    start = datetime(2026, 2, 1, tzinfo=UTC)
    batch = [
        Report(
            agency="KNPA",
            external_id=f"P{n}",
            received_at=start + timedelta(hours=n),
            incident_date=None,
            victim_country="KR",
            language="ko",
            scam_type=ScamType.LOAN,
            loss_amount=None,
            loss_currency=None,
            narrative="n",
            tlp=Tlp.GREEN,
        )
        for n in range(30)
    ]
    with engine.begin() as conn:
        store_reports(conn, batch)
        ids = sorted(conn.scalars(select(reports.c.id)))
    for n, report_id in enumerate(ids, start=1):
        link(engine, n, [report_id])
    client = _signed_in(app, engine)
    first = client.get("/campaigns", params={"sort": "recent"})
    assert first.text.count("data-campaign=") == 25
    assert 'id="more-campaigns"' in first.text
    href = first.text.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    more = client.get(href, headers={"HX-Request": "true"})
    assert more.status_code == 200
    assert "<html" not in more.text  # rows only
    assert more.text.count("data-campaign=") == 5
    assert 'data-campaign="5"' in more.text
    assert 'data-campaign="30"' not in more.text
    assert "more-campaigns" not in more.text


def test_campaign_page(app: FastAPI, engine: Engine, world: World) -> None:
    with engine.begin() as conn:
        set_disclose_hidden_counts(conn, "RTP", disclose=True)
    client = _signed_in(app, engine)
    page = client.get("/campaigns/1")
    assert page.status_code == 200
    assert '<span class="value" id="campaign-reports">5</span>' in page.text
    assert 'data-hidden="1"' in page.text
    assert 'data-agency="RTP"' in page.text
    for name in ("K1", "K2", "T1", "T2", "C1"):
        assert f'id="report-{world.reports[name]}"' in page.text
    for hidden in ("K3", "T3"):
        assert f'id="report-{world.reports[hidden]}"' not in page.text
    assert "4,500,000 KRW" in page.text
    assert 'data-graph-url="/api/v1/campaigns/1/graph"' in page.text
    assert f'href="/indicators/{world.indicator(PHONE)}"' in page.text
    assert "cytoscape.min.js" in page.text
    assert client.get("/campaigns/2").status_code == 404
    assert client.get("/campaigns/999").status_code == 404
    assert client.get("/campaigns/1", params={"after": "bad"}).status_code == 400


def test_merged_campaign_ids_redirect_to_the_survivor(
    app: FastAPI, engine: Engine, world: World
) -> None:
    client = _signed_in(app, engine)
    for old in (4, 5):
        moved = client.get(f"/campaigns/{old}", params={"lang": "en"})
        assert moved.status_code == 308
        assert moved.headers["location"] == "/campaigns/3?lang=en"
        api = client.get(f"/api/v1/campaigns/{old}")
        assert api.status_code == 308
        assert api.headers["location"] == "/api/v1/campaigns/3"
    graph = client.get("/api/v1/campaigns/5/graph")
    assert graph.status_code == 308
    assert graph.headers["location"] == "/api/v1/campaigns/3/graph"


def test_pages_in_korean(app: FastAPI, engine: Engine, world: World) -> None:
    client = _signed_in(app, engine)
    listing = client.get("/campaigns", params={"lang": "ko"})
    assert "<h1>캠페인</h1>" in listing.text
    detail = client.get("/campaigns/1")
    assert "보고서와 지표의 그래프" in detail.text or "그래프" in detail.text
    found = client.get(f"/indicators/{world.indicator(PHONE)}")
    assert "4회" in found.text or "4번" in found.text
    assert client.get("/search").text.count("지표로 검색") >= 1


def test_indicator_page(app: FastAPI, engine: Engine, world: World) -> None:
    client = _signed_in(app, engine)
    page = client.get(f"/indicators/{world.indicator(PHONE)}", params={"lang": "en"})
    assert page.status_code == 200
    assert "Reported 4 times by 2 agencies since" in page.text
    assert 'data-campaign="1"' in page.text
    assert 'data-role="contact_phone"' in page.text
    assert "warninglist-hit" not in page.text
    # Only RTP's STRICT reports carry this number: the same 404 as an unknown id.
    assert client.get(f"/indicators/{world.indicator(STRICT_PHONE)}").status_code == 404
    assert client.get("/indicators/999999").status_code == 404


def test_indicator_on_a_warninglist_says_so(app: FastAPI, engine: Engine) -> None:
    listed = canonicalise(IndicatorType.DOMAIN, "naver.com")
    report = Report(
        agency="KNPA",
        external_id="W1",
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
        incident_date=None,
        victim_country="KR",
        language="ko",
        scam_type=ScamType.PHISHING,
        loss_amount=None,
        loss_currency=None,
        narrative="n",
        tlp=Tlp.GREEN,
        sightings=(Sighting(listed, SightingRole.MENTIONED),),
    )
    with engine.begin() as conn:
        store_reports(conn, [report])
        indicator_id = conn.scalar(select(indicators.c.id).where(indicators.c.value == "naver.com"))
    client = _signed_in(app, engine)
    page = client.get(f"/indicators/{indicator_id}")
    assert 'id="warninglist-hit"' in page.text
    assert "platform-domains" in page.text
    assert "Reported once, by KNPA, on" in page.text
    assert client.get(f"/api/v1/indicators/{indicator_id}").json()["warninglist"] == (
        "platform-domains"
    )


def test_search_page(app: FastAPI, engine: Engine, world: World) -> None:
    client = _signed_in(app, engine)
    empty = client.get("/search")
    assert empty.status_code == 200
    assert 'id="search-results"' not in empty.text
    found = client.get("/search", params={"q": "010 1234 5678"})
    assert found.status_code == 200
    assert f'href="/indicators/{world.indicator(PHONE)}"' in found.text
    assert "+821012345678" in found.text
    defanged = client.get("/search", params={"q": "kbstar-secure[.]com"})
    assert f'href="/indicators/{world.indicator(DOMAIN)}"' in defanged.text
    hidden = client.get("/search", params={"q": "+66 81 234 5678"})
    assert 'id="no-matches"' in hidden.text
    assert 'id="search-results"' not in hidden.text
    nonsense = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert nonsense.status_code == 200
    assert "<script>alert(1)" not in nonsense.text
    too_long = client.get("/search", params={"q": "9" * 3000})
    assert too_long.status_code == 400
    assert 'role="alert"' in too_long.text


def test_json_twins(app: FastAPI, engine: Engine, world: World) -> None:
    client = _signed_in(app, engine)
    listing = client.get("/api/v1/campaigns", params={"sort": "loss", "limit": 1}).json()
    assert [c["id"] for c in listing["campaigns"]] == [1]
    assert listing["campaigns"][0]["losses"]["KRW"].startswith("4500000")
    assert listing["next"] is not None
    rest = client.get("/api/v1/campaigns", params={"sort": "loss", "after": listing["next"]})
    assert [c["id"] for c in rest.json()["campaigns"]] == [3]
    detail = client.get("/api/v1/campaigns/1").json()
    assert detail["reports"] == 5
    assert {c["value"]: c["reports"] for c in detail["countries"]} == {"KR": 2, "TH": 2, "KH": 1}
    assert len(detail["report_page"]) == 5
    graph = client.get("/api/v1/campaigns/1/graph").json()
    kinds = [n["data"]["kind"] for n in graph["nodes"]]
    assert kinds.count("report") == 5
    assert graph["total_reports"] == 5
    assert not graph["truncated"]
    assert client.get("/api/v1/campaigns/2").status_code == 404
    assert client.get("/api/v1/campaigns/2/graph").status_code == 404
    phone = client.get(f"/api/v1/indicators/{world.indicator(PHONE)}").json()
    assert phone["reports"] == 4
    assert phone["campaigns"] == [{"id": 1, "reports": 4}]
    search = client.get("/api/v1/search", params={"q": "hxxp://kbstar-secure[.]com/login"})
    assert {m["type"] for m in search.json()["matches"]} == {"url", "domain"}
    assert client.get("/api/v1/search", params={"q": " "}).status_code == 400
    assert client.get("/api/v1/search").status_code == 422
    assert client.get("/api/v1/campaigns", params={"sort": "x"}).json()["error"]["code"] == (
        "bad_request"
    )


def test_api_keys_need_the_read_scope(app: FastAPI, engine: Engine, world: World) -> None:
    add_user(engine, ANALYST, "KNPA", Role.ANALYST)
    reader = add_key(engine, ANALYST, "read")
    looker = add_key(engine, ANALYST, "lookup")
    client = client_for(app)
    assert client.get("/api/v1/campaigns/1", headers=bearer(reader)).json()["reports"] == 5
    assert client.get("/api/v1/campaigns/1", headers=bearer(looker)).status_code == 403
    assert client.get("/api/v1/search?q=x", headers=bearer(looker)).status_code == 403
    assert client.get("/api/v1/campaigns").status_code == 401
    assert client.get("/campaigns").status_code == 401


def test_partner_sees_the_clear_report_only(app: FastAPI, engine: Engine, world: World) -> None:
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    client = client_for(app)
    sign_in(client, "partner@bank.test")
    detail = client.get("/api/v1/campaigns/1").json()
    assert detail["reports"] == 1
    assert detail["hidden_reports"] == {}
    assert {i["type"] for i in detail["indicators"]} == {"tron", "telegram"}
    assert client.get(f"/api/v1/indicators/{world.indicator(PHONE)}").status_code == 404
