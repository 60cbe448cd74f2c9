"""`POST /api/v1/trace`: the trace page's JSON twin.

For the staff of member agencies (partners 403, the public 401; an API key needs the `read`
scope); audited as `trace.run` (who traced what). Bad input is 422 naming the field (and the
line of `seeds`). Amounts are decimal strings, times ISO 8601 in UTC.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from scamlink.sharing.api_keys import Scope
from scamlink.sharing.roles import Role, Viewer
from scamlink.tracing.freeze import as_json
from scamlink.tracing.model import CashOut
from scamlink.tracing.run import MAX_SEEDS, TraceInputError, TraceRun, parse_query, run_in_store
from scamlink.web.errors import error_body, error_code
from scamlink.web.scopes import require_scope
from scamlink.web.state import web_state
from scamlink.web.trace_pages import STAFF_ONLY

router = APIRouter(tags=["tracing"])


def _staff(viewer: Annotated[Viewer, Depends(require_scope(Scope.READ))]) -> Viewer:
    if viewer.role is Role.PARTNER:
        raise HTTPException(status_code=403, detail=STAFF_ONLY)
    return viewer


class TraceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chain: str = Field(description="tron, eth or btc")
    seeds: list[str] = Field(
        max_length=MAX_SEEDS,
        description="Each `TXHASH[:INDEX] [REFERENCE]` or `ADDRESS [REFERENCE]`",
    )
    model: str = "haircut"
    hops: int = 6
    min_amount: str = ""
    since: str = ""
    until: str = ""
    direction: str = "forward"
    compare: bool = Field(default=True, description="Also run the other three models")


def _cash_out(c: CashOut) -> dict[str, Any]:
    return {
        "address": c.address,
        "label": None if c.label is None else c.label.label,
        "category": None if c.label is None else c.label.category.value,
        "amount": str(c.amount),
        "token": c.token,
        "by_seed": {ref: str(a) for ref, a in c.by_seed.items()},
        "paths": [list(p) for p in c.paths],
        "first_arrival": None if c.first_arrival is None else c.first_arrival.isoformat(),
        "last_arrival": None if c.last_arrival is None else c.last_arrival.isoformat(),
    }


def trace_json(done: TraceRun) -> dict[str, Any]:
    result = done.result
    return {
        "chain": done.query.chain.value,
        "model": done.query.model.value,
        "token": result.token,
        "total_in": str(result.total_in),
        "total_attributed": str(result.total_attributed),
        "fees": str(result.fees),
        "cash_outs": [_cash_out(c) for c in result.cash_outs],
        "unresolved": [_cash_out(c) for c in result.unresolved],
        "wallets": sorted(result.wallets),
        "comparison": [
            {
                "model": s.model.value,
                "total_in": str(s.total_in),
                "attributed": str(s.attributed),
                "unresolved": str(s.unresolved),
                "fees": str(s.fees),
                "cash_outs": s.cash_outs,
                "by_service": {name: str(a) for name, a in s.by_service},
            }
            for s in done.comparison
        ],
        "freeze_requests": as_json(list(done.requests)),
    }


@router.post(
    "/api/v1/trace",
    responses={
        401: {"description": "Not signed in, or the API key was refused"},
        403: {"description": "Partners, or an API key without the read scope"},
        422: {"description": "Bad input, with its field (and line of seeds)"},
    },
)
def trace_api(
    request: Request, body: TraceIn, viewer: Annotated[Viewer, Depends(_staff)]
) -> JSONResponse:
    """Follow victims' payments: cash-out points, every model's view and the freeze requests."""
    try:
        query = parse_query(
            chain=body.chain,
            seeds="\n".join(body.seeds),
            model=body.model,
            hops=str(body.hops),
            min_amount=body.min_amount,
            since=body.since,
            until=body.until,
            direction=body.direction,
        )
        done = run_in_store(
            web_state(request).engine, viewer, query, action="trace.run", compare=body.compare
        )
    except TraceInputError as error:
        return JSONResponse(
            error_body(error_code(422), str(error), field=error.field, line=error.line),
            status_code=422,
        )
    return JSONResponse(trace_json(done))
