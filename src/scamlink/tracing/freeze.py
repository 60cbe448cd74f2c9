"""Freeze requests: from a trace, one request per exchange (or OTC desk) the money reached.

A request names the service (its label), the deposit addresses with the amount the model
attributed to the victims, the transactions that delivered it (hash, time, tainted amount) and the
victims' report references. It is exported as CSV (formula-like cells escaped as the report CSV
writer does), JSON and PDF (`interop.pdf.render_pdf`), and opened as a case of kind
`freeze_request` (`store/freeze_requests.py` + `cases.service`).

Pure, except `to_pdf` (WeasyPrint); the case is opened by `tracing/freeze_cases.py`.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import jinja2

from scamlink.interop.report_csv import escape_cell
from scamlink.tracing.model import Chain, Hop, TraceResult

CSV_COLUMNS = (
    "service",
    "category",
    "chain",
    "token",
    "deposit_address",
    "attributed_amount",
    "tx_hash",
    "tx_time",
    "tx_amount",
    "victim_refs",
    "model",
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A transaction that brought tainted value to a deposit address."""

    tx_hash: str
    timestamp: datetime
    amount: Decimal


@dataclass(frozen=True, slots=True)
class DepositLine:
    address: str
    amount: Decimal  # attributed to the victims
    first_arrival: datetime | None
    last_arrival: datetime | None
    deliveries: tuple[Delivery, ...]
    by_ref: tuple[tuple[str, Decimal], ...]  # victim reference → amount, largest first


@dataclass(frozen=True, slots=True)
class FreezeRequest:
    service: str  # the label: "Binance", "Huione Guarantee OTC"
    category: str  # exchange, otc, bridge, mixer
    chain: Chain
    token: str
    model: str
    total: Decimal
    deposits: tuple[DepositLine, ...]
    refs: tuple[str, ...]  # the victims' report/case references, sorted

    @property
    def transactions(self) -> int:
        return sum(len(d.deliveries) for d in self.deposits)


def freeze_requests(result: TraceResult) -> list[FreezeRequest]:
    """One request per labelled service among the trace's cash-out points, largest first."""
    if not result.seeds:
        return []
    chain = result.seeds[0].chain
    arrivals: dict[str, list[Hop]] = defaultdict(list)
    for hop in result.edges:
        arrivals[hop.to_address].append(hop)
    grouped: dict[tuple[str, str], list[DepositLine]] = defaultdict(list)
    for cash_out in result.cash_outs:
        if cash_out.label is None or cash_out.amount <= 0:
            continue
        hops = sorted(arrivals.get(cash_out.address, ()), key=lambda h: (h.timestamp, h.tx_hash))
        line = DepositLine(
            address=cash_out.address,
            amount=cash_out.amount,
            first_arrival=cash_out.first_arrival,
            last_arrival=cash_out.last_arrival,
            deliveries=tuple(Delivery(h.tx_hash, h.timestamp, h.amount) for h in hops),
            by_ref=tuple(sorted(cash_out.by_seed.items(), key=lambda kv: (-kv[1], kv[0]))),
        )
        grouped[(cash_out.label.label, cash_out.label.category.value)].append(line)
    requests = [
        FreezeRequest(
            service=service,
            category=category,
            chain=chain,
            token=result.token,
            model=result.options.model.value,
            total=sum((d.amount for d in lines), Decimal(0)),
            deposits=tuple(sorted(lines, key=lambda d: (-d.amount, d.address))),
            refs=tuple(sorted({ref for d in lines for ref, _ in d.by_ref})),
        )
        for (service, category), lines in grouped.items()
    ]
    requests.sort(key=lambda r: (-r.total, r.service))
    return requests


def _iso(at: datetime | None) -> str:
    return "" if at is None else at.isoformat()


