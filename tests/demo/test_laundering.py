"""The synthetic laundering flows: payments that match the reports, realistic flows around them,
ground truth, files in the importers' formats, determinism (reports untouched)."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scamlink.demo import generate
from scamlink.demo.countries import USD_RATE
from scamlink.demo.laundering import (
    BTC_USD,
    FILES,
    POLICIES,
    Laundering,
    NotAWorld,
    build,
    generate_laundering,
    min_amount,
    policy_dependent,
    seeds,
)
from scamlink.demo.load import load_laundering
from scamlink.indicators import Indicator, parse_field
from scamlink.store.labels import StoreLabelSource
from scamlink.store.transfers import SqlTransferSource
from scamlink.tracing.engine import trace
from scamlink.tracing.model import Category, Chain, Model, TraceOptions
from scamlink.tracing.quality import score
from scamlink.tracing.tagpacks import load_tagpack

REPORTS = 1500
SEED = 23


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Laundering]:
    root = tmp_path_factory.mktemp("laundering")
    generate(root, REPORTS, SEED)
    return root, generate_laundering(root, SEED)


def _digests(folder: Path, names: tuple[str, ...]) -> dict[str, str]:
    return {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in names}


def _reports(folder: Path) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for path in folder.glob("reports-*.csv"):
        agency = path.stem.removeprefix("reports-")
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found[f"{agency}:{row['external_id']}"] = row
    return found


def test_same_seed_same_bytes_and_the_reports_stay_as_they_were(
    world: tuple[Path, Laundering], tmp_path: Path
) -> None:
    root, _ = world
    again = tmp_path / "again"
    generate(again, REPORTS, SEED)
    reports = tuple(sorted(p.name for p in again.iterdir()))
    before = _digests(again, reports)
    generate_laundering(again, SEED)
    assert _digests(again, reports) == before  # laundering never touches the reports
    assert _digests(again, reports) == _digests(root, reports)
    assert _digests(again, FILES) == _digests(root, FILES)
    other = tmp_path / "other"
    generate(other, REPORTS, SEED + 1)
    generate_laundering(other, SEED + 1)
    assert (
        _digests(other, FILES)["laundering_truth.csv"]
        != _digests(root, FILES)["laundering_truth.csv"]
    )


def test_every_payment_is_the_one_its_report_describes(world: tuple[Path, Laundering]) -> None:
    root, flows = world
    reports = _reports(root)
    assert len(flows.payments) > 100
    assert {p.chain for p in flows.payments} == {Chain.TRON, Chain.ETH, Chain.BTC}
    by_tx = {(t.chain, t.tx_hash, t.index): t for t in flows.transfers}
    outputs = {(o.tx_hash, o.index): o for tx in flows.utxo for o in tx.outputs}
    for p in flows.payments:
        row = reports[p.ref]
        # The report's wallet …
        named = {i.value for written in row["wallets"].split(";") for i in _wallets(written)}
        assert p.to_address in named, p.ref
        # … on or before the day it was received, on the incident's day when there is one …
        received = datetime.fromisoformat(row["received_at"])
        assert p.paid_at < received
        if row["incident_date"]:
            local = p.paid_at.astimezone(received.tzinfo).date().isoformat()
            assert local == row["incident_date"], p.ref
        # … the loss, in USDT (or converted at the world's rates).
        loss, currency = Decimal(row["loss_amount"]), row["loss_currency"]
        usd = loss if currency in ("USD", "USDT") else loss / Decimal(str(USD_RATE[currency]))
        if p.chain is Chain.BTC:
            assert abs(p.amount * BTC_USD - usd) <= max(Decimal(7), usd * Decimal("0.001"))
        elif currency == "USDT":
            assert p.amount == loss
        else:
            assert abs(p.amount - usd) <= Decimal(1)
        if p.chain is Chain.BTC:
            assert p.index is not None
            assert outputs[(p.tx_hash, p.index)].address == p.to_address
            assert outputs[(p.tx_hash, p.index)].value == p.amount
        else:
            assert p.index is None
            t = by_tx[(p.chain, p.tx_hash, 0)]
            assert (t.to_address, t.amount, t.timestamp) == (p.to_address, p.amount, p.paid_at)


def _wallets(written: str) -> list[Indicator]:
    try:
        return list(parse_field("wallets", written.split(": ", 1)[-1], "KR"))
    except ValueError:
        return []


def test_the_truth_names_only_labelled_services_and_never_more_than_was_paid(
    world: tuple[Path, Laundering],
) -> None:
    _, flows = world
    labels = {label.address: label for label in flows.labels}
    assert {label.category for label in flows.labels} == {Category.EXCHANGE, Category.OTC}
    for policy in POLICIES:
        reached = 0
        for p in flows.payments:
            truth = flows.truth_under(policy)[p.ref]
            assert sum(truth.values(), Decimal(0)) <= p.amount
            for destination in truth:
                assert labels[destination].is_service
            reached += bool(truth)
        assert reached >= 0.9 * len(flows.payments)
        # Some money rests unlabelled (commission to the compound's treasury).
        assert any(
            sum(flows.truth_under(policy)[p.ref].values()) < p.amount for p in flows.payments
        )
    with pytest.raises(ValueError, match="policy must be one of fifo, proportional"):
        flows.truth_under("lifo")


def test_hubs_mix_victims_so_the_truth_depends_on_the_policy(
    world: tuple[Path, Laundering],
) -> None:
    """Layering hubs and splitting Bitcoin consolidations mix several payments before sending
    them to different places: there the two policies disagree; the proportional truth reaches
    every place the FIFO one does (its support is everywhere the money could have gone)."""
    _, flows = world
    fifo, proportional = flows.truth, flows.truth_proportional
    mixed = set(policy_dependent(flows))
    assert {p.chain for p in flows.payments if p.ref in mixed} == set(Chain)
    assert 0.2 * len(flows.payments) <= len(mixed) <= 0.8 * len(flows.payments)
    for p in flows.payments:
        assert set(fifo[p.ref]) <= set(proportional[p.ref]), p.ref
        # The same money reaches services in total, whichever coins are said to go where
        # (up to rounding, and to money that is still in a wallet at the end).
        assert sum(fifo[p.ref].values()) <= p.amount
    # Unrelated funds enter the hubs; OTC desks pay out; Bitcoin deposit addresses are swept.
    otc = {label.address for label in flows.labels if label.category is Category.OTC}
    assert any(t.from_address in otc for t in flows.transfers)
    deposits = {
        label.address
        for label in flows.labels
        if label.chain is Chain.BTC and label.category is Category.EXCHANGE
    }
    assert any(i.address in deposits for tx in flows.utxo for i in tx.inputs)


def test_flows_are_in_time_order_and_never_spend_what_a_wallet_does_not_hold(
    world: tuple[Path, Laundering],
) -> None:
    _, flows = world
    times = [t.timestamp for t in flows.transfers]
    assert times == sorted(times)
    services = {label.address for label in flows.labels}
    senders_of_victims = {p.from_address for p in flows.payments if p.chain is not Chain.BTC}
    balance: dict[str, Decimal] = defaultdict(Decimal)
    received: set[str] = set()
    for t in flows.transfers:
        # Wallets that only ever receive before sending (collection, layering, consolidation,
        # victims): never negative. Services and outside customers bring their own funds.
        balance[t.to_address] += t.amount
        received.add(t.to_address)
        if t.from_address in received and t.from_address not in services:
            balance[t.from_address] -= t.amount
            assert balance[t.from_address] >= 0, t
    assert senders_of_victims <= received
    assert all(t.amount > 0 for t in flows.transfers)
    for tx in flows.utxo:
        assert tx.fee >= 0
        assert all(o.value > 0 for o in tx.outputs)


def test_the_files_are_in_the_formats_the_importers_read(world: tuple[Path, Laundering]) -> None:
    root, flows = world
    tron = json.loads((root / "transfers-tron.json").read_text(encoding="utf-8"))
    first = tron["data"][0]
    assert set(first) == {
        "transaction_id",
        "token_info",
        "block_timestamp",
        "from",
        "to",
        "type",
        "value",
    }
    assert first["token_info"]["decimals"] == 6
    assert first["value"].isdigit()
    tron_count = sum(1 for t in flows.transfers if t.chain is Chain.TRON)
    assert len(tron["data"]) == tron_count
    with (root / "transfers-eth.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0].keys() >= {"Transaction Hash", "UnixTimestamp", "From", "To", "TokenValue"}
    assert len(rows) == sum(1 for t in flows.transfers if t.chain is Chain.ETH)
    esplora = json.loads((root / "transfers-btc.json").read_text(encoding="utf-8"))
    for tx in esplora:
        paid_in = sum(i["prevout"]["value"] for i in tx["vin"])
        assert paid_in - sum(o["value"] for o in tx["vout"]) == tx["fee"] >= 0
    with (root / "laundering_truth.csv").open(encoding="utf-8", newline="") as handle:
        truth_rows = list(csv.DictReader(handle))
    for policy in POLICIES:
        rows = [r for r in truth_rows if r["policy"] == policy]
        assert len(rows) == sum(len(v) for v in flows.truth_under(policy).values())
        assert {(r["ref"], r["destination"]): Decimal(r["amount"]) for r in rows} == {
            (ref, d): amount
            for ref, found in flows.truth_under(policy).items()
            for d, amount in found.items()
        }
    assert load_tagpack(root / "labels.yaml") == flows.labels


def test_a_folder_without_a_world_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAWorld, match=r"truth\.csv"):
        build(tmp_path, 1)


def test_loaded_into_the_store_the_traces_find_the_truth(
    world: tuple[Path, Laundering], engine: Engine
) -> None:
    """The files go through the real importers (TronGrid, Etherscan, Esplora, TagPack) and the
    store-backed trace finds what the ground truth says, as the memory one does."""
    root, flows = world
    loaded = load_laundering(engine, root)
    assert loaded is not None
    for chain in ("tron", "eth", "btc"):
        counts = loaded[chain]
        assert isinstance(counts, dict)
        assert counts["rejected_rows"] == 0
        assert counts["stored"] > 0
    assert loaded["labels"] == len(flows.labels)
    again = load_laundering(engine, root)
    assert again is not None
    first, second = loaded["tron"], again["tron"]
    assert isinstance(first, dict)
    assert second == {**first, "stored": 0, "duplicates": first["stored"]}
    source, labels = SqlTransferSource(engine), StoreLabelSource(engine)
    chosen = [s for s in seeds(flows) if s.chain is Chain.TRON][:25]
    chosen += [s for s in seeds(flows) if s.chain is not Chain.TRON][:15]
    results = [
        trace(
            source,
            labels,
            [s],
            TraceOptions(model=Model.HAIRCUT, hops=6, min_amount=min_amount(s.chain)),
        )
        for s in chosen
    ]
    # Haircut is the proportional policy: scored against that truth (tests/tracing/test_quality.py
    # scores every model against both).
    truth = {s.ref: flows.truth_proportional[s.ref] for s in chosen}
    quality = score("haircut", truth, results)
    assert quality.meets_goal, quality.as_dict()
