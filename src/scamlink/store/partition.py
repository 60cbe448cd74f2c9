"""The store's partition of reports into campaigns, streamed for measuring and comparing it.

`report_partition`: every report once, named the way the import and the synthetic world name
it (agency, external id), with the id of the campaign it belongs to now, or None when linking
has not put it in one. `campaign_sightings`: the indicators of chosen campaigns' reports (what
joined them). `lone_reports`: the reports linked to no other, with how many of their
indicators could have linked them.

The batch rebuild's reading and writing (`scamlink link rebuild`): `ColumnReader`, a second,
read-only connection (ADBC on PostgreSQL; on SQLite, `sqlite_columns.SqliteColumns`) that hands
the reports, sightings, campaigns and figures held out as arrays or Arrow batches;
`warninglist_candidates` and `indicator_types`, the few indicators whose values or types the
rebuild needs; `put_figures` and `drop_figures`, the figures that changed.

Operators' tooling: nothing here applies the sharing policy, so no page or API may call it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine, case, func, or_, select

from scamlink.store.schema import (
    agencies,
    indicator_stats,
    indicators,
    report_campaigns,
    reports,
    sightings,
)
from scamlink.store.sqlite_columns import (
    TEXT_SEPARATOR,
    SqliteColumns,
    parsed,
    parsed_times,
    split,
)

# Rows fetched per round trip (a server-side cursor on PostgreSQL): memory stays flat.
CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Placement:
    agency: str
    external_id: str
    campaign_id: int | None


@dataclass(frozen=True, slots=True)
class CampaignSighting:
    campaign_id: int
    agency: str
    external_id: str
    type: str
    value: str
    # Whether the indicator links reports (neither a hub nor on a warninglist) by the figures
    # linking keeps; None when linking has no figures for it.
    links: bool | None


def report_partition(conn: Connection) -> Iterator[Placement]:
    """Every report with its campaign (None when unlinked), in storing order."""
    query = (
        select(reports.c.agency, reports.c.external_id, report_campaigns.c.campaign_id)
        .select_from(reports.outerjoin(report_campaigns))
        .order_by(reports.c.id)
    )
    for row in conn.execution_options(yield_per=CHUNK).execute(query):
        yield Placement(row.agency, row.external_id, row.campaign_id)


def campaign_sightings(
    conn: Connection, campaign_ids: Collection[int]
) -> Iterator[CampaignSighting]:
    """The indicators seen in the reports of the given campaigns: what links them."""
    if not campaign_ids:
        return
    query = (
        select(
            report_campaigns.c.campaign_id,
            reports.c.agency,
            reports.c.external_id,
            indicators.c.type,
            indicators.c.value,
            indicator_stats.c.is_hub,
            indicator_stats.c.warninglist,
            indicator_stats.c.indicator_id.label("has_stats"),
        )
        .select_from(
            report_campaigns.join(reports, reports.c.id == report_campaigns.c.report_id)
            .join(sightings, sightings.c.report_id == reports.c.id)
            .join(indicators, indicators.c.id == sightings.c.indicator_id)
            .outerjoin(indicator_stats, indicator_stats.c.indicator_id == indicators.c.id)
        )
        .where(report_campaigns.c.campaign_id.in_(sorted(campaign_ids)))
        .order_by(report_campaigns.c.campaign_id, reports.c.id, indicators.c.id)
    )
    for row in conn.execution_options(yield_per=CHUNK).execute(query):
        links = None
        if row.has_stats is not None:
            links = not row.is_hub and row.warninglist is None
        yield CampaignSighting(
            row.campaign_id, row.agency, row.external_id, row.type, row.value, links
        )


@dataclass(frozen=True, slots=True)
class LoneReport:
    """A report linked to no other: in no campaign, or alone in its own."""

    agency: str
    external_id: str
    indicators: int  # the indicators it was stored with
    linking: int  # of them, those linking counts (no figures yet counts as linking)


def lone_reports(conn: Connection) -> Iterator[LoneReport]:
    """Every report that shares its campaign with no other report, with how many of its
    indicators could have linked it: why it stands alone."""
    sizes = (
        select(report_campaigns.c.campaign_id, func.count().label("size"))
        .group_by(report_campaigns.c.campaign_id)
        .subquery()
    )
    not_linking = case(
        (or_(indicator_stats.c.is_hub.is_(True), indicator_stats.c.warninglist.is_not(None)), 0),
        else_=1,
    )
    query = (
        select(
            reports.c.agency,
            reports.c.external_id,
            func.count(sightings.c.indicator_id).label("indicators"),
            func.coalesce(
                func.sum(case((sightings.c.indicator_id.is_(None), 0), else_=not_linking)), 0
            ).label("linking"),
        )
        .select_from(
            reports.outerjoin(report_campaigns)
            .outerjoin(sizes, sizes.c.campaign_id == report_campaigns.c.campaign_id)
            .outerjoin(sightings, sightings.c.report_id == reports.c.id)
            .outerjoin(indicator_stats, indicator_stats.c.indicator_id == sightings.c.indicator_id)
        )
        .where(or_(sizes.c.size.is_(None), sizes.c.size == 1))
        .group_by(reports.c.id, reports.c.agency, reports.c.external_id)
        .order_by(reports.c.id)
    )
    for row in conn.execution_options(yield_per=CHUNK).execute(query):
        yield LoneReport(row.agency, row.external_id, int(row.indicators), int(row.linking))


# --- the batch rebuild: reading the graph in columns, writing back what changed -------------

Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class StoredFigures:
    """Indicators' figures to write, column by column, ascending ids."""

    ids: Ints
    report_counts: Ints
    agencies: list[str]
    first_seen: Ints  # microseconds since 1970, UTC
    last_seen: Ints
    hubs: NDArray[np.bool_]
    warninglists: list[str | None]