def to_csv(requests: list[FreezeRequest]) -> str:
    """One row per delivering transaction (a deposit without one: one row, no transaction)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in requests:
        for d in r.deposits:
            refs = ";".join(ref for ref, _ in d.by_ref)
            deliveries = d.deliveries or (None,)
            for delivery in deliveries:
                row: tuple[object, ...] = (
                    r.service,
                    r.category,
                    r.chain.value,
                    r.token,
                    d.address,
                    str(d.amount),
                    "" if delivery is None else delivery.tx_hash,
                    "" if delivery is None else _iso(delivery.timestamp),
                    "" if delivery is None else str(delivery.amount),
                    refs,
                    r.model,
                )
                writer.writerow([escape_cell(v) for v in row])
    return out.getvalue()


def as_json(requests: list[FreezeRequest]) -> list[dict[str, Any]]:
    return [
        {
            "service": r.service,
            "category": r.category,
            "chain": r.chain.value,
            "token": r.token,
            "model": r.model,
            "total": str(r.total),
            "victim_refs": list(r.refs),
            "deposits": [
                {
                    "address": d.address,
                    "amount": str(d.amount),
                    "first_arrival": _iso(d.first_arrival),
                    "last_arrival": _iso(d.last_arrival),
                    "by_victim": [{"ref": ref, "amount": str(a)} for ref, a in d.by_ref],
                    "transactions": [
                        {"tx_hash": x.tx_hash, "time": _iso(x.timestamp), "amount": str(x.amount)}
                        for x in d.deliveries
                    ],
                }
                for d in r.deposits
            ],
        }
        for r in requests
    ]


def to_json(requests: list[FreezeRequest]) -> str:
    return json.dumps({"freeze_requests": as_json(requests)}, ensure_ascii=False, indent=2)


_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ t.title }}</title>
<style>
body { font-size: 9.5pt; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 1.4em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; }
th, td { border: 1px solid #999; padding: 2px 4px; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; word-break: break-all; }
section { page-break-after: always; }
</style></head><body>
{% for r in requests %}<section>
<h1>{{ t.title }}: {{ r.service }}</h1>
<p>{{ t.intro }}</p>
<table>
<tr><th>{{ t.service }}</th><td>{{ r.service }} ({{ r.category }})</td></tr>
<tr><th>{{ t.chain }}</th><td>{{ r.chain.value }} / {{ r.token }}</td></tr>
<tr><th>{{ t.total }}</th><td>{{ r.total }} {{ r.token }}</td></tr>
<tr><th>{{ t.model }}</th><td>{{ r.model }}</td></tr>
<tr><th>{{ t.refs }}</th><td>{{ r.refs | join(", ") }}</td></tr>
<tr><th>{{ t.generated }}</th><td>{{ generated }}</td></tr>
</table>
{% for d in r.deposits %}
<h2>{{ t.deposit }} <span class="mono">{{ d.address }}</span></h2>
<p>{{ t.amount }}: {{ d.amount }} {{ r.token }};
{{ t.between }} {{ d.first_arrival }} – {{ d.last_arrival }}</p>
<table><tr><th>{{ t.tx }}</th><th>{{ t.time }}</th><th>{{ t.amount }}</th></tr>
{% for x in d.deliveries %}<tr><td class="mono">{{ x.tx_hash }}</td>
<td>{{ x.timestamp.isoformat() }}</td><td class="n">{{ x.amount }}</td></tr>{% endfor %}
</table>
<table><tr><th>{{ t.ref }}</th><th>{{ t.amount }}</th></tr>
{% for ref, a in d.by_ref %}<tr><td>{{ ref }}</td><td class="n">{{ a }}</td></tr>{% endfor %}
</table>
{% endfor %}
</section>{% endfor %}
</body></html>
"""

_TEXT = {
    "en": {
        "title": "Freeze request",
        "intro": "The funds below were traced from the victims' payments to deposit addresses at "
        "your service. We ask you to freeze the accounts holding these addresses and to "
        "preserve their records. Amounts are those attributed to the victims by the taint model "
        "named; the transactions are the on-chain evidence.",
        "service": "Service",
        "chain": "Chain / token",
        "total": "Total attributed",
        "model": "Taint model",
        "refs": "Victims' report references",
        "generated": "Generated",
        "deposit": "Deposit address",
        "amount": "Amount",
        "between": "arrived between",
        "tx": "Transaction",
        "time": "Time (UTC)",
        "ref": "Report reference",
    },
    "ko": {
        "title": "동결 요청",
        "intro": "아래 자금은 피해자의 송금에서 귀사의 입금 주소까지 추적되었습니다. 이 주소를 "
        "보유한 계정을 동결하고 기록을 보존해 주실 것을 요청합니다. 금액은 명시된 오염 모델이 "
        "피해자에게 귀속한 금액이며, 거래는 온체인 증거입니다.",
        "service": "서비스",
        "chain": "체인 / 토큰",
        "total": "귀속 총액",
        "model": "오염 모델",
        "refs": "피해 신고 참조번호",
        "generated": "작성 시각",
        "deposit": "입금 주소",
        "amount": "금액",
        "between": "도착 기간",
        "tx": "거래",
        "time": "시각 (UTC)",
        "ref": "신고 참조번호",
    },
}

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def to_html(requests: list[FreezeRequest], generated: datetime, lang: str = "en") -> str:
    """The requests as one HTML document (one section, one page break, per service)."""
    text = _TEXT.get(lang, _TEXT["en"])
    return _ENV.from_string(_TEMPLATE).render(
        requests=requests, t=text, lang=lang if lang in _TEXT else "en", generated=generated
    )


def to_pdf(requests: list[FreezeRequest], generated: datetime, lang: str = "en") -> bytes:
    from scamlink.interop.pdf import render_pdf  # WeasyPrint: heavy, loaded when asked

    return render_pdf(to_html(requests, generated, lang))
