"""Batch engines: the whole graph in, the connected components and indicator figures out.

`LinkEngine` is the small interface a batch engine implements, so that a distributed engine
can take over the batch path later; `DuckDBEngine` is the one on a single machine. An engine
reads a `GraphSource` (the graph in chunks of arrays) and applies a `LinkPolicy`.

`DuckDBEngine` appends the chunks into DuckDB tables (DuckDB spills to a temporary folder past
its memory limit) and computes every indicator's figures there with one GROUP BY (an
indicator's agencies as one 64-bit mask while there are at most `MASK_AGENCIES` of them,
else joined as text). Only the indicators with enough reports to be hubs are asked their type;
the hub rule runs over their figures as arrays. The specific sightings of indicators named by
two or more reports are the edges of the report–indicator graph itself, whose connected
components SciPy takes (ids number the nodes directly when they are dense). Finally the new
figures are compared in DuckDB with those the store holds (`GraphSource.held_figures`): the
result hands out only the figures that changed and the ids of those to remove.

What grows with size: DuckDB's tables (about 16 bytes a sighting, 20 a report, 60 a held
figure; spilled to disk past `memory_limit`), and, in memory, the edge arrays and the sparse
matrix (about 30 bytes per sighting of a specific indicator), the labels (16 bytes a report)
and one chunk of changed figures at a time.
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
class Listed:
    """Indicators on a warninglist."""

    ids: Ints
    warninglists: Ints  # index into GraphSource.warninglist_names (never 0)


class GraphSource(Protocol):
    """The bipartite graph of reports and indicators, streamed in chunks.

    Only what the engine cannot compute is asked per indicator: the types of the few that
    have enough reports to be hubs, and which ones are on a warninglist.
    """

    agency_codes: list[str]
    type_names: list[str]
    warninglist_names: list[str | None]  # entry 0 is None: on no list
    totals: tuple[int, int, int]  # reports, sightings, indicators

    def reports(self) -> Iterator[ReportChunk]: ...
    def sightings(self) -> Iterator[SightingChunk]: ...
    def indicator_types(self, ids: Ints) -> Ints:
        """Index into `type_names` of each of these indicators (ascending ids)."""
        ...

    def warninglisted(self) -> Listed: ...
    def held_figures(self) -> Iterator[Any]:
        """The figures the store holds now, as Arrow record batches (or tables) with the
        columns id, n (reports), agencies (space-separated sorted codes), first_seen and
        last_seen (Arrow timestamps, or text "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC), hub (0 or
        1), listed (warninglist name, '' for none)."""
        ...


@dataclass(frozen=True, slots=True)
class FigureChunk:
    """Indicators' figures as the batch engine computed them, ascending ids."""

    ids: Ints
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

    def figures(self) -> Iterator[FigureChunk]:
        """The figures that differ from `GraphSource.held_figures` (or are new there)."""
        ...

    def removed_figures(self) -> Ints:
        """Ids of held figures whose indicator no report names any more."""
        ...

    def counts(self) -> tuple[int, int]:
        """(hubs, warninglisted indicators) among the indicators some report names."""
        ...

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


# Up to this many agencies, an indicator's agencies are one 64-bit mask (bit = agency index).
MASK_AGENCIES = 62


class DuckDBEngine:
    """The single-machine batch engine (DuckDB, SciPy); see the module docstring."""

    def __init__(
        self,
        memory_limit: str = "4GB",
        threads: int | None = None,
        mask_agencies: int = MASK_AGENCIES,
    ) -> None:
        self.memory_limit = memory_limit
        self.threads = threads
        self.mask_agencies = mask_agencies

    def components(
        self, source: GraphSource, policy: LinkPolicy, phase: Phase = no_progress
    ) -> DuckDBResult:
        # Heavy modules only the batch path needs, all loaded here, before the first phase:
        # the phases time the work on the graph, not the loading of code (≈ 0.4 s).
        import duckdb
        import pyarrow.compute  # noqa: F401 (the store's column readers use Arrow)
        import scipy.sparse.csgraph  # noqa: F401 (the components)

        stack = ExitStack()
        spill = stack.enter_context(tempfile.TemporaryDirectory(prefix="scamlink-link-"))
        config: dict[str, Any] = {"memory_limit": self.memory_limit, "temp_directory": spill}
        if self.threads:
            config["threads"] = self.threads
        con = duckdb.connect(":memory:", config=config)
        stack.callback(con.close)
        try:
            _load(con, source, phase)
            masked = len(source.agency_codes) <= self.mask_agencies
            report_ids, labels = _components(con, source, policy, phase, masked)
        except BaseException:
            stack.close()
            raise
        return DuckDBResult(con, stack, source, report_ids, labels, masked)


