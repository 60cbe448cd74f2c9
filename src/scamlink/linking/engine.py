"""Batch engines: the whole graph in, the connected components and indicator figures out.

`LinkEngine` is the small interface a batch engine implements, so that a distributed engine
can take over the batch path later; `DuckDBEngine` is the one on a single machine. An engine
reads a `GraphSource` (the graph in chunks of arrays) and applies a `LinkPolicy`.

`DuckDBEngine` appends the chunks into DuckDB tables (DuckDB spills to a temporary folder past
its memory limit), computes every indicator's figures there with one GROUP BY, applies the hub
rule over the figures as arrays, turns each specific indicator's sightings into a star of
edges (every report to the smallest report naming the indicator: one edge per sighting) and
takes the connected components with SciPy's sparse graph routine.

What grows with size: DuckDB's tables (about 16 bytes a sighting, 18 a report, 12 an
indicator; spilled to disk past `memory_limit`), and, in memory, the edge arrays and the sparse
matrix (about 40 bytes per sighting of a specific indicator) and the labels (12 bytes a report).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray

from scamlink.linking.rules import WEAK_TYPES, LinkPolicy

if TYPE_CHECKING:
    import duckdb

Ints = NDArray[np.int64]
# A phase of long work: its name and total; returns how to report progress in it.
Phase = Callable[[str, int | None], Callable[[int], None]]


def no_progress(_label: str, _total: int | None) -> Callable[[int], None]:
    return lambda _n: None


@dataclass(frozen=True, slots=True)
class ReportChunk:
    ids: Ints
    agencies: Ints  # index into GraphSource.agency_codes
    received_microseconds: Ints  # since 1970, UTC


@dataclass(frozen=True, slots=True)
class SightingChunk:
    report_ids: Ints
    indicator_ids: Ints


@dataclass(frozen=True, slots=True)
class IndicatorChunk:
    ids: Ints
    types: Ints  # index into GraphSource.type_names
    warninglists: Ints  # index into GraphSource.warninglist_names; 0 = on no warninglist


class GraphSource(Protocol):
    """The bipartite graph of reports and indicators, streamed in chunks."""

    agency_codes: list[str]
    type_names: list[str]
    warninglist_names: list[str | None]  # entry 0 is None: on no list
    totals: tuple[int, int, int]  # reports, sightings, indicators

    def reports(self) -> Iterator[ReportChunk]: ...
    def sightings(self) -> Iterator[SightingChunk]: ...
    def indicators(self) -> Iterator[IndicatorChunk]: ...


@dataclass(frozen=True, slots=True)
class FigureChunk:
    """Indicators' figures as the batch engine computed them."""

    ids: Ints
    types: Ints  # index into GraphSource.type_names
    report_counts: Ints
    agencies: list[str]  # space-separated sorted codes
    first_seen: Ints  # microseconds since 1970, UTC
    last_seen: Ints
    hubs: NDArray[np.bool_]
    warninglists: Ints  # index into GraphSource.warninglist_names


class LinkResult(Protocol):
    """The engine's answer; closing it frees what the engine held (tables, spill files)."""

    report_ids: Ints  # ascending
    labels: Ints  # component of each report: reports with equal labels are one campaign

    def figures(self) -> Iterator[FigureChunk]: ...
    def __enter__(self) -> LinkResult: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class LinkEngine(Protocol):
    def components(
        self, source: GraphSource, policy: LinkPolicy, phase: Phase = no_progress
    ) -> LinkResult: ...


def _append(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, Any]) -> None:
    con.register("chunk", columns)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM chunk")  # noqa: S608 (our table names)
    finally:
        con.unregister("chunk")


class DuckDBEngine:
    """The single-machine batch engine (DuckDB, SciPy); see the module docstring."""

    def __init__(self, memory_limit: str = "4GB", threads: int | None = None) -> None:
        self.memory_limit = memory_limit
        self.threads = threads

    def components(
        self, source: GraphSource, policy: LinkPolicy, phase: Phase = no_progress
    ) -> DuckDBResult:
        import duckdb  # heavy, and only the batch path needs it

        stack = ExitStack()
        spill = stack.enter_context(tempfile.TemporaryDirectory(prefix="scamlink-link-"))
        config: dict[str, Any] = {"memory_limit": self.memory_limit, "temp_directory": spill}
        if self.threads:
            config["threads"] = self.threads
        con = duckdb.connect(":memory:", config=config)
        stack.callback(con.close)
        try:
            _load(con, source, phase)
            report_ids, labels = _components(con, source, policy, phase)
        except BaseException:
            stack.close()
            raise
        return DuckDBResult(con, stack, source, report_ids, labels)


def _load(con: duckdb.DuckDBPyConnection, source: GraphSource, phase: Phase) -> None:
    reports_total, sightings_total, indicators_total = source.totals
    con.execute("CREATE TABLE r (id BIGINT, agency INTEGER, received BIGINT)")
    con.execute("CREATE TABLE s (report_id BIGINT, indicator_id BIGINT)")
    con.execute("CREATE TABLE i (id BIGINT, type INTEGER, listed INTEGER)")
    advance = phase("reading reports", reports_total)
    for r in source.reports():
        _append(con, "r", {"id": r.ids, "agency": r.agencies, "received": r.received_microseconds})
        advance(len(r.ids))
    advance = phase("reading sightings", sightings_total)
    for s in source.sightings():
        _append(con, "s", {"report_id": s.report_ids, "indicator_id": s.indicator_ids})
        advance(len(s.report_ids))
    advance = phase("reading indicators", indicators_total)
    for i in source.indicators():
        _append(con, "i", {"id": i.ids, "type": i.types, "listed": i.warninglists})
        advance(len(i.ids))
    codes = source.agency_codes
    con.execute("CREATE TABLE a (idx INTEGER, code VARCHAR)")
    if codes:
        con.executemany("INSERT INTO a VALUES (?, ?)", list(enumerate(codes)))


