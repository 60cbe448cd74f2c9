"""Campaign rows: the persisted union-find, its redirects and the per-indicator figures.

Writers (`linking/incremental.py`, `linking/rebuild.py`) call these inside their transaction;
every statement works on a whole batch (lists of ids, executemany), never one row per trip.

Read functions for pages and commands (`resolve_campaign`, `campaign_of_report`,
`campaign_report_ids`, `indicator_stats_of`, `campaign_sizes`) return raw rows: they apply
no sharing policy, so a page must filter the reports it shows through `store/visibility.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, delete, func, select

from scamlink.linking.stats import IndicatorStats, agencies_from_text, agencies_text
from scamlink.store.schema import (
    campaign_redirects,
    campaigns,
    indicator_stats,
    indicators,
    report_campaigns,
    reports,
    sightings,
)

# Ids per IN list: well below SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
_CHUNK = 5_000
# Redirect chains are kept flat (one hop); the bound only guards against a corrupt cycle.
_MAX_HOPS = 64

T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _now() -> datetime:
    return datetime.now(UTC)


# PostgreSQL advisory lock key of linking ("SCAMLINK" as digits), held to the transaction's end.
_LINKING_LOCK = 0x5343414D4C494E4B


def lock_linking(conn: Connection) -> None:
    """Make linkers take turns: two batches linking at once would each miss the other's
    campaigns and count. SQLite has one writer at a time already; PostgreSQL takes a
    transaction-scoped advisory lock (released at commit or rollback)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%(key)s)", {"key": _LINKING_LOCK})


def _micros(conn: Connection, column: str) -> str:
    """SQL for a DateTime column as whole microseconds since 1970 (UTC)."""
    if conn.dialect.name == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)"
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds, then the digits after '.'.
    return (
        f"(CAST(strftime('%s', {column}) AS INTEGER) * 1000000"
        f" + CAST(substr({column}, 21, 6) AS INTEGER))"
    )


def _among(conn: Connection, column: str) -> str:
    """SQL saying `column` is one of the ids passed as the single parameter (`_ids`): one
    bound value however many ids, so no statement is compiled per list length."""
    if conn.dialect.name == "postgresql":
        # Typed: a list of small ints is smallint[]; binary (`%b`): not quoted one by one.
        return f"{column} = ANY(%b::bigint[])"
    return f"{column} IN (SELECT value FROM json_each(?))"  # noqa: S608 (our column names)


def _ids(conn: Connection, ids: Iterable[int]) -> Any:
    listed = [int(i) for i in ids]
    return listed if conn.dialect.name == "postgresql" else json.dumps(listed)


