from __future__ import annotations

from sqlalchemy import Engine, delete

from scamlink.sharing.audit import Actor, record
from scamlink.store.audit import ensure_head, head, iter_entries, latest_entries
from scamlink.store.schema import audit_head


def test_a_migrated_log_starts_at_the_genesis(engine: Engine) -> None:
    with engine.begin() as conn:
        assert head(conn) == 0
        ensure_head(conn)  # idempotent
        assert head(conn) == 0
        conn.execute(delete(audit_head))
        ensure_head(conn)
        assert head(conn) == 0


def test_entries_stream_in_order_across_batches(engine: Engine) -> None:
    with engine.begin() as conn:
        for number in range(7):
            record(conn, Actor("cli:test"), "test", str(number))
    with engine.connect() as conn:
        assert [e.seq for e in iter_entries(conn, batch=3)] == list(range(1, 8))


def test_an_agency_sees_its_actors_and_its_subjects(engine: Engine) -> None:
    with engine.begin() as conn:
        record(conn, Actor("a", 1, "KNPA"), "knpa.acts")
        record(conn, Actor("cli:ops"), "on.knpa", subject_agency="KNPA")
        record(conn, Actor("b", 2, "RTP"), "rtp.acts")
        record(conn, Actor("cli:ops"), "nobody")
    with engine.connect() as conn:
        knpa = [e.action for e in latest_entries(conn, limit=10, agency="KNPA")]
        every = [e.action for e in latest_entries(conn, limit=3)]
    assert knpa == ["on.knpa", "knpa.acts"]
    assert every == ["nobody", "rtp.acts", "on.knpa"]
