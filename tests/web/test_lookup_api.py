"""`GET /api/v1/lookup` and `POST /api/v1/lookup/batch`: answers per caller, bad input as 4xx."""

from __future__ import annotations

import gc
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from scamlink.config import Settings
from scamlink.lookup.keys import range_prefix
from scamlink.lookup.service import Answer, LookupService, answer_json
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store.schema import lookup_query_log
from scamlink.web.app import create_app
from tests.lookup.support import add, held_build, phone, url_keys, wait_ready
from tests.web.support import add_key, add_user, bearer, client_for, csrf_from, sign_in

A, B = "+821011112222", "+821033334444"


def test_the_public_gets_the_verdict_and_nothing_more(app: FastAPI, engine: Engine) -> None:
    add(engine, "clear", (phone(A),))
    add(engine, "amber", (phone(B),), tlp=Tlp.AMBER)
    client = client_for(app)
    body = client.get("/api/v1/lookup", params={"q": "010-1111-2222", "country": "kr"}).json()
    assert body["verdict"] == "reported"
    assert body["canonical"] == A
    assert body["type"] == "phone"
    assert body["seen_as"] == "public"
    assert body["phone"] == {"country": "KR", "line_type": "mobile"}
    assert "facts" not in body
    amber = client.get("/api/v1/lookup", params={"q": B}).json()
    assert amber["verdict"] == "unknown"
    assert "facts" not in amber


def test_signed_in_staff_get_the_facts_their_markings_allow(app: FastAPI, engine: Engine) -> None:
    add(engine, "amber", (phone(B),), tlp=Tlp.AMBER, agency="KNPA")
    for email, agency, sees in (
        ("analyst@knpa.test", "KNPA", True),
        ("analyst@rtp.test", "RTP", False),
    ):
        add_user(engine, email, agency, Role.ANALYST)
        client = client_for(app)
        sign_in(client, email)
        body = client.get("/api/v1/lookup", params={"q": B}).json()
        assert body["verdict"] == ("reported" if sees else "unknown")
        assert body["seen_as"] == "member"
        if sees:
            assert body["facts"]["reports"] == 1
            assert body["facts"]["agencies"] == {"KNPA": 1}
            assert body["facts"]["scam_types"] == {"impersonation_authority": 1}
        else:
            assert "facts" not in body, body


def test_api_keys_need_the_lookup_scope(app: FastAPI, engine: Engine) -> None:
    add(engine, "clear", (phone(A),))
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    client = client_for(app)
    allowed = client.get(
        "/api/v1/lookup",
        params={"q": A},
        headers=bearer(add_key(engine, "partner@bank.test", "lookup")),
    )
    assert allowed.status_code == 200
    assert allowed.json()["facts"]["reports"] == 1
    refused = client.get(
        "/api/v1/lookup",
        params={"q": A},
        headers=bearer(add_key(engine, "partner@bank.test", "read")),
    )
    assert refused.status_code == 403
    assert "lookups" in refused.json()["error"]["message"]


def test_bad_input_is_a_clear_4xx(app: FastAPI) -> None:
    client = client_for(app)
    for params, status, words in (
        ({"q": ""}, 400, "empty"),
        ({"q": "x" * 10240}, 400, "at most 2048"),
        ({"q": "010\x001234"}, 400, "U+0000"),
        ({"q": "010 1234 5678", "country": "Korea"}, 400, "two-letter"),
    ):
        response = client.get("/api/v1/lookup", params=params)
        assert response.status_code == status, (params, response.text)
        assert words in response.json()["error"]["message"]
    invalid = client.get(
        "/api/v1/lookup", params={"q": "0x52908400098527886E0F7030069857D2E4169Ee7"}
    )
    assert invalid.status_code == 200
    assert invalid.json()["verdict"] == "invalid"
    assert "checksum" in invalid.json()["reason"]


def test_homoglyph_domains_show_both_forms(app: FastAPI) -> None:
    body = client_for(app).get("/api/v1/lookup", params={"q": "http://аpple.com/login"}).json()
    assert body["domain"]["unicode"] == "аpple.com"
    assert body["domain"]["a_label"] == "xn--pple-43d.com"
    assert body["domain"]["mixed_scripts"] is True
    assert [r["part"] for r in body["related"]] == ["domain"]


def test_a_url_answers_for_its_domain_too(app: FastAPI, engine: Engine) -> None:
    add(engine, "phish", url_keys("https://login.kbstar-secure.com/a"))
    body = client_for(app).get("/api/v1/lookup", params={"q": "kbstar-secure.com/b"}).json()
    assert body["verdict"] == "reported"
    assert body["verdict_from"] == "domain"


def test_a_new_report_is_visible_at_once(app: FastAPI, engine: Engine) -> None:
    client = client_for(app)
    assert client.get("/api/v1/lookup", params={"q": A}).json()["verdict"] == "unknown"
    add(engine, "new", (phone(A),), tlp=Tlp.GREEN)
    time.sleep(0.25)  # the index refreshes at most every 0.2 s
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    sign_in(client, "analyst@knpa.test")
    assert client.get("/api/v1/lookup", params={"q": A}).json()["verdict"] == "reported"