def _held_sql() -> str:
    # Timestamps as stored (text on SQLite, timestamptz on PostgreSQL): the engine reads both.
    return (
        "SELECT indicator_id AS id, report_count AS n, agencies, first_seen, last_seen, "
        "CASE WHEN is_hub THEN 1 ELSE 0 END AS hub, coalesce(warninglist, '') AS listed "
        "FROM indicator_stats"
    )


HELD_COLUMNS = ("id", "n", "agencies", "first_seen", "last_seen", "hub", "listed")


def held_figures(conn: Connection) -> Iterator[dict[str, list[Any]]]:
    """The figures the store holds, in chunks of columns (id, n, agencies, first_seen and
    last_seen as stored, hub 0/1, warninglist name or ''), through the caller's connection:
    the path for a store `ColumnReader` cannot open."""
    postgres = conn.dialect.name == "postgresql"
    driver: Any = conn.connection.driver_connection
    # PostgreSQL: a server-side cursor, so memory stays flat.
    cursor = driver.cursor(name="scamlink_link_held") if postgres else driver.cursor()
    try:
        cursor.execute(_held_sql())
        while rows := cursor.fetchmany(200_000):
            yield dict(zip(HELD_COLUMNS, (list(c) for c in zip(*rows, strict=True)), strict=True))
    finally:
        cursor.close()


def indicator_types(conn: Connection, ids: Ints) -> list[str]:
    """The type of each of these indicators (ascending ids, all stored), in their order."""
    if not len(ids):
        return []
    postgres = conn.dialect.name == "postgresql"
    found: dict[int, str] = {}
    step = 50_000
    for start in range(0, len(ids), step):
        part = [int(i) for i in ids[start : start + step]]
        if postgres:
            sql = "SELECT id, type FROM indicators WHERE id = ANY(%s::bigint[])"
            params: tuple[Any, ...] = (part,)
        else:
            sql = "SELECT id, type FROM indicators WHERE id IN (SELECT value FROM json_each(?))"
            params = (json.dumps(part),)
        driver: Any = conn.connection.driver_connection
        cursor = driver.cursor()
        try:
            cursor.execute(sql, params)
            found.update(cursor.fetchall())
        finally:
            cursor.close()
    return [found[int(i)] for i in ids]


