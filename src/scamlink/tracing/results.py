"""A trace result as JSON (the CLI's `--json`; amounts as exact decimal strings)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scamlink.tracing.model import CashOut, Seed, TraceResult

_PLACES = Decimal(10) ** -18


def amount_text(value: Decimal) -> str:
    """At most 18 decimal places (the finest token unit), trailing zeros dropped, no exponent."""
    text = format(value.quantize(_PLACES).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _seed(seed: Seed) -> dict[str, Any]:
    return {
        "ref": seed.ref,
        "chain": seed.chain.value,
        "tx_hash": seed.tx_hash,
        "index": seed.index,
        "address": seed.address,
        "since": None if seed.since is None else seed.since.isoformat(),
        "until": None if seed.until is None else seed.until.isoformat(),
    }


def cash_out_json(point: CashOut) -> dict[str, Any]:
    label = point.label
    return {
        "address": point.address,
        "label": None if label is None else label.label,
        "category": None if label is None else label.category.value,
        "verified": None if label is None else label.verified,
        "amount": amount_text(point.amount),
        "token": point.token,
        "by_seed": {ref: amount_text(v) for ref, v in sorted(point.by_seed.items())},
        "exposure": amount_text(point.exposure),
        "paths": [list(p) for p in point.paths],
        "first_arrival": None if point.first_arrival is None else point.first_arrival.isoformat(),
        "last_arrival": None if point.last_arrival is None else point.last_arrival.isoformat(),
    }


def result_json(result: TraceResult, *, unresolved_limit: int | None = None) -> dict[str, Any]:
    options = result.options
    rest = sum((c.amount for c in result.unresolved), Decimal(0))
    unresolved = (
        result.unresolved if unresolved_limit is None else result.unresolved[:unresolved_limit]
    )
    return {
        "options": {
            "model": options.model.value,
            "direction": options.direction.value,
            "hops": options.hops,
            "min_amount": amount_text(options.min_amount),
            "horizon_days": options.horizon_days,
            "token": result.token,
        },
        "seeds": [_seed(s) for s in result.seeds],
        "token": result.token,
        "totals": {
            "in": amount_text(result.total_in),
            "attributed": amount_text(result.total_attributed),
            "unresolved": amount_text(rest),
            "fees": amount_text(result.fees),
        },
        "cash_outs": [cash_out_json(c) for c in result.cash_outs],
        "unresolved": [cash_out_json(c) for c in unresolved],
        "unresolved_count": len(result.unresolved),
        "edges": [
            {
                "tx_hash": e.tx_hash,
                "index": e.index,
                "from": e.from_address,
                "to": e.to_address,
                "timestamp": e.timestamp.isoformat(),
                "amount": amount_text(e.amount),
            }
            for e in result.edges
        ],
        "wallets": sorted(result.wallets),
    }
