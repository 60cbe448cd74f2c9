"""Synthetic laundering: where the world's victims' crypto goes after they pay a campaign's wallet.

Built after the reports (from the files `generate()` wrote) with a random stream of its own, so
the reports stay byte-identical. For every victim whose report names one of its campaign's wallets
and a loss, a payment: from the victim's own wallet (funded by a withdrawal from an exchange's hot
wallet) to that wallet — the report's wallet, on the report's day, the report's loss in USDT (or
in BTC at `BTC_USD`), never after the report was received. Then what compounds do with it:

* the collection wallet is swept within minutes of each payment (before the next one arrives): in
  one transfer or fanned out to two to four fresh layering wallets, or (half the account-chain
  payments) into the compound's layering hub of the day;
* a layering hub mixes several victims' money with unrelated funds (OTC purchases, other
  schemes) and, every few arrivals and at the end of the day, sends most or all of its balance
  out in two to four parts to different places: deposit addresses at different exchanges, an OTC
  desk, a fresh wallet that starts a peel chain;
* a layering wallet peels: part to one of the compound's deposit addresses at an exchange, the
  rest to a fresh wallet, up to two times, sometimes a small commission to the compound's
  treasury (which never moves: money that reaches no exchange);
* the last wallet pays a deposit address, or the compound's consolidation wallet of the week,
  which sends its whole balance to one deposit address or an OTC desk when the week ends (on
  Bitcoin, one transaction whose inputs are several victims' coins, split over one to three
  outputs);
* exchanges sweep their deposit addresses into hot wallets (Bitcoin deposit addresses too, a
  sweep transaction per address and day), pay other customers, other customers pay their own
  deposit addresses, OTC desks pay their customers out, and address-poisoning dust lands on
  collection wallets: unrelated traffic around the flows.

The flows are built in memory (about 25 transfers per paying victim): meant for worlds of up
to a few hundred thousand reports (the demo's 20,000: 129,000 TRON and Ethereum transfers and
18,600 Bitcoin transactions, with the truth under both policies, in about 6 s of CPU).

The ground truth. Once a wallet holds two victims' money and sends part of it on, which victim's
money left is not a fact of the chain: it is a policy. The generator therefore follows the money
as distinguishable coins, tagged with the payment they came from (or untagged: anybody else's),
through every transfer in time order, under two stated policies, and records for each payment
the amount of its coins that reached each labelled service (exchange deposit addresses, OTC
desks: where a trace stops):

* `fifo` (the truth `laundering_truth.csv` gives first, `Laundering.truth`): a wallet spends its
  coins in the order they arrived; a Bitcoin transaction lays its inputs' coins end to end
  against its outputs, the fee last;
* `proportional` (`Laundering.truth_proportional`): every transfer out of a wallet carries each
  payment's share of the balance; a Bitcoin output carries each input's share. Its support is
  every service a payment's money could have reached at all (a transfer out of the wallet after
  the money arrived), so "attributed where the proportional truth says zero" is money sent where
  the payment's coins could not have gone under any policy.

Where no wallet mixes two payments the two truths agree (peel chains, fan-outs, weekly
consolidations that empty into one place); they differ at the layering hubs and the Bitcoin
consolidations that split. Chains: USDT on TRON (most), USDT-ERC20 on Ethereum and BTC (UTXO:
peels with change, consolidations with many inputs, fees).

Files: `transfers-tron.json` (TronGrid TRC-20), `transfers-eth.csv` (Etherscan token-transfer
export), `transfers-btc.json` (Esplora transactions), `laundering_payments.csv` (one row per
payment: the trace's seeds), `laundering_truth.csv` (per payment, destination and policy, the
amount of the payment's coins that reached it) and `labels.yaml` (a TagPack of the world's
exchanges and OTC desks).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from scamlink.demo.countries import USD_RATE
from scamlink.demo.pools import PoolCache
from scamlink.demo.world import World
from scamlink.indicators import IndicatorType, InvalidIndicator, parse_field
from scamlink.indicators.codecs import base58check_encode, bech32_encode
from scamlink.interop.report_csv import VALUE_SEPARATOR
from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.tracing.model import (
    Category,
    Chain,
    Label,
    Seed,
    Transfer,
    UtxoInput,
    UtxoOutput,
    UtxoTx,
)

USDT = "USDT"
BTC_USD = Decimal(65_000)  # the world's BTC price: a loss in USD is paid as loss / BTC_USD
USDT_TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
USDT_ETH = "0xdac17f958d2ee523a2206206994597c13d831ec7"
USDT_DECIMALS = 6
SAT = Decimal("0.00000001")
MICRO = Decimal("0.000001")
CENT = Decimal("0.01")
BTC_FEE = Decimal("0.00002")  # per transaction
SOURCE = "scamlink synthetic world"
FILES = (
    "transfers-tron.json",
    "transfers-eth.csv",
    "transfers-btc.json",
    "laundering_payments.csv",
    "laundering_truth.csv",
    "labels.yaml",
)
PAYMENT_COLUMNS = (
    "ref",
    "victim",
    "campaign",
    "compound",
    "chain",
    "token",
    "tx_hash",
    "index",
    "paid_at",
    "amount",
    "from_address",
    "to_address",
)
TRUTH_COLUMNS = ("ref", "chain", "token", "destination", "label", "category", "amount", "policy")
POLICIES = ("fifo", "proportional")  # the coin policies the truth is recorded under
HUB_SHARE = 0.5  # the share of account-chain payments swept into a layering hub

# (name, chains it serves, the countries whose victims buy there)
EXCHANGES: tuple[tuple[str, tuple[Chain, ...], tuple[str, ...]], ...] = (
    ("Binance", (Chain.TRON, Chain.ETH, Chain.BTC), ("TH", "VN", "ID", "PH", "MY", "SG")),
    ("OKX", (Chain.TRON, Chain.ETH, Chain.BTC), ("VN", "ID", "SG")),
    ("HTX", (Chain.TRON, Chain.ETH), ()),
    ("Bybit", (Chain.TRON, Chain.ETH, Chain.BTC), ("MY", "SG")),
    ("Upbit", (Chain.TRON, Chain.ETH, Chain.BTC), ("KR",)),
    ("Bithumb", (Chain.TRON, Chain.ETH, Chain.BTC), ("KR",)),
    ("Bitkub", (Chain.TRON, Chain.ETH, Chain.BTC), ("TH",)),
    ("Indodax", (Chain.TRON, Chain.ETH, Chain.BTC), ("ID",)),
    ("Coins.ph", (Chain.TRON, Chain.ETH, Chain.BTC), ("PH",)),
)
OTC_DESKS: tuple[str, ...] = ("Mekong Guarantee OTC", "Golden Gate OTC Desk", "Lancang USDT OTC")


@dataclass(frozen=True, slots=True)
class Payment:
    """A victim's payment to the wallet their report names: the seed of a trace."""

    ref: str  # AGENCY:external_id of the victim's (first) report
    victim: str
    campaign: str
    compound: str
    chain: Chain
    token: str
    tx_hash: str
    # BTC: the output paying the wallet; account chains: None (one transfer per transaction, and
    # TronGrid and Etherscan exports carry no event index: importers derive their own)
    index: int | None
    paid_at: datetime
    amount: Decimal
    from_address: str
    to_address: str