def warninglist_candidates(
    conn: Connection,
    exact: Collection[tuple[str, str]],
    domain_types: Collection[str],
    url_types: Collection[str],
) -> Iterator[tuple[int, str, str]]:
    """(id, type, value) of every indicator a warninglist could hold: those whose (type, value)
    is one of `exact`, every indicator of `domain_types`, and each one of `url_types` whose
    address has no path beyond '/' and no query (the caller decides). The exact pairs are
    probed on the (type, value) index; nothing else is read."""
    postgres = conn.dialect.name == "postgresql"
    driver: Any = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        pairs = sorted(exact)
        if postgres:
            cursor.execute(
                "SELECT i.id, i.type, i.value FROM indicators i JOIN "
                "unnest(%s::text[], %s::text[]) AS w(type, value) "
                "ON i.type = w.type AND i.value = w.value",
                ([t for t, _ in pairs], [v for _, v in pairs]),
            )
        else:
            cursor.execute(
                "SELECT i.id, i.type, i.value FROM json_each(?) w CROSS JOIN indicators i "
                "ON i.type = json_extract(w.value, '$[0]') "
                "AND i.value = json_extract(w.value, '$[1]')",
                (json.dumps(pairs),),
            )
        yield from cursor.fetchall()
        for kind in sorted(domain_types):
            param = "%s" if postgres else "?"
            cursor.execute(f"SELECT id, type, value FROM indicators WHERE type = {param}", (kind,))  # noqa: S608 (constant)
            while got := cursor.fetchmany(CHUNK):
                yield from got
        for kind in sorted(url_types):
            if postgres:
                rest = "substr(value, strpos(value, '://') + 3)"
                sql = (
                    f"SELECT id, type, value FROM indicators WHERE type = %s AND "  # noqa: S608
                    f"(strpos(value, '://') = 0 OR (strpos({rest}, '?') = 0 AND "
                    f"strpos({rest}, '/') IN (0, length({rest}))))"
                )
            else:
                rest = "substr(value, instr(value, '://') + 3)"
                sql = (
                    f"SELECT id, type, value FROM indicators WHERE type = ? AND "  # noqa: S608
                    f"(instr(value, '://') = 0 OR (instr({rest}, '?') = 0 AND "
                    f"instr({rest}, '/') IN (0, length({rest}))))"
                )
            cursor.execute(sql, (kind,))
            while got := cursor.fetchmany(CHUNK):
                yield from got
    finally:
        cursor.close()


def agency_codes(conn: Connection) -> list[str]:
    """Every agency code a report can name."""
    return [
        str(c) for c in conn.execute(select(agencies.c.code).order_by(agencies.c.code)).scalars()
    ]


