"""The web app signs audit checkpoints by itself, and a failure never takes it down."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.audit import Actor, Signed, record
from scamlink.store.audit import checkpoints
from scamlink.web import checkpointing
from scamlink.web.app import create_app


def _checkpoint_seqs(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [c.seq for c in checkpoints(conn)]


def _wait_for(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.02)
    raise AssertionError("the condition never held")


def test_the_app_signs_checkpoints_while_it_serves(settings: Settings, engine: Engine) -> None:
    with engine.begin() as conn:
        record(conn, Actor("cli:test"), "test.action")
    fast = replace(settings, audit_checkpoint_minutes=0.05 / 60)  # every 50 ms
    with TestClient(create_app(fast, engine, secure_cookies=False)) as client:
        _wait_for(lambda: _checkpoint_seqs(engine) == [1])
        time.sleep(0.2)  # rounds with nothing new sign nothing
        assert _checkpoint_seqs(engine) == [1]
        with engine.begin() as conn:
            record(conn, Actor("cli:test"), "test.action")
        _wait_for(lambda: _checkpoint_seqs(engine) == [1, 2])
        assert client.get("/healthz").status_code == 200
    after = _checkpoint_seqs(engine)
    time.sleep(0.2)  # stopped with the app
    assert _checkpoint_seqs(engine) == after


def test_without_lifespan_nothing_is_signed(settings: Settings, engine: Engine) -> None:
    client = TestClient(create_app(settings, engine, secure_cookies=False))
    assert client.get("/healthz").status_code == 200
    assert _checkpoint_seqs(engine) == []


def test_a_failing_round_is_logged_and_the_next_one_runs(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def sign(settings: Settings, engine: Engine) -> Signed:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database is away")
        return checkpointing.sign_once(settings, engine)

    async def run() -> None:
        task = asyncio.create_task(
            checkpointing.sign_periodically(settings, engine, 0.02, sign=sign)
        )
        while len(calls) < 2 or not _checkpoint_seqs(engine):
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(asyncio.wait_for(run(), timeout=5))
    assert "could not sign an audit checkpoint" in caplog.text
    assert _checkpoint_seqs(engine) == [0]


def test_a_broken_chain_is_logged_not_signed(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import update

    from scamlink.store.schema import audit_log

    with engine.begin() as conn:
        record(conn, Actor("cli:test"), "test.action")
        conn.execute(update(audit_log).values(target="edited"))
    signed = checkpointing.sign_once(settings, engine)
    assert not signed.signed
    assert "audit chain BROKEN at entry 1" in caplog.text
    assert _checkpoint_seqs(engine) == []
