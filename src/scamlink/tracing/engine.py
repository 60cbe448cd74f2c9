"""The trace engine: follow victims' payments forward (or a wallet's money backward).

`trace(source, labels, seeds, options)` is the one entry point.

Account chains (TRON, Ethereum) run as one simulation in time order over the addresses the
taint reaches: each address keeps a pool (`taint.py`) of its balance in the traced token, fed by
every transfer it received and drained by every transfer it sent, so the model decides how much
of each outgoing transfer is the victims' money. An address is loaded (its transfers asked from
the source, once per trace) only when taint first reaches it; its earlier history is replayed as
clean value so its balance is right. The global order is (time, tx_hash, index), a transfer's
sending side before its receiving side.

Bitcoin runs per transaction: a tainted output's value is mapped onto the outputs of the
transaction that spent it — in proportion (haircut, and poison's amounts) or by laying inputs and
outputs end to end with the fee last (FIFO; LIFO lays the inputs in reverse).

Backward traces ("where did this wallet's money come from") split each payment over the inflows
that paid it under the model — haircut: in proportion to what is left of each inflow; FIFO: the
oldest lots first; LIFO: the newest; poison: haircut's amounts, every earlier inflow reached —
and follow each of those inflows back to its sender the same way; on Bitcoin an output's
interval is mapped back onto the transaction's inputs and their funding outputs. Seeds by address
start from the address's receipts in the window, in both directions.

Where a trace stops: a labelled service (exchange, bridge, OTC desk, mixer) receives the value
(a cash-out point); an address at `hops` transfers from the seed keeps it (its outgoing
transfers are not followed); a transfer carrying less than `min_amount` is not followed (the
value is counted as resting with its recipient); transfers after the horizon are not read.
Every unit of tainted value ends in exactly one place — a cash-out point, an unresolved rest, or
a fee — so `total_attributed + unresolved + fees == total_in`, within Decimal rounding. Fees
exist on Bitcoin only (a transaction's inputs minus its outputs, laid last); a token transfer on
TRON or Ethereum pays its fee in the native coin, not in the token traced, and a native transfer's
gas is not in the imported records, so account-chain traces have no fees.

Poison decides *reach* (every transfer out of a touched address after the taint arrived, every
output of a transaction with a touched input, when its whole amount is at least `min_amount`);
its amounts are "taint first" on account chains and proportional on Bitcoin, so they never
exceed what the victims paid.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from scamlink.tracing.model import (
    CashOut,
    Chain,
    Direction,
    Hop,
    Label,
    Model,
    Seed,
    TraceOptions,
    TraceResult,
    Transfer,
    UtxoTx,
)
from scamlink.tracing.source import LabelSource, TransferSource
from scamlink.tracing.taint import (
    ZERO,
    Pool,
    Segment,
    by_seed,
    map_intervals,
    new_pool,
    tainted_total,
)

__all__ = ["DEFAULT_TOKENS", "MAX_PATHS", "TraceError", "trace"]

# The token followed when neither the options nor a seed transaction name one.
DEFAULT_TOKENS: dict[Chain, str] = {Chain.TRON: "USDT", Chain.ETH: "ETH", Chain.BTC: "BTC"}
MAX_PATHS = 5  # paths kept per cash-out point
_PATH_BRANCHES = 3  # predecessors tried per step when rebuilding paths
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


class TraceError(ValueError):
    """A trace that cannot run as asked (unknown transaction, bad options…)."""


# -- shared bookkeeping -------------------------------------------------------------------


@dataclass(slots=True)
class _EdgeRec:
    """A transfer that carried tainted value (or poison's mark)."""

    key: tuple[int, str, int]
    hop: Hop
    src: str
    dst: str
    carried: Decimal
    full: Decimal
    seed: bool


@dataclass(slots=True)
class _Place:
    """Where value ends: a cash-out point or an unresolved rest."""

    by_seed: dict[str, Decimal] = field(default_factory=dict)
    exposure: Decimal = ZERO
    first: datetime | None = None
    last: datetime | None = None
    edges: list[_EdgeRec] = field(default_factory=list)

    def put(self, amounts: dict[str, Decimal]) -> None:
        for ref, value in amounts.items():
            if value:
                self.by_seed[ref] = self.by_seed.get(ref, ZERO) + value

    def arrive(self, rec: _EdgeRec) -> None:
        self.exposure += rec.full
        when = rec.hop.timestamp
        self.first = when if self.first is None or when < self.first else self.first
        self.last = when if self.last is None or when > self.last else self.last
        self.edges.append(rec)


class _Ledger:
    """Cash-outs, rests, edges and wallets of one trace, and the paths between them."""

    def __init__(self, chain: Chain, labels: LabelSource) -> None:
        self.chain = chain
        self._labels = labels
        self._label_memo: dict[str, Label | None] = {}
        self.cash: dict[str, _Place] = {}
        self.rest: dict[str, _Place] = {}
        self.edges: list[_EdgeRec] = []
        self.into: dict[str, list[_EdgeRec]] = {}  # followed taint into an address
        self.wallets: set[str] = set()
        self.fees = ZERO

    def label(self, address: str) -> Label | None:
        if address in self._label_memo:
            return self._label_memo[address]
        found = self._labels.label(self.chain, address) if address else None
        self._label_memo[address] = found
        return found

    def is_service(self, address: str) -> bool:
        found = self.label(address)
        return found is not None and found.is_service

    def edge(self, rec: _EdgeRec) -> None:
        self.edges.append(rec)

    def followed(self, rec: _EdgeRec) -> None:
        self.into.setdefault(rec.dst, []).append(rec)
        self.wallets.add(rec.dst)

    def cash_out(self, rec: _EdgeRec, amounts: dict[str, Decimal]) -> None:
        place = self.cash.setdefault(rec.dst, _Place())
        place.put(amounts)
        place.arrive(rec)

    def rest_at(
        self, address: str, amounts: dict[str, Decimal], rec: _EdgeRec | None = None
    ) -> None:
        if not amounts and rec is None:
            return
        place = self.rest.setdefault(address, _Place())
        place.put(amounts)
        if rec is not None:
            place.arrive(rec)

    # -- result ------------------------------------------------------------------------

    def _paths(self, edges: list[_EdgeRec]) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = []
        budget = [400]

        def walk(rec: _EdgeRec, suffix: tuple[str, ...]) -> None:
            if len(found) >= MAX_PATHS or budget[0] <= 0:
                return
            budget[0] -= 1
            path = (rec.hop.tx_hash, *suffix)
            if rec.seed:
                if path not in found:
                    found.append(path)
                return
            before = [p for p in self.into.get(rec.src, ()) if p.key < rec.key]
            before.sort(key=lambda p: (p.carried, p.full), reverse=True)
            for pred in before[:_PATH_BRANCHES]:
                walk(pred, path)

        for rec in sorted(edges, key=lambda r: (r.carried, r.full), reverse=True):
            walk(rec, ())
            if len(found) >= MAX_PATHS:
                break
        return found

    def _cash_outs(
        self, places: dict[str, _Place], token: str, *, keep_zero: bool
    ) -> list[CashOut]:
        out: list[CashOut] = []
        for address, place in places.items():
            amount = sum(place.by_seed.values(), ZERO)
            if not amount and not keep_zero:
                continue
            # value resting in a wallet it was followed into: the transfers that brought it
            edges = place.edges or self.into.get(address, [])
            times = [e.hop.timestamp for e in edges]
            out.append(
                CashOut(
                    address=address,
                    label=self.label(address),
                    token=token,
                    amount=amount,
                    by_seed=dict(place.by_seed),
                    paths=self._paths(edges),
                    first_arrival=place.first or (min(times) if times else None),
                    last_arrival=place.last or (max(times) if times else None),
                    exposure=place.exposure,
                )
            )
        out.sort(key=lambda c: (-c.amount, -c.exposure, c.address))
        return out

    def result(
        self, options: TraceOptions, seeds: Sequence[Seed], token: str, total_in: Decimal
    ) -> TraceResult:
        wallets = frozenset(a for a in self.wallets if a and not self.is_service(a))
        return TraceResult(
            options=options,
            seeds=tuple(seeds),
            token=token,
            total_in=total_in,
            cash_outs=self._cash_outs(self.cash, token, keep_zero=True),
            unresolved=self._cash_outs(self.rest, token, keep_zero=False),
            fees=self.fees,
            edges=[rec.hop for rec in self.edges],
            wallets=wallets,
        )


def _horizon(
    options: TraceOptions, pairs: list[tuple[Seed, Transfer]], *, backward: bool
) -> datetime | None:
    """The time no transfer is read beyond: `horizon_days` after the last payment traced
    forward, before the first one traced backward (None: no horizon)."""
    if options.horizon_days is None:
        return None
    span = timedelta(days=options.horizon_days)
    times = [t.timestamp for _, t in pairs]
    return min(times) - span if backward else max(times) + span


def _micros(when: datetime) -> int:
    return (when - _EARLIEST) // _MICRO


# -- validation and seeds -----------------------------------------------------------------


def _check(seeds: Sequence[Seed], options: TraceOptions) -> Chain:
    if not seeds:
        raise TraceError("no seed: give at least one transaction or address to trace from")
    chains = {seed.chain for seed in seeds}
    if len(chains) > 1:
        names = ", ".join(sorted(c.value for c in chains))
        raise TraceError(f"seeds on different chains ({names}): trace one chain at a time")
    if options.hops < 0:
        raise TraceError(f"hops must be 0 or more, not {options.hops}")
    if options.min_amount < 0:
        raise TraceError(f"min_amount must not be negative, not {options.min_amount}")
    if options.horizon_days is not None and options.horizon_days < 0:
        raise TraceError(f"horizon_days must not be negative, not {options.horizon_days}")
    refs = [seed.ref for seed in seeds]
    for seed in seeds:
        if not seed.tx_hash and not seed.address:
            raise TraceError(f"seed {seed.ref!r} names neither a transaction nor an address")
    if len(set(refs)) != len(refs):
        raise TraceError("two seeds share one ref: give each victim payment its own ref")
    return chains.pop()


def _seed_transfers(
    source: TransferSource, seed: Seed, token: str | None, direction: Direction
) -> list[Transfer]:
    if seed.tx_hash:
        found = list(source.transaction(seed.chain, seed.tx_hash))
        if not found:
            raise TraceError(f"transaction {seed.tx_hash} not found on {seed.chain.value}")
        if seed.index is not None:
            found = [t for t in found if t.index == seed.index]
            if not found:
                raise TraceError(
                    f"transaction {seed.tx_hash} has no transfer with index {seed.index}"
                )
        elif seed.address:
            found = [t for t in found if t.to_address == seed.address]
            if not found:
                raise TraceError(f"transaction {seed.tx_hash} pays nothing to {seed.address}")
        if token is not None:
            found = [t for t in found if t.token == token]
            if not found:
                raise TraceError(f"transaction {seed.tx_hash} moves no {token}")
        return found
    assert seed.address is not None
    wanted = token or DEFAULT_TOKENS[seed.chain]
    until = seed.until or datetime.max.replace(tzinfo=UTC)
    found = list(source.incoming(seed.chain, seed.address, wanted, seed.since, until))
    if not found:
        window = f" between {seed.since or 'the start'} and {seed.until or 'now'}"
        raise TraceError(f"no {wanted} transfers to {seed.address} on {seed.chain.value}{window}")
    return found


def _resolve_seeds(
    source: TransferSource, seeds: Sequence[Seed], options: TraceOptions
) -> tuple[str, list[tuple[Seed, Transfer]]]:
    pairs: list[tuple[Seed, Transfer]] = []
    for seed in seeds:
        for transfer in _seed_transfers(source, seed, options.token, options.direction):
            pairs.append((seed, transfer))
    tokens = sorted({t.token for _, t in pairs})
    if len(tokens) > 1:
        raise TraceError(
            f"the seeds move different tokens ({', '.join(tokens)}): choose one with --token"
        )
    seen: set[tuple[str, int]] = set()
    for seed, transfer in pairs:
        ident = (transfer.tx_hash, transfer.index)
        if ident in seen:
            raise TraceError(
                f"transfer {transfer.tx_hash}:{transfer.index} is in two seeds ({seed.ref!r})"
            )
        seen.add(ident)
        if transfer.amount <= 0:
            raise TraceError(f"transfer {transfer.tx_hash}:{transfer.index} moves nothing")
    return tokens[0], pairs


# -- the entry point ----------------------------------------------------------------------


def trace(
    source: TransferSource,
    labels: LabelSource,
    seeds: Sequence[Seed],
    options: TraceOptions,
) -> TraceResult:
    """Follow the seeds' value with `options.model`; see the module's docstring."""
    chain = _check(seeds, options)
    token, pairs = _resolve_seeds(source, seeds, options)
    ledger = _Ledger(chain, labels)
    total_in = sum((t.amount for _, t in pairs), ZERO)
    if chain is Chain.BTC:
        _UtxoTrace(source, ledger, options, pairs).run()
    else:
        if options.direction is Direction.BACKWARD:
            _AccountBackward(source, ledger, options, chain, token, pairs).run()
        else:
            _AccountTrace(source, ledger, options, chain, token, pairs).run()
    resolved = replace(options, token=token) if options.token is None else options
    return ledger.result(resolved, seeds, token, total_in)


# -- account chains -----------------------------------------------------------------------

_Key = tuple[int, str, int]
_Event = tuple[_Key, int, Transfer]  # key, side (0: value leaves, 1: value arrives), transfer
_OUT, _IN = 0, 1


class _Address:
    __slots__ = ("depth", "events", "pool", "pos", "touched")

    def __init__(self, events: list[_Event], pool: Pool) -> None:
        self.events = events
        self.pos = 0
        self.pool = pool
        self.depth = 1 << 30
        self.touched = False


@dataclass(slots=True)
class _Pending:
    segments: list[Segment]
    depth: int
    mark: bool


class _AccountWalk:
    """What a forward and a backward walk over account transfers share: their inputs, and
    where a value that crossed one transfer stops (a labelled service, too little to follow)."""

    def __init__(
        self,
        source: TransferSource,
        ledger: _Ledger,
        options: TraceOptions,
        chain: Chain,
        token: str,
        pairs: list[tuple[Seed, Transfer]],
    ) -> None:
        self.source = source
        self.ledger = ledger
        self.options = options
        self.chain = chain
        self.token = token
        self.pairs = pairs
        self.poison = options.model is Model.POISON

    def stops_at(
        self, rec: _EdgeRec, receiver: str, amounts: dict[str, Decimal], mark: bool
    ) -> bool:
        """Record the edge; True when the value stops at `receiver` (cashed out at a service,
        or too little to follow: it rests there), else the edge is followed."""
        ledger = self.ledger
        ledger.edge(rec)
        if ledger.is_service(receiver):
            ledger.cash_out(rec, amounts)
            return True
        measure = rec.full if self.poison else rec.carried
        if measure < self.options.min_amount or (measure == 0 and not mark):
            ledger.rest_at(receiver, amounts, rec if rec.carried else None)
            return True
        ledger.followed(rec)
        return False


class _AccountTrace(_AccountWalk):
    def __init__(
        self,
        source: TransferSource,
        ledger: _Ledger,
        options: TraceOptions,
        chain: Chain,
        token: str,
        pairs: list[tuple[Seed, Transfer]],
    ) -> None:
        super().__init__(source, ledger, options, chain, token, pairs)
        self.addresses: dict[str, _Address] = {}
        self.pending: dict[tuple[str, int], _Pending] = {}
        self.heap: list[tuple[_Key, int, str]] = []
        self.horizon = _horizon(options, pairs, backward=False)

    def key(self, t: Transfer) -> _Key:
        return (_micros(t.timestamp), t.tx_hash, t.index)

    def ends(self, t: Transfer) -> tuple[str, str]:
        return (t.from_address, t.to_address)

    def hop(self, t: Transfer, carried: Decimal) -> Hop:
        src, dst = self.ends(t)
        return Hop(t.tx_hash, t.index, src, dst, t.timestamp, carried)

    def load(self, address: str) -> _Address:
        src, chain, token = self.source, self.chain, self.token
        until = self.horizon or datetime.max.replace(tzinfo=UTC)
        arriving = src.incoming(chain, address, token, None, until)
        leaving = src.outgoing(chain, address, token, _EARLIEST, until)
        events: list[_Event] = [(self.key(t), _IN, t) for t in arriving]
        events.extend((self.key(t), _OUT, t) for t in leaving)
        events.sort(key=lambda e: (e[0], e[1]))
        state = _Address(events, new_pool(self.options.model))
        self.addresses[address] = state
        return state

    def activate(self, address: str, transfer: Transfer) -> bool:
        """Load `address` and replay its history up to `transfer`'s arrival; False if absent."""
        state = self.load(address)
        target = (self.key(transfer), _IN)
        keys = [(e[0], e[1]) for e in state.events]
        at = bisect_left(keys, target)
        if at >= len(keys) or keys[at] != target:
            return False
        pool = state.pool
        for _, side, t in state.events[:at]:
            if side == _IN:
                pool.add_clean(t.amount)
            else:
                pool.take(t.amount)
        state.pos = at
        heapq.heappush(self.heap, (target[0], _IN, address))
        return True

    def deliver(
        self,
        transfer: Transfer,
        segments: list[Segment],
        depth: int,
        mark: bool,
        *,
        seed: bool = False,
    ) -> None:
        """Tainted value (or poison's mark) travels along `transfer` to its recipient."""
        options, ledger = self.options, self.ledger
        carried = tainted_total(segments)
        src, dst = self.ends(transfer)
        rec = _EdgeRec(
            self.key(transfer),
            self.hop(transfer, carried),
            src,
            dst,
            carried,
            transfer.amount,
            seed,
        )
        amounts = by_seed(segments)
        if self.stops_at(rec, dst, amounts, mark):
            return
        state = self.addresses.get(dst)
        if state is None and depth >= options.hops:
            ledger.rest_at(dst, amounts, rec)  # the last hop: its recipient keeps it
            return
        ident = (transfer.tx_hash, transfer.index)
        waiting = self.pending.get(ident)
        if waiting is not None:  # a seed transfer that the trace also reached: both count
            waiting.segments = waiting.segments + segments
            waiting.depth = min(waiting.depth, depth)
            waiting.mark = waiting.mark or mark
            return
        self.pending[ident] = _Pending(segments, depth, mark)
        if state is None and not self.activate(dst, transfer):
            del self.pending[ident]
            ledger.rest_at(dst, amounts, rec)

    def run(self) -> None:
        heap, addresses, pending = self.heap, self.addresses, self.pending
        options, ledger, poison = self.options, self.ledger, self.poison
        # seeds enter in time order with everything else ("\0" + position: not an address)
        for at, (_, transfer) in enumerate(self.pairs):
            heapq.heappush(heap, (self.key(transfer), _OUT, f"\0{at}"))
        while heap:
            _, side, address = heapq.heappop(heap)
            if address.startswith("\0"):
                seed, transfer = self.pairs[int(address[1:])]
                self.deliver(transfer, [(seed.ref, transfer.amount)], 0, True, seed=True)
                continue
            state = addresses[address]
            _, _, transfer = state.events[state.pos]
            state.pos += 1
            if state.pos < len(state.events):
                nxt = state.events[state.pos]
                heapq.heappush(heap, (nxt[0], nxt[1], address))
            if side == _IN:
                arrived = pending.pop((transfer.tx_hash, transfer.index), None)
                if arrived is None:
                    state.pool.add_clean(transfer.amount)
                else:
                    state.pool.add(transfer.amount, arrived.segments)
                    state.depth = min(state.depth, arrived.depth)
                    state.touched = True
                continue
            if not state.touched:
                state.pool.take(transfer.amount)
                continue
            segments = state.pool.take(transfer.amount)
            carried = by_seed(segments)
            if not carried and not poison:
                continue
            if state.depth >= options.hops:
                if carried:  # beyond the hop limit: the value stays with this address
                    ledger.rest_at(address, carried)
                continue
            self.deliver(transfer, segments, state.depth + 1, poison)
        for address, state in addresses.items():
            ledger.rest_at(address, state.pool.rest())


# -- account chains, backward ----------------------------------------------------------------


@dataclass(slots=True)
class _Inflow:
    transfer: Transfer
    epoch: int  # a full drain of the address starts a new epoch: older inflows are gone
    survival: Decimal  # haircut: the product of (1 - x/B) over the outflows before it


@dataclass(slots=True)
class _Outflow:
    inflows: int  # how many inflows came before it
    epoch: int
    survival: Decimal
    balance: Decimal  # what it was paid from (at least its amount)
    lots: list[tuple[int, Decimal]]  # FIFO/LIFO: (inflow position, amount) it took


class _History:
    """One address's transfers in time order and, for each outflow, which inflows paid it."""

    def __init__(
        self, transfers_in: Sequence[Transfer], transfers_out: Sequence[Transfer], model: Model
    ) -> None:
        events = [(_micros(t.timestamp), t.tx_hash, t.index, 1, t) for t in transfers_in]
        events.extend((_micros(t.timestamp), t.tx_hash, t.index, 0, t) for t in transfers_out)
        events.sort(key=lambda e: e[:4])
        self.inflows: list[_Inflow] = []
        self.outflows: dict[tuple[str, int], _Outflow] = {}
        balance, survival, epoch = ZERO, Decimal(1), 0
        lots: deque[list[Decimal]] = deque()  # FIFO/LIFO: [inflow position, amount left]
        lifo = model is Model.LIFO
        for *_, side, t in events:
            if side == 1:
                self.inflows.append(_Inflow(t, epoch, survival))
                balance += t.amount
                lots.append([Decimal(len(self.inflows) - 1), t.amount])
                continue
            paid_from = max(balance, t.amount)
            taken: list[tuple[int, Decimal]] = []
            if model in (Model.FIFO, Model.LIFO):
                need = t.amount
                while need > 0 and lots:
                    lot = lots[-1] if lifo else lots[0]
                    position, value = int(lot[0]), lot[1]
                    if value <= need:
                        if lifo:
                            lots.pop()
                        else:
                            lots.popleft()
                        taken.append((position, value))
                        need -= value
                    else:
                        lot[1] = value - need
                        taken.append((position, need))
                        need = ZERO
            self.outflows[(t.tx_hash, t.index)] = _Outflow(
                len(self.inflows), epoch, survival, paid_from, taken
            )
            if t.amount >= balance:
                balance, survival, epoch = ZERO, Decimal(1), epoch + 1
            else:
                survival = survival * (1 - t.amount / balance)
                balance -= t.amount

    def paid_by(self, transfer: Transfer, model: Model) -> list[tuple[Transfer, Decimal]]:
        """The inflows that paid `transfer` (one of this address's outflows), with the part of
        it each paid; poison also lists every earlier inflow (with 0 when nothing is left)."""
        out = self.outflows.get((transfer.tx_hash, transfer.index))
        if out is None:
            return []
        if model in (Model.FIFO, Model.LIFO):
            return [(self.inflows[p].transfer, value) for p, value in out.lots]
        paid: list[tuple[Transfer, Decimal]] = []
        for inflow in self.inflows[: out.inflows]:
            if inflow.epoch == out.epoch:
                left = inflow.transfer.amount * out.survival / inflow.survival
                paid.append((inflow.transfer, transfer.amount * left / out.balance))
            elif model is Model.POISON:
                paid.append((inflow.transfer, ZERO))
        return paid


class _AccountBackward(_AccountWalk):
    """Where a payment's money came from: each outflow split over the inflows that paid it
    under the model (haircut: in proportion to what is left of each; FIFO: the oldest lots;
    LIFO: the newest), then each of those inflows followed to its sender the same way."""

    def __init__(
        self,
        source: TransferSource,
        ledger: _Ledger,
        options: TraceOptions,
        chain: Chain,
        token: str,
        pairs: list[tuple[Seed, Transfer]],
    ) -> None:
        super().__init__(source, ledger, options, chain, token, pairs)
        self.histories: dict[str, _History] = {}
        self.work: dict[tuple[str, int], tuple[Transfer, dict[str, Decimal], int, bool]] = {}
        self.heap: list[tuple[_Key, tuple[str, int]]] = []
        self.horizon = _horizon(options, pairs, backward=True)

    def history(self, address: str) -> _History:
        found = self.histories.get(address)
        if found is None:
            since = self.horizon or _EARLIEST
            end = datetime.max.replace(tzinfo=UTC)
            found = _History(
                self.source.incoming(self.chain, address, self.token, since, end),
                self.source.outgoing(self.chain, address, self.token, since, None),
                self.options.model,
            )
            self.histories[address] = found
        return found

    def deliver(self, t: Transfer, amounts: dict[str, Decimal], depth: int, mark: bool) -> None:
        ident = (t.tx_hash, t.index)
        held = self.work.get(ident)
        if held is None:
            self.work[ident] = (t, dict(amounts), depth, mark)
            key = (-_micros(t.timestamp), t.tx_hash, -t.index)
            heapq.heappush(self.heap, (key, ident))
            return
        _, total, old_depth, old_mark = held
        for ref, value in amounts.items():
            total[ref] = total.get(ref, ZERO) + value
        self.work[ident] = (t, total, min(depth, old_depth), old_mark or mark)

    def run(self) -> None:
        ledger, options = self.ledger, self.options
        seeds = {(t.tx_hash, t.index) for _, t in self.pairs}
        for seed, t in self.pairs:
            self.deliver(t, {seed.ref: t.amount}, 0, True)
        while self.heap:
            key, ident = heapq.heappop(self.heap)
            t, amounts, depth, mark = self.work.pop(ident)
            holder, payer = t.to_address, t.from_address  # value flows back to the payer
            carried = sum(amounts.values(), ZERO)
            hop = Hop(t.tx_hash, t.index, holder, payer, t.timestamp, carried)
            rec = _EdgeRec(key, hop, holder, payer, carried, t.amount, ident in seeds)
            if self.stops_at(rec, payer, amounts, mark):
                continue
            if depth >= options.hops:
                ledger.rest_at(payer, amounts, rec)
                continue
            explained = ZERO
            for inflow, part in self.history(payer).paid_by(t, options.model):
                if t.amount == 0:
                    break
                share = {ref: value * part / t.amount for ref, value in amounts.items()}
                explained += part
                if part > 0 or self.poison:
                    self.deliver(inflow, share, depth + 1, mark)
            if explained < t.amount:  # paid from funds whose origin is not imported
                left = (t.amount - explained) / t.amount
                unexplained = {ref: value * left for ref, value in amounts.items()}
                ledger.rest_at(payer, unexplained, rec)


# -- Bitcoin (UTXO) -----------------------------------------------------------------------

_Interval = tuple[Decimal, Decimal, str]  # offset, length, seed ref


@dataclass(slots=True)
class _Held:
    """Tainted intervals on one unspent (or not yet followed) output."""

    tx: UtxoTx
    address: str
    intervals: list[_Interval]
    depth: int
    mark: bool


class _UtxoTrace:
    """Per-output taint mapped through spending transactions (forward) or funding ones."""

    def __init__(
        self,
        source: TransferSource,
        ledger: _Ledger,
        options: TraceOptions,
        pairs: list[tuple[Seed, Transfer]],
    ) -> None:
        self.source = source
        self.ledger = ledger
        self.options = options
        self.pairs = pairs
        self.backward = options.direction is Direction.BACKWARD
        self.poison = options.model is Model.POISON
        self.memo: dict[str, UtxoTx | None] = {}
        self.spent: dict[tuple[str, int], UtxoTx | None] = {}
        self.horizon = _horizon(options, pairs, backward=self.backward)
        self.queue: list[tuple[int, str, int]] = []  # spender time, tx_hash, output index
        self.held: dict[tuple[str, int], _Held] = {}

    def tx(self, tx_hash: str) -> UtxoTx | None:
        if tx_hash not in self.memo:
            self.memo[tx_hash] = self.source.utxo_tx(Chain.BTC, tx_hash)
        return self.memo[tx_hash]

    def spender(self, tx_hash: str, index: int) -> UtxoTx | None:
        ident = (tx_hash, index)
        if ident not in self.spent:
            self.spent[ident] = self.source.spender(Chain.BTC, tx_hash, index)
        return self.spent[ident]

    def edge(
        self,
        tx: UtxoTx,
        index: int,
        src: str,
        dst: str,
        carried: Decimal,
        full: Decimal,
        seed: bool,
    ) -> _EdgeRec:
        when = -_micros(tx.timestamp) if self.backward else _micros(tx.timestamp)
        hop = Hop(tx.tx_hash, index, src, dst, tx.timestamp, carried)
        rec = _EdgeRec((when, tx.tx_hash, index), hop, src, dst, carried, full, seed)
        self.ledger.edge(rec)
        return rec

    def stop(
        self, address: str, value: Decimal, amounts: dict[str, Decimal], mark: bool, rec: _EdgeRec
    ) -> bool:
        """True when value landing on `address` goes no further (service, or below minimum)."""
        ledger = self.ledger
        if ledger.is_service(address):
            ledger.cash_out(rec, amounts)
            return True
        carried = sum(amounts.values(), ZERO)
        measure = value if self.poison else carried
        if measure < self.options.min_amount or (measure == 0 and not mark):
            ledger.rest_at(address, amounts, rec if carried else None)
            return True
        ledger.followed(rec)
        return False

    def run(self) -> None:
        for seed, transfer in self.pairs:
            tx = self.tx(transfer.tx_hash)
            if tx is None:
                raise TraceError(
                    f"transaction {transfer.tx_hash} has no inputs imported: import it as a "
                    "Bitcoin transaction (Esplora JSON) to trace it"
                )
            out = next((o for o in tx.outputs if o.index == transfer.index), None)
            if out is None:
                raise TraceError(f"transaction {tx.tx_hash} has no output {transfer.index}")
            taint = [(ZERO, out.value, seed.ref)]
            if self.backward:
                self.hold_back(tx, out.index, out.address, taint, 0, True)
            else:
                rec = self.edge(tx, out.index, "", out.address, out.value, out.value, True)
                self.arrive(tx, out.index, out.address, out.value, taint, 0, True, rec)
        while self.queue:
            _, tx_hash, index = heapq.heappop(self.queue)
            held = self.held.pop((tx_hash, index))
            if self.backward:
                self.backward_output(
                    held.tx, index, held.address, held.intervals, held.depth, held.mark
                )
            else:
                self.forward_output(held, index)

    # forward ------------------------------------------------------------------------

    def arrive(
        self,
        tx: UtxoTx,
        index: int,
        address: str,
        value: Decimal,
        intervals: list[_Interval],
        depth: int,
        mark: bool,
        rec: _EdgeRec,
    ) -> None:
        """Taint lands on output `index` of `tx`: a cash-out, a rest, or work to follow."""
        amounts = _amounts(intervals)
        if self.stop(address, value, amounts, mark, rec):
            return
        spender = self.spender(tx.tx_hash, index) if depth < self.options.hops else None
        if spender is None or (self.horizon is not None and spender.timestamp > self.horizon):
            # the last hop, unspent, spender not imported, or spent past the horizon
            self.ledger.rest_at(address, amounts, rec)
            return
        ident = (tx.tx_hash, index)
        held = self.held.get(ident)
        if held is None:
            self.held[ident] = _Held(tx, address, list(intervals), depth, mark)
            heapq.heappush(self.queue, (_micros(spender.timestamp), tx.tx_hash, index))
        else:
            held.intervals.extend(intervals)
            held.depth = min(held.depth, depth)
            held.mark = held.mark or mark

    def forward_output(self, held: _Held, index: int) -> None:
        tx = held.tx
        spender = self.spender(tx.tx_hash, index)
        assert spender is not None
        vin = next(
            i for i in spender.inputs if (i.prev_tx_hash, i.prev_index) == (tx.tx_hash, index)
        )
        lanes = [o.value for o in spender.outputs]
        lanes.append(max(spender.fee, ZERO))
        model = self.options.model
        if model in (Model.FIFO, Model.LIFO):
            ordered = list(spender.inputs)
            if model is Model.LIFO:
                ordered.reverse()
            laid = [(i.value, held.intervals if i is vin else []) for i in ordered]
            mapped = map_intervals(laid, lanes)
        else:  # haircut, and poison's amounts: in proportion to the outputs and the fee
            total_in = sum((i.value for i in spender.inputs), ZERO)
            mapped = [_share(held.intervals, part, total_in) for part in lanes]
        self.ledger.fees += sum(_amounts(mapped[-1]).values(), ZERO)
        for out, landed in zip(spender.outputs, mapped[:-1], strict=True):
            carried = sum((length for _, length, _ in landed), ZERO)
            if not carried and not held.mark:
                continue
            rec = self.edge(spender, out.index, vin.address, out.address, carried, out.value, False)
            self.arrive(
                spender, out.index, out.address, out.value, landed, held.depth + 1, held.mark, rec
            )

    # backward -----------------------------------------------------------------------

    def backward_output(
        self,
        tx: UtxoTx,
        index: int,
        holder: str,
        intervals: list[_Interval],
        depth: int,
        mark: bool,
    ) -> None:
        """Map the taint on output `index` of `tx` back onto its inputs, then their funders."""
        model = self.options.model
        inputs = list(tx.inputs)
        if model in (Model.FIFO, Model.LIFO):
            laid = [(o.value, intervals if o.index == index else []) for o in tx.outputs]
            if model is Model.LIFO:
                inputs.reverse()
            mapped = map_intervals(laid, [i.value for i in inputs])
        else:
            total_in = sum((i.value for i in inputs), ZERO)
            mapped = [_share(intervals, i.value, total_in) for i in inputs]
        for vin, landed in zip(inputs, mapped, strict=True):
            amounts = _amounts(landed)
            carried = sum(amounts.values(), ZERO)
            if not carried and not mark:
                continue
            rec = self.edge(tx, vin.index, holder, vin.address, carried, vin.value, depth == 0)
            if self.stop(vin.address, vin.value, amounts, mark, rec):
                continue
            funder = self.tx(vin.prev_tx_hash) if depth < self.options.hops else None
            early = (
                self.horizon is not None and funder is not None and funder.timestamp < self.horizon
            )
            if funder is None or early:
                self.ledger.rest_at(vin.address, amounts, rec)
                continue
            self.hold_back(funder, vin.prev_index, vin.address, landed, depth + 1, mark)

    def hold_back(
        self,
        tx: UtxoTx,
        index: int,
        holder: str,
        intervals: list[_Interval],
        depth: int,
        mark: bool,
    ) -> None:
        """Queue output `index` of `tx` to be mapped back, latest first; the taint several
        paths bring to one output is mapped back once."""
        ident = (tx.tx_hash, index)
        held = self.held.get(ident)
        if held is None:
            self.held[ident] = _Held(tx, holder, list(intervals), depth, mark)
            heapq.heappush(self.queue, (-_micros(tx.timestamp), tx.tx_hash, index))
        else:
            held.intervals.extend(intervals)
            held.depth = min(held.depth, depth)
            held.mark = held.mark or mark


def _share(intervals: list[_Interval], part: Decimal, total: Decimal) -> list[_Interval]:
    if not total:
        return []
    out = [(ZERO, length * part / total, ref) for _, length, ref in intervals]
    return [i for i in out if i[1] > 0]


def _amounts(intervals: list[_Interval]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for _, length, ref in intervals:
        if length:
            out[ref] = out.get(ref, ZERO) + length
    return out
