"""`GET /api/v1/lookup` and `POST /api/v1/lookup/batch`: "has this been reported?".

The single lookup is open to everyone: the public gets the public standing (no facts), signed-in
sessions and API keys with the `lookup` scope the verdict and facts of what their role and the
markings let them see (`lookup/service.py`). The batch (up to 10,000 values) is for partner systems
and staff. Bad input is a 4xx with a message: empty, longer than 2,048 characters, control
characters, a country that is not two letters (400); a body that is not JSON (422); more than
10,000 values (413).

The application holds one `LookupService` (`app.state.lookup`); its index is loaded when the
app starts (or on first use) and kept current by a refresher thread (`lookup/live.py`). The app
never waits for a long build: without a usable snapshot the index is built in a thread while
lookups are answered from the store; `GET /api/v1/lookup/status` (signed in) shows its progress.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from starlette.types import ASGIApp

from scamlink.config import Settings
from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.live import INDEX_FOLDER, LiveIndex
from scamlink.lookup.query import InvalidQuery, warm_up
from scamlink.lookup.service import MAX_BATCH, Answer, LookupService, answer_json, answers_json
from scamlink.sharing.api_keys import Scope
from scamlink.sharing.roles import Viewer
from scamlink.web.api import API_V1
from scamlink.web.auth import SIGN_IN_REQUIRED
from scamlink.web.bearer import key_scopes
from scamlink.web.i18n import N_
from scamlink.web.ratelimit import log_lookup, log_lookups, rate_limit, request_viewer, take

router = APIRouter(tags=["lookup"])
MAX_BATCH_BYTES = 8 * 1024 * 1024
_COUNTRY_RE = re.compile(r"[A-Za-z]{2}")
SCOPE_MISSING = N_("The API key does not allow lookups.")
BAD_COUNTRY = N_("country is a two-letter ISO 3166 code, e.g. KR, TH or PH.")


def lookup_service_for(settings: Settings, engine: Engine) -> LookupService:
    live = LiveIndex(
        engine,
        settings.data_dir / INDEX_FOLDER,
        embargo=timedelta(hours=settings.lookup_embargo_hours),
        rebuild_every=timedelta(minutes=settings.lookup_rebuild_minutes),
        build_process=True,  # a start-up build takes no interpreter time from the lookups
    )
    return LookupService(engine, live)


def lookup_service(request: Request) -> LookupService:
    service: LookupService = request.app.state.lookup
    return service


def lookup_index(request: Request) -> MembershipIndex:
    """The current membership index of the app (loaded on first use)."""
    return lookup_service(request).live.ready()


def with_lookup_index(
    inner: Callable[[ASGIApp], AbstractAsyncContextManager[None]], *, freeze_gc: bool = False
) -> Callable[[ASGIApp], AbstractAsyncContextManager[None]]:
    """The application's lifespan around `inner`: the index is loaded from its snapshot (or,
    when that needs a build or a large delta, built in a thread while the store answers) and
    value reading warmed up (`query.warm_up`) before the first request, off the event loop;
    the index's refresher thread runs until shutdown. With `freeze_gc` (the server process),
    what start-up made is then moved out of the cyclic collector's reach (`gc.freeze`)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: ASGIApp) -> AsyncIterator[None]:
        service: LookupService = app.state.lookup  # type: ignore[attr-defined]
        await asyncio.to_thread(service.live.load, background=True)
        await asyncio.to_thread(warm_up)  # the first lookups pay no loading
        if freeze_gc:
            # Modules, phone metadata, the suffix list and templates live as long as the
            # process; a full collection walked them all every few batches of new values
            # (≈ 110 ms a time, in the middle of a partner's batch): no longer.
            gc.collect()
            gc.freeze()
        service.live.start()
        try:
            async with inner(app):
                yield
        finally:
            await asyncio.to_thread(service.live.stop)

    return lifespan


def _lookup_scope(request: Request) -> None:
    scopes = key_scopes(request)
    if scopes is not None and Scope.LOOKUP not in scopes:
        raise HTTPException(status_code=403, detail=SCOPE_MISSING)