class ColumnReader:
    """A second, read-only connection to the store that reads whole tables as Arrow batches.

    On PostgreSQL through ADBC (the driver builds the columns in C, no Python object per row).
    On SQLite through Python's own `sqlite3`: an ADBC SQLite driver would load a second SQLite
    library into the process, and two SQLite libraries in one process share its POSIX locks
    without knowing it — closing one connection drops the other's locks, which leaves stale
    reads and "disk I/O error" behind and can corrupt a WAL database
    (https://www.sqlite.org/howtocorrupt.html, section 2.2.1). The graph's integer columns
    come through `SqliteColumns` (text aggregates parsed by NumPy, two connections at once).

    It sees what is committed, so the caller's transaction must have written nothing the
    reads need; the rebuild holds the linking lock meanwhile, so nothing else changes either.
    """

    def __init__(self, adbc: Any = None, columns: SqliteColumns | None = None) -> None:
        self._db = adbc  # PostgreSQL's ADBC connection
        self.postgres = adbc is not None
        self._columns = columns  # SQLite's connections

    @classmethod
    def open(cls, engine: Engine) -> ColumnReader | None:
        """A reader for this store, or None when it cannot have one (an in-memory SQLite, no
        ADBC driver installed, a server the driver cannot reach): the caller then reads
        through its own connection, row by row."""
        url = engine.url
        postgres = url.get_backend_name() == "postgresql"
        database = url.database
        if not postgres:
            if not database or database == ":memory:" or database.startswith("file:"):
                return None
            uri = f"{Path(database).resolve().as_uri()}?mode=ro"
            return cls(columns=SqliteColumns(uri))
        try:
            import adbc_driver_postgresql.dbapi as adbc_pg
            from adbc_driver_manager import dbapi

            plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
            return cls(adbc=adbc_pg.connect(plain))
        except ImportError:
            return None
        except dbapi.Error:
            return None

    def close(self) -> None:
        if self._columns is not None:
            self._columns.close()
        if self._db is not None:
            self._db.close()

    def __enter__(self) -> ColumnReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _batches(self, sql: str) -> Iterator[Any]:
        """PostgreSQL: the rows of `sql` as Arrow record batches built by the driver."""
        cursor = self._db.cursor()
        try:
            cursor.adbc_statement.set_options(
                **{"adbc.postgresql.batch_size_hint_bytes": str(16 << 20)}
            )
            cursor.execute(sql)
            reader = cursor.fetch_record_batch()
            for batch in reader:
                if batch.num_rows:
                    yield batch
        finally:
            cursor.close()

    def reports(self) -> Iterator[tuple[Ints, Any, Ints]]:
        """(ids, agency codes as a dictionary-encoded Arrow array, received_at in microseconds)
        per batch, in no particular order of ids."""
        if self._columns is not None:
            yield from _sqlite_reports(self._columns)
            return
        # PostgreSQL's timestamptz as whole microseconds since 1970, computed there.
        sql = (
            "SELECT id, agency, CAST(EXTRACT(EPOCH FROM received_at) * 1000000 AS BIGINT) "
            "FROM reports"
        )
        for batch in self._batches(sql):
            yield (
                _ints(batch.column(0)),
                batch.column(1).dictionary_encode(),
                _ints(batch.column(2)),
            )

    def sightings(self) -> Iterator[tuple[Ints, Ints]]:
        """(report ids, indicator ids) per batch."""
        if self._columns is not None:
            yield from self._columns.key_ranges("sightings", "report_id", "indicator_id")
            return
        for batch in self._batches("SELECT report_id, indicator_id FROM sightings"):
            yield _ints(batch.column(0)), _ints(batch.column(1))

    def report_campaigns(self) -> Iterator[tuple[Ints, Ints]]:
        """(report ids, campaign ids) of the reports that have a campaign, per batch."""
        if self._columns is not None:
            yield from self._columns.key_ranges("report_campaigns", "report_id", "campaign_id")
            return
        for batch in self._batches("SELECT report_id, campaign_id FROM report_campaigns"):
            yield _ints(batch.column(0)), _ints(batch.column(1))

    def held_figures(self) -> Iterator[Any]:
        """The figures the store holds, as Arrow batches (columns as `held_figures`; on
        SQLite the times as Arrow timestamps, -1 µs for text that does not read)."""
        if self._columns is not None:
            yield from _sqlite_held(self._columns)
            return
        yield from self._batches(_held_sql())


def _ints(column: Any) -> Ints:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)


def _sqlite_held(columns: SqliteColumns) -> Iterator[Any]:
    import pyarrow as pa

    # The separator is written into the statement: char(31) would be called once a row.
    sql = (
        "SELECT count(*), group_concat(indicator_id), group_concat(report_count), "  # noqa: S608
        f"group_concat(agencies, '{TEXT_SEPARATOR}'), group_concat(first_seen), "
        "group_concat(last_seen), group_concat(CASE WHEN is_hub THEN 1 ELSE 0 END), "
        f"group_concat(coalesce(warninglist, ''), '{TEXT_SEPARATOR}') "
        "FROM indicator_stats WHERE indicator_id >= ? AND indicator_id < ?"
    )
    bounds = columns.key_bounds("indicator_stats", "indicator_id")
    for rows, ids, counts, codes, firsts, lasts, hubs, listed in columns.ranges(sql, bounds):
        yield pa.record_batch(
            [
                pa.array(parsed(ids, rows)),
                pa.array(parsed(counts, rows)),
                split(codes, rows),
                # A time that does not read compares as changed: the rebuild writes it again.
                pa.array(parsed_times(firsts, rows, unreadable=-1).view("datetime64[us]")),
                pa.array(parsed_times(lasts, rows, unreadable=-1).view("datetime64[us]")),
                pa.array(parsed(hubs, rows)),
                split(listed, rows),
            ],
            names=list(HELD_COLUMNS),
        )


