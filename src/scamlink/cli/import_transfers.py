"""`scamlink import transfers FILE --chain tron|eth|btc [--json]`: on-chain transfers.

The format is told from the file's content (TronGrid, Tronscan, Etherscan, Esplora, plain
CSV). All or nothing: a file with any bad row stores nothing and every problem is listed
(line or record, field, reason). Exit codes as `import reports`: 0 everything is in (or was
already), 1 rows were rejected (so nothing was stored), 2 nothing could be done.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from scamlink.cli.operator import cli_actor
from scamlink.cli.progress import progress_bar
from scamlink.config import load_settings
from scamlink.interop.transfers.common import TransferFileError
from scamlink.store.database import opened_store
from scamlink.tracing.importing import TransferImportSummary, import_transfers
from scamlink.tracing.model import Chain

LISTED = 20
CHAINS = ", ".join(c.value for c in Chain)


def transfers(
    file: Annotated[Path, typer.Argument(help="TronGrid/Tronscan/Etherscan/Esplora/plain CSV")],
    chain: Annotated[str, typer.Option("--chain", help=f"One of {CHAINS}")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Import on-chain transfers; a file with bad rows stores nothing and lists them all."""
    try:
        chosen = Chain(chain.strip().lower())
    except ValueError:
        typer.echo(f"error: unknown chain {chain!r}; use one of {CHAINS}", err=True)
        raise typer.Exit(2) from None
    if not file.is_file():
        typer.echo(f"error: {file.name}: no such file", err=True)
        raise typer.Exit(2)
    try:
        with opened_store(load_settings()) as engine, ExitStack() as stack:
            bar: list[Callable[[int], None]] = []

            def advance(rows: int) -> None:
                # The bar appears with the first stored rows: a refused file prints one line.
                if not bar:
                    bar.append(stack.enter_context(progress_bar("storing transfers", None)))
                bar[0](rows)

            summary = import_transfers(engine, file, chosen, actor=cli_actor(), progress=advance)
    except TransferFileError as exc:
        typer.echo(f"error: {file.name}: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        _print(Console(), summary)
    if summary.rejected_rows:
        raise typer.Exit(1)


def _print(console: Console, summary: TransferImportSummary) -> None:
    console.print(
        f"{summary.format.value} ({summary.chain.value}): read {summary.rows}, "
        f"stored {summary.stored}, duplicates {summary.duplicates}, "
        f"skipped {summary.skipped} (failed/unconfirmed), "
        f"rejected {summary.rejected_rows} row(s)",
        highlight=False,
    )
    if summary.rejected_rows:
        console.print("  nothing was stored: fix these rows and import the file again")
    for problem in summary.rejected[:LISTED]:
        console.print(f"  {escape(str(problem))}", highlight=False, soft_wrap=True)
    more = len(summary.rejected) - LISTED + summary.unlisted_problems
    if more > 0:
        console.print(f"  … and {more} more problem(s) (--json lists them)")