async def limited_lookup_viewer(request: Request) -> Viewer:
    """Anyone, counted against the `lookup` rate limit (429); an API key needs the `lookup`
    scope. A request without a session and without a key is the public's, known without I/O:
    counted and answered with no hop to a worker thread (the public's lookups are most of the
    load); others are resolved from the store in one, once per request
    (`ratelimit.request_viewer`). One dependency for both, as this is the route the public
    calls most."""
    viewer = await request_viewer(request)
    take(request, "lookup", viewer)
    if not viewer.is_public:
        _lookup_scope(request)
    return viewer


async def batch_viewer(request: Request) -> Viewer:
    """Signed-in sessions and API keys with the `lookup` scope."""
    viewer = await request_viewer(request)
    if viewer.is_public:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    _lookup_scope(request)
    return viewer


def country_code(country: str) -> str | None:
    if not country:
        return None
    if not _COUNTRY_RE.fullmatch(country):
        raise HTTPException(status_code=400, detail=BAD_COUNTRY)
    return country.upper()


@router.get(
    f"{API_V1}/lookup",
    name="api_lookup",
    responses={
        400: {"description": "Not a value that can be looked up"},
        429: {"description": "Too many requests (see Retry-After)"},
    },
)
async def lookup(
    request: Request,
    viewer: Annotated[Viewer, Depends(limited_lookup_viewer)],
    q: str = "",
    country: str = "",
) -> JSONResponse:
    """The verdict on one pasted value (phone, link, e-mail, wallet, bank account, handle):
    `reported`, `suspicious`, `unknown`, `safe-listed` or `invalid`, with its canonical key
    and type; the facts the caller may see when signed in (the public: none)."""
    service = lookup_service(request)
    code = country_code(country)
    try:
        if viewer.is_public and service.live.loaded:
            # The index alone answers (microseconds, no I/O): no hop to a worker thread.
            answer = service.lookup(q, viewer, code)
        else:  # the facts come from the store
            answer = await run_in_threadpool(service.lookup, q, viewer, code)
    except InvalidQuery as problem:
        raise HTTPException(status_code=400, detail=str(problem)) from None
    log_lookup(request, "api", answer.canonical, answer.verdict.value)  # the hash prefix only
    body = answer_json(answer)
    body["seen_as"] = "public" if viewer.is_public else "member"
    return JSONResponse(body)


def _values(payload: object) -> tuple[list[Any], str]:
    if isinstance(payload, list):
        return payload, ""
    if isinstance(payload, dict) and isinstance(payload.get("values"), list):
        country = payload.get("country") or ""
        if not isinstance(country, str):
            raise HTTPException(status_code=400, detail=BAD_COUNTRY)
        return payload["values"], country
    raise HTTPException(
        status_code=422,
        detail='send {"values": ["…", …], "country": "KR"} or a JSON array of strings',
    )


async def _json_payload(request: Request) -> object:
    content_type = request.headers.get("content-type", "application/json")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        # A form body may have been read already (for its CSRF token): say what is expected.
        raise HTTPException(
            status_code=422,
            detail=f"expected a JSON body (Content-Type: application/json), got {content_type!r}",
        )
    too_large = f"the body is larger than {MAX_BATCH_BYTES:,} bytes; split the batch"
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BATCH_BYTES:
        raise HTTPException(status_code=413, detail=too_large)
    body = await request.body()
    if len(body) > MAX_BATCH_BYTES:
        raise HTTPException(status_code=413, detail=too_large)
    return _parse_json(body)


