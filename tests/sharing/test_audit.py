"""The audit chain: appends, verification, tampering found at the right entry, concurrency."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, delete, select, update

from scamlink.sharing.audit import (
    GENESIS,
    Actor,
    Event,
    actor_of,
    canonical_json,
    expected_hash,
    record,
    record_many,
    status,
    verify_and_checkpoint,
    verify_entries,
    verify_log,
)
from scamlink.sharing.checkpoints import signing_key
from scamlink.sharing.roles import PUBLIC, Role, Viewer
from scamlink.store.audit import AuditHeadMissing, head, held_head, iter_entries
from scamlink.store.schema import audit_head, audit_log

ADMIN = Actor("admin@knpa.test", 1, "KNPA")


def _append(engine: Engine, how_many: int) -> None:
    with engine.begin() as conn:
        for number in range(how_many):
            record(conn, ADMIN, "test.action", f"thing:{number}", {"n": number})


def _verify(engine: Engine, key: Ed25519PrivateKey) -> tuple[bool, int | None]:
    with engine.connect() as conn:
        verdict = verify_log(conn, key)
    return verdict.intact, verdict.broken_seq


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    return signing_key(tmp_path)


def test_entries_chain_from_the_genesis(engine: Engine, key: Ed25519PrivateKey) -> None:
    _append(engine, 3)
    with engine.connect() as conn:
        entries = list(iter_entries(conn))
        assert head(conn) == 3
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].hash == expected_hash(GENESIS, entries[0])
    assert entries[2].hash == expected_hash(entries[1].hash, entries[2])
    assert entries[1].details == '{"n":1}'
    assert _verify(engine, key) == (True, None)


def test_an_empty_log_is_intact(engine: Engine, key: Ed25519PrivateKey) -> None:
    assert _verify(engine, key) == (True, None)


def test_an_entry_rolled_back_with_its_action_leaves_no_gap(
    engine: Engine, key: Ed25519PrivateKey
) -> None:
    _append(engine, 1)

    def failing_action() -> None:
        with engine.begin() as conn:
            record(conn, ADMIN, "test.action", "lost")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    _append(engine, 1)
    with engine.connect() as conn:
        assert [e.seq for e in iter_entries(conn)] == [1, 2]
    assert _verify(engine, key) == (True, None)


def test_an_edited_entry_is_named(engine: Engine, key: Ed25519PrivateKey) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(target="innocent"))
    assert _verify(engine, key) == (False, 3)


def test_an_edited_timestamp_is_named(engine: Engine, key: Ed25519PrivateKey) -> None:
    _append(engine, 4)
    with engine.begin() as conn:
        at = conn.execute(select(audit_log.c.at).where(audit_log.c.seq == 1)).scalar_one()
        later = conn.execute(select(audit_log.c.at).where(audit_log.c.seq == 4)).scalar_one()
        assert at != later
        conn.execute(
            update(audit_log).where(audit_log.c.seq == 2).values(at=later.replace(year=2020))
        )
    assert _verify(engine, key) == (False, 2)


def test_a_deleted_entry_is_named(engine: Engine, key: Ed25519PrivateKey) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 3))
    intact, broken = _verify(engine, key)
    assert (intact, broken) == (False, 3)


def test_reordered_entries_are_named(engine: Engine, key: Ed25519PrivateKey) -> None:
    _append(engine, 5)
    columns = ["at", "actor", "action", "target", "details", "hash"]
    with engine.begin() as conn:
        rows = {
            r.seq: r._asdict()
            for r in conn.execute(select(audit_log).where(audit_log.c.seq.in_([2, 4])))
        }
        for seq, other in ((2, 4), (4, 2)):
            values = {c: rows[other][c] for c in columns}
            conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(**values))
    assert _verify(engine, key) == (False, 2)


def test_entries_cut_off_the_end_are_found_by_the_head(
    engine: Engine, key: Ed25519PrivateKey
) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq >= 4))
    assert _verify(engine, key) == (False, 4)


def test_a_rewritten_log_is_caught_by_the_signed_checkpoint(
    engine: Engine, key: Ed25519PrivateKey
) -> None:
    """Someone with database access rebuilds a consistent chain (head included)."""
    _append(engine, 4)
    with engine.begin() as conn:
        assert verify_and_checkpoint(conn, key).intact
    with engine.begin() as conn:
        entries = list(iter_entries(conn))
        previous = GENESIS
        for entry in entries:
            target = "rewritten" if entry.seq == 2 else entry.target
            forged = replace(entry, target=target, hash="")
            new_hash = expected_hash(previous, forged)
            conn.execute(
                update(audit_log)
                .where(audit_log.c.seq == entry.seq)
                .values(target=target, hash=new_hash)
            )
            previous = new_hash
    with engine.connect() as conn:
        # Without the checkpoint the forgery would pass; with it, the entry it covers fails.
        assert verify_entries(iter_entries(conn), head=head(conn)).intact
    assert _verify(engine, key) == (False, 4)


def test_a_checkpoint_signed_by_another_key_is_refused(
    engine: Engine, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    _append(engine, 2)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = signing_key(elsewhere)
    with engine.begin() as conn:
        assert verify_and_checkpoint(conn, other).intact
    intact, _ = _verify(engine, key)
    assert not intact


def test_the_status_is_the_last_authentic_checkpoint(
    engine: Engine, key: Ed25519PrivateKey
) -> None:
    with engine.connect() as conn:
        assert status(conn, key).intact_as_of is None
    _append(engine, 3)
    with engine.begin() as conn:
        verify_and_checkpoint(conn, key)
    with engine.connect() as conn:
        found = status(conn, key)
    assert found.seq == 3
    assert found.intact_as_of is not None


def test_concurrent_appends_keep_one_chain(engine: Engine, key: Ed25519PrivateKey) -> None:
    threads_count, each = 4, 25
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)

    def work(worker: int) -> None:
        try:
            start.wait()
            for number in range(each):
                # One transaction (and pooled connection) per append, as requests do.
                with engine.begin() as conn:
                    record(conn, Actor(f"worker:{worker}"), "test.concurrent", str(number))
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with engine.connect() as conn:
        seqs = [e.seq for e in iter_entries(conn)]
    assert seqs == list(range(1, threads_count * each + 1))
    assert _verify(engine, key) == (True, None)


def test_actors_of_viewers() -> None:
    assert actor_of(PUBLIC) == Actor("public")
    viewer = Viewer(agency="RTP", role=Role.ANALYST, user_id=7)
    assert actor_of(viewer) == Actor("user:7", 7, "RTP")


def test_canonical_json_is_stable() -> None:
    assert canonical_json({"b": 1, "a": "한"}) == '{"a":"한","b":1}'


def test_a_missing_head_row_breaks_the_chain(engine: Engine, key: Ed25519PrivateKey) -> None:
    _append(engine, 2)
    with engine.begin() as conn:
        conn.execute(delete(audit_head))
    assert _verify(engine, key) == (False, 3)
    with pytest.raises(AuditHeadMissing), engine.begin() as conn:
        record(conn, ADMIN, "test.action")


def test_appends_in_one_transaction_reuse_the_held_lock(
    engine: Engine, key: Ed25519PrivateKey
) -> None:
    """PostgreSQL keeps the head locked and remembered for the rest of the transaction."""
    with engine.begin() as conn:
        record(conn, ADMIN, "test.action", "first")
        held = held_head(conn)
        if engine.dialect.name == "sqlite":
            assert held is None
        else:
            assert held is not None
            assert held[0] == 1
        record(conn, ADMIN, "test.action", "second")
        record_many(conn, [Event(ADMIN, "test.action", "third"), Event(ADMIN, "test.action")])
    with engine.connect() as conn:
        assert held_head(conn) is None  # the commit ended it
        assert [e.seq for e in iter_entries(conn)] == [1, 2, 3, 4]
    assert _verify(engine, key) == (True, None)


def test_a_rolled_back_savepoint_does_not_fork_the_chain(
    engine: Engine, key: Ed25519PrivateKey
) -> None:
    with engine.begin() as conn:
        record(conn, ADMIN, "test.action", "kept")
        savepoint = conn.begin_nested()
        record(conn, ADMIN, "test.action", "undone")
        record(conn, ADMIN, "test.action", "undone too")
        savepoint.rollback()
        record(conn, ADMIN, "test.action", "after")
        with conn.begin_nested():
            record(conn, ADMIN, "test.action", "in a released savepoint")
        record(conn, ADMIN, "test.action", "last")
    with engine.connect() as conn:
        targets = [e.target for e in iter_entries(conn)]
    assert targets == ["kept", "after", "in a released savepoint", "last"]
    assert _verify(engine, key) == (True, None)


def test_a_stale_held_head_is_never_chained_to(engine: Engine, key: Ed25519PrivateKey) -> None:
    """A remembered head from an ended transaction is ignored, even if the events that clear
    it did not run."""
    with engine.begin() as conn:
        record(conn, ADMIN, "test.action", "one")
        stale = dict(conn.info)
    _append(engine, 2)
    with engine.begin() as conn:
        conn.info.update(stale)
        record(conn, ADMIN, "test.action", "after")
    with engine.connect() as conn:
        assert [e.seq for e in iter_entries(conn)] == [1, 2, 3, 4]
    assert _verify(engine, key) == (True, None)
