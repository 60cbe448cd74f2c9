"""`scamlink trace --chain CHAIN --from TXHASH[:INDEX]|ADDRESS …`: follow victims' money.

Reads the transfers imported with `scamlink import transfers` and the labels of
`scamlink labels import`; prints the cash-out points (address, label, amount, token, paths) and
the totals. Exit codes: 0 traced, 2 nothing could be traced (`error: …`: unknown transaction or
address, bad option).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scamlink.config import load_settings
from scamlink.indicators.types import InvalidIndicator
from scamlink.store.database import opened_store
from scamlink.store.labels import StoreLabelSource
from scamlink.store.transfers import SqlTransferSource
from scamlink.tracing.engine import TraceError, trace
from scamlink.tracing.model import Chain, Direction, Model, Seed, TraceOptions, TraceResult
from scamlink.tracing.results import amount_text, result_json
from scamlink.tracing.tagpacks import canonical_address

CHAINS = ", ".join(c.value for c in Chain)
MODELS = ", ".join(m.value for m in Model)
_TX = re.compile(r"^(0[xX])?[0-9a-fA-F]{64}$")
LISTED = 10


def _refuse(reason: str) -> NoReturn:
    typer.echo(f"error: {reason}", err=True)
    raise typer.Exit(2)


def _when(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        _refuse(f"{option}: {text!r} is not a date or time (ISO 8601, e.g. 2026-03-01T09:00)")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_start(
    chain: Chain, text: str, ref: str, since: datetime | None, until: datetime | None
) -> Seed:
    """`TXHASH[:INDEX]` or an address of `chain` → a seed (`ValueError` says what is wrong)."""
    value = text.strip()
    tx, _, index = value.partition(":")
    if _TX.match(tx):
        body = tx[2:].lower() if tx[:2] in ("0x", "0X") else tx.lower()
        if chain is not Chain.ETH and len(tx) != len(body):
            raise ValueError(f"--from {text!r}: {chain.value} transaction ids have no 0x")
        if index and not index.isdigit():
            raise ValueError(f"--from {text!r}: the index after ':' must be a number")
        tx_hash = "0x" + body if chain is Chain.ETH else body  # as imported: lower case
        return Seed(chain, ref, tx_hash=tx_hash, index=int(index) if index else None)
    try:
        address = canonical_address(chain, value).value
    except InvalidIndicator as e:
        raise ValueError(
            f"--from {text!r}: neither a transaction id (64 hex digits, optionally :INDEX) nor "
            f"a {chain.value} address ({e})"
        ) from None
    return Seed(chain, ref, address=address, since=since, until=until)


def trace_command(
    chain: Annotated[str, typer.Option("--chain", help=f"Chain: {CHAINS}")],
    starts: Annotated[
        list[str],
        typer.Option(
            "--from",
            help="A victim's payment TXHASH[:INDEX], or an ADDRESS (with --since/--until); "
            "repeat for several",
        ),
    ],
    model: Annotated[str, typer.Option("--model", help=f"Taint model: {MODELS}")] = "haircut",
    hops: Annotated[int, typer.Option("--hops", help="Transfers to follow after the payment")] = 6,
    since: Annotated[
        str | None, typer.Option("--since", help="With an ADDRESS: from (ISO)")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="With an ADDRESS: until (ISO)")
    ] = None,
    min_amount: Annotated[
        str, typer.Option("--min-amount", help="Do not follow transfers carrying less")
    ] = "0.01",
    horizon_days: Annotated[
        int, typer.Option("--horizon-days", help="Ignore transfers this many days after (0: none)")
    ] = 90,
    token: Annotated[
        str | None, typer.Option("--token", help="Token symbol (default: the payment's)")
    ] = None,
    backward: Annotated[
        bool, typer.Option("--backward", help="Where did the money come from (reverse trace)")
    ] = False,
    ref: Annotated[
        list[str] | None,
        typer.Option("--ref", help="Victim reference per --from (report or case id)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole result as JSON")] = False,
) -> None:
    """Follow victims' payments to the exchanges where the money is cashed out."""
    try:
        chosen_chain = Chain(chain.strip().lower())
    except ValueError:
        _refuse(f"--chain: unknown chain {chain!r}; use one of {CHAINS}")
    try:
        chosen_model = Model(model.strip().lower())
    except ValueError:
        _refuse(f"--model: unknown model {model!r}; use one of {MODELS}")
    try:
        minimum = Decimal(min_amount)
    except InvalidOperation:
        _refuse(f"--min-amount: {min_amount!r} is not a number")
    if not minimum.is_finite() or minimum < 0:
        _refuse(f"--min-amount: {min_amount!r} must be 0 or more")
    if hops < 0 or hops > 50:
        _refuse(f"--hops: {hops} must be between 0 and 50")
    if horizon_days < 0:
        _refuse(f"--horizon-days: {horizon_days} must be 0 (no horizon) or more")
    refs = list(ref or [])
    if refs and len(refs) != len(starts):
        _refuse(f"--ref: give one per --from ({len(starts)}), or none")
    start_at, end_at = _when("--since", since), _when("--until", until)
    seeds: list[Seed] = []
    for n, start in enumerate(starts):
        name = refs[n] if refs else start.strip()
        try:
            seeds.append(parse_start(chosen_chain, start, name, start_at, end_at))
        except ValueError as e:
            _refuse(str(e))
    options = TraceOptions(
        model=chosen_model,
        direction=Direction.BACKWARD if backward else Direction.FORWARD,
        hops=hops,
        min_amount=minimum,
        horizon_days=horizon_days or None,
        token=token.strip() if token else None,
    )
    with opened_store(load_settings()) as engine, engine.connect() as conn:
        labels = StoreLabelSource(conn)
        labels.preload(chosen_chain)
        try:
            result = trace(SqlTransferSource(conn), labels, seeds, options)
        except TraceError as e:
            _refuse(str(e))
    if as_json:
        typer.echo(json.dumps(result_json(result), ensure_ascii=False))
        return
    _print(result)


def _print(result: TraceResult) -> None:
    console = Console(width=200)
    o = result.options
    console.print(
        f"{o.direction.value} trace, {o.model.value}, {o.hops} hops, {result.token}: "
        f"{len(result.seeds)} seed(s), {amount_text(result.total_in)} {result.token} in",
        highlight=False,
    )
    if result.cash_outs:
        table = Table("address", "label", "amount", "token", "paths")
        for point in result.cash_outs:
            paths = [" → ".join(p) for p in point.paths]
            more = f" (+{len(paths) - 1} more)" if len(paths) > 1 else ""
            table.add_row(
                point.address,
                escape(point.label.label) if point.label else "",
                amount_text(point.amount),
                point.token,
                escape((paths[0] if paths else "") + more),
            )
        console.print(table)
    else:
        console.print("no labelled service reached", highlight=False)
    rest = sum((c.amount for c in result.unresolved), Decimal(0))
    console.print(
        f"attributed {amount_text(result.total_attributed)}, unresolved {amount_text(rest)} "
        f"at {len(result.unresolved)} address(es), fees {amount_text(result.fees)}; "
        f"{len(result.wallets)} wallet(s) met",
        highlight=False,
    )
    for point in result.unresolved[:LISTED]:
        console.print(f"  rests: {point.address} {amount_text(point.amount)}", highlight=False)
    if len(result.unresolved) > LISTED:
        console.print(f"  … and {len(result.unresolved) - LISTED} more (--json lists them all)")