@dataclass(slots=True)
class Laundering:
    """The flows of one world, in memory (also what the files hold)."""

    transfers: list[Transfer] = field(default_factory=list)  # TRON and Ethereum, time order
    utxo: list[UtxoTx] = field(default_factory=list)  # Bitcoin, time order
    labels: list[Label] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    # ref → destination → amount of the payment's coins that reached it (exchange deposit
    # addresses and OTC desks), coins spent first in, first out (see the module's docstring)
    truth: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # the same with every transfer carrying each payment's share of the balance
    truth_proportional: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def truth_under(self, policy: str) -> dict[str, dict[str, Decimal]]:
        """The truth under `policy` ("fifo" or "proportional")."""
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}")
        return self.truth if policy == "fifo" else self.truth_proportional


class NotAWorld(ValueError):
    """The folder lacks the files `demo generate` writes."""


def build(world_dir: Path, seed: int) -> Laundering:
    """The laundering flows of the world in `world_dir` (generated with `seed`)."""
    return _Builder(world_dir, seed).run()


def generate_laundering(world_dir: Path, seed: int) -> Laundering:
    """Build the flows and write their files next to the reports; the flows are returned."""
    flows = build(world_dir, seed)
    write(flows, world_dir)
    return flows


def seeds(flows: Laundering) -> list[Seed]:
    """One trace seed per payment (its transaction and output), named by the report."""
    return [Seed(p.chain, p.ref, tx_hash=p.tx_hash, index=p.index) for p in flows.payments]


def policy_dependent(flows: Laundering, share: Decimal = Decimal("0.01")) -> list[str]:
    """The payments whose two truths differ by more than `share` of the payment (the money a
    mixed wallet sent on, which is a policy's choice rather than a fact)."""
    out: list[str] = []
    for p in flows.payments:
        fifo, proportional = flows.truth[p.ref], flows.truth_proportional[p.ref]
        apart = sum(
            (
                abs(fifo.get(k, Decimal(0)) - proportional.get(k, Decimal(0)))
                for k in fifo.keys() | proportional.keys()
            ),
            Decimal(0),
        )
        if apart > p.amount * share:
            out.append(p.ref)
    return out


def min_amount(chain: Chain) -> Decimal:
    """The smallest thread worth following: a cent of USDT, a thousand satoshis."""
    return Decimal("0.00001") if chain is Chain.BTC else CENT


# --- the payments the reports describe -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Said:
    ref: str
    victim: str
    campaign_index: int
    received_at: datetime
    incident_day: str
    loss: Decimal
    currency: str
    wallets: tuple[str, ...]