def test_the_batch_answers_ten_thousand_values_in_order(app: FastAPI, engine: Engine) -> None:
    add(engine, "clear", (phone(A),))
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    headers = bearer(add_key(engine, "partner@bank.test", "lookup"))
    values = [f"+6681{n:07d}" for n in range(9_998)] + ["010-1111-2222", ""]
    response = client_for(app).post(
        "/api/v1/lookup/batch", json={"values": values, "country": "KR"}, headers=headers
    )
    assert response.status_code == 200, response.text
    answers = response.json()["answers"]
    assert len(answers) == 10_000
    assert answers[-2]["verdict"] == "reported"
    assert answers[-2]["facts"]["reports"] == 1
    assert answers[-1]["verdict"] == "invalid"
    assert "empty" in answers[-1]["reason"]
    assert answers[0]["query"] == "+66810000000"


def test_the_batch_refuses_what_it_cannot_read(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    headers = bearer(add_key(engine, "partner@bank.test", "lookup"))
    client = client_for(app)
    too_many = client.post("/api/v1/lookup/batch", json=["+66812345678"] * 10_001, headers=headers)
    assert too_many.status_code == 413
    assert "10,001 values" in too_many.json()["error"]["message"]
    broken = client.post(
        "/api/v1/lookup/batch",
        content=b'{"values": [1,',
        headers={**headers, "content-type": "application/json"},
    )
    assert broken.status_code == 422
    assert "line 1, column" in broken.json()["error"]["message"]
    typed = client.post("/api/v1/lookup/batch", json={"values": ["a", 7]}, headers=headers)
    assert typed.status_code == 422
    assert "value 2 is int" in typed.json()["error"]["message"]
    shape = client.post("/api/v1/lookup/batch", json={"value": "a"}, headers=headers)
    assert shape.status_code == 422
    # No key and no session: refused (403 without a CSRF token, 401 for a key that is none).
    assert client.post("/api/v1/lookup/batch", json=["a"]).status_code == 403
    forged = bearer("slk_forged_key")
    assert client.post("/api/v1/lookup/batch", json=["a"], headers=forged).status_code == 401


def test_the_batch_body_is_the_one_the_standard_encoder_made(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch is encoded by orjson from leaner bodies (`service.answers_json`): byte for
    byte what JSONResponse made of `answer_json` of each answer, for every kind of answer."""
    add(engine, "clear", (phone(A),))
    add(engine, "amber", (phone(B),), tlp=Tlp.AMBER)
    add(engine, "homoglyph", url_keys("http://аррӏе.com/login"))
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    headers = bearer(add_key(engine, "partner@bank.test", "lookup"))
    values = [
        "010-1111-2222",  # reported, with the facts the partner may see
        "+82 10 3333 4444",  # an AMBER report
        "010-1111-2222",  # a repeat: the same answer
        "https://аррӏе.com/other",  # raised by its reported domain, both forms of it
        "http://例え.テスト/パス?q=値",  # a Unicode domain nobody reported
        "+60362047788",  # warninglisted (safe-listed) phone number
        "https://www.ababank.com/",  # warninglisted link
        "+66 81 234 5678",  # plain phone numbers, three ways of writing
        "081-234-5679",
        "+6681234567",
        "scam@example.com",
        "@scammer",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "",  # invalid values with their reasons, echoed
        "hello",
        "1234",
        'quote " backslash \\ tab \t nul \x00 sep \u2028 😀 \u202e',
        "x" * 3000,  # too long: refused, shown cut with "…"
    ]
    service: LookupService = app.state.lookup
    answered: list[list[Answer]] = []
    lookup_many = service.lookup_many

    def kept(*args: Any, **kwargs: Any) -> list[Answer]:
        answers = lookup_many(*args, **kwargs)
        answered.append(answers)
        return answers

    monkeypatch.setattr(service, "lookup_many", kept)
    response = client_for(app).post(
        "/api/v1/lookup/batch", json={"values": values, "country": "KR"}, headers=headers
    )
    assert response.status_code == 200, response.text
    (answers,) = answered
    before = JSONResponse(
        {"count": len(answers), "seen_as": "member", "answers": [answer_json(a) for a in answers]}
    )
    assert response.content == before.body
    assert response.headers["content-type"] == before.headers["content-type"]
    shown = response.json()["answers"]
    assert {a["verdict"] for a in shown} >= {"reported", "unknown", "safe-listed", "invalid"}
    assert shown[0]["facts"]["reports"] == 1
    assert shown[3]["verdict_from"] == "domain"
    assert shown[5]["warninglist"]
    assert shown[16]["query"] == values[16]
    assert shown[17]["query"].endswith("…")


def test_the_batch_refuses_a_body_that_is_not_unicode_or_nests_too_deep(
    app: FastAPI, engine: Engine
) -> None:
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    headers = {**bearer(add_key(engine, "partner@bank.test", "lookup"))}
    headers["content-type"] = "application/json"
    client = client_for(app)
    # A lone surrogate is valid JSON but not text: refused, not a failure to encode its echo.
    lone = client.post("/api/v1/lookup/batch", content=b'["\\ud800 x"]', headers=headers)
    assert lone.status_code == 422
    assert "surrogate" in lone.json()["error"]["message"]
    deep = client.post("/api/v1/lookup/batch", content=b"[" * 100_000, headers=headers)
    assert deep.status_code == 422
    assert "nests too deep" in deep.json()["error"]["message"]
    # What orjson refuses and this route always read is read as before.
    for body in (b'\xef\xbb\xbf["+66812345678"]', b'{"values": ["+66812345678"], "n": NaN}'):
        taken = client.post("/api/v1/lookup/batch", content=body, headers=headers)
        assert taken.status_code == 200, body
        assert taken.json()["answers"][0]["canonical"] == "+66812345678"
    pair = client.post("/api/v1/lookup/batch", content=b'["\\ud83d\\ude00"]', headers=headers)
    assert pair.json()["answers"][0]["query"] == "😀"  # a surrogate pair is one character


def test_the_batch_is_in_the_query_log(app: FastAPI, engine: Engine) -> None:
    """The batch hands its answers to the query log as they are; the log's writer reads them."""
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    headers = bearer(add_key(engine, "partner@bank.test", "lookup"))
    since = datetime.now(UTC) - timedelta(seconds=1)
    # Numbers no other test asks: an app another test left behind may still flush its log
    # into these tables (one database per test worker).
    values = ["+66 81 777 0001", "081-777-0002", "hello", "+66 81 777 0001"]
    prefixes = [range_prefix("+66817770001"), range_prefix("+66817770002")]
    response = client_for(app).post(
        "/api/v1/lookup/batch", json={"values": values, "country": "TH"}, headers=headers
    )
    assert response.status_code == 200
    app.state.lookup_query_log.flush()
    with engine.connect() as conn:
        rows = conn.execute(
            select(lookup_query_log.c.prefix, lookup_query_log.c.verdict).where(
                lookup_query_log.c.channel == "batch",
                lookup_query_log.c.at >= since,
                lookup_query_log.c.prefix.in_(prefixes),
            )
        ).all()
    # Each answered value (the invalid one has no key to log), its hash prefix only.
    assert sorted(rows) == sorted(
        [(prefixes[0], "unknown"), (prefixes[1], "unknown"), (prefixes[0], "unknown")]
    )


def test_a_signed_in_session_posts_the_batch_with_its_csrf_token(
    app: FastAPI, engine: Engine
) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    body = json.dumps({"values": ["010-1111-2222"], "country": "KR"})
    headers = {"content-type": "application/json"}
    assert client.post("/api/v1/lookup/batch", content=body, headers=headers).status_code == 403
    headers["X-CSRF-Token"] = csrf_from(client)
    response = client.post("/api/v1/lookup/batch", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["answers"][0]["verdict"] == "unknown"


def test_while_the_index_builds_the_store_answers_and_the_status_shows_progress(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(engine, "clear", (phone(A),))
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    add_user(engine, "partner@bank.test", "KNPA", Role.PARTNER)
    key = bearer(add_key(engine, "partner@bank.test", "lookup"))
    live = app.state.lookup.live
    live.build_process = False  # in a thread, so that the held build holds it
    client = client_for(app)
    staff = client_for(app)
    sign_in(staff, "analyst@knpa.test")
    with held_build(monkeypatch) as release:
        assert live.load(background=True).how == "background"
        body = client.get("/api/v1/lookup", params={"q": A}).json()
        assert body["verdict"] == "reported"  # from the store, at once
        status = staff.get("/api/v1/lookup/status").json()
        assert status["state"] == "building"
        assert status["how"] == "build"
        assert client.get("/api/v1/lookup/status").status_code == 401
        batch = client.post("/api/v1/lookup/batch", json={"values": [A, B]}, headers=key).json()
        assert [a["verdict"] for a in batch["answers"]] == ["reported", "unknown"]
        release.set()
        wait_ready(live)
    status = staff.get("/api/v1/lookup/status").json()
    assert status["state"] == "ready"
    assert status["indicators"] >= 1
    assert client.get("/api/v1/lookup", params={"q": A}).json()["verdict"] == "reported"


@pytest.mark.parametrize("serving", [False, True])
def test_the_server_process_freezes_what_start_up_made(
    settings: Settings, engine: Engine, serving: bool
) -> None:
    """`scamlink serve` (serving=True) moves start-up's objects out of the collector's full
    passes; an app that does not own its process (tests, embedding) leaves the collector be."""
    gc.unfreeze()
    try:
        with TestClient(create_app(settings, engine, serving=serving)) as client:
            assert client.get("/api/v1/lookup", params={"q": "+66812345678"}).is_success
            assert (gc.get_freeze_count() > 0) is serving
    finally:
        gc.unfreeze()
