"""The trace page, its exports, the freeze_request case it opens and `POST /api/v1/trace`, over a
small flow stored in the database (SQLite and PostgreSQL): victim → collection → layering →
an exchange deposit and an OTC desk. English and Korean; labels shown, never run; audited."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scamlink.indicators import Indicator, IndicatorType
from scamlink.indicators.codecs import base58check_encode
from scamlink.linking.incremental import link_reports
from scamlink.reports.model import Sighting, SightingRole
from scamlink.sharing.roles import Role
from scamlink.store.audit import latest_entries
from scamlink.store.labels import upsert_labels
from scamlink.store.reports import store_reports
from scamlink.store.transfers import store_transfers
from scamlink.tracing.model import Category, Chain, Label, Transfer
from tests.factories import make_report
from tests.web.support import add_user, client_for, csrf_from, sign_in

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
AT = datetime(2026, 2, 27, 9, 0, tzinfo=UTC)


def _address(name: str) -> str:
    return base58check_encode(b"\x41" + hashlib.sha256(name.encode()).digest()[:20])


def _tx(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


VICTIM, COLLECT, LAYER = _address("victim"), _address("collect"), _address("layer")
DEPOSIT, DESK, HOT = _address("deposit"), _address("desk"), _address("hot")
PAYMENT = _tx("payment")


def _move(name: str, src: str, dst: str, amount: str, minutes: int) -> Transfer:
    return Transfer(
        Chain.TRON,
        _tx(name),
        0,
        AT + timedelta(minutes=minutes),
        src,
        dst,
        "USDT",
        Decimal(amount),
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    )


def store_flow(engine: Engine) -> None:
    """The report, the transfers and the labels of the flow (also for the browser test)."""
    with engine.begin() as conn:
        stored = store_reports(conn, [make_report("K-1")])
        link_reports(conn, stored.report_ids)
        store_transfers(
            conn,
            [
                _move("funding", HOT, VICTIM, "1200", -600),
                _move("payment", VICTIM, COLLECT, "1000", 0),
                _move("sweep", COLLECT, LAYER, "1000", 10),
                _move("peel", LAYER, DEPOSIT, "600", 40),
                _move("otc", LAYER, DESK, "400", 90),
            ],
        )
        upsert_labels(
            conn,
            [
                Label(Chain.TRON, DEPOSIT, "Binance", Category.EXCHANGE, "test"),
                Label(Chain.TRON, HOT, "Binance", Category.EXCHANGE, "test"),
                Label(Chain.TRON, DESK, "<b>Desk</b></script>", Category.OTC, "test"),
            ],
            "KNPA",
            NOW,
        )


@pytest.fixture
def flow(engine: Engine) -> None:
    store_flow(engine)


def _client(app: FastAPI, engine: Engine, email: str, agency: str, role: Role) -> TestClient:
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    return client


QUERY = {"chain": "tron", "seeds": f"{PAYMENT} KNPA:K-1", "model": "haircut", "hops": "6"}


@pytest.mark.usefixtures("flow")
def test_a_trace_shows_the_graph_the_cash_out_points_and_every_model(
    app: FastAPI, engine: Engine
) -> None:
    app.state.clock = lambda: NOW
    analyst = _client(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    form = analyst.get("/trace").text
    assert 'id="trace-form"' in form
    # Long work shows progress: the form says it is tracing once submitted (trace_graph.js).
    assert re.search(r'id="trace-working" role="status" aria-live="polite" hidden>Tracing', form)
    assert "trace_graph.js" in form
    assert "네 가지 모델로 추적하는 중입니다" in analyst.get("/trace?lang=ko").text
    page = analyst.get("/trace?" + urlencode(QUERY))
    assert page.status_code == 200
    table = page.text.split('id="trace-cashout-table"')[1].split("</table>")[0]
    assert DEPOSIT in table
    assert "600" in table
    assert "&lt;b&gt;Desk&lt;/b&gt;" in table  # a label is shown, never run
    assert "<b>Desk</b>" not in page.text
    models = page.text.split('id="trace-models"')[1].split("</table>")[0]
    assert [m for m in re.findall(r'data-model="(\w+)"', models)] == [
        "poison",
        "haircut",
        "fifo",
        "lifo",
    ]
    data = page.text.split('data-graph="')[1].split('"')[0]
    graph = json.loads(html.unescape(data))
    kinds = {n["data"]["id"]: n["data"]["kind"] for n in graph["nodes"]}
    assert kinds[VICTIM] == "victim"
    assert kinds[DEPOSIT] == kinds[DESK] == "cashout"
    x = {n["data"]["id"]: n["position"]["x"] for n in graph["nodes"]}
    assert x[VICTIM] < x[COLLECT] < x[LAYER] < x[DEPOSIT] == x[DESK]
    widths = {e["data"]["target"]: e["data"]["width"] for e in graph["edges"]}
    assert widths[DEPOSIT] > widths[DESK]
    assert 'id="freeze-pdf"' in page.text
    korean = analyst.get("/trace?" + urlencode({**QUERY, "lang": "ko"}))
    assert "암호화폐 추적" in korean.text
    assert "모델별 결과" in korean.text
    with engine.connect() as conn:
        entries = latest_entries(conn, limit=5)
    traced = [e for e in entries if e.action == "trace.run"]
    assert traced
    assert PAYMENT in json.dumps(traced[0].details)


@pytest.mark.usefixtures("flow")
def test_bad_input_names_the_field_and_line(app: FastAPI, engine: Engine) -> None:
    analyst = _client(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    page = analyst.get("/trace?" + urlencode({**QUERY, "seeds": f"{PAYMENT}\nnot-an-address"}))
    assert page.status_code == 422
    assert "line 2" in page.text
    unknown = analyst.get("/trace?" + urlencode({**QUERY, "seeds": _tx("nowhere")}))
    assert unknown.status_code == 422
    assert 'id="trace-problem"' in unknown.text
    api = analyst.post(
        "/api/v1/trace",
        json={"chain": "tron", "seeds": [PAYMENT], "hops": 99},
        headers={"X-CSRF-Token": csrf_from(analyst)},
    )
    assert api.status_code == 422
    assert api.json()["error"]["field"] == "hops"


@pytest.mark.usefixtures("flow")
def test_freeze_requests_export_and_open_a_case(app: FastAPI, engine: Engine) -> None:
    app.state.clock = lambda: NOW
    analyst = _client(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    exported = analyst.get("/trace/freeze/csv?" + urlencode(QUERY))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {(r["service"], r["deposit_address"], r["attributed_amount"]) for r in rows} == {
        ("Binance", DEPOSIT, "600"),
        ("<b>Desk</b></script>", DESK, "400"),
    }
    body = analyst.get("/trace/freeze/json?" + urlencode(QUERY)).json()
    assert body["freeze_requests"][0]["deposits"][0]["transactions"][0]["tx_hash"] == _tx("peel")
    pdf = analyst.get("/trace/freeze/pdf?" + urlencode(QUERY))
    assert pdf.content.startswith(b"%PDF")
    assert analyst.get("/trace/freeze/xml?" + urlencode(QUERY)).status_code == 404
    opened = analyst.post(
        "/trace/freeze-case",
        data={**QUERY, "service": "Binance", "tlp": "AMBER", "csrf_token": csrf_from(analyst)},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    case_id = int(opened.headers["location"].rsplit("/", 1)[1])
    case = analyst.get(f"/api/v1/cases/{case_id}").json()
    assert case["kind"] == "freeze_request"
    assert case["target"] == "Binance"
    kinds = sorted({link["kind"] for link in case["links"]})
    assert kinds == ["campaign", "indicator", "report"]
    with engine.connect() as conn:
        actions = [e.action for e in latest_entries(conn, limit=10)]
    assert "trace.freeze_case" in actions
    assert "trace.freeze_export.pdf" in actions
    refused = analyst.post(
        "/trace/freeze-case",
        data={**QUERY, "service": "Nowhere", "csrf_token": csrf_from(analyst)},
    )
    assert refused.status_code == 422


@pytest.mark.usefixtures("flow")
def test_the_api_answers_staff_and_refuses_partners(app: FastAPI, engine: Engine) -> None:
    analyst = _client(app, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    body = {"chain": "tron", "seeds": [f"{PAYMENT} KNPA:K-1"], "model": "fifo"}
    answer = analyst.post("/api/v1/trace", json=body, headers={"X-CSRF-Token": csrf_from(analyst)})
    assert answer.status_code == 200
    found = answer.json()
    assert found["total_in"] == "1000"
    assert {c["address"]: c["amount"] for c in found["cash_outs"]} == {
        DEPOSIT: "600",
        DESK: "400",
    }
    assert [m["model"] for m in found["comparison"]] == ["poison", "haircut", "fifo", "lifo"]
    assert found["cash_outs"][0]["by_seed"] == {"KNPA:K-1": "600"}
    partner = _client(app, engine, "p@bank.test", "KNPA", Role.PARTNER)
    refused = partner.post("/api/v1/trace", json=body, headers={"X-CSRF-Token": csrf_from(partner)})
    assert refused.status_code == 403
    assert partner.get("/trace").status_code == 403
    assert client_for(app).get("/trace").status_code == 401


def test_a_reports_wallet_links_to_its_trace(app: FastAPI, engine: Engine) -> None:
    """The report page offers "Trace" beside each wallet it names (not beside other indicators):
    the trace page with the wallet, the report's reference and the days around the incident."""
    store_flow(engine)
    wallet = Sighting(Indicator(IndicatorType.TRON, COLLECT, COLLECT), SightingRole.PAYMENT_WALLET)
    phone = Sighting(
        Indicator(IndicatorType.PHONE, "+821012345678", "+821012345678"),
        SightingRole.CONTACT_PHONE,
    )
    with engine.begin() as conn:
        stored = store_reports(conn, [replace(make_report("K-2"), sightings=(wallet, phone))])
    analyst = _client(app, engine, "t@knpa.test", "KNPA", Role.ANALYST)
    page = analyst.get(f"/reports/{stored.report_ids[0]}")
    assert page.status_code == 200
    links = re.findall(r'class="trace-link" href="([^"]+)"', page.text)
    assert len(links) == 1  # the wallet, not the phone number
    link = html.unescape(links[0])
    assert link.startswith("/trace?")
    assert parse_qs(urlsplit(link).query) == {
        "chain": ["tron"],
        "seeds": [f"{COLLECT} KNPA:K-2"],
        "since": ["2026-02-26"],
        "until": ["2026-03-01T09:31"],
    }
    traced = analyst.get(link)
    assert traced.status_code == 200
    table = traced.text.split('id="trace-cashout-table"')[1].split("</table>")[0]
    assert DEPOSIT in table
    korean = analyst.get(f"/reports/{stored.report_ids[0]}?lang=ko")
    assert 'class="trace-link"' in korean.text