def _reports(world_dir: Path) -> tuple[int, list[_Said]]:
    """Reports that name a wallet and a loss, first report of each victim, in writing order."""
    truth = world_dir / "truth.csv"
    if not truth.exists():
        raise NotAWorld(f"{world_dir} holds no truth.csv (run 'scamlink demo generate' first)")
    # Only the fields a payment needs (never the narrative): memory grows with the reports that
    # name a wallet, a few hundred bytes each.
    rows: dict[tuple[str, str], dict[str, str]] = {}
    wanted = ("received_at", "incident_date", "loss_amount", "loss_currency", "wallets")
    for path in sorted(world_dir.glob("reports-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            agency = path.stem.removeprefix("reports-")
            for row in csv.DictReader(handle):
                if row["wallets"] and row["loss_amount"]:
                    rows[(agency, row["external_id"])] = {k: row[k] for k in wanted}
    said: list[_Said] = []
    victims: set[str] = set()
    total = 0
    with truth.open(encoding="utf-8", newline="") as handle:
        for t in csv.DictReader(handle):
            total += 1
            if t["victim"] in victims:
                continue
            victims.add(t["victim"])
            found = rows.get((t["agency"], t["external_id"]))
            if found is None:
                continue
            said.append(
                _Said(
                    ref=f"{t['agency']}:{t['external_id']}",
                    victim=t["victim"],
                    campaign_index=int(t["campaign"].removeprefix("C-")),
                    received_at=datetime.fromisoformat(found["received_at"]),
                    incident_day=found["incident_date"],
                    loss=Decimal(found["loss_amount"]),
                    currency=found["loss_currency"],
                    wallets=tuple(found["wallets"].split(VALUE_SEPARATOR)),
                )
            )
    return total, said


_CHAIN_OF = {
    IndicatorType.TRON: Chain.TRON,
    IndicatorType.ETH: Chain.ETH,
    IndicatorType.BTC: Chain.BTC,
}


def _canonical(written: str) -> tuple[Chain, str] | None:
    text = written.split(": ", 1)[-1].strip()
    try:
        found = parse_field("wallets", text, "KR")
    except InvalidIndicator:
        return None
    for indicator in found:
        chain = _CHAIN_OF.get(indicator.type)
        if chain is not None:
            return chain, indicator.value
    return None


# --- building the flows ----------------------------------------------------------------------


@dataclass(slots=True)
class _Utxo:
    tx_hash: str
    index: int
    address: str
    value: Decimal
    ref: str | None  # the payment whose money it is (None: not the victims')


@dataclass(slots=True)
class _Compound:
    deposits: dict[Chain, list[tuple[str, str]]]  # (address, exchange)
    treasury: dict[Chain, str]
    # (chain, week) → consolidation wallet and what reached it: (time, amount|utxo, ref)
    weeks: dict[tuple[Chain, int], list[tuple[int, Decimal, str, _Utxo | None]]]
    wallets: dict[tuple[Chain, int], str] = field(default_factory=dict)
    # (chain, day) → the layering hub of that day and when each sweep reached it, how much
    hubs: dict[tuple[Chain, int], list[tuple[int, Decimal]]] = field(
        default_factory=lambda: defaultdict(list)
    )


class _Builder:
    def __init__(self, world_dir: Path, seed: int) -> None:
        self.dir = world_dir
        self.seed = seed
        self.rng = random.Random(f"{seed}:laundering")
        self.flows = Laundering()
        self.counter = 0
        # account chains: (time, from, to, amount, chain, tx_hash)
        self.moves: list[tuple[int, str, str, Decimal, Chain, str]] = []
        self.btc: list[tuple[int, UtxoTx]] = []
        self.hot: dict[tuple[str, Chain], str] = {}
        self.exchange_deposits: dict[tuple[str, Chain], list[str]] = {}
        self.otc: dict[tuple[str, Chain], str] = {}
        self.owner: dict[str, tuple[str, Category]] = {}  # address → (label, category)
        self.compounds: dict[str, _Compound] = {}
        self.last_sweep: dict[str, int] = {}  # collection wallet → time its last sweep ended

    # addresses and hashes, all derived from the seed and a counter

    def _digest(self, *parts: object) -> bytes:
        self.counter += 1
        text = ":".join(str(p) for p in (self.seed, "laundering", self.counter, *parts))
        return hashlib.sha256(text.encode()).digest()

    def address(self, chain: Chain, *parts: object) -> str:
        payload = self._digest("address", chain, *parts)[:20]
        if chain is Chain.TRON:
            return base58check_encode(b"\x41" + payload)
        if chain is Chain.ETH:
            return "0x" + payload.hex()
        return bech32_encode("bc", 0, payload)

    def tx_hash(self, chain: Chain) -> str:
        digest = self._digest("tx", chain).hex()
        return "0x" + digest if chain is Chain.ETH else digest

    # the services

    def _services(self) -> None:
        for name, chains, _ in EXCHANGES:
            for chain in chains:
                hot = self.address(chain, name, "hot")
                self.hot[(name, chain)] = hot
                self.owner[hot] = (name, Category.EXCHANGE)
                deposits = [self.address(chain, name, "deposit", i) for i in range(12)]
                self.exchange_deposits[(name, chain)] = deposits
                for d in deposits:
                    self.owner[d] = (name, Category.EXCHANGE)
        for name in OTC_DESKS:
            for chain in (Chain.TRON, Chain.ETH, Chain.BTC):
                desk = self.address(chain, name, "desk")
                self.otc[(name, chain)] = desk
                self.owner[desk] = (name, Category.OTC)

    def _exchanges(self, chain: Chain) -> list[str]:
        return [name for name, chains, _ in EXCHANGES if chain in chains]

    def _compound(self, compound_id: str) -> _Compound:
        found = self.compounds.get(compound_id)
        if found is not None:
            return found
        rng = random.Random(f"{self.seed}:laundering:compound:{compound_id}")
        deposits: dict[Chain, list[tuple[str, str]]] = {}
        treasury: dict[Chain, str] = {}
        for chain in (Chain.TRON, Chain.ETH, Chain.BTC):
            names = self._exchanges(chain)
            made: list[tuple[str, str]] = []
            for i in range(rng.randint(3, 6)):
                name = rng.choice(names)
                address = self.address(chain, compound_id, name, "account", i)
                self.exchange_deposits[(name, chain)].append(address)
                self.owner[address] = (name, Category.EXCHANGE)
                made.append((address, name))
            deposits[chain] = made
            treasury[chain] = self.address(chain, compound_id, "treasury")
        found = _Compound(deposits, treasury, defaultdict(list))
        self.compounds[compound_id] = found
        return found

    def run(self) -> Laundering:
        self._services()
        total, said = _reports(self.dir)
        world = World(total, self.seed)
        pools = PoolCache(world)
        planned: list[tuple[_Said, Chain, str, str, str]] = []
        for s in said:
            campaign = pools(s.campaign_index)
            own: dict[str, Chain] = {}
            for w in campaign.wallets:
                found = _canonical(w.forms[0])
                if found is not None:
                    own[found[1]] = found[0]
            for written in s.wallets:
                found = _canonical(written)
                if found is not None and found[1] in own:
                    planned.append(
                        (s, found[0], found[1], campaign.campaign.id, campaign.campaign.compound.id)
                    )
                    break
        # Each collection wallet's payments in time order: sweeps fall between them.
        by_wallet: dict[str, list[tuple[int, _Said, Chain, str, str]]] = defaultdict(list)
        taken: set[tuple[str, int]] = set()
        for s, chain, wallet, campaign_id, compound_id in planned:
            at = self._paid_at(s)
            while (wallet, at) in taken:
                at -= 1
            taken.add((wallet, at))
            by_wallet[wallet].append((at, s, chain, campaign_id, compound_id))
        for wallet in sorted(by_wallet):
            items = sorted(by_wallet[wallet], key=lambda x: (x[0], x[1].ref))
            for k, (at, s, chain, campaign_id, compound_id) in enumerate(items):
                following = items[k + 1][0] if k + 1 < len(items) else at + 86_400
                self._launder(s, chain, wallet, campaign_id, compound_id, at, following)
        self._mix()
        self._consolidate()
        self._unrelated()
        self._finish()
        return self.flows

    def _paid_at(self, s: _Said) -> int:
        """On the incident's day (in the reporter's time zone), before the report arrived."""
        received = int(s.received_at.timestamp())
        if s.incident_day:
            day = datetime.fromisoformat(s.incident_day).replace(tzinfo=s.received_at.tzinfo)
            start = int(day.timestamp())
        else:
            start = received - 3 * 86_400
        latest = received - 60
        if latest <= start:
            return max(start, received - 1)
        return start + self.rng.randrange(min(latest - start, 20 * 3600))

    def _amount(self, s: _Said, chain: Chain) -> Decimal:
        rate = Decimal(str(USD_RATE.get(s.currency, 1.0)))
        usd = s.loss if s.currency in ("USD", "USDT") else s.loss / rate
        if chain is Chain.BTC:
            return max((usd / BTC_USD).quantize(SAT, rounding=ROUND_DOWN), Decimal("0.0001"))
        if s.currency == "USDT":
            return s.loss
        return max(usd.quantize(CENT, rounding=ROUND_DOWN), Decimal(1))

    # account chains

    def move(self, at: int, chain: Chain, src: str, dst: str, amount: Decimal) -> str:
        tx = self.tx_hash(chain)
        self.moves.append((at, src, dst, amount, chain, tx))
        return tx

    def _launder(
        self,
        s: _Said,
        chain: Chain,
        wallet: str,
        campaign_id: str,
        compound_id: str,
        at: int,
        following: int,
    ) -> None:
        rng = self.rng
        compound = self._compound(compound_id)
        amount = self._amount(s, chain)
        token = "BTC" if chain is Chain.BTC else "USDT"
        victim = self.address(chain, s.victim, "own")
        country = s.ref.split(":", 1)[0]
        names = [n for n, chains, who in EXCHANGES if chain in chains and _sells_to(who, country)]
        bought_at = rng.choice(names or self._exchanges(chain))
        funded = at - rng.randrange(600, 3 * 86_400)
        # The sweep lands strictly between this payment and the next one to the same wallet.
        sweep = at + max(1, min(rng.randrange(60, 1800), (following - at) // 2))
        if chain is Chain.BTC:
            self._launder_btc(
                s,
                (campaign_id, compound_id),
                wallet,
                compound,
                amount,
                victim,
                bought_at,
                (funded, at, sweep),
            )
            return
        extra = (amount * Decimal(rng.uniform(0.0, 0.2))).quantize(CENT)
        self.move(funded, chain, self.hot[(bought_at, chain)], victim, amount + extra)
        if rng.random() < 0.15:  # address poisoning: dust from a look-alike
            self.move(
                at - rng.randrange(60, 7200), chain, self.address(chain, "dust"), wallet, CENT
            )
        tx = self.move(at, chain, victim, wallet, amount)
        self.flows.payments.append(
            Payment(
                s.ref,
                s.victim,
                campaign_id,
                compound_id,
                chain,
                token,
                tx,
                None,
                _time(at),
                amount,
                victim,
                wallet,
            )
        )
        if rng.random() < HUB_SHARE:  # into the compound's layering hub of the day
            day = sweep // 86_400
            self.move(sweep, chain, wallet, self._hub(compound, chain, day), amount)
            compound.hubs[(chain, day)].append((sweep, amount))
            return
        parts = _split(rng, amount, 1 if amount < 50 or rng.random() < 0.35 else rng.randint(2, 4))
        for part in parts:
            layer = self.address(chain, "layer")
            self.move(sweep, chain, wallet, layer, part)
            self._peel(chain, compound, layer, part, sweep)

    def _hub(self, compound: _Compound, chain: Chain, day: int) -> str:
        """The compound's layering hub of one day (a fresh wallet each day)."""
        key = (chain, -1 - day)  # beside the weekly consolidation wallets, never equal to one
        found = compound.wallets.get(key)
        if found is None:
            found = self.address(chain, "hub", day)
            compound.wallets[key] = found
        return found

    def _mix(self) -> None:
        """The layering hubs: several victims' money and unrelated funds in one wallet, sent out
        every few arrivals (most of the balance) and at the end (all of it), each time split over
        two to four places: deposit addresses at different exchanges, an OTC desk, a peel chain."""
        rng = self.rng
        for compound_id in sorted(self.compounds):
            compound = self.compounds[compound_id]
            for (chain, day), arrivals in sorted(compound.hubs.items()):
                hub = self._hub(compound, chain, day)
                first, last = min(a[0] for a in arrivals), max(a[0] for a in arrivals)
                events = [(at, amount, False) for at, amount in sorted(arrivals)]
                for _ in range(rng.randint(1, 3)):  # unrelated funds
                    at = rng.randint(first - 3600, last)
                    amount = Decimal(rng.randint(200, 20_000)) + Decimal(rng.randint(0, 99)) / 100
                    self.move(at, chain, self.address(chain, "unrelated"), hub, amount)
                    events.append((at, amount, True))
                events.sort(key=lambda e: e[0])
                balance = Decimal(0)
                since_flush = 0
                every = rng.randint(2, 4)
                for k, (at, amount, unrelated) in enumerate(events):
                    balance += amount
                    since_flush += not unrelated
                    following = events[k + 1][0] if k + 1 < len(events) else None
                    if following is None:
                        when = at + rng.randrange(600, 6 * 3600)
                        balance -= self._flush(chain, compound, hub, when, balance)
                    elif since_flush >= every and following - at >= 4:
                        when = at + 1 + rng.randrange((following - at) // 2)
                        share = Decimal(str(round(rng.uniform(0.6, 1.0), 3)))
                        sent = (balance * share).quantize(CENT, rounding=ROUND_DOWN)
                        balance -= self._flush(chain, compound, hub, when, sent)
                        since_flush = 0
                        every = rng.randint(2, 4)

    def _flush(
        self, chain: Chain, compound: _Compound, hub: str, at: int, amount: Decimal
    ) -> Decimal:
        """`amount` out of a hub in two to four parts to different places; returns what was sent."""
        rng = self.rng
        if amount < 1:
            return Decimal(0)
        deposits = [d for d, _ in compound.deposits[chain]]
        places: list[str] = rng.sample(deposits, min(len(deposits), rng.randint(1, 3)))
        if rng.random() < 0.3:
            places.append(self.otc[(rng.choice(OTC_DESKS), chain)])
        if rng.random() < 0.5 or len(places) < 2:
            places.append("")  # a peel chain
        rng.shuffle(places)
        for place, part in zip(places, _split(rng, amount, len(places)), strict=True):
            when = at + rng.randrange(0, 120)
            if place:
                self.move(when, chain, hub, place, part)
            else:
                layer = self.address(chain, "layer")
                self.move(when, chain, hub, layer, part)
                self._peel(chain, compound, layer, part, when)
        return amount

    def _peel(
        self, chain: Chain, compound: _Compound, layer: str, balance: Decimal, at: int
    ) -> None:
        rng = self.rng
        for _ in range(rng.randint(0, 2)):
            at += rng.randrange(300, 6 * 3600)
            if rng.random() < 0.2 and balance > 100:  # the operators' commission
                fee = (balance * Decimal(rng.uniform(0.01, 0.05))).quantize(CENT)
                self.move(at, chain, layer, compound.treasury[chain], fee)
                balance -= fee
                at += rng.randrange(30, 600)
            peel = (balance * Decimal(rng.uniform(0.2, 0.5))).quantize(CENT)
            if peel < 1:
                break
            deposit, _ = rng.choice(compound.deposits[chain])
            self.move(at, chain, layer, deposit, peel)
            balance -= peel
            following = self.address(chain, "layer")
            at += rng.randrange(30, 900)
            self.move(at, chain, layer, following, balance)
            layer = following
        at += rng.randrange(300, 12 * 3600)
        if rng.random() < 0.5:
            week = at // (7 * 86_400)
            compound.weeks[(chain, week)].append((at, balance, "", None))
            consolidation = self._week_wallet(compound, chain, week)
            self.move(at, chain, layer, consolidation, balance)
        else:
            deposit, _ = rng.choice(compound.deposits[chain])
            self.move(at, chain, layer, deposit, balance)

    def _week_wallet(self, compound: _Compound, chain: Chain, week: int) -> str:
        """The compound's consolidation wallet of one week (a fresh one each week)."""
        found = compound.wallets.get((chain, week))
        if found is None:
            found = self.address(chain, "consolidation", week)
            compound.wallets[(chain, week)] = found
        return found

    def _consolidate(self) -> None:
        rng = self.rng
        for compound_id in sorted(self.compounds):
            compound = self.compounds[compound_id]
            for (chain, week), arrivals in sorted(compound.weeks.items()):
                end = (week + 1) * 7 * 86_400 + rng.randrange(3600, 86_400)
                end = max(end, max(a[0] for a in arrivals) + 60)
                if rng.random() < 0.3:
                    desk_name = rng.choice(OTC_DESKS)
                    target = self.otc[(desk_name, chain)]
                else:
                    target, _ = rng.choice(compound.deposits[chain])
                if chain is Chain.BTC:
                    utxos = [u for _, _, _, u in arrivals if u is not None]
                    total_in = sum((u.value for u in utxos), Decimal(0))
                    outputs: list[tuple[str, Decimal | None]] = [(target, None)]
                    if len(utxos) > 1 and total_in > Decimal("0.01"):
                        # several victims' coins, split over one to three places
                        others = [d for d, _ in compound.deposits[Chain.BTC] if d != target]
                        for extra in rng.sample(others, min(len(others), rng.randint(0, 2))):
                            share = Decimal(str(round(rng.uniform(0.15, 0.4), 3)))
                            outputs.insert(0, (extra, (total_in * share).quantize(SAT)))
                        if sum((v or Decimal(0) for _, v in outputs), Decimal(0)) >= total_in / 2:
                            outputs = [(target, None)]
                    self._btc_tx(end, utxos, outputs)
                    continue
                wallet = self._week_wallet(compound, chain, week)
                total = sum((a[1] for a in arrivals), Decimal(0))
                # Most victims never report: their money joins the week's pot as well.
                first = min(a[0] for a in arrivals)
                for _ in range(rng.randint(0, 3)):
                    unreported = Decimal(rng.randint(100, 30_000))
                    at = rng.randint(first - 86_400, end - 60)
                    self.move(at, chain, self.address(chain, "unreported"), wallet, unreported)
                    total += unreported
                self.move(end, chain, wallet, target, total)

    # Bitcoin

    def _btc_tx(
        self, at: int, inputs: list[_Utxo], outputs: list[tuple[str, Decimal | None]]
    ) -> list[_Utxo]:
        """A transaction spending `inputs`; an output of None takes what is left after the fee."""
        tx = self.tx_hash(Chain.BTC)
        total = sum((u.value for u in inputs), Decimal(0))
        fixed = sum((v for _, v in outputs if v is not None), Decimal(0))
        rest = total - fixed - BTC_FEE
        ref = inputs[0].ref if len({u.ref for u in inputs}) == 1 else None
        made = [
            _Utxo(tx, i, address, value if value is not None else rest, ref)
            for i, (address, value) in enumerate(outputs)
        ]
        self.btc.append(
            (
                at,
                UtxoTx(
                    tx,
                    _time(at),
                    tuple(
                        UtxoInput(tx, i, u.tx_hash, u.index, u.address, u.value)
                        for i, u in enumerate(inputs)
                    ),
                    tuple(UtxoOutput(tx, u.index, u.address, u.value) for u in made),
                ),
            )
        )
        return made

    def _outside(self, address: str, value: Decimal) -> _Utxo:
        """An output of a transaction outside the files (the exchange's own coins)."""
        return _Utxo(self.tx_hash(Chain.BTC), self.rng.randrange(4), address, value, None)

    def _launder_btc(
        self,
        s: _Said,
        ids: tuple[str, str],
        wallet: str,
        compound: _Compound,
        amount: Decimal,
        victim: str,
        bought_at: str,
        times: tuple[int, int, int],
    ) -> None:
        rng = self.rng
        funded, at, sweep = times
        hot = self.hot[(bought_at, Chain.BTC)]
        bought = amount + BTC_FEE + (amount * Decimal(rng.uniform(0.0, 0.2))).quantize(SAT)
        reserve = self._outside(hot, bought + Decimal(rng.randint(2, 40)))
        mine = self._btc_tx(funded, [reserve], [(victim, bought), (hot, None)])[0]
        paid = self._btc_tx(at, [mine], [(wallet, amount), (victim, None)])[0]
        paid.ref = s.ref
        self.flows.payments.append(
            Payment(
                s.ref,
                s.victim,
                ids[0],
                ids[1],
                Chain.BTC,
                "BTC",
                paid.tx_hash,
                paid.index,
                _time(at),
                amount,
                victim,
                wallet,
            )
        )
        n = 1 if amount < Decimal("0.002") or rng.random() < 0.35 else rng.randint(2, 3)
        parts = _split(rng, amount - BTC_FEE, n, SAT)
        outs = self._btc_tx(
            sweep,
            [paid],
            [(self.address(Chain.BTC, "layer"), p) for p in parts[:-1]]
            + [(self.address(Chain.BTC, "layer"), None)],
        )
        for utxo in outs:
            at2 = sweep
            for _ in range(rng.randint(0, 2)):
                at2 += rng.randrange(600, 6 * 3600)
                peel = (utxo.value * Decimal(rng.uniform(0.2, 0.5))).quantize(SAT)
                if peel < Decimal("0.0005"):
                    break
                deposit, _ = rng.choice(compound.deposits[Chain.BTC])
                _, utxo = self._btc_tx(
                    at2, [utxo], [(deposit, peel), (self.address(Chain.BTC, "layer"), None)]
                )
            at2 += rng.randrange(600, 12 * 3600)
            if rng.random() < 0.5:
                compound.weeks[(Chain.BTC, at2 // (7 * 86_400))].append(
                    (at2, utxo.value, s.ref, utxo)
                )
            else:
                deposit, _ = rng.choice(compound.deposits[Chain.BTC])
                self._btc_tx(at2, [utxo], [(deposit, None)])

    # the rest of the chain

    def _unrelated(self) -> None:
        """Exchanges' sweeps and payouts, other customers' deposits: traffic around the flows."""
        rng = self.rng
        deposited: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
        for at, _, dst, amount, _, _ in self.moves:
            if dst in self.owner and self.owner[dst][1] is Category.EXCHANGE:
                deposited[dst].append((at, amount))
        count = len(self.moves)
        times = [m[0] for m in self.moves] or [int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())]
        lo, hi = min(times), max(times)
        for _ in range(count):
            at = rng.randint(lo, hi)
            chain = rng.choice((Chain.TRON, Chain.TRON, Chain.TRON, Chain.ETH))
            name = rng.choice(self._exchanges(chain))
            amount = Decimal(rng.randint(5, 20_000)) + Decimal(rng.randint(0, 99)) / 100
            user = self.address(chain, "user")
            r = rng.random()
            if r < 0.4:  # a withdrawal to a customer
                self.move(at, chain, self.hot[(name, chain)], user, amount)
            elif r < 0.8:  # a customer's deposit
                deposit = rng.choice(self.exchange_deposits[(name, chain)][:12])
                self.move(at, chain, user, deposit, amount)
                deposited[deposit].append((at, amount))
            else:  # between customers
                self.move(at, chain, user, self.address(chain, "user"), amount)
        for deposit in sorted(deposited):
            name, _ = self.owner[deposit]
            chain = _chain_of(deposit)
            for at, amount in deposited[deposit]:
                self.move(
                    at + rng.randrange(600, 7200), chain, deposit, self.hot[(name, chain)], amount
                )
        # OTC desks pay their customers out (cash, or USDT to the customer's own wallet).
        paid_in = [
            (at, dst, amount, chain)
            for at, _, dst, amount, chain, _ in self.moves
            if dst in self.owner and self.owner[dst][1] is Category.OTC
        ]
        for at, desk, amount, chain in sorted(paid_in, key=lambda m: (m[0], m[1])):
            payout = (amount * Decimal(str(round(rng.uniform(0.9, 0.98), 3)))).quantize(CENT)
            parts = _split(rng, payout, rng.randint(1, 3))
            for part in parts:
                if part > 0:
                    user = self.address(chain, "user")
                    self.move(at + rng.randrange(600, 2 * 86_400), chain, desk, user, part)
        # Bitcoin: customers' withdrawals and deposits.
        for _ in range(max(10, len(self.btc))):
            at = rng.randint(lo, hi)
            name = rng.choice(self._exchanges(Chain.BTC))
            hot = self.hot[(name, Chain.BTC)]
            value = Decimal(rng.randint(10_000, 50_000_000)) * SAT
            if rng.random() < 0.5:
                reserve = self._outside(hot, value + Decimal(rng.randint(1, 30)))
                self._btc_tx(at, [reserve], [(self.address(Chain.BTC, "user"), value), (hot, None)])
            else:
                user = self.address(Chain.BTC, "user")
                coins = self._outside(user, value + BTC_FEE)
                deposit = rng.choice(self.exchange_deposits[(name, Chain.BTC)][:12])
                self._btc_tx(at, [coins], [(deposit, value)])
        # Exchanges sweep their Bitcoin deposit addresses: one transaction per address and day.
        waiting: dict[tuple[str, int], list[_Utxo]] = defaultdict(list)
        hot_wallets = set(self.hot.values())
        for at, tx in self.btc:
            for o in tx.outputs:
                owner = self.owner.get(o.address)
                if (
                    owner is not None
                    and owner[1] is Category.EXCHANGE
                    and o.address not in hot_wallets
                ):
                    waiting[(o.address, at // 86_400)].append(
                        _Utxo(tx.tx_hash, o.index, o.address, o.value, None)
                    )
        for (deposit, day), swept in sorted(waiting.items()):
            total = sum((u.value for u in swept), Decimal(0))
            if total <= BTC_FEE:
                continue
            name, _ = self.owner[deposit]
            at = (day + 1) * 86_400 + rng.randrange(600, 6 * 3600)
            self._btc_tx(at, swept, [(self.hot[(name, Chain.BTC)], None)])

    def _finish(self) -> None:
        flows = self.flows
        self.moves.sort(key=lambda m: (m[0], m[5]))
        for at, src, dst, amount, chain, tx in self.moves:
            flows.transfers.append(
                Transfer(
                    chain=chain,
                    tx_hash=tx,
                    index=0,
                    timestamp=_time(at),
                    from_address=src,
                    to_address=dst,
                    token=USDT,
                    amount=amount,
                    token_contract=USDT_TRON if chain is Chain.TRON else USDT_ETH,
                    block=_block(chain, at),
                )
            )
        self.btc.sort(key=lambda x: (x[0], x[1].tx_hash))
        flows.utxo = [tx for _, tx in self.btc]
        for address in sorted(self.owner):
            name, category = self.owner[address]
            flows.labels.append(
                Label(_chain_of(address), address, name, category, SOURCE, 90, False)
            )
        flows.payments.sort(key=lambda p: (p.paid_at, p.ref))
        services = set(self.owner)
        for policy in POLICIES:
            truth = flows.truth_under(policy)
            truth.clear()
            for p in flows.payments:
                truth[p.ref] = {}
            found = _coins(flows, services, proportional=policy == "proportional")
            for ref, reached in found.items():
                step = SAT if _chain_of(next(iter(reached), "0x")) is Chain.BTC else MICRO
                truth[ref] = {
                    k: q
                    for k, v in sorted(reached.items())
                    if (q := v.quantize(step, rounding=ROUND_DOWN)) > 0
                }


_AGENCY_COUNTRY = {a.code: a.country for a in REFERENCE_AGENCIES}


# --- the ground truth: coins followed under a policy ---------------------------------------------


def _coins(
    flows: Laundering, services: set[str], *, proportional: bool
) -> dict[str, dict[str, Decimal]]:
    """ref → service → amount of the payment's coins that reached it, under the policy.

    The payments' own transfers (outputs on Bitcoin) create the tagged coins; every other
    transfer moves coins out of its sender (what a sender does not hold, such as an exchange's
    or an outside customer's funds, is untagged) into its recipient; a service keeps what it
    receives (a trace stops there). Account chains in time order (tx_hash, then index, as the
    engine); Bitcoin transaction by transaction."""
    reached: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    seeds = {(p.chain, p.tx_hash): p.ref for p in flows.payments if p.chain is not Chain.BTC}
    for chain in (Chain.TRON, Chain.ETH):
        held: dict[str, _Holding] = defaultdict(_Holding)
        for t in flows.transfers:
            if t.chain is not chain:
                continue
            ref = seeds.get((chain, t.tx_hash))
            if ref is not None:
                lots: list[tuple[str | None, Decimal]] = [(ref, t.amount)]
                if t.from_address not in services:
                    held[t.from_address].take(t.amount, proportional)
            elif t.from_address in services:
                lots = [(None, t.amount)]
            else:
                lots = held[t.from_address].take(t.amount, proportional)
            if t.to_address in services:
                for r, amount in lots:
                    if r is not None:
                        reached[r][t.to_address] += amount
            else:
                held[t.to_address].put(lots)
    outputs = {(p.tx_hash, p.index): p.ref for p in flows.payments if p.chain is Chain.BTC}
    coins: dict[tuple[str, int], list[tuple[str | None, Decimal]]] = {}
    for tx in flows.utxo:
        laid: list[tuple[str | None, Decimal]] = []
        for i in tx.inputs:
            laid.extend(coins.pop((i.prev_tx_hash, i.prev_index), [(None, i.value)]))
        total_in = sum((i.value for i in tx.inputs), Decimal(0))
        for o in tx.outputs:
            ref = outputs.get((tx.tx_hash, o.index))
            if ref is not None:
                got: list[tuple[str | None, Decimal]] = [(ref, o.value)]
                _take_lots(laid, o.value)  # the victim's own coins: spent, untagged
            elif proportional:
                got = [(r, v * o.value / total_in) for r, v in laid if v]
            else:
                got = _take_lots(laid, o.value)
            if o.address in services:
                for r, amount in got:
                    if r is not None:
                        reached[r][o.address] += amount
            else:
                coins[(tx.tx_hash, o.index)] = _merged(got)
    return {ref: dict(per) for ref, per in reached.items()}


def _take_lots(
    lots: list[tuple[str | None, Decimal]], amount: Decimal
) -> list[tuple[str | None, Decimal]]:
    """`amount` off the front of `lots` (in place); a shortfall is untagged."""
    taken: list[tuple[str | None, Decimal]] = []
    while amount > 0 and lots:
        ref, value = lots[0]
        if value <= amount:
            taken.append((ref, value))
            amount -= value
            lots.pop(0)
        else:
            taken.append((ref, amount))
            lots[0] = (ref, value - amount)
            amount = Decimal(0)
    if amount > 0:
        taken.append((None, amount))
    return taken


def _merged(lots: list[tuple[str | None, Decimal]]) -> list[tuple[str | None, Decimal]]:
    out: list[tuple[str | None, Decimal]] = []
    for ref, value in lots:
        if out and out[-1][0] == ref:
            out[-1] = (ref, out[-1][1] + value)
        elif value:
            out.append((ref, value))
    return out


class _Holding:
    """One wallet's coins: lots oldest first (FIFO), or amounts per payment (proportional)."""

    __slots__ = ("balance", "lots", "shares")

    def __init__(self) -> None:
        self.lots: list[tuple[str | None, Decimal]] = []
        self.shares: dict[str, Decimal] = {}
        self.balance = Decimal(0)

    def put(self, lots: list[tuple[str | None, Decimal]]) -> None:
        for ref, value in lots:
            self.balance += value
            if ref is not None:
                self.shares[ref] = self.shares.get(ref, Decimal(0)) + value
            if self.lots and self.lots[-1][0] == ref:
                self.lots[-1] = (ref, self.lots[-1][1] + value)
            else:
                self.lots.append((ref, value))

    def take(self, amount: Decimal, proportional: bool) -> list[tuple[str | None, Decimal]]:
        if not proportional:
            taken = _take_lots(self.lots, amount)
            self.balance = max(self.balance - amount, Decimal(0))
            return taken
        if self.balance <= 0 or not self.shares:
            self.balance = max(self.balance - amount, Decimal(0))
            return [(None, amount)]
        fraction = min(amount / self.balance, Decimal(1))
        out: list[tuple[str | None, Decimal]] = []
        for ref in list(self.shares):
            part = self.shares[ref] * fraction
            out.append((ref, part))
            left = self.shares[ref] - part
            if left > Decimal("1e-12"):
                self.shares[ref] = left
            else:
                del self.shares[ref]
        tagged = sum((v for _, v in out), Decimal(0))
        if amount > tagged:
            out.append((None, amount - tagged))
        self.balance = max(self.balance - amount, Decimal(0))
        return out


def _sells_to(countries: tuple[str, ...], agency: str) -> bool:
    return _AGENCY_COUNTRY.get(agency, "") in countries


def _chain_of(address: str) -> Chain:
    if address.startswith("0x"):
        return Chain.ETH
    if address.startswith("T"):
        return Chain.TRON
    return Chain.BTC


def _split(rng: random.Random, amount: Decimal, n: int, step: Decimal = CENT) -> list[Decimal]:
    """`amount` in `n` uneven parts (rounded to `step`, the last takes the remainder)."""
    if n <= 1:
        return [amount]
    weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
    total = sum(weights)
    parts = [
        (amount * Decimal(w / total)).quantize(step, rounding=ROUND_DOWN) for w in weights[:-1]
    ]
    return [*parts, amount - sum(parts, Decimal(0))]


_T0 = 1_700_000_000  # 2023-11-14: block numbers are counted from here


def _block(chain: Chain, at: int) -> int:
    if chain is Chain.TRON:
        return 56_000_000 + (at - _T0) // 3
    if chain is Chain.ETH:
        return 18_570_000 + (at - _T0) // 12
    return 817_000 + (at - _T0) // 600


def _time(at: int) -> datetime:
    return datetime.fromtimestamp(at, UTC)


# --- the files ---------------------------------------------------------------------------------


def write(flows: Laundering, out_dir: Path) -> tuple[Path, ...]:
    """The flows in the formats the importers read, the ground truth and the TagPack."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = tuple(out_dir / name for name in FILES)
    tron, eth, btc, payments, truth, labels = paths
    _write_trongrid(tron, (t for t in flows.transfers if t.chain is Chain.TRON))
    _write_etherscan(eth, (t for t in flows.transfers if t.chain is Chain.ETH))
    _write_esplora(btc, flows.utxo)
    with payments.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(PAYMENT_COLUMNS)
        for p in flows.payments:
            out.writerow(
                (
                    p.ref,
                    p.victim,
                    p.campaign,
                    p.compound,
                    p.chain.value,
                    p.token,
                    p.tx_hash,
                    "" if p.index is None else p.index,
                    p.paid_at.isoformat(),
                    p.amount,
                    p.from_address,
                    p.to_address,
                )
            )
    owner = {label.address: label for label in flows.labels}
    with truth.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(TRUTH_COLUMNS)
        for policy in POLICIES:
            found = flows.truth_under(policy)
            for p in flows.payments:
                for destination, amount in sorted(found.get(p.ref, {}).items()):
                    label = owner[destination]
                    out.writerow(
                        (
                            p.ref,
                            p.chain.value,
                            p.token,
                            destination,
                            label.label,
                            label.category.value,
                            amount,
                            policy,
                        )
                    )
    _write_tagpack(labels, flows.labels)
    return paths


def _write_trongrid(path: Path, transfers: Iterator[Transfer]) -> None:
    """TronGrid v1 `…/transactions/trc20` pages, as one object (newest first, as TronGrid)."""
    data = [
        {
            "transaction_id": t.tx_hash,
            "token_info": {
                "symbol": "USDT",
                "address": USDT_TRON,
                "decimals": USDT_DECIMALS,
                "name": "Tether USD",
            },
            "block_timestamp": int(t.timestamp.timestamp() * 1000),
            "from": t.from_address,
            "to": t.to_address,
            "type": "Transfer",
            "value": str(int(t.amount.scaleb(USDT_DECIMALS))),
        }
        for t in transfers
    ]
    data.reverse()
    with path.open("w", encoding="utf-8") as handle:
        json.dump({"data": data, "success": True, "meta": {"page_size": len(data)}}, handle)


_ETHERSCAN = (
    "Transaction Hash",
    "Blockno",
    "UnixTimestamp",
    "DateTime (UTC)",
    "From",
    "To",
    "TokenValue",
    "USDValueDayOfTx",
    "ContractAddress",
    "TokenName",
    "TokenSymbol",
)


def _write_etherscan(path: Path, transfers: Iterator[Transfer]) -> None:
    """Etherscan's token-transfer export (values with thousands separators, as it writes them)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        out.writerow(_ETHERSCAN)
        for t in transfers:
            out.writerow(
                (
                    t.tx_hash,
                    t.block,
                    int(t.timestamp.timestamp()),
                    t.timestamp.strftime("%Y-%m-%d %H:%M:%S"),
                    t.from_address,
                    t.to_address,
                    f"{t.amount:,}",
                    f"${t.amount:,.2f}",
                    USDT_ETH,
                    "Tether USD",
                    "USDT",
                )
            )


def _write_esplora(path: Path, txs: list[UtxoTx]) -> None:
    """Esplora's `/tx/:txid` objects, one JSON array (values in satoshis)."""

    def sats(value: Decimal) -> int:
        return int(value.scaleb(8))

    out = []
    for tx in txs:
        at = int(tx.timestamp.timestamp())
        out.append(
            {
                "txid": tx.tx_hash,
                "version": 2,
                "locktime": 0,
                "vin": [
                    {
                        "txid": i.prev_tx_hash,
                        "vout": i.prev_index,
                        "prevout": {
                            "scriptpubkey_type": "v0_p2wpkh",
                            "scriptpubkey_address": i.address,
                            "value": sats(i.value),
                        },
                        "is_coinbase": False,
                        "sequence": 4294967293,
                    }
                    for i in tx.inputs
                ],
                "vout": [
                    {
                        "scriptpubkey_type": "v0_p2wpkh",
                        "scriptpubkey_address": o.address,
                        "value": sats(o.value),
                    }
                    for o in tx.outputs
                ],
                "fee": sats(tx.fee),
                "status": {
                    "confirmed": True,
                    "block_height": _block(Chain.BTC, at),
                    "block_time": at,
                },
            }
        )
    with path.open("w", encoding="utf-8") as handle:
        json.dump(out, handle)


_CURRENCY = {Chain.TRON: "TRX", Chain.ETH: "ETH", Chain.BTC: "BTC"}


def _write_tagpack(path: Path, labels: list[Label]) -> None:
    """A GraphSense TagPack: header fields inherited by every tag."""
    lines = [
        "title: Exchanges and OTC desks of the scamlink synthetic world",
        "creator: scamlink demo generate",
        f"source: {SOURCE}",
        "description: Synthetic addresses for training; they exist on no real chain.",
        "is_public: false",
        "confidence: 90",
        "verified: false",
        "tags:",
    ]
    for label in labels:
        lines.append(f"  - address: {json.dumps(label.address)}")
        lines.append(f"    label: {json.dumps(label.label)}")
        lines.append(f"    currency: {_CURRENCY[label.chain]}")
        lines.append(f"    category: {label.category.value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
