"""`GET /api/v1/blocklist?type=phone[&since=VERSION][&format=text]`: the blocklist download.

For signed-in members and partners (an API key needs the `lookup` scope: a filter is a lookup
done in advance): every value of one type the caller may see reported, as a versioned snapshot
or as the delta since a version of an earlier answer (lookup/blocklist.py). Each download is an
export of shared data and is written to the audit log (type, full or delta, count). The app
keeps each viewer's whole list in a `BlocklistCache` (`app.state.blocklist_cache`), so a delta
costs what changed, not the whole list.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from scamlink.lookup.blocklist import (
    BadBlocklistRequest,
    BlocklistCache,
    blocklist,
    parse_type,
)
from scamlink.sharing.api_keys import Scope
from scamlink.sharing.audit import actor_of, record
from scamlink.sharing.roles import Viewer
from scamlink.web.api import API_V1, ErrorBody
from scamlink.web.auth import SIGN_IN_REQUIRED
from scamlink.web.bearer import key_scopes
from scamlink.web.ratelimit import rate_limit, request_viewer
from scamlink.web.scopes import SCOPE_MISSING
from scamlink.web.state import web_state

router = APIRouter(tags=["lookup"])


async def blocklist_viewer(request: Request) -> Viewer:
    """Signed-in sessions and API keys with the `lookup` scope, resolved once per request
    (shared with the rate limit: `ratelimit.request_viewer`)."""
    viewer = await request_viewer(request)
    if viewer.is_public:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    scopes = key_scopes(request)
    if scopes is not None and Scope.LOOKUP not in scopes:
        raise HTTPException(status_code=403, detail=SCOPE_MISSING)
    return viewer


LookupViewer = Annotated[Viewer, Depends(blocklist_viewer)]
CACHE_STATE = "blocklist_cache"


def blocklist_cache(request: Request) -> BlocklistCache:
    """The application's cache of whole lists (made on first use)."""
    found = getattr(request.app.state, CACHE_STATE, None)
    if not isinstance(found, BlocklistCache):
        found = BlocklistCache()
        setattr(request.app.state, CACHE_STATE, found)
    return found


@router.get(
    f"{API_V1}/blocklist",
    name="api_blocklist",
    responses={
        200: {
            "description": "The snapshot or delta (JSON; `format=text`: one value a line, with "
            "the version and checksum in the X-Blocklist-Version and X-Blocklist-Checksum "
            "headers)",
            "content": {
                "application/json": {
                    "example": {
                        "type": "phone",
                        "version": "1764374400.1234.56",
                        "since": None,
                        "full": True,
                        "count": 1,
                        "checksum": "sha256:…",
                        "values": ["+821012345678"],
                    }
                },
                "text/plain": {},
            },
        },
        400: {"model": ErrorBody, "description": "Unknown type, malformed version or format"},
        401: {"model": ErrorBody, "description": "Not signed in"},
        403: {"model": ErrorBody, "description": "The API key lacks the lookup scope"},
        429: {"model": ErrorBody, "description": "Too many requests (see Retry-After)"},
    },
    dependencies=[Depends(rate_limit("lookup"))],
)
def get_blocklist(
    request: Request,
    viewer: LookupViewer,
    type: str = "",
    since: str = "",
    format: str = "json",
) -> Response:
    """Every value of `type` the caller may see reported (verified reports and listings;
    warninglisted values left out), sorted; `since` = the `version` of an earlier answer gives
    only what was added after it (`full: false`), unless it is older than 7 days."""
    if format not in ("json", "text"):
        raise HTTPException(status_code=400, detail="format: json or text")
    if not type:
        raise HTTPException(status_code=400, detail="type: required, e.g. type=phone")
    try:
        kind = parse_type(type)
        with web_state(request).engine.begin() as conn:
            answer = blocklist(conn, viewer, kind, since or None, cache=blocklist_cache(request))
            record(
                conn,
                actor_of(viewer),
                "blocklist.export",
                f"blocklist:{kind.value}",
                {
                    "full": answer.full,
                    "count": len(answer.values),
                    "since": answer.since,
                    "version": answer.version,
                },
                subject_agency=viewer.agency,
            )
    except BadBlocklistRequest as problem:
        raise HTTPException(status_code=400, detail=str(problem)) from None
    headers = {"X-Blocklist-Version": answer.version, "X-Blocklist-Checksum": answer.checksum}
    if format == "text":
        return Response(answer.as_text(), media_type="text/plain; charset=utf-8", headers=headers)
    return JSONResponse(answer.as_json(), headers=headers)