def _load(con: duckdb.DuckDBPyConnection, source: GraphSource, phase: Phase) -> None:
    reports_total, sightings_total, _ = source.totals
    con.execute("CREATE TABLE r (id BIGINT, agency INTEGER, received BIGINT)")
    con.execute("CREATE TABLE s (report_id BIGINT, indicator_id BIGINT)")
    advance = phase("reading reports", reports_total)
    for r in source.reports():
        _append(con, "r", {"id": r.ids, "agency": r.agencies, "received": r.received_microseconds})
        advance(len(r.ids))
    advance = phase("reading sightings", sightings_total)
    for s in source.sightings():
        _append(con, "s", {"report_id": s.report_ids, "indicator_id": s.indicator_ids})
        advance(len(s.report_ids))


def _components(
    con: duckdb.DuckDBPyConnection,
    source: GraphSource,
    policy: LinkPolicy,
    phase: Phase,
    masked: bool,
) -> tuple[Ints, Ints]:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    advance = phase("figures and hubs", None)
    agencies = (
        "bit_or(CAST(1 AS BIGINT) << r.agency) AS mask"
        if masked
        else "count(DISTINCT r.agency) AS agencies"
    )
    con.execute(
        "CREATE TABLE f AS SELECT s.indicator_id AS id, count(*) AS n, "  # noqa: S608 (constant)
        f"{agencies}, min(r.received) AS first_seen, max(r.received) AS last_seen "
        "FROM s JOIN r ON r.id = s.report_id GROUP BY s.indicator_id"
    )
    agency_count = "bit_count(mask)" if masked else "agencies"
    # Only an indicator with this many reports can be a hub, whatever its type.
    floor = min(
        t.reports if t.reports < t.max_reports else t.max_reports
        for t in (policy.strong, policy.weak)
    )
    got = con.execute(
        f"SELECT id, n, {agency_count} AS agencies, last_seen - first_seen AS span "  # noqa: S608
        "FROM f WHERE n >= ? ORDER BY id",
        [floor],
    ).fetchnumpy()
    ids = np.asarray(got["id"], dtype=np.int64)
    counts = np.asarray(got["n"], dtype=np.int64)
    agency_counts = np.asarray(got["agencies"], dtype=np.int64)
    spans = np.asarray(got["span"], dtype=np.int64)
    types = source.indicator_types(ids)
    hubs = np.zeros(len(ids), dtype=np.bool_)
    for index, name in enumerate(source.type_names):
        of_type = types == index
        thresholds = policy.weak if name in WEAK_TYPES else policy.strong
        hubs[of_type] = thresholds.hub_mask(counts[of_type], agency_counts[of_type], spans[of_type])
    listed = source.warninglisted()
    con.execute("CREATE TABLE h (id BIGINT)")
    _append(con, "h", {"id": ids[hubs]})
    con.execute("CREATE TABLE l (id BIGINT, listed INTEGER)")
    _append(con, "l", {"id": listed.ids, "listed": listed.warninglists})
    advance(1)

    advance = phase("connected components", None)
    report_ids = np.asarray(
        con.execute("SELECT id FROM r ORDER BY id").fetchnumpy()["id"], dtype=np.int64
    )
    # The bipartite graph itself: each sighting of a specific indicator named by two or more
    # reports is an edge between its report and its indicator.
    edges = con.execute(
        "SELECT s.report_id, s.indicator_id FROM s SEMI JOIN "
        "(SELECT id FROM f WHERE n >= 2 AND id NOT IN (SELECT id FROM h) "
        "AND id NOT IN (SELECT id FROM l)) k ON k.id = s.indicator_id"
    ).fetchnumpy()
    reports_of = np.asarray(edges["report_id"], dtype=np.int64)
    indicators_of = np.asarray(edges["indicator_id"], dtype=np.int64)
    del edges
    # Nodes: reports, then indicators. Ids are dense in a store, so they serve as node numbers
    # themselves (unused ids are isolated nodes, which cost next to nothing); sparse ids are
    # renumbered first.
    n = len(report_ids)
    top = int(report_ids[-1]) + 1 if n else 0
    if top <= 4 * n + 1_000_000:
        rows, first = reports_of, top
    else:
        rows, first = np.searchsorted(report_ids, reports_of), n
    del reports_of
    widest = int(indicators_of.max()) + 1 if len(indicators_of) else 0
    if widest <= 4 * len(indicators_of) + 1_000_000:
        columns = indicators_of + first
        size = first + widest
    else:
        linking, inverse = np.unique(indicators_of, return_inverse=True)
        columns = inverse + first
        size = first + len(linking)
    del indicators_of
    graph = csr_matrix(
        (np.ones(len(rows), dtype=np.int8), (rows.astype(np.int32), columns.astype(np.int32))),
        shape=(size, size),
    )
    del rows, columns
    _, labels = connected_components(graph, directed=True, connection="weak")
    advance(1)
    if first == n:  # every node numbered from a report's component first: dense already
        return report_ids, np.asarray(labels[:n], dtype=np.int64)
    # Unused ids were components of their own: number the reports' components 0, 1, ... in
    # the order of their labels (a count, not a sort).
    held = labels[report_ids]
    used = np.zeros(int(held.max()) + 1 if len(held) else 0, dtype=np.int64)
    used[held] = 1
    return report_ids, (np.cumsum(used) - 1)[held]