def _components(
    con: duckdb.DuckDBPyConnection, source: GraphSource, policy: LinkPolicy, phase: Phase
) -> tuple[Ints, Ints]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    advance = phase("figures and hubs", None)
    con.execute(
        "CREATE TABLE f AS SELECT s.indicator_id AS id, count(*) AS n, "
        "count(DISTINCT r.agency) AS agencies, "
        "min(r.received) AS first_seen, max(r.received) AS last_seen "
        "FROM s JOIN r ON r.id = s.report_id GROUP BY s.indicator_id"
    )
    got = con.execute(
        "SELECT f.id, f.n, f.agencies, f.last_seen - f.first_seen AS span, i.type, i.listed "
        "FROM f JOIN i ON i.id = f.id ORDER BY f.id"
    ).fetchnumpy()
    ids = np.asarray(got["id"], dtype=np.int64)
    counts = np.asarray(got["n"], dtype=np.int64)
    agencies = np.asarray(got["agencies"], dtype=np.int64)
    spans = np.asarray(got["span"], dtype=np.int64)
    types = np.asarray(got["type"], dtype=np.int64)
    hubs = np.zeros(len(ids), dtype=np.bool_)
    for index, name in enumerate(source.type_names):
        of_type = types == index
        thresholds = policy.weak if name in WEAK_TYPES else policy.strong
        hubs[of_type] = thresholds.hub_mask(counts[of_type], agencies[of_type], spans[of_type])
    specific = ~hubs & (np.asarray(got["listed"], dtype=np.int64) == 0)
    con.execute("CREATE TABLE h (id BIGINT, hub BOOLEAN)")
    _append(con, "h", {"id": ids, "hub": hubs})
    linking = ids[specific]
    con.execute("CREATE TABLE linking (id BIGINT)")
    _append(con, "linking", {"id": linking})
    advance(1)

    advance = phase("connected components", None)
    # Reports numbered 0..n-1 in id order: the matrix's rows, and the labels' order.
    con.execute("CREATE TABLE rn AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM r")
    report_ids = np.asarray(
        con.execute("SELECT id FROM rn ORDER BY n").fetchnumpy()["id"], dtype=np.int64
    )
    # A star per specific indicator: each report naming it, to the smallest report naming it.
    edges = con.execute(
        "WITH e AS (SELECT s.report_id AS a, "
        "min(s.report_id) OVER (PARTITION BY s.indicator_id) AS b "
        "FROM s SEMI JOIN linking l ON l.id = s.indicator_id) "
        "SELECT ra.n AS a, rb.n AS b FROM e JOIN rn ra ON ra.id = e.a JOIN rn rb ON rb.id = e.b"
    ).fetchnumpy()
    a = np.asarray(edges["a"], dtype=np.int32)
    b = np.asarray(edges["b"], dtype=np.int32)
    del edges
    n = len(report_ids)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    del a, b
    _, labels = connected_components(graph, directed=True, connection="weak")
    advance(1)
    return report_ids, np.asarray(labels, dtype=np.int64)


class DuckDBResult:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        stack: ExitStack,
        source: GraphSource,
        report_ids: Ints,
        labels: Ints,
    ) -> None:
        self._con = con
        self._stack = stack
        self.report_ids = report_ids
        self.labels = labels
        self._source = source

    def figures(self, chunk: int = 200_000) -> Iterator[FigureChunk]:
        # Column arrays in one fetch (about 60 bytes an indicator), handed out in slices.
        got = self._con.execute(
            "SELECT f.id, i.type, f.n, g.codes, f.first_seen, f.last_seen, h.hub, i.listed "
            "FROM f JOIN h ON h.id = f.id JOIN i ON i.id = f.id "
            "JOIN (SELECT s.indicator_id AS id, string_agg(DISTINCT a.code, ' ' ORDER BY a.code)"
            " AS codes FROM s JOIN r ON r.id = s.report_id JOIN a ON a.idx = r.agency"
            " GROUP BY s.indicator_id) g ON g.id = f.id ORDER BY f.id"
        ).fetchnumpy()
        ids = np.asarray(got["id"], dtype=np.int64)
        types = np.asarray(got["type"], dtype=np.int64)
        counts = np.asarray(got["n"], dtype=np.int64)
        codes = np.asarray(got["codes"], dtype=object)
        first = np.asarray(got["first_seen"], dtype=np.int64)
        last = np.asarray(got["last_seen"], dtype=np.int64)
        hubs = np.asarray(got["hub"], dtype=np.bool_)
        listed = np.asarray(got["listed"], dtype=np.int64)
        del got
        for start in range(0, len(ids), chunk):
            part = slice(start, start + chunk)
            yield FigureChunk(
                ids=ids[part],
                types=types[part],
                report_counts=counts[part],
                agencies=[str(c) for c in codes[part].tolist()],
                first_seen=first[part],
                last_seen=last[part],
                hubs=hubs[part],
                warninglists=listed[part],
            )

    def __enter__(self) -> DuckDBResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()