def _parse_json(body: bytes) -> object:
    """The body's JSON value, read by orjson (a batch's 10,000 values in ≈ 0.2 ms). What orjson
    refuses is read again by the standard library, which reads what this route always took
    (a byte order mark, UTF-16, NaN) and words the error as before (line and column); a text
    with a lone surrogate (an escape such as "\\ud800" without its pair, which orjson refuses)
    is not Unicode and is refused here, not where the answer echoing it is encoded."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        payload = json.loads(body)
        json.dumps(payload, ensure_ascii=False).encode()
    except json.JSONDecodeError as e:
        raise HTTPException(
            status_code=422,
            detail=f"the body is not JSON (line {e.lineno}, column {e.colno}: {e.msg})",
        ) from None
    except UnicodeDecodeError:
        raise HTTPException(status_code=422, detail="the body is not UTF-8 text") from None
    except UnicodeEncodeError:
        raise HTTPException(
            status_code=422,
            detail="the body's text is not Unicode (a lone surrogate such as \\ud800)",
        ) from None
    except RecursionError:
        raise HTTPException(status_code=422, detail="the body's JSON nests too deep") from None
    return payload


def _batch_body(answers: list[Answer]) -> dict[str, Any]:
    return {"count": len(answers), "seen_as": "member", "answers": answers_json(answers)}


def _batch_response(body: dict[str, Any]) -> Response:
    """The batch's body encoded by orjson: 1.6 MB in ≈ 2 ms (JSONResponse's standard library
    encoder: 15–30 ms). The same bytes as JSONResponse: compact separators, non-ASCII
    unescaped, keys in their order. Where the two differ the body has nothing: no floats (NaN),
    no keys but strings (the facts' counters are keyed by NOT NULL columns; orjson's option for
    other keys doubles its time)."""
    return Response(orjson.dumps(body), media_type="application/json")


class _Logged:
    """The batch's answers as query-log entries, (canonical, verdict) each, read when the
    log's writer thread writes them (`QueryLog.add_values`): the request pays one append,
    not 10,000 tuples. The answers are not changed after the batch is answered."""

    __slots__ = ("_answers",)

    def __init__(self, answers: list[Answer]) -> None:
        self._answers = answers

    def __len__(self) -> int:
        return len(self._answers)

    def __iter__(self) -> Iterator[tuple[str | None, str | None]]:
        for answer in self._answers:
            yield answer.canonical, answer.verdict._value_


@router.post(
    f"{API_V1}/lookup/batch",
    name="api_lookup_batch",
    responses={
        401: {"description": "Not signed in"},
        413: {"description": "More than 10,000 values"},
        422: {"description": "Not a JSON list of values"},
    },
    dependencies=[Depends(rate_limit("lookup"))],
)
async def lookup_batch(
    request: Request, viewer: Annotated[Viewer, Depends(batch_viewer)]
) -> Response:
    """Up to 10,000 values in one call (`{"values": [...], "country": "KR"}`), answered in
    order; a value that cannot be read answers `invalid` with the reason."""
    payload = await _json_payload(request)
    values, country = _values(payload)
    if len(values) > MAX_BATCH:
        raise HTTPException(
            status_code=413,
            detail=f"{len(values):,} values: a batch holds at most {MAX_BATCH:,}; split it",
        )
    for position, value in enumerate(values):
        if not isinstance(value, str):
            raise HTTPException(
                status_code=422,
                detail=f"value {position + 1} is {type(value).__name__}, not a string",
            )
    code = country_code(country)
    service = lookup_service(request)
    answers = await run_in_threadpool(service.lookup_many, values, viewer, code)
    log_lookups(request, "batch", _Logged(answers))
    return _batch_response(_batch_body(answers))


@router.get(
    f"{API_V1}/lookup/status",
    name="api_lookup_status",
    responses={401: {"description": "Not signed in"}},
)
async def lookup_status(request: Request) -> JSONResponse:
    """Where the lookup index stands: `ready` (with how it was loaded and its size) or
    `building` (indicators read, about how many there are, percent, seconds; lookups are
    answered from the store meanwhile). Signed-in callers."""
    viewer = await request_viewer(request)
    if viewer.is_public:
        raise HTTPException(status_code=401, detail=SIGN_IN_REQUIRED)
    return JSONResponse(lookup_service(request).live.progress().as_json())