def _agency_text(codes: list[str]) -> Callable[[int], str]:
    """Mask → space-separated sorted codes, remembered (few distinct masks)."""
    known: dict[int, str] = {}

    def text(mask: int) -> str:
        found = known.get(mask)
        if found is None:
            found = " ".join(sorted(c for i, c in enumerate(codes) if mask >> i & 1))
            known[mask] = found
        return found

    return text


def _epoch_us(batch: Any, column: str) -> str:
    """SQL for a held timestamp column as microseconds since 1970: text as SQLite stores it
    (UTC, no offset) or an Arrow timestamp. Text that does not read compares as changed."""
    if "string" in str(batch.schema.field(column).type):
        return f"coalesce(epoch_us(TRY_CAST({column} AS TIMESTAMP)), -1)"
    return f"epoch_us({column})"


def _numpy(column: Any, dtype: Any) -> Any:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=dtype)


class DuckDBResult:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        stack: ExitStack,
        source: GraphSource,
        report_ids: Ints,
        labels: Ints,
        masked: bool,
    ) -> None:
        self._con = con
        self._stack = stack
        self.report_ids = report_ids
        self.labels = labels
        self._source = source
        self._masked = masked
        self._compared = False

    def _compare(self) -> None:
        """Load the held figures and compute the new ones' text columns, once."""
        if self._compared:
            return
        self._compared = True
        con = self._con
        names = self._source.warninglist_names
        con.execute("CREATE TABLE wl (idx INTEGER, name VARCHAR)")
        _append(
            con,
            "wl",
            {
                "idx": np.arange(len(names), dtype=np.int64),
                "name": np.array([n or "" for n in names], dtype=object),
            },
        )
        if self._masked:
            masks = con.execute("SELECT DISTINCT mask FROM f").fetchnumpy()["mask"]
            text = _agency_text(self._source.agency_codes)
            con.execute("CREATE TABLE m (mask BIGINT, codes VARCHAR)")
            _append(
                con,
                "m",
                {
                    "mask": np.asarray(masks, dtype=np.int64),
                    "codes": np.array([text(int(x)) for x in masks.tolist()], dtype=object),
                },
            )
            codes = "SELECT f.id, m.codes FROM f JOIN m ON m.mask = f.mask"
        else:
            agency_codes = self._source.agency_codes
            con.execute("CREATE TABLE a (idx INTEGER, code VARCHAR)")
            _append(
                con,
                "a",
                {
                    "idx": np.arange(len(agency_codes), dtype=np.int64),
                    "code": np.array(agency_codes, dtype=object),
                },
            )
            codes = (
                "SELECT s.indicator_id AS id, string_agg(DISTINCT a.code, ' ' ORDER BY a.code) "
                "AS codes FROM s JOIN r ON r.id = s.report_id JOIN a ON a.idx = r.agency "
                "GROUP BY s.indicator_id"
            )
        con.execute(
            "CREATE TABLE nf AS SELECT f.id, f.n, g.codes, f.first_seen, f.last_seen, "  # noqa: S608
            "h.id IS NOT NULL AS hub, coalesce(l.listed, 0) AS listed "
            f"FROM f JOIN ({codes}) g ON g.id = f.id LEFT JOIN h ON h.id = f.id "
            "LEFT JOIN l ON l.id = f.id"
        )
        con.execute(
            "CREATE TABLE o (id BIGINT, n BIGINT, agencies VARCHAR, first_seen BIGINT, "
            "last_seen BIGINT, hub INTEGER, listed VARCHAR)"
        )
        for batch in self._source.held_figures():
            con.register("held", batch)
            try:
                con.execute(
                    "INSERT INTO o SELECT id, n, agencies, "  # noqa: S608 (constant)
                    f"{_epoch_us(batch, 'first_seen')}, {_epoch_us(batch, 'last_seen')}, "
                    "hub, listed FROM held"
                )
            finally:
                con.unregister("held")

    def counts(self) -> tuple[int, int]:
        hubs = self._con.execute("SELECT count(*) FROM h").fetchone()
        listed = self._con.execute("SELECT count(*) FROM l SEMI JOIN f ON f.id = l.id").fetchone()
        return int(hubs[0]) if hubs else 0, int(listed[0]) if listed else 0

    def figures(self, chunk: int = 200_000) -> Iterator[FigureChunk]:
        """The new figures that differ from the held ones, in chunks of ascending ids."""
        self._compare()
        result = self._con.sql(
            "SELECT nf.id, nf.n, nf.codes, nf.first_seen, nf.last_seen, nf.hub, nf.listed "
            "FROM nf JOIN wl ON wl.idx = nf.listed LEFT JOIN o ON o.id = nf.id "
            "WHERE o.id IS NULL OR o.n <> nf.n OR o.agencies <> nf.codes "
            "OR o.first_seen <> nf.first_seen OR o.last_seen <> nf.last_seen "
            "OR (o.hub <> 0) <> nf.hub OR o.listed <> wl.name ORDER BY nf.id"
        )
        for batch in result.to_arrow_reader(chunk):
            if not batch.num_rows:
                continue
            got = {name: batch.column(name) for name in batch.schema.names}
            yield FigureChunk(
                ids=_numpy(got["id"], np.int64),
                report_counts=_numpy(got["n"], np.int64),
                agencies=[str(c) for c in got["codes"].to_pylist()],
                first_seen=_numpy(got["first_seen"], np.int64),
                last_seen=_numpy(got["last_seen"], np.int64),
                hubs=_numpy(got["hub"], np.bool_),
                warninglists=_numpy(got["listed"], np.int64),
            )

    def removed_figures(self) -> Ints:
        self._compare()
        got = self._con.execute(
            "SELECT o.id FROM o ANTI JOIN f ON f.id = o.id ORDER BY o.id"
        ).fetchnumpy()
        return np.asarray(got["id"], dtype=np.int64)

    def __enter__(self) -> DuckDBResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()
