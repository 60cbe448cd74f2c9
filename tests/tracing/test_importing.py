"""Importing transfer files: all or nothing, duplicates merged, the DuckDB path for large plain
CSV files giving the same outcome as the regular path, and every import audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from scamlink.interop.transfers import common
from scamlink.interop.transfers.common import TransferFileError
from scamlink.sharing.audit import Actor
from scamlink.store.schema import audit_log, btc_inputs
from scamlink.store.transfers import SqlTransferSource, count_transfers
from scamlink.tracing.importing import _prepared, import_transfers
from scamlink.tracing.model import Chain

DATA = Path(__file__).parents[1] / "interop" / "transfers" / "data"
VICTIM = "TExiFtF2M1JqHdknDuAXcUyvTZtHBZY6c9"
COLLECTION = "TFn3ZAniEP4ix5fMkWtRz8YzvDZ514pi1k"
BAD_TRON = "TD9ViTm3T121f951BKK8MFNMNXpqVR4wsj"
HEADER = "chain,tx_hash,index,timestamp,from,to,token,amount\n"


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return count_transfers(conn)


def test_import_then_reimport_stores_nothing_twice(engine: Engine) -> None:
    first = import_transfers(engine, DATA / "tron_grid.json", Chain.TRON)
    assert (first.stored, first.duplicates, first.skipped, first.rejected) == (5, 0, 1, [])
    again = import_transfers(engine, DATA / "tron_grid.json", Chain.TRON)
    assert (again.stored, again.duplicates) == (0, 5)
    overlap = import_transfers(engine, DATA / "tronscan.csv", Chain.TRON)
    assert (overlap.stored, overlap.duplicates) == (0, 3)  # the same transfers, other export
    assert _count(engine) == 5


def test_a_file_with_bad_rows_stores_nothing(engine: Engine) -> None:
    summary = import_transfers(engine, DATA / "tron_grid_bad.json", Chain.TRON)
    assert summary.stored == 0
    assert summary.rejected_rows == 4
    assert summary.as_dict()["nothing_stored_because_of_problems"] is True
    assert _count(engine) == 0  # the two good records were not stored either


def test_refused_files_raise_and_store_nothing(engine: Engine) -> None:
    with pytest.raises(TransferFileError, match="truncated JSON"):
        import_transfers(engine, DATA / "tron_grid_truncated.json", Chain.TRON)
    with pytest.raises(TransferFileError, match="known formats"):
        import_transfers(engine, DATA / "unknown.csv", Chain.TRON)
    assert _count(engine) == 0


def test_esplora_inputs_are_stored(engine: Engine) -> None:
    summary = import_transfers(engine, DATA / "esplora_txs.json", Chain.BTC)
    assert summary.stored == 5
    with engine.connect() as conn:
        assert len(conn.execute(select(btc_inputs)).all()) == 3
    first = import_transfers(engine, DATA / "esplora_tx.json", Chain.BTC)
    assert (first.stored, first.duplicates) == (0, 2)
    source = SqlTransferSource(engine)
    spent_by = source.spender(Chain.BTC, first_tx(), 0)
    assert spent_by is not None
    assert len(spent_by.outputs) == 3


def first_tx() -> str:
    return str(json.loads((DATA / "esplora_tx.json").read_text())["txid"])


def test_imports_are_audited_with_the_file_hash(engine: Engine) -> None:
    actor = Actor("user:7", 7, "KNPA")
    summary = import_transfers(
        engine, DATA / "plain.csv", Chain.TRON, actor=actor, filename="x.csv"
    )
    import_transfers(engine, DATA / "tron_grid_bad.json", Chain.TRON, actor=actor)
    with pytest.raises(TransferFileError):
        import_transfers(engine, DATA / "unknown.csv", Chain.TRON, actor=actor)
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.target, audit_log.c.details).order_by(
                audit_log.c.seq
            )
        ).all()
    entries = [(r.action, r.target) for r in rows if r.action.startswith("transfers.")]
    assert entries == [
        ("transfers.import", "x.csv"),
        ("transfers.import.refused", "tron_grid_bad.json"),
        ("transfers.import.refused", "unknown.csv"),
    ]
    details = next(r.details for r in rows if r.action == "transfers.import")
    details = json.loads(details) if isinstance(details, str) else details
    assert details["sha256"] == summary.file_sha256
    assert details["stored"] == 4


# --- the bulk (DuckDB) path gives the same outcome -------------------------------------------


def test_bulk_path_matches_the_regular_path(engine: Engine) -> None:
    bulk = import_transfers(engine, DATA / "plain.csv", Chain.TRON, bulk_bytes=0)
    assert bulk.bulk
    assert (bulk.stored, bulk.duplicates, bulk.rows) == (4, 0, 4)
    source = SqlTransferSource(engine)
    stored_bulk = [t for t in source.outgoing(Chain.TRON, COLLECTION, "USDT", _t0(), None)]
    regular = import_transfers(engine, DATA / "plain.csv", Chain.TRON, bulk_bytes=1 << 40)
    assert not regular.bulk
    assert (regular.stored, regular.duplicates) == (0, 4)
    from scamlink.interop.transfers.detect import parse_file

    parsed = [t for t in parse_file(DATA / "plain.csv", Chain.TRON).transfers]
    usdt_out = [t for t in parsed if t.from_address == COLLECTION and t.token == "USDT"]
    assert stored_bulk == usdt_out
    assert source.transaction(Chain.TRON, parsed[3].tx_hash) == [parsed[3]]  # +09:00 → UTC


def _t0() -> datetime:
    return datetime(2020, 1, 1, tzinfo=UTC)


def test_bulk_path_merges_repeats_within_the_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "repeats.csv"
    row = f"tron,{'c' * 64},0,1714550400,{VICTIM},{COLLECTION},USDT,10.50\n"
    other = f"TRON,{'C' * 64},1,2024-05-01T08:00:00Z,{VICTIM},{COLLECTION},USDT,3\n"
    path.write_text(HEADER + row + other + row)
    summary = import_transfers(engine, path, Chain.TRON, bulk_bytes=0)
    assert (summary.stored, summary.duplicates) == (2, 1)
    got = SqlTransferSource(engine).transaction(Chain.TRON, "c" * 64)
    assert [(t.index, str(t.amount)) for t in got] == [(0, "10.5"), (1, "3")]


def test_bulk_path_names_bad_rows_and_stores_nothing(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    good = f"tron,{'d' * 64},0,1714550400,{VICTIM},{COLLECTION},USDT,1\n"
    path.write_text(
        HEADER
        + good
        + f"tron,{'e' * 64},0,1714550400,{VICTIM},{COLLECTION},USDT,-4\n"
        + f"tron,{'f' * 64},0,1714550400,{BAD_TRON},{COLLECTION},USDT,1\n"
        + f"tron,{'0' * 64},0,yesterday,{VICTIM},{COLLECTION},USDT,1\n"
        + f"eth,{'1' * 64},0,1714550400,{VICTIM},{COLLECTION},USDT,1\n"
    )
    bulk = import_transfers(engine, path, Chain.TRON, bulk_bytes=0)
    regular = import_transfers(engine, path, Chain.TRON, bulk_bytes=1 << 40)
    assert bulk.stored == regular.stored == 0
    assert _count(engine) == 0
    expected = [(3, "amount"), (4, "from"), (5, "timestamp"), (6, "chain")]
    assert [(p.line, p.field) for p in bulk.rejected] == expected
    assert [(p.line, p.field) for p in regular.rejected] == expected
    assert "bad checksum" in bulk.rejected[1].reason
    assert "negative amount -4" in bulk.rejected[0].reason


def test_bulk_path_keeps_fractions_of_a_second_in_utc(engine: Engine, tmp_path: Path) -> None:
    """Microseconds and the zone's offset come through the DuckDB path as the regular path has
    them; on SQLite as exactly the text SQLAlchemy writes (`SQLITE_TS_FORMAT`, no zone)."""
    path = tmp_path / "fractions.csv"
    path.write_text(
        HEADER
        + f"tron,{'a' * 64},0,2024-05-01T08:00:00.5+02:00,{VICTIM},{COLLECTION},USDT,1\n"
        + f"tron,{'b' * 64},0,1714550400,{VICTIM},{COLLECTION},USDT,2\n"
        + f"tron,{'c' * 64},0,2024-05-01T23:59:59.000001Z,{VICTIM},{COLLECTION},USDT,3\n"
    )
    summary = import_transfers(engine, path, Chain.TRON, bulk_bytes=0)
    assert summary.bulk
    assert summary.stored == 3
    got = SqlTransferSource(engine).outgoing(Chain.TRON, VICTIM, "USDT", _t0(), None)
    assert [t.timestamp for t in got] == [
        datetime(2024, 5, 1, 6, 0, 0, 500_000, tzinfo=UTC),
        datetime(2024, 5, 1, 8, 0, tzinfo=UTC),
        datetime(2024, 5, 1, 23, 59, 59, 1, tzinfo=UTC),
    ]
    if engine.dialect.name == "sqlite":  # the text exactly as SQLAlchemy writes it
        with engine.connect() as conn:
            texts = conn.exec_driver_sql("SELECT ts FROM transfers ORDER BY ts").scalars().all()
        assert texts == [
            "2024-05-01 06:00:00.500000",
            "2024-05-01 08:00:00.000000",
            "2024-05-01 23:59:59.000001",
        ]


def test_prepared_batches_close_the_reader_when_the_load_stops() -> None:
    """The batches are prepared for the store on the reading thread; a load that stops early (a
    failed write) closes the reader too, so DuckDB's connection does not outlive the import."""
    closed: list[str] = []

    def reader() -> Iterator[int]:
        try:
            yield from range(10)
        finally:
            closed.append("reader")

    batches = reader()
    prepared = _prepared(batches, lambda n: n * 10)
    assert [next(prepared), next(prepared)] == [0, 10]
    prepared.close()
    assert closed == ["reader"]
    failing = _prepared(reader(), lambda n: 1 // (n - 1))  # fails on the second batch
    assert next(failing) == -1
    with pytest.raises(ZeroDivisionError):
        next(failing)
    assert closed == ["reader", "reader"]


def test_bulk_path_refuses_a_broken_csv(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(HEADER + f'tron,"{"a" * 64},0,1714550400\n')
    with pytest.raises(TransferFileError):
        import_transfers(engine, path, Chain.TRON, bulk_bytes=0)
    assert _count(engine) == 0


def test_json_transfers_are_stored_in_chunks_as_they_are_read(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "SINK_ROWS", 2)
    chunks: list[int] = []
    summary = import_transfers(engine, DATA / "tron_grid.json", Chain.TRON, progress=chunks.append)
    assert (summary.stored, summary.duplicates, summary.skipped) == (5, 0, 1)
    assert chunks == [2, 2, 1]  # two handed over while reading, the last one after
    assert _count(engine) == 5


def test_a_problem_after_stored_chunks_rolls_them_back(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "SINK_ROWS", 1)
    document = json.loads((DATA / "tron_grid.json").read_text())
    document["data"][-1]["value"] = "-1"
    path = tmp_path / "late_problem.json"
    path.write_text(json.dumps(document))
    chunks: list[int] = []
    summary = import_transfers(engine, path, Chain.TRON, progress=chunks.append)
    assert chunks  # some transfers had reached the store's transaction …
    assert summary.stored == 0
    assert [p.record for p in summary.rejected] == [len(document["data"])]
    assert _count(engine) == 0  # … and were rolled back
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(json.loads((DATA / "tron_grid.json").read_text()))[:-40])
    with pytest.raises(TransferFileError, match="truncated JSON"):
        import_transfers(engine, cut, Chain.TRON)
    assert _count(engine) == 0
