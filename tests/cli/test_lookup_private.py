"""`scamlink lookup --private`: only hash prefixes leave; the answer is the public standing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.cli.lookup_private import check_privately, combined, local_fetch
from scamlink.config import Settings
from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_hash, range_prefix
from scamlink.lookup.private import range_answer
from scamlink.lookup.verdict import Standing, Verdict, pack
from scamlink.sharing.tlp import Tlp
from scamlink.store.reports import store_reports
from scamlink.web.app import create_app
from tests.cli.conftest import Invoke
from tests.factories import make_report
from tests.web.live_server import serving

S = Standing
OLD = datetime.now(UTC) - timedelta(days=3)  # past the public embargo


def _index() -> MembershipIndex:
    values = {
        "+821012345678": pack(S.REPORTED, S.REPORTED),
        "kbstar-secure.com": pack(S.SUSPICIOUS, S.SUSPICIOUS),
        "bit.ly": pack(S.SAFE_LISTED, S.SAFE_LISTED),
    }
    return MembershipIndex.build(
        np.array([key_hash(v) for v in values], dtype=np.uint64),
        np.array(list(values.values()), dtype=np.uint8),
    )


def test_only_prefixes_are_asked_for() -> None:
    index = _index()
    asked: list[str] = []

    def fetch(prefix: str) -> bytes:
        asked.append(prefix)
        return range_answer(index, prefix, seed=b"s").body()

    answer = check_privately("010-1234-5678", "KR", fetch)
    assert answer.verdict is Verdict.REPORTED
    assert asked == [range_prefix("+821012345678")] == list(answer.prefixes)
    link = check_privately("hxxps://www.kbstar-secure[.]com/x", None, fetch)
    assert link.verdict is Verdict.SUSPICIOUS  # from its domain
    assert check_privately("https://bit.ly/3xYz", None, fetch).verdict is Verdict.UNKNOWN
    assert check_privately("bit.ly", None, fetch).verdict is Verdict.SAFE_LISTED
    bad = check_privately("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6A", None, fetch)
    assert bad.verdict is Verdict.INVALID
    assert bad.reason
    assert combined([S.SAFE_LISTED, S.REPORTED]) is S.REPORTED
    assert combined([]) is S.UNKNOWN
    assert all(len(p) == 5 for p in asked)


def test_in_process_from_the_store(invoke: Invoke, engine: Engine) -> None:
    with engine.begin() as conn:
        store_reports(
            conn, [make_report("c", tlp=Tlp.CLEAR, phones=("+821012345678",), received_at=OLD)]
        )
    result = invoke(
        "lookup", "--private", "--json", "--country", "KR", "010-1234-5678", "+66812345678"
    )
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["verdict"] for a in answers] == ["reported", "unknown"]
    assert answers[0]["prefixes_sent"] == [range_prefix("+821012345678")]
    assert answers[0]["private"] is True


def test_against_a_server(invoke: Invoke, settings: Settings, engine: Engine) -> None:
    app: FastAPI = create_app(settings, engine, secure_cookies=False)
    app.state.lookup_index = _index()
    with serving(app) as base:
        result = invoke("lookup", "--private", "--server", base, "--json", "+82 10-1234-5678")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verdict"] == "reported"
    result = invoke("lookup", "--server", "http://127.0.0.1:9", "+82 10-1234-5678")
    assert result.exit_code == 2
    assert "cannot reach" in result.stderr
    result = invoke("lookup", "--server", "ftp://x", "+82 10-1234-5678")
    assert result.exit_code == 2


def test_local_fetch_pads() -> None:
    body = local_fetch(MembershipIndex.empty(), "secret")("abcde")
    assert body.count(b":0") == 64


def test_private_with_an_agency_is_refused(invoke: Invoke) -> None:
    result = invoke("lookup", "--private", "--agency", "KNPA", "+66812345678")
    assert result.exit_code == 2
    words = " ".join(w for w in result.output.split() if w != "│")
    assert "public standing only; leave out --agency" in words
