"""`GET /api/v1/lookup/range/{prefix}`: the private (k-anonymity) lookup.

Anyone may ask; the answer holds public standings only and is the same for every caller, so
shared caches may keep it (`Cache-Control: public`, an `ETag`; `If-None-Match` → 304). Only the
prefix reaches the query log. Built in `lookup/private.py`; the client's side is documented in
docs/lookup-private.md.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.live import IndexBuilding
from scamlink.lookup.private import BadPrefix, check_prefix, range_answer
from scamlink.web.api import API_V1, ErrorBody
from scamlink.web.lookup_api import lookup_index
from scamlink.web.ratelimit import log_prefix, rate_limit
from scamlink.web.state import web_state

RETRY_AFTER = 10  # seconds, while the index is being built
MAX_AGE = 300  # seconds a cache may keep an answer: new public facts wait at most this long
INDEX_STATE = "lookup_index"  # an index set here wins over the lookup service's

router = APIRouter(tags=["lookup"])


def current_index(request: Request) -> MembershipIndex:
    """The index the application answers from: the lookup service's (loaded at start and kept
    current, lookup/live.py), unless one was set as `app.state.lookup_index` (tests, tools)."""
    found = getattr(request.app.state, INDEX_STATE, None)
    if isinstance(found, MembershipIndex):
        return found
    if getattr(request.app.state, "lookup", None) is not None:
        return lookup_index(request)
    return MembershipIndex.empty()


def padding_seed(request: Request) -> bytes:
    secret = web_state(request).settings.secret_key.encode()
    return hmac.new(secret, b"scamlink.lookup.range-padding", hashlib.sha256).digest()


@router.get(
    f"{API_V1}/lookup/range/{{prefix}}",
    name="lookup_range",
    responses={
        200: {
            "description": "Every suffix of the bucket with its public standing, padded",
            "content": {
                "application/json": {
                    "example": {"prefix": "3f2a9", "entries": ["0000c1d2e3f:0", "1a2b3c4d5e6:2"]}
                }
            },
        },
        304: {"description": "The answer has not changed (If-None-Match)"},
        400: {"model": ErrorBody, "description": "The prefix is not 5 hexadecimal characters"},
        429: {"model": ErrorBody, "description": "Too many requests (see Retry-After)"},
        503: {"model": ErrorBody, "description": "The index is being built (see Retry-After)"},
    },
    dependencies=[Depends(rate_limit("lookup"))],
)
async def lookup_range(request: Request, prefix: str) -> Response:
    """The public standing of every indicator whose canonical key's SHA-256 starts with
    `prefix` (5 hex characters), as `"<11 hex characters>:<standing>"` entries: 1 suspicious,
    2 reported, 3 safe-listed, 0 padding (ignore it). Every answer has the same length."""
    try:
        prefix = check_prefix(prefix)
    except BadPrefix as e:
        raise HTTPException(status_code=400, detail=str(e)) from None
    try:
        index = current_index(request)
    except IndexBuilding as building:
        # Ranges need the whole index (the store has no hashes): the client asks again.
        raise HTTPException(
            status_code=503, detail=str(building), headers={"Retry-After": str(RETRY_AFTER)}
        ) from None
    answer = range_answer(index, prefix, seed=padding_seed(request))
    log_prefix(request, "range", prefix)
    etag = answer.etag()
    headers = {
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "ETag": etag,
        "Vary": "Accept-Encoding",
    }
    if etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(answer.body(), media_type="application/json", headers=headers)


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
