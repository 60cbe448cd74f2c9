"""GET /api/v1/lookup/range/{prefix}: the private lookup over HTTP."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash, range_prefix
from scamlink.lookup.private import match, parse_range
from scamlink.lookup.verdict import Standing, pack
from scamlink.store.schema import lookup_query_log
from scamlink.web.ratelimit import query_log
from tests.lookup.support import held_build, wait_ready
from tests.web.support import client_for

S = Standing
REPORTED = "+821012345678"
HIDDEN = "telegram:usdt_vip_support"


def with_index(app: FastAPI) -> None:
    values = {REPORTED: pack(S.REPORTED, S.REPORTED), HIDDEN: pack(S.REPORTED, S.UNKNOWN)}
    app.state.lookup_index = MembershipIndex.build(
        np.array([key_hash(v) for v in values], dtype=np.uint64),
        np.array(list(values.values()), dtype=np.uint8),
    )


def test_range_answers_public_standing(app: FastAPI) -> None:
    with_index(app)
    client = client_for(app)
    prefix = range_prefix(REPORTED)
    response = client.get(f"/api/v1/lookup/range/{prefix}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert match(REPORTED, parse_range(response.content, prefix)) is S.REPORTED
    hidden = client.get(f"/api/v1/lookup/range/{range_prefix(HIDDEN)}")
    assert match(HIDDEN, parse_range(hidden.content, range_prefix(HIDDEN))) is S.UNKNOWN
    assert len(hidden.content) == len(response.content)
    # Upper case is the same bucket.
    assert client.get(f"/api/v1/lookup/range/{prefix.upper()}").content == response.content


def test_etag_and_not_modified(app: FastAPI) -> None:
    with_index(app)
    client = client_for(app)
    first = client.get("/api/v1/lookup/range/abcde")
    etag = first.headers["etag"]
    again = client.get("/api/v1/lookup/range/abcde", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/api/v1/lookup/range/abcde", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200


def test_without_a_loaded_index_every_bucket_is_padding(app: FastAPI) -> None:
    response = client_for(app).get("/api/v1/lookup/range/00000")
    assert response.status_code == 200
    assert all(e.endswith(":0") for e in json.loads(response.content)["entries"])


def test_bad_prefix_is_400_with_a_message(app: FastAPI) -> None:
    client = client_for(app)
    for bad in ("abcd", "abcdef", "zzzzz", "%20%20%20%20%20", "1234%00"):
        response = client.get(f"/api/v1/lookup/range/{bad}")
        assert response.status_code == 400, bad
        body = response.json()
        assert body["error"]["code"] == "bad_request"
        assert "5 hexadecimal" in body["error"]["message"]


def test_query_log_keeps_the_prefix_only(app: FastAPI, engine: Engine) -> None:
    with_index(app)
    client = client_for(app)
    prefix = range_prefix(REPORTED)
    client.get(f"/api/v1/lookup/range/{prefix}")
    client.get("/api/v1/lookup/range/bad")
    query_log_of(app)  # (its timer may have written the entry already: count the table)
    with engine.connect() as conn:
        rows = conn.execute(select(lookup_query_log)).mappings().all()
    # (An application of an earlier test may flush its own entries late: look at ours.)
    ours = [(r["channel"], r["prefix"], r["verdict"]) for r in rows if r["prefix"] == prefix]
    assert ours == [("range", prefix, None)]
    assert all(len(r["prefix"]) == 5 for r in rows)


def query_log_of(app: FastAPI) -> int:
    log = getattr(app.state, "lookup_query_log", None)
    assert log is not None
    return int(log.flush())


def test_query_log_accessor_is_one_per_app(app: FastAPI) -> None:
    client = client_for(app)
    client.get("/api/v1/lookup/range/abcde")
    first = app.state.lookup_query_log
    client.get("/api/v1/lookup/range/abcdf")
    assert app.state.lookup_query_log is first
    assert query_log.__name__ == "query_log"


def test_ranges_wait_for_the_index_while_it_builds(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = app.state.lookup.live
    live.build_process = False  # in a thread, so that the held build holds it
    client = client_for(app)
    with held_build(monkeypatch) as release:
        live.load(background=True)
        response = client.get("/api/v1/lookup/range/abcde")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "10"
        assert "being built" in response.json()["error"]["message"]
        release.set()
        wait_ready(live)
    assert client.get("/api/v1/lookup/range/abcde").status_code == 200
