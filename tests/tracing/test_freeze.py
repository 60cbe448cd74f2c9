"""Freeze requests: one per service from a trace, exported as CSV (escaped), JSON and PDF, and
opened as a freeze_request case linking the reports, campaigns and wallets (SQLite, PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pypdf
from sqlalchemy import Engine, select

from scamlink.cases import service
from scamlink.cases.model import CaseKind, LinkKind, LinkRole
from scamlink.linking.incremental import link_reports
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.reports import store_reports
from scamlink.store.schema import indicators, sightings
from scamlink.tracing.freeze import as_json, freeze_requests, to_csv, to_html, to_json, to_pdf
from scamlink.tracing.freeze_cases import open_case
from scamlink.tracing.model import (
    CashOut,
    Category,
    Chain,
    Hop,
    Label,
    Model,
    Seed,
    TraceOptions,
    TraceResult,
)
from tests.factories import make_report

D = Decimal
AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
BINANCE = Label(Chain.TRON, "TDep1", "Binance", Category.EXCHANGE, "test")
OTC = Label(Chain.TRON, "TDesk", '=HYPERLINK("x")', Category.OTC, "test")
KNPA = Viewer("KNPA", Role.ANALYST, 1)


def _hop(tx: str, src: str, dst: str, amount: str, minutes: int) -> Hop:
    return Hop(tx, 0, src, dst, AT + timedelta(minutes=minutes), D(amount))


def _result() -> TraceResult:
    return TraceResult(
        options=TraceOptions(model=Model.HAIRCUT),
        seeds=(
            Seed(Chain.TRON, "KNPA:K-1", tx_hash="p1"),
            Seed(Chain.TRON, "KNPA:K-2", tx_hash="p2"),
        ),
        token="USDT",
        total_in=D(1500),
        cash_outs=[
            CashOut(
                "TDep1",
                BINANCE,
                "USDT",
                D(900),
                by_seed={"KNPA:K-1": D(600), "KNPA:K-2": D(300)},
                paths=[("p1", "s1", "d1")],
                first_arrival=AT + timedelta(minutes=30),
                last_arrival=AT + timedelta(minutes=50),
            ),
            CashOut("TDep2", BINANCE, "USDT", D(100), by_seed={"KNPA:K-2": D(100)}),
            CashOut("TDesk", OTC, "USDT", D(400), by_seed={"KNPA:K-1": D(400)}),
            CashOut("TRest", None, "USDT", D(100), by_seed={"KNPA:K-1": D(100)}),
        ],
        unresolved=[],
        fees=D(0),
        edges=[
            _hop("p1", "TVictim1", "TCollect", "1000", 0),
            _hop("p2", "TVictim2", "TCollect", "500", 5),
            _hop("s1", "TCollect", "TLayer", "1000", 10),
            _hop("d1", "TLayer", "TDep1", "600", 30),
            _hop("d2", "TCollect", "TDep1", "300", 50),
            _hop("d3", "TCollect", "TDep2", "100", 55),
            _hop("o1", "TLayer", "TDesk", "400", 60),
        ],
        wallets=frozenset({"TCollect", "TLayer"}),
    )


def test_one_request_per_service_largest_first_with_its_deposits_and_transactions() -> None:
    requests = freeze_requests(_result())
    assert [(r.service, r.total) for r in requests] == [
        ("Binance", D(1000)),
        ('=HYPERLINK("x")', D(400)),
    ]
    binance = requests[0]
    assert [d.address for d in binance.deposits] == ["TDep1", "TDep2"]
    assert [x.tx_hash for x in binance.deposits[0].deliveries] == ["d1", "d2"]
    assert binance.deposits[0].by_ref == (("KNPA:K-1", D(600)), ("KNPA:K-2", D(300)))
    assert binance.refs == ("KNPA:K-1", "KNPA:K-2")
    assert binance.transactions == 3
    # An unlabelled rest is no service: no request.
    assert all(d.address != "TRest" for r in requests for d in r.deposits)


def test_csv_escapes_formula_like_cells_and_json_keeps_exact_amounts() -> None:
    requests = freeze_requests(_result())
    rows = list(csv.DictReader(io.StringIO(to_csv(requests))))
    assert len(rows) == 4  # one per delivering transaction
    assert rows[0]["deposit_address"] == "TDep1"
    assert rows[0]["tx_hash"] == "d1"
    assert rows[0]["victim_refs"] == "KNPA:K-1;KNPA:K-2"
    assert rows[-1]["service"] == '\'=HYPERLINK("x")'
    body = json.loads(to_json(requests))["freeze_requests"]
    assert body == as_json(requests)
    assert body[0]["deposits"][0]["amount"] == "900"
    assert body[0]["deposits"][0]["transactions"][1] == {
        "tx_hash": "d2",
        "time": (AT + timedelta(minutes=50)).isoformat(),
        "amount": "300",
    }


def test_the_pdf_escapes_values_and_reads_back_in_korean() -> None:
    requests = freeze_requests(_result())
    html = to_html(requests, NOW, "ko")
    assert "<script" not in html
    assert "=HYPERLINK(&#34;x&#34;)" in html
    pdf = to_pdf(requests, NOW, "ko")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "동결 요청" in text
    assert "TDep1" in text
    assert "KNPA:K-2" in text


def test_a_freeze_case_links_the_reports_campaigns_and_wallets_without_sightings(
    engine: Engine,
) -> None:
    with engine.begin() as conn:
        stored = store_reports(conn, [make_report("K-1"), make_report("K-2")])
        link_reports(conn, stored.report_ids)
        before = conn.execute(select(sightings.c.report_id)).all()
    result = _result()
    request = freeze_requests(result)[0]
    with engine.begin() as conn:
        case_id = open_case(conn, KNPA, request, result, NOW)
    with engine.connect() as conn:
        view = service.view_case(conn, KNPA, case_id, NOW)
        assert view.record.head.kind is CaseKind.FREEZE_REQUEST
        assert view.record.target == "Binance"
        links = {(link.kind, link.role) for link in view.links}
        assert (LinkKind.REPORT, LinkRole.VICTIM) in links
        assert (LinkKind.CAMPAIGN, LinkRole.RELATED) in links
        wallets = conn.execute(
            select(indicators.c.value).where(indicators.c.type == "tron")
        ).scalars()
        assert set(wallets) == {"TDep1", "TDep2", "TCollect", "TLayer"}
        suspects = [link for link in view.links if link.kind is LinkKind.INDICATOR]
        assert len(suspects) == 4
        assert all(link.role is LinkRole.SUSPECT for link in suspects)
        # The wallets joined no report: sightings (and so campaigns) are as they were.
        assert conn.execute(select(sightings.c.report_id)).all() == before


def test_a_report_the_viewer_may_not_see_is_not_linked_nor_its_campaign(engine: Engine) -> None:
    with engine.begin() as conn:
        stored = store_reports(
            conn,
            [make_report("K-1"), make_report("K-2", agency="RTP", tlp=Tlp.AMBER_STRICT)],
        )
        link_reports(conn, stored.report_ids)
    result = _result()
    result.cash_outs[0].by_seed = {"KNPA:K-1": D(600), "RTP:K-2": D(300)}
    request = freeze_requests(result)[0]
    assert request.refs == ("KNPA:K-1", "KNPA:K-2", "RTP:K-2")
    with engine.begin() as conn:
        case_id = open_case(conn, KNPA, request, result, NOW)
    with engine.connect() as conn:
        view = service.view_case(conn, KNPA, case_id, NOW)
    reports = [link for link in view.links if link.kind is LinkKind.REPORT]
    campaigns = [link for link in view.links if link.kind is LinkKind.CAMPAIGN]
    assert len(reports) == 1
    assert len(campaigns) == 1