def _sqlite_reports(columns: SqliteColumns) -> Iterator[tuple[Ints, Any, Ints]]:
    import pyarrow as pa

    # One agency at a time, on the index that holds agency, received_at and id (a search of
    # the index, not a scan of the reports' narratives).
    sql = (
        "SELECT count(*), group_concat(id), group_concat(received_at) FROM reports WHERE agency = ?"
    )
    agencies = columns.distinct("reports", "agency")
    for agency, (rows, ids, stamps) in zip(
        agencies, columns.rows((sql, (agency,)) for agency in agencies), strict=True
    ):
        codes = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(rows, dtype=np.int32)), pa.array([agency], type=pa.string())
        )
        yield parsed(ids, rows), codes, parsed_times(stamps, rows)


_PUT_COLUMNS = (
    "indicator_id, report_count, agency_count, agencies, first_seen, last_seen, is_hub, warninglist"
)


def _stamps(microseconds: Ints, suffix: str) -> list[str]:
    # "YYYY-MM-DD HH:MM:SS.ffffff", the text SQLAlchemy writes for a DateTime on SQLite.
    stamps = (np.datetime64(0, "us") + microseconds.astype("timedelta64[us]")).astype(str)
    return [f"{stamp[:10]} {stamp[11:]}{suffix}" for stamp in stamps.tolist()]


def put_figures(conn: Connection, figures: StoredFigures) -> None:
    """Write these indicators' figures, replacing any the store holds for them."""
    if not len(figures.ids):
        return
    postgres = conn.dialect.name == "postgresql"
    suffix = "+00" if postgres else ""
    rows = zip(
        figures.ids.tolist(),
        figures.report_counts.tolist(),
        [len(codes.split()) for codes in figures.agencies],
        figures.agencies,
        _stamps(figures.first_seen, suffix),
        _stamps(figures.last_seen, suffix),
        figures.hubs.tolist(),
        figures.warninglists,
        strict=True,
    )
    updates = ", ".join(f"{name} = excluded.{name}" for name in _PUT_COLUMNS.split(", ")[1:])
    driver: Any = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        if postgres:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS link_figures "
                "(LIKE indicator_stats INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            with cursor.copy(f"COPY link_figures ({_PUT_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO indicator_stats ({_PUT_COLUMNS}) "  # noqa: S608 (constant)
                f"SELECT {_PUT_COLUMNS} FROM link_figures "
                f"ON CONFLICT (indicator_id) DO UPDATE SET {updates}"
            )
            cursor.execute("TRUNCATE link_figures")
        else:
            cursor.executemany(
                f"INSERT INTO indicator_stats ({_PUT_COLUMNS}) "  # noqa: S608 (constant)
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                f"ON CONFLICT (indicator_id) DO UPDATE SET {updates}",
                rows,
            )
    finally:
        cursor.close()


def drop_figures(conn: Connection, ids: Ints) -> None:
    """Forget the figures of these indicators (named by no report any more)."""
    postgres = conn.dialect.name == "postgresql"
    driver: Any = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        for start in range(0, len(ids), 50_000):
            part = [int(i) for i in ids[start : start + 50_000]]
            if postgres:
                cursor.execute(
                    "DELETE FROM indicator_stats WHERE indicator_id = ANY(%s::bigint[])", (part,)
                )
            else:
                cursor.execute(
                    "DELETE FROM indicator_stats WHERE indicator_id IN "
                    "(SELECT value FROM json_each(?))",
                    (json.dumps(part),),
                )
    finally:
        cursor.close()
