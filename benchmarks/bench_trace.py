"""Trace (issue 8): a 6-hop haircut trace from 100 victim payments over ≥ 1M transfers.

The synthetic chain (deterministic): exchanges with labelled deposit addresses and hot wallets
(deposits swept to the hot wallets, withdrawals to users), ~150,000 users paying each other and
the exchanges, and 100 victims' USDT laundered the way compounds do it: victim → collection
wallet (which also receives unrelated payments) → fan-out to layering wallets (which also pay
some users) → peel chains (each step peels a part to an exchange deposit address) →
consolidation wallets → exchange deposit addresses and one user.

scamlink: `tracing.engine.trace` — the engine asks the source for one address's transfers at a
time, only for the addresses the taint reaches — over the in-memory source and over the SQLite
store (`store.transfers.SqlTransferSource`, labels from `store.labels.StoreLabelSource`).
Peer: the naive way with networkx — build a DiGraph of every transfer (parallel transfers summed),
then propagate haircut by BFS for 6 levels, each node's taint shared out over its out-edges in
proportion to their amounts (no time order), stopping at labelled services.

Wall and CPU seconds (`time.process_time`) and the load average are printed; sizes:
BENCH_TRACE_TRANSFERS (default 1,000,000), BENCH_TRACE_USERS (150,000).
`python -m benchmarks.bench_trace` prints the Markdown rows.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pyarrow as pa

from benchmarks.databases import scratch_sqlite
from scamlink.store.labels import StoreLabelSource, upsert_labels
from scamlink.store.transfers import SQLITE_TS_FORMAT, SqlTransferSource, bulk_load
from scamlink.tracing.engine import trace
from scamlink.tracing.memory import InMemoryLabels, InMemoryTransferSource
from scamlink.tracing.model import (
    Category,
    Chain,
    Label,
    Model,
    Seed,
    TraceOptions,
    TraceResult,
    Transfer,
)

TRANSFERS = int(os.environ.get("BENCH_TRACE_TRANSFERS", "1000000"))
USERS = int(os.environ.get("BENCH_TRACE_USERS", "150000"))
VICTIMS = 100
EXCHANGES = 8
DEPOSITS_PER_EXCHANGE = 200
T0 = datetime(2026, 6, 1, tzinfo=UTC)
DAYS = 30


@dataclass(slots=True)
class World:
    transfers: list[Transfer]
    labels: list[Label]
    seeds: list[Seed]


def _amount(rng: random.Random, low: float = 1.0, high: float = 5000.0) -> Decimal:
    value = low * (high / low) ** rng.random()
    return Decimal(f"{value:.2f}")


def build_world(total: int = TRANSFERS, users: int = USERS, seed: int = 8) -> World:
    rng = random.Random(seed)
    out: list[Transfer] = []
    counter = iter(range(10**9))

    def add(src: str, dst: str, amount: Decimal, when: datetime) -> str:
        n = next(counter)
        tx = f"{n:064x}"
        out.append(Transfer(Chain.TRON, tx, 0, when, src, dst, "USDT", amount))
        return tx

    def moment(day_from: float = 0, day_to: float = DAYS) -> datetime:
        return T0 + timedelta(seconds=rng.uniform(day_from * 86400, day_to * 86400))

    labels: list[Label] = []
    deposits: list[str] = []
    hots: list[str] = []
    for e in range(EXCHANGES):
        hot = f"HOT{e}"
        hots.append(hot)
        labels.append(Label(Chain.TRON, hot, f"Exchange {e} hot", Category.EXCHANGE, "bench", 90))
        for d in range(DEPOSITS_PER_EXCHANGE):
            address = f"DEP{e}_{d}"
            deposits.append(address)
            labels.append(
                Label(Chain.TRON, address, f"Exchange {e} deposit", Category.EXCHANGE, "bench", 90)
            )
    people = [f"U{n}" for n in range(users)]

    # The laundering: 100 victims, 10 collection wallets, 40 layering wallets with peel chains.
    seeds: list[Seed] = []
    collections = [f"COL{n}" for n in range(10)]
    consolidations = [f"CON{n}" for n in range(5)]
    for v in range(VICTIMS):
        collection = collections[v % len(collections)]
        when = T0 + timedelta(days=10, seconds=v * 600)
        tx = add(f"VICTIM{v}", collection, _amount(rng, 500, 20000), when)
        seeds.append(Seed(Chain.TRON, f"victim-{v}", tx_hash=tx))
    for c, collection in enumerate(collections):
        for _ in range(3):  # unrelated money mixed in
            add(rng.choice(people), collection, _amount(rng, 10, 2000), moment(9, 12))
        held = sum(
            (t.amount for t in out if t.to_address == collection), Decimal(0)
        )  # small list: fine
        layers = [f"LAY{c}_{k}" for k in range(4)]
        start = T0 + timedelta(days=12, seconds=c * 60)
        for k, layer in enumerate(layers):
            share = (held / 4).quantize(Decimal("0.01"))
            add(collection, layer, share, start + timedelta(minutes=k))
            add(layer, rng.choice(people), Decimal("25"), start + timedelta(hours=1))
            current, remaining = layer, share - Decimal(25)
            for step in range(3):
                when = start + timedelta(hours=2 + step)
                peel = (remaining * Decimal("0.1")).quantize(Decimal("0.01"))
                add(current, rng.choice(deposits), peel, when)
                nxt = f"PEEL{c}_{k}_{step}"
                remaining -= peel
                add(current, nxt, remaining, when + timedelta(minutes=1))
                current = nxt
            consolidation = consolidations[(c * 4 + k) % len(consolidations)]
            add(current, consolidation, remaining, start + timedelta(hours=6))
    for n, consolidation in enumerate(consolidations):
        when = T0 + timedelta(days=13, hours=n)
        add(consolidation, rng.choice(people), Decimal("100"), when)
        for _ in range(8):
            when += timedelta(minutes=10)
            add(consolidation, rng.choice(deposits), _amount(rng, 5000, 20000), when)

    # Unrelated traffic: users pay users, deposit at exchanges, withdraw from hot wallets;
    # deposits are swept to hot wallets.
    while len(out) < total:
        roll = rng.random()
        when = moment()
        if roll < 0.6:
            add(rng.choice(people), rng.choice(people), _amount(rng), when)
        elif roll < 0.8:
            add(rng.choice(people), rng.choice(deposits), _amount(rng), when)
        elif roll < 0.95:
            add(rng.choice(hots), rng.choice(people), _amount(rng), when)
        else:
            add(rng.choice(deposits), rng.choice(hots), _amount(rng, 100, 50000), when)
    return World(out, labels, seeds)


T = TypeVar("T")

OPTIONS = TraceOptions(model=Model.HAIRCUT, hops=6, min_amount=Decimal("0.01"), horizon_days=90)


def _timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def naive_networkx(world: World) -> tuple[dict[str, Decimal], float, float, float, float]:
    """The peer: a DiGraph of all transfers, haircut propagated by BFS (6 levels)."""
    import networkx as nx

    def build() -> Any:
        graph = nx.DiGraph()
        for t in world.transfers:
            data = graph.get_edge_data(t.from_address, t.to_address)
            if data is None:
                graph.add_edge(t.from_address, t.to_address, amount=t.amount)
            else:
                data["amount"] += t.amount
        return graph

    graph, build_wall, build_cpu = _timed(build)
    services = {x.address for x in world.labels if x.is_service}
    by_tx = {t.tx_hash: t for t in world.transfers}

    def propagate() -> dict[str, Decimal]:
        taint: dict[str, Decimal] = {}
        for seed in world.seeds:
            assert seed.tx_hash is not None
            t = by_tx[seed.tx_hash]
            taint[t.to_address] = taint.get(t.to_address, Decimal(0)) + t.amount
        cashed: dict[str, Decimal] = {}
        frontier = dict(taint)
        for _ in range(OPTIONS.hops):
            following: dict[str, Decimal] = {}
            for node, amount in frontier.items():
                edges = graph[node]
                total = sum((d["amount"] for d in edges.values()), Decimal(0))
                if not total:
                    continue
                for nxt, d in edges.items():
                    share = amount * d["amount"] / total
                    if share < OPTIONS.min_amount:
                        continue
                    if nxt in services:
                        cashed[nxt] = cashed.get(nxt, Decimal(0)) + share
                    else:
                        following[nxt] = following.get(nxt, Decimal(0)) + share
            frontier = following
        return cashed

    cashed, bfs_wall, bfs_cpu = _timed(propagate)
    return cashed, build_wall, build_cpu, bfs_wall, bfs_cpu


def _sqlite_batches(world: World, size: int = 100_000) -> Iterator[pa.RecordBatch]:
    for start in range(0, len(world.transfers), size):
        chunk = world.transfers[start : start + size]
        yield pa.record_batch(
            {
                "chain": [t.chain.value for t in chunk],
                "tx_hash": [t.tx_hash for t in chunk],
                "idx": pa.array([t.index for t in chunk], pa.int64()),
                "ts": [t.timestamp.strftime(SQLITE_TS_FORMAT) for t in chunk],
                "block": pa.array([None] * len(chunk), pa.int64()),
                "from_address": [t.from_address for t in chunk],
                "to_address": [t.to_address for t in chunk],
                "token": [t.token for t in chunk],
                "token_contract": ["" for _ in chunk],
                "amount": [str(t.amount) for t in chunk],
            }
        )


def run() -> list[str]:
    rows: list[str] = []
    world, gen_wall, _ = _timed(build_world)
    n = len(world.transfers)
    source, index_wall, _ = _timed(lambda: InMemoryTransferSource(world.transfers))
    labels = InMemoryLabels(world.labels)
    trace(source, labels, world.seeds[:1], OPTIONS)  # sort the lanes once (index build)
    result, wall, cpu = _timed(lambda: trace(source, labels, world.seeds, OPTIONS))
    attributed = result.total_attributed / result.total_in
    load = os.getloadavg()[0]
    print(
        f"# world {n:,} transfers in {gen_wall:.1f} s, memory index {index_wall:.1f} s; trace: "
        f"{len(result.cash_outs)} cash-outs, {attributed:.1%} attributed, "
        f"{len(result.wallets)} wallets, {len(result.edges)} edges",
        flush=True,
    )
    cashed, build_wall, build_cpu, bfs_wall, bfs_cpu = naive_networkx(world)
    peer_total = sum(cashed.values(), Decimal(0)) / result.total_in
    rows.append(
        f"| trace: 6-hop haircut, 100 victim payments, {n:,} transfers, in memory "
        f"| {wall:.2f} s wall, {cpu:.2f} s CPU (load {load:.1f}) | — "
        f"| networkx DiGraph build {build_wall:.1f} s ({build_cpu:.1f} s CPU) + BFS "
        f"{bfs_wall:.2f} s ({bfs_cpu:.2f} s CPU); attributes {peer_total:.1%} ignoring time "
        f"| {(build_wall + bfs_wall) / wall:.1f}× (BFS alone {bfs_wall / wall:.1f}×) |"
    )
    with scratch_sqlite("scamlink-bench-trace-") as engine:
        _, load_wall, _ = _timed(
            lambda: bulk_load(engine, _sqlite_batches(world), len(world.transfers))
        )
        with engine.begin() as conn:
            upsert_labels(conn, world.labels, "KNPA")
        with engine.connect() as conn:

            def on_store() -> TraceResult:
                store_labels = StoreLabelSource(conn)
                store_labels.preload(Chain.TRON)
                return trace(SqlTransferSource(conn), store_labels, world.seeds, OPTIONS)

            on_store()  # warm the page cache once
            stored, s_wall, s_cpu = _timed(on_store)
        load = os.getloadavg()[0]
        same = abs(stored.total_attributed - result.total_attributed) < Decimal("1e-9")
        rows.append(
            f"| trace: the same over SQLite (SqlTransferSource; loaded in {load_wall:.0f} s) "
            f"| {s_wall:.2f} s wall, {s_cpu:.2f} s CPU (load {load:.1f}); same result: "
            f"{'yes' if same else 'NO'} | — | networkx as above "
            f"| {(build_wall + bfs_wall) / s_wall:.1f}× |"
        )
    return rows


if __name__ == "__main__":
    print(*run(), sep="\n")