def _fetch(conn: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    driver: Any = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _many(conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """One statement (written with `?` marks) over many rows, straight through the driver."""
    if not rows:
        return
    driver: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
    cursor = driver.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _timestamp(conn: Connection, microseconds: int) -> Any:
    return _stamp(conn, _EPOCH + timedelta(microseconds=microseconds))


def _stamp(conn: Connection, moment: datetime) -> Any:
    if conn.dialect.name == "postgresql":
        return moment
    return moment.isoformat(" ", "microseconds")[:26]  # the text SQLAlchemy writes on SQLite


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _timestamp_writer(conn: Connection) -> Callable[[int], Any]:
    """`_timestamp` for many values: the dialect asked once."""
    if conn.dialect.name == "postgresql":
        return lambda microseconds: _EPOCH + timedelta(microseconds=microseconds)
    return lambda microseconds: (_EPOCH + timedelta(microseconds=microseconds)).isoformat(
        " ", "microseconds"
    )[:26]


def sightings_of_reports(conn: Connection, report_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(report_id, indicator_id) of every sighting of these reports."""
    sql = f"SELECT report_id, indicator_id FROM sightings WHERE {_among(conn, 'report_id')}"  # noqa: S608 (constant)
    return _fetch(conn, sql, [_ids(conn, report_ids)])


def report_origins(conn: Connection, report_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
    """Each report's agency and time received (microseconds since 1970, UTC)."""
    sql = (
        f"SELECT id, agency, {_micros(conn, 'received_at')} FROM reports "  # noqa: S608 (constant)
        f"WHERE {_among(conn, 'id')}"
    )
    return {rid: (agency, at) for rid, agency, at in _fetch(conn, sql, [_ids(conn, report_ids)])}


def indicator_values(conn: Connection, indicator_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Each indicator's type and canonical value."""
    sql = f"SELECT id, type, value FROM indicators WHERE {_among(conn, 'id')}"  # noqa: S608 (constant)
    return {i: (kind, value) for i, kind, value in _fetch(conn, sql, [_ids(conn, indicator_ids)])}


def indicator_stats_of(conn: Connection, indicator_ids: Sequence[int]) -> dict[int, IndicatorStats]:
    """The figures of these indicators (those never seen have no row)."""
    sql = (
        "SELECT st.indicator_id, i.type, st.report_count, st.agencies, "  # noqa: S608 (constant)
        f"{_micros(conn, 'st.first_seen')}, {_micros(conn, 'st.last_seen')}, st.is_hub, "
        "st.warninglist FROM indicator_stats st JOIN indicators i ON i.id = st.indicator_id "
        f"WHERE {_among(conn, 'st.indicator_id')}"
    )
    return {
        row[0]: IndicatorStats(
            indicator_id=row[0],
            indicator_type=row[1],
            report_count=row[2],
            agencies=agencies_from_text(row[3]),
            first_seen=row[4],
            last_seen=row[5],
            is_hub=bool(row[6]),
            warninglist=row[7],
        )
        for row in _fetch(conn, sql, [_ids(conn, indicator_ids)])
    }


def save_indicator_stats(conn: Connection, stats: Sequence[IndicatorStats]) -> None:
    """Insert or replace these indicators' figures."""
    if not stats:
        return
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    sql = (
        f"INSERT INTO indicator_stats ({_FIGURE_COLUMNS}) "  # noqa: S608 (constant)
        f"VALUES ({', '.join([mark] * 8)}) "
        "ON CONFLICT (indicator_id) DO UPDATE SET report_count = excluded.report_count, "
        "agency_count = excluded.agency_count, agencies = excluded.agencies, "
        "first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
        "is_hub = excluded.is_hub, warninglist = excluded.warninglist"
    )
    write = _timestamp_writer(conn)
    # Each time written once per call: a batch's indicators share their reports' times.
    stamps: dict[int, Any] = {}
    for s in stats:
        for moment in (s.first_seen, s.last_seen):
            if moment not in stamps:
                stamps[moment] = write(moment)
    rows = [
        (
            s.indicator_id,
            s.report_count,
            len(s.agencies),
            agencies_text(s.agencies),
            stamps[s.first_seen],
            stamps[s.last_seen],
            s.is_hub,
            s.warninglist,
        )
        for s in stats
    ]
    if conn.dialect.name == "postgresql":
        # One statement over arrays, not one round of the pipeline per row.
        # In binary (`%b`): a text array is written element by element through regexes.
        arrays = "%b::bigint[], %b::int[], %b::int[], %b::text[], %b::timestamptz[], "
        arrays += "%b::timestamptz[], %b::boolean[], %b::text[]"
        sql = sql.replace(f"VALUES ({', '.join([mark] * 8)})", f"SELECT * FROM unnest({arrays})")  # noqa: S608 (constant)
        _fetch_none(conn, sql, [list(column) for column in zip(*rows, strict=True)])
        return
    _many(conn, sql, rows)


def _fetch_none(conn: Connection, sql: str, params: Sequence[Any]) -> None:
    driver: Any = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        cursor.execute(sql, tuple(params))
    finally:
        cursor.close()


_FIGURE_COLUMNS = (
    "indicator_id, report_count, agency_count, agencies, first_seen, last_seen, is_hub, warninglist"
)


@dataclass(frozen=True, slots=True)
class FigureColumns:
    """Many indicators' figures, column by column (the batch rebuild's form)."""

    ids: NDArray[np.int64]
    report_counts: NDArray[np.int64]
    agencies: list[str]  # space-separated sorted codes
    first_seen: NDArray[np.int64]  # microseconds since 1970, UTC
    last_seen: NDArray[np.int64]
    hubs: NDArray[np.bool_]
    warninglists: list[str | None]


def _timestamps(microseconds: NDArray[np.int64], suffix: str) -> list[str]:
    # "YYYY-MM-DD HH:MM:SS.ffffff", the text SQLAlchemy writes for a DateTime on SQLite.
    stamps = (np.datetime64(0, "us") + microseconds.astype("timedelta64[us]")).astype(str)
    return [f"{stamp[:10]} {stamp[11:]}{suffix}" for stamp in stamps.tolist()]


def replace_all_indicator_stats(conn: Connection, chunks: Iterable[FigureColumns]) -> None:
    """Drop every indicator's figures and write these instead (the batch rebuild)."""
    conn.execute(delete(indicator_stats))
    driver: Any = conn.connection.driver_connection
    postgres = conn.dialect.name == "postgresql"
    suffix = "+00" if postgres else ""
    cursor = driver.cursor()
    try:
        for chunk in chunks:
            rows = zip(
                chunk.ids.tolist(),
                chunk.report_counts.tolist(),
                [len(codes.split()) for codes in chunk.agencies],
                chunk.agencies,
                _timestamps(chunk.first_seen, suffix),
                _timestamps(chunk.last_seen, suffix),
                chunk.hubs.tolist(),
                chunk.warninglists,
                strict=True,
            )
            if postgres:
                copy_sql = f"COPY indicator_stats ({_FIGURE_COLUMNS}) FROM STDIN"
                with cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO indicator_stats ({_FIGURE_COLUMNS}) "  # noqa: S608 (constant)
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
    finally:
        cursor.close()


def campaign_of_indicators(conn: Connection, indicator_ids: Sequence[int]) -> dict[int, int]:
    """For each indicator, the campaign of one report naming it that already has a campaign.

    Every report naming a specific indicator is in the same campaign (the partition is the
    connected components), so one index probe per indicator is enough, however many reports
    name it.
    """
    if not indicator_ids:
        return {}
    sql = (
        "SELECT st.indicator_id, (SELECT rc.campaign_id FROM sightings s "  # noqa: S608 (constant)
        "JOIN report_campaigns rc ON rc.report_id = s.report_id "
        "WHERE s.indicator_id = st.indicator_id LIMIT 1) FROM indicator_stats st "
        f"WHERE {_among(conn, 'st.indicator_id')}"
    )
    found = _fetch(conn, sql, [_ids(conn, indicator_ids)])
    return {i: c for i, c in found if c is not None}


def campaign_sizes(conn: Connection, campaign_ids: Sequence[int]) -> dict[int, int]:
    """Report counts of these campaigns."""
    if not campaign_ids:
        return {}
    sql = f"SELECT id, report_count FROM campaigns WHERE {_among(conn, 'id')}"  # noqa: S608 (constant)
    return {c: n for c, n in _fetch(conn, sql, [_ids(conn, campaign_ids)])}


def create_campaigns(conn: Connection, sizes: Sequence[int]) -> list[int]:
    """New campaigns with these report counts; their ids in the same order."""
    ids = reserve_campaign_ids(conn, len(sizes))
    insert_campaigns(conn, dict(zip(ids, sizes, strict=True)))
    return ids


def assign_reports(conn: Connection, campaign_by_report: Mapping[int, int]) -> None:
    """Put reports that have no campaign yet into these campaigns."""
    if conn.dialect.name == "postgresql" and campaign_by_report:
        _fetch_none(
            conn,
            "INSERT INTO report_campaigns (report_id, campaign_id) "
            "SELECT * FROM unnest(%b::bigint[], %b::bigint[])",
            [list(campaign_by_report), list(campaign_by_report.values())],
        )
        return
    _many(
        conn,
        "INSERT INTO report_campaigns (report_id, campaign_id) VALUES (?, ?)",
        list(campaign_by_report.items()),
    )


def set_campaign_sizes(conn: Connection, sizes: Mapping[int, int]) -> None:
    now = _stamp(conn, _now())
    _many(
        conn,
        "UPDATE campaigns SET report_count = ?, updated_at = ? WHERE id = ?",
        [(n, now, c) for c, n in sizes.items()],
    )


def absorb_campaigns(conn: Connection, survivor_of: Mapping[int, int]) -> None:
    """Merge each campaign (key) into its survivor (value): its reports move, its id redirects.

    Redirects stay flat: a redirect that pointed at an absorbed id now points at its survivor.
    """
    if not survivor_of:
        return
    moves = [(new, old) for old, new in survivor_of.items()]
    _many(conn, "UPDATE report_campaigns SET campaign_id = ? WHERE campaign_id = ?", moves)
    _many(conn, "UPDATE campaign_redirects SET new_id = ? WHERE new_id = ?", moves)
    now = _stamp(conn, _now())
    _many(
        conn,
        "INSERT INTO campaign_redirects (old_id, new_id, at) VALUES (?, ?, ?)",
        [(old, new, now) for old, new in survivor_of.items()],
    )
    _many(conn, "DELETE FROM campaigns WHERE id = ?", [(old,) for old in survivor_of])


def move_reports(conn: Connection, campaign_by_report: Mapping[int, int]) -> None:
    """Re-point reports that have a campaign to another one (a split)."""
    _many(
        conn,
        "UPDATE report_campaigns SET campaign_id = ? WHERE report_id = ?",
        [(c, r) for r, c in campaign_by_report.items()],
    )


def campaign_report_ids(conn: Connection, campaign_id: int) -> list[int]:
    """The ids of a campaign's reports, ascending (no sharing policy applied)."""
    query = (
        select(report_campaigns.c.report_id)
        .where(report_campaigns.c.campaign_id == campaign_id)
        .order_by(report_campaigns.c.report_id)
    )
    return list(conn.execute(query).scalars())


def specific_links_of_campaign(conn: Connection, campaign_id: int) -> list[tuple[int, int]]:
    """(report, indicator) pairs of a campaign's reports whose indicator links reports."""
    query = (
        select(sightings.c.report_id, sightings.c.indicator_id)
        .join(report_campaigns, report_campaigns.c.report_id == sightings.c.report_id)
        .join(indicator_stats, indicator_stats.c.indicator_id == sightings.c.indicator_id)
        .where(
            report_campaigns.c.campaign_id == campaign_id,
            indicator_stats.c.warninglist.is_(None),
            indicator_stats.c.is_hub.is_(False),
        )
    )
    return [(row.report_id, row.indicator_id) for row in conn.execute(query)]


def resolve_campaign(conn: Connection, campaign_id: int) -> int | None:
    """The live campaign an id stands for now (following redirects); None if it never existed."""
    current = campaign_id
    for _ in range(_MAX_HOPS):
        if conn.execute(select(campaigns.c.id).where(campaigns.c.id == current)).first():
            return current
        new_id = conn.execute(
            select(campaign_redirects.c.new_id).where(campaign_redirects.c.old_id == current)
        ).scalar()
        if new_id is None:
            return None
        current = new_id
    raise RuntimeError(f"campaign redirects from {campaign_id} do not end")


def campaign_of_report(conn: Connection, report_id: int) -> int | None:
    return conn.execute(
        select(report_campaigns.c.campaign_id).where(report_campaigns.c.report_id == report_id)
    ).scalar()


def campaign_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(campaigns)).scalar_one())


# --- the batch rebuild: streaming the graph out, writing the partition back ----------------

# SQLite page cache of a rebuild's connection (KiB): a ceiling, used only as pages are touched.
REBUILD_CACHE_KIB = 1_048_576

# Rows per fetch when streaming the whole graph out (a server-side cursor on PostgreSQL).
STREAM_CHUNK = 200_000


def _stream(conn: Connection, sql: str, chunk: int) -> Iterator[list[tuple[Any, ...]]]:
    driver: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        cursor = driver.cursor(name="scamlink_link_stream")  # server-side: memory stays flat
        cursor.itersize = chunk
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk):
            yield rows
    finally:
        cursor.close()


def lock_for_rebuild(conn: Connection) -> None:
    """Keep other writers of campaigns out until the caller's transaction ends.

    Stored batches link themselves in their own transaction; while a rebuild runs they wait
    (PostgreSQL: the table lock; SQLite: the database's write lock, taken by a write now), so
    the partition written back is the partition of the reports read.
    """
    if conn.dialect.name == "postgresql":
        # Sightings first: a batch writes them before it links, so a rebuild waits for the
        # batches under way to finish whole and the next ones wait at their first sighting,
        # holding nothing the rebuild needs (any other order can deadlock with a batch).
        conn.exec_driver_sql(
            "LOCK TABLE sightings, report_campaigns, campaigns, campaign_redirects, "
            "indicator_stats IN SHARE ROW EXCLUSIVE MODE"
        )
        lock_linking(conn)
    else:
        conn.execute(delete(campaign_redirects).where(campaign_redirects.c.old_id < 0))
        # Millions of rows change in this one transaction: with SQLite's default 2 MB page
        # cache, pages spill to the WAL and are written again and again before the commit.
        conn.exec_driver_sql(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}")


def table_sizes(conn: Connection) -> tuple[int, int, int]:
    """(reports, sightings, indicators): the totals a progress display counts towards."""
    return (
        int(conn.execute(select(func.count()).select_from(reports)).scalar_one()),
        int(conn.execute(select(func.count()).select_from(sightings)).scalar_one()),
        int(conn.execute(select(func.count()).select_from(indicators)).scalar_one()),
    )


def stream_reports(
    conn: Connection, chunk: int = STREAM_CHUNK
) -> Iterator[list[tuple[int, str, int]]]:
    """(id, agency, received_at in microseconds since 1970 UTC) of every report."""
    sql = f"SELECT id, agency, {_micros(conn, 'received_at')} FROM reports"  # noqa: S608 (constant)
    return _stream(conn, sql, chunk)


def stream_sightings(
    conn: Connection, chunk: int = STREAM_CHUNK
) -> Iterator[list[tuple[int, int]]]:
    """(report_id, indicator_id) of every sighting."""
    return _stream(conn, "SELECT report_id, indicator_id FROM sightings", chunk)


def stream_indicators(
    conn: Connection, chunk: int = STREAM_CHUNK
) -> Iterator[list[tuple[int, str, str]]]:
    """(id, type, value) of every indicator."""
    return _stream(conn, "SELECT id, type, value FROM indicators", chunk)


def stream_report_campaigns(
    conn: Connection, chunk: int = STREAM_CHUNK
) -> Iterator[list[tuple[int, int]]]:
    """(report_id, campaign_id) of every report that has a campaign."""
    return _stream(conn, "SELECT report_id, campaign_id FROM report_campaigns", chunk)


def reserve_campaign_ids(conn: Connection, count: int) -> list[int]:
    """Ids for new campaigns, never one a campaign or a redirect ever had.

    PostgreSQL's sequence never hands an id out twice. SQLite would reuse the largest id after
    its row was deleted (a merged-away campaign), and that id lives on in a redirect: ids
    continue after both tables' largest (SQLite has one writer, so no one else takes them).
    """
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        found = conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('campaigns', 'id')) "
            "FROM generate_series(1, %(n)s)",
            {"n": count},
        )
        return [int(row[0]) for row in found]
    top = max(
        conn.execute(select(func.max(campaigns.c.id))).scalar() or 0,
        conn.execute(select(func.max(campaign_redirects.c.old_id))).scalar() or 0,
    )
    return list(range(top + 1, top + 1 + count))


