"""A trace asked for by a person (the trace page, `POST /api/v1/trace`): input checked field by
field, the trace run under the chosen model and, for the comparison, under all four, the freeze
requests, and the flow graph as Cytoscape.js elements.

Bounded, so that it is fast rather than long-running: at most `MAX_SEEDS` seeds, `MAX_HOPS` hops
(the engine answers a 6-hop haircut trace from 100 payments well within 2 s: see
docs/performance.md); the graph shows at most `MAX_NODES` addresses (those that carried most).
The comparison's four traces share one walk of the graph: the source is wrapped in a
`CachingTransferSource`, so the store is asked about each address once (poison, which reaches
the most, runs first) and the other models are computed from the cached transfers.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import Engine

from scamlink.indicators import IndicatorType, InvalidIndicator, canonicalise
from scamlink.sharing import audit
from scamlink.sharing.roles import Viewer
from scamlink.tracing.cached import CachingTransferSource
from scamlink.tracing.engine import TraceError, trace
from scamlink.tracing.freeze import FreezeRequest, freeze_requests
from scamlink.tracing.model import (
    Chain,
    Direction,
    Model,
    Seed,
    TraceOptions,
    TraceResult,
)
from scamlink.tracing.source import LabelSource, TransferSource

MAX_SEEDS = 100
MAX_HOPS = 10
MAX_NODES = 300
DEFAULT_HOPS = 6
_TX_HASH = re.compile(r"^(0x)?[0-9a-fA-F]{64}$")
_INDICATOR_TYPE = {
    Chain.TRON: IndicatorType.TRON,
    Chain.ETH: IndicatorType.ETH,
    Chain.BTC: IndicatorType.BTC,
}


class TraceInputError(ValueError):
    """Bad input, naming its field (and the line of the seeds box, counted from 1)."""

    def __init__(self, message: str, field: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.message = message
        self.field = field
        self.line = line


@dataclass(frozen=True, slots=True)
class TraceQuery:
    chain: Chain
    seeds: tuple[Seed, ...]
    model: Model = Model.HAIRCUT
    hops: int = DEFAULT_HOPS
    min_amount: Decimal | None = None  # None: a cent (USDT, ETH), a thousand satoshis (BTC)
    direction: Direction = Direction.FORWARD

    def options(self, model: Model | None = None) -> TraceOptions:
        minimum = self.min_amount
        if minimum is None:
            minimum = Decimal("0.00001") if self.chain is Chain.BTC else Decimal("0.01")
        return TraceOptions(
            model=model or self.model, direction=self.direction, hops=self.hops, min_amount=minimum
        )


@dataclass(frozen=True, slots=True)
class ModelSummary:
    model: Model
    total_in: Decimal
    attributed: Decimal
    unresolved: Decimal
    fees: Decimal
    cash_outs: int
    by_service: tuple[tuple[str, Decimal], ...]  # label → amount, largest first


@dataclass(frozen=True, slots=True)
class TraceRun:
    query: TraceQuery
    result: TraceResult
    comparison: tuple[ModelSummary, ...]  # all four models, in Model's order
    requests: tuple[FreezeRequest, ...]


# --- input ---------------------------------------------------------------------------------------


def _choice(value: str, kinds: type[Chain] | type[Model] | type[Direction], field: str) -> str:
    allowed = [k.value for k in kinds]
    if value not in allowed:
        raise TraceInputError(f"{field} must be one of {', '.join(allowed)}", field)
    return value


def _time(value: str, field: str) -> datetime | None:
    text = value.strip()
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise TraceInputError(
            f"{field} is not a date and time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)", field
        ) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def parse_query(
    *,
    chain: str,
    seeds: str,
    model: str = Model.HAIRCUT.value,
    hops: str = str(DEFAULT_HOPS),
    min_amount: str = "",
    since: str = "",
    until: str = "",
    direction: str = Direction.FORWARD.value,
) -> TraceQuery:
    """The query from the form's (or the API's) text fields; errors name the field and line.

    `seeds`: one per line, `TXHASH[:INDEX] [REFERENCE]` or `ADDRESS [REFERENCE]` (an address
    takes the time window `since`–`until`); the reference names the victim's report
    (`AGENCY:external id`) and defaults to what the line starts with."""
    the_chain = Chain(_choice(chain.strip(), Chain, "chain"))
    the_model = Model(_choice(model.strip() or Model.HAIRCUT.value, Model, "model"))
    the_direction = Direction(
        _choice(direction.strip() or Direction.FORWARD.value, Direction, "direction")
    )
    try:
        the_hops = int(hops.strip() or DEFAULT_HOPS)
    except ValueError:
        raise TraceInputError("hops must be a whole number", "hops") from None
    if not 1 <= the_hops <= MAX_HOPS:
        raise TraceInputError(f"hops must be between 1 and {MAX_HOPS}", "hops")
    minimum: Decimal | None = None
    if min_amount.strip():
        try:
            minimum = Decimal(min_amount.strip())
        except InvalidOperation:
            raise TraceInputError("min_amount must be a number", "min_amount") from None
        if not minimum.is_finite() or minimum < 0:
            raise TraceInputError("min_amount must be zero or more", "min_amount")
    start, end = _time(since, "since"), _time(until, "until")
    if start is not None and end is not None and end < start:
        raise TraceInputError("until is before since", "until")
    parsed: list[Seed] = []
    lines = [(n, line.strip()) for n, line in enumerate(seeds.splitlines(), 1) if line.strip()]
    if not lines:
        raise TraceInputError("give at least one transaction or address to start from", "seeds")
    if len(lines) > MAX_SEEDS:
        raise TraceInputError(f"at most {MAX_SEEDS} starting points at once", "seeds")
    for number, line in lines:
        parsed.append(_seed(the_chain, line, number, start, end))
    refs = [s.ref for s in parsed]
    if len(set(refs)) != len(refs):
        duplicate = next(r for r in refs if refs.count(r) > 1)
        raise TraceInputError(f"the reference {duplicate} is given twice", "seeds")
    return TraceQuery(the_chain, tuple(parsed), the_model, the_hops, minimum, the_direction)


def _seed(
    chain: Chain, line: str, number: int, since: datetime | None, until: datetime | None
) -> Seed:
    start, _, rest = line.partition(" ")
    ref = rest.strip() or start
    if len(ref) > 200:
        raise TraceInputError("the reference is longer than 200 characters", "seeds", number)
    head, colon, index_text = start.rpartition(":") if ":" in start else (start, "", "")
    if colon and _TX_HASH.match(head):
        if not index_text.isdigit():
            raise TraceInputError("the index after ':' must be a whole number", "seeds", number)
        return Seed(chain, ref, tx_hash=_hash(chain, head), index=int(index_text))
    if _TX_HASH.match(start):
        return Seed(chain, ref, tx_hash=_hash(chain, start))
    try:
        address = canonicalise(_INDICATOR_TYPE[chain], start).value
    except InvalidIndicator as error:
        raise TraceInputError(
            f"{start!r} is neither a transaction hash nor a {chain.value} address ({error})",
            "seeds",
            number,
        ) from None
    if since is None:
        raise TraceInputError("an address needs a time window: give 'since'", "since", number)
    return Seed(chain, ref, address=address, since=since, until=until)


def _hash(chain: Chain, text: str) -> str:
    bare = text.lower().removeprefix("0x")
    return "0x" + bare if chain is Chain.ETH else bare


# --- running -------------------------------------------------------------------------------------


def run(
    source: TransferSource, labels: LabelSource, query: TraceQuery, *, compare: bool = True
) -> TraceRun:
    """The trace under the query's model and, with `compare`, under every model.

    Raises TraceInputError (field `seeds`) when the engine refuses the seeds."""
    results: dict[Model, TraceResult] = {}
    models = list(Model) if compare else [query.model]
    if len(models) > 1:
        source = CachingTransferSource(source)  # one walk of the graph for the four models
    for model in models:
        try:
            results[model] = trace(source, labels, query.seeds, query.options(model))
        except TraceError as error:
            raise TraceInputError(str(error), "seeds") from None
    result = results[query.model]
    return TraceRun(
        query=query,
        result=result,
        comparison=tuple(summary(model, results[model]) for model in models),
        requests=tuple(freeze_requests(result)),
    )


def summary(model: Model, result: TraceResult) -> ModelSummary:
    services: dict[str, Decimal] = defaultdict(Decimal)
    for cash_out in result.cash_outs:
        if cash_out.label is not None:
            services[cash_out.label.label] += cash_out.amount
    return ModelSummary(
        model=model,
        total_in=result.total_in,
        attributed=result.total_attributed,
        unresolved=sum((c.amount for c in result.unresolved), Decimal(0)),
        fees=result.fees,
        cash_outs=len(result.cash_outs),
        by_service=tuple(sorted(services.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


# --- the flow graph ------------------------------------------------------------------------------


def graph(result: TraceResult, max_nodes: int = MAX_NODES) -> dict[str, object]:
    """Cytoscape.js elements with preset positions: the victims' wallets in the left column, the
    cash-out points in the right one, the wallets between by their distance from the victims.
    Edge width grows with the attributed amount (square root, 1–12 px)."""
    cash = {c.address: c for c in result.cash_outs}
    rests = {c.address for c in result.unresolved}
    carried: dict[str, Decimal] = defaultdict(Decimal)
    for hop in result.edges:
        carried[hop.to_address] += hop.amount
        carried[hop.from_address] += hop.amount
    seed_tx = {s.tx_hash for s in result.seeds if s.tx_hash}
    seed_addresses = {s.address for s in result.seeds if s.address}
    victims = {h.from_address for h in result.edges if h.tx_hash in seed_tx and h.from_address}
    victims |= seed_addresses
    addresses = sorted(carried, key=lambda a: (a not in victims, a not in cash, -carried[a], a))
    shown = set(addresses[:max_nodes])
    # Depth: shortest distance from a victim along the tainted edges.
    depth: dict[str, int] = {a: 0 for a in victims if a in shown}
    frontier = list(depth)
    out: dict[str, list[str]] = defaultdict(list)
    for hop in result.edges:
        out[hop.from_address].append(hop.to_address)
    while frontier:
        following: list[str] = []
        for a in frontier:
            for b in out.get(a, ()):
                if b in shown and b not in depth:
                    depth[b] = depth[a] + 1
                    following.append(b)
        frontier = following
    deepest = max((d for a, d in depth.items() if a not in cash), default=0)
    column: dict[int, int] = defaultdict(int)
    nodes: list[dict[str, object]] = []
    for address in addresses:
        if address not in shown:
            continue
        label = cash[address].label if address in cash else None
        kind = (
            "victim"
            if address in victims
            else "cashout"
            if address in cash
            else "rest"
            if address in rests
            else "wallet"
        )
        x_col = deepest + 1 if kind == "cashout" else depth.get(address, 1)
        row = column[x_col]
        column[x_col] += 1
        nodes.append(
            {
                "data": {
                    "id": address,
                    "kind": kind,
                    "label": label.label if label is not None else _short(address),
                    "category": label.category.value if label is not None else "",
                    "amount": str(cash[address].amount) if address in cash else "",
                },
                "position": {"x": 40 + 220 * x_col, "y": 30 + 46 * row},
            }
        )
    biggest = max((h.amount for h in result.edges), default=Decimal(1)) or Decimal(1)
    edges: list[dict[str, object]] = []
    merged: dict[tuple[str, str], tuple[Decimal, list[str]]] = {}
    for hop in result.edges:
        if hop.from_address in shown and hop.to_address in shown:
            key = (hop.from_address, hop.to_address)
            amount, txs = merged.get(key, (Decimal(0), []))
            merged[key] = (amount + hop.amount, [*txs, hop.tx_hash][:5])
    for (src, dst), (amount, txs) in sorted(merged.items()):
        width = 1 + 11 * math.sqrt(float(min(amount, biggest) / biggest))
        edges.append(
            {
                "data": {
                    "id": f"{src}>{dst}",
                    "source": src,
                    "target": dst,
                    "amount": str(amount),
                    "width": round(width, 2),
                    "txs": txs,
                }
            }
        )
    return {
        "nodes": nodes,
        "edges": edges,
        "shown": len(nodes),
        "total": len(addresses),
        "token": result.token,
    }


def _short(address: str) -> str:
    return address if len(address) <= 14 else f"{address[:7]}…{address[-5:]}"


# --- the store and the audit log ---------------------------------------------------------------


def audit_details(query: TraceQuery) -> dict[str, object]:
    """What the audit log keeps of a trace: who traced what (the seeds, capped at 20)."""
    return {
        "chain": query.chain.value,
        "model": query.model.value,
        "direction": query.direction.value,
        "hops": query.hops,
        "seeds": len(query.seeds),
        "from": [s.tx_hash or s.address or "" for s in query.seeds[:20]],
        "refs": [s.ref for s in query.seeds[:20]],
    }


def run_in_store(
    engine: Engine, viewer: Viewer, query: TraceQuery, *, action: str, compare: bool = True
) -> TraceRun:
    """Audit `action` (who traced what), then run the trace over the stored transfers and
    labels. The audit entry is written even when the engine then refuses the seeds."""
    from scamlink.store.labels import StoreLabelSource
    from scamlink.store.transfers import SqlTransferSource

    with engine.begin() as conn:
        audit.record(conn, audit.actor_of(viewer), action, query.chain.value, audit_details(query))
    labels = StoreLabelSource(engine)
    labels.preload(query.chain)
    return run(SqlTransferSource(engine), labels, query, compare=compare)
