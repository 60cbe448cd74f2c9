"""`scamlink link …`: recomputing campaigns from the store."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from scamlink.cli.quality import quality
from scamlink.config import load_settings
from scamlink.linking.engine import DuckDBEngine, Phase
from scamlink.linking.rebuild import rebuild as rebuild_campaigns
from scamlink.store.database import opened_store
from scamlink.store.partition import ColumnReader

app = typer.Typer(help="Linking reports into campaigns.", no_args_is_help=True)


@contextmanager
def _phases(seconds: dict[str, float], cpu: dict[str, float]) -> Iterator[Phase]:
    """One progress line per phase of the rebuild, on stderr (stdout stays for --json);
    `seconds` gets each phase's wall time (the commit is the last phase's), `cpu` its CPU
    time (every thread of this process, DuckDB's included)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        current: list[TaskID] = []
        clock = [time.perf_counter()]
        cpu_clock = [time.process_time()]

        def finish() -> None:
            now, cpu_now = time.perf_counter(), time.process_time()
            for task in current:
                label = str(bar.tasks[task].description)
                seconds[label] = round(now - clock[0], 2)
                cpu[label] = round(cpu_now - cpu_clock[0], 2)
                done = bar.tasks[task].completed
                bar.update(
                    task, total=bar.tasks[task].total or max(done, 1), completed=max(done, 1)
                )

        def start(label: str, total: int | None) -> Callable[[int], None]:
            finish()
            clock[0] = time.perf_counter()
            cpu_clock[0] = time.process_time()
            task = bar.add_task(label, total=total)
            current[:] = [task]
            return lambda n: bar.advance(task, n)

        yield start
        finish()


@app.command()
def rebuild(
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", help="DuckDB's memory before it spills to disk")
    ] = "4GB",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Recompute every campaign and indicator figure from the store (DuckDB), keeping ids.

    Stored batches wait while it runs; the new partition replaces the old one in one
    transaction. Run it after changing the SCAMLINK_LINK_* thresholds or the warninglists.
    """
    settings = load_settings()
    started, started_cpu = time.perf_counter(), time.process_time()
    phases: dict[str, float] = {}
    phases_cpu: dict[str, float] = {}
    with opened_store(settings) as engine, ExitStack() as stack:
        # A second connection reads the graph in columns; it must open before the rebuild's
        # transaction writes anything (it sees only what is committed).
        reader = ColumnReader.open(engine)
        if reader is not None:
            stack.enter_context(reader)
        phase = stack.enter_context(_phases(phases, phases_cpu))
        with engine.begin() as conn:
            summary = rebuild_campaigns(
                conn,
                policy=settings.link_policy,
                engine=DuckDBEngine(memory_limit=memory_limit),
                phase=phase,
                reader=reader,
            )
    result = {
        **asdict(summary),
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - started_cpu, 2),
        "phases": phases,
        "phases_cpu": phases_cpu,
    }
    if as_json:
        typer.echo(json.dumps(result))
    else:
        Console().print(
            f"{summary.reports} reports in {summary.campaigns} campaigns; "
            f"{summary.moved_reports} reports moved, {summary.new_campaigns} new campaigns, "
            f"{summary.redirected} ids redirected; {summary.hubs} hubs, "
            f"{summary.changed_figures} indicator figures written, "
            f"{summary.warninglisted} warninglisted indicators ({result['seconds']} s)"
        )


app.command("quality")(quality)  # scores the store's campaigns against a world's truth
