"""Trace quality on ground truth: each victim's money against where the synthetic world sent it.

Generates a world (BENCH_TRACE_QUALITY_REPORTS reports, default 20,000, seed 7) and its
laundering flows (`demo/laundering.py`), holds the transfers in memory, traces every victim
payment on its own (6 hops, a cent of USDT or 1,000 satoshis as the smallest thread) under each
of the four models and scores the cash-out points (`tracing/quality.py`) against the world's two
truths (`laundering_truth.csv`): the payment's coins followed first in, first out (`fifo`) and in
proportion to the balance (`proportional`). Where no wallet mixes two payments they agree; at
the layering hubs and the splitting Bitcoin consolidations they differ (which victim's money left
a mixed wallet is a policy, not a fact). Per model, chain and truth: the share of the money that
truly reached an exchange deposit address or OTC desk attributed to the right address (goal
≥ 95 %), the share attributed to addresses the payment never reached under that truth (goal
< 2 %), and how many payments meet both goals on their own. Attributed where the proportional
truth says nothing is money sent where the payment could not have gone under any policy.

Beside it, the peer a person would try first: every service reached within the hops (poison's
reach) credited with the whole payment ("touched = received it all").

`python -m benchmarks.bench_trace_quality --page [REPORTS]` measures instead the trace page's
work over SQLite (a world of REPORTS reports, default 8,000, seed 1, loaded by
`load_laundering`; 100 TRON payments, 6 hops): haircut alone, the four models each walking the
store, and the four through one `CachingTransferSource` (what `tracing.run.run` does).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from scamlink.demo import generate
from scamlink.demo.laundering import (
    POLICIES,
    Laundering,
    build,
    min_amount,
    policy_dependent,
    seeds,
)
from scamlink.tracing.engine import trace
from scamlink.tracing.memory import InMemoryLabels, InMemoryTransferSource
from scamlink.tracing.model import CashOut, Chain, Model, TraceOptions, TraceResult
from scamlink.tracing.quality import Quality, score

REPORTS = int(os.environ.get("BENCH_TRACE_QUALITY_REPORTS", "20000"))
SEED = 7
HOPS = 6


def _traced(flows: Laundering, model: Model) -> tuple[dict[Chain, list[TraceResult]], float, float]:
    source = InMemoryTransferSource(flows.transfers, flows.utxo)
    labels = InMemoryLabels(flows.labels)
    found: dict[Chain, list[TraceResult]] = defaultdict(list)
    wall, cpu = time.perf_counter(), time.process_time()
    for seed in seeds(flows):
        options = TraceOptions(model=model, hops=HOPS, min_amount=min_amount(seed.chain))
        found[seed.chain].append(trace(source, labels, [seed], options))
    return found, time.perf_counter() - wall, time.process_time() - cpu


def _touched(results: list[TraceResult]) -> list[TraceResult]:
    """The naive view: each service reached gets the whole payment."""
    out: list[TraceResult] = []
    for r in results:
        ref = r.seeds[0].ref
        cash = [
            CashOut(c.address, c.label, c.token, r.total_in, by_seed={ref: r.total_in})
            for c in r.cash_outs
        ]
        out.append(
            TraceResult(
                r.options, r.seeds, r.token, r.total_in, cash, [], Decimal(0), [], r.wallets
            )
        )
    return out


def _pct(value: Decimal | float) -> str:
    return f"{float(value) * 100:.2f} %"


def _cell(q: Quality) -> str:
    worst = "—" if q.worst_correct is None else _pct(q.worst_correct.correct_share)
    goal = "met" if q.meets_goal else "NOT met"
    return (
        f"correct {_pct(q.correct_share)}, never reached {_pct(q.never_share)}, "
        f"worst payment {worst}, {q.meeting_goal}/{q.payments} meet both ({goal})"
    )


def _scores(
    flows: Laundering, label: str, chain: Chain, found: list[TraceResult], extra: str
) -> str:
    cells = []
    for policy in POLICIES:
        truth = flows.truth_under(policy)
        q = score(label, {r.seeds[0].ref: truth[r.seeds[0].ref] for r in found}, found)
        cells.append(_cell(q))
    return f"| {label} | {chain.value} ({len(found)}) | {cells[0]} | {cells[1]} | {extra} |"


def run() -> list[str]:
    lines = [
        "| model | chain (payments) | against the FIFO-coins truth | "
        "against the proportional truth | traces, all chains |",
        "|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="scamlink-bench-trace-quality-") as folder:
        root = Path(folder)
        started, cpu = time.perf_counter(), time.process_time()
        generate(root, REPORTS, SEED)
        flows = build(root, SEED)
        mixed = len(policy_dependent(flows))
        print(
            f"world of {REPORTS} reports: {len(flows.payments)} payments ({mixed} whose two "
            f"truths differ by more than 1 %), {len(flows.transfers)} transfers, "
            f"{len(flows.utxo)} BTC transactions ({time.perf_counter() - started:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU); load {os.getloadavg()[0]:.1f}",
            file=sys.stderr,
        )
        poison: dict[Chain, list[TraceResult]] = {}
        for model in Model:
            results, wall, cpu = _traced(flows, model)
            if model is Model.POISON:
                poison = results
            extra = (
                f"{len(flows.payments)} traces in {wall:.2f} s wall, {cpu:.2f} s CPU "
                f"(load {os.getloadavg()[0]:.1f})"
            )
            for chain in Chain:
                lines.append(_scores(flows, model.value, chain, results.get(chain, []), extra))
        for chain in Chain:
            found = _touched(poison.get(chain, []))
            lines.append(_scores(flows, "peer: touched = received it all", chain, found, "—"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"| peak memory | {peak:.0f} MiB | | | |")
    return lines


def page(reports: int) -> list[str]:
    from benchmarks.databases import scratch_sqlite
    from scamlink.demo.laundering import generate_laundering
    from scamlink.demo.load import load_laundering
    from scamlink.store.labels import StoreLabelSource
    from scamlink.store.transfers import SqlTransferSource
    from scamlink.tracing.cached import CachingTransferSource
    from scamlink.tracing.run import TraceQuery
    from scamlink.tracing.run import run as run_query

    lines = ["| 100 payments over SQLite | wall | CPU | load |", "|---|---|---|---|"]
    with (
        tempfile.TemporaryDirectory(prefix="scamlink-bench-trace-page-") as folder,
        scratch_sqlite("scamlink-bench-trace-page-") as engine,
    ):
        root = Path(folder)
        generate(root, reports, 1)
        flows = generate_laundering(root, 1)
        load_laundering(engine, root)
        chosen = tuple(s for s in seeds(flows) if s.chain is Chain.TRON)[:100]
        query = TraceQuery(Chain.TRON, chosen, Model.HAIRCUT, HOPS)
        labels = StoreLabelSource(engine)
        labels.preload(Chain.TRON)
        source = SqlTransferSource(engine)
        trace(source, labels, chosen, query.options())  # warm the page cache
        for _ in range(2):
            timings = (
                ("haircut alone", lambda: trace(source, labels, chosen, query.options())),
                (
                    "four models, each walking the store",
                    lambda: [trace(source, labels, chosen, query.options(m)) for m in Model],
                ),
                ("four models, one shared walk (`run`)", lambda: run_query(source, labels, query)),
            )
            for label, work in timings:
                load = os.getloadavg()[0]
                wall, cpu = time.perf_counter(), time.process_time()
                work()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                lines.append(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {load:.1f} |")
        cached = CachingTransferSource(source)
        for model in Model:
            trace(cached, labels, chosen, query.options(model))
        lines.append(
            f"| store queries for the four models | {cached.asked} asked of the store, "
            f"{cached.answered} answered from memory | | |"
        )
    return lines


if __name__ == "__main__":
    if "--page" in sys.argv:
        after = sys.argv[sys.argv.index("--page") + 1 :]
        for line in page(int(after[0]) if after else 8000):
            print(line, flush=True)
    else:
        for line in run():
            print(line, flush=True)