def insert_campaigns(conn: Connection, sizes: Mapping[int, int]) -> None:
    """Campaign rows with these ids (from `reserve_campaign_ids`) and report counts."""
    now = _stamp(conn, _now())
    _many(
        conn,
        "INSERT INTO campaigns (id, report_count, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(c, n, now, now) for c, n in sizes.items()],
    )


def put_reports(conn: Connection, pairs: Iterable[Sequence[tuple[int, int]]]) -> None:
    """Set the campaign of these (report_id, campaign_id) pairs, whether they had one or not."""
    driver: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS link_moves "
                "(report_id BIGINT, campaign_id BIGINT) ON COMMIT DROP"
            )
            with cursor.copy("COPY link_moves (report_id, campaign_id) FROM STDIN") as copy:
                for chunk in pairs:
                    for row in chunk:
                        copy.write_row(row)
            cursor.execute(
                "INSERT INTO report_campaigns (report_id, campaign_id) "
                "SELECT report_id, campaign_id FROM link_moves "
                "ON CONFLICT (report_id) DO UPDATE SET campaign_id = EXCLUDED.campaign_id"
            )
            cursor.execute("TRUNCATE link_moves")  # a later call in this transaction starts empty
        return
    cursor = driver.cursor()
    try:
        for chunk in pairs:
            cursor.executemany(
                "INSERT INTO report_campaigns (report_id, campaign_id) VALUES (?, ?) "
                "ON CONFLICT (report_id) DO UPDATE SET campaign_id = excluded.campaign_id",
                chunk,
            )
    finally:
        cursor.close()
