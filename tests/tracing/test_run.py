"""A trace asked for by a person: input checked field by field (line numbers for the seeds),
bounded, every model compared, and the flow graph laid out victims → cash-out points."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import cast

import pytest

from scamlink.indicators.codecs import base58check_encode
from scamlink.tracing.cached import CachingTransferSource
from scamlink.tracing.memory import InMemoryLabels, InMemoryTransferSource
from scamlink.tracing.model import Category, Chain, Label, Model, Transfer
from scamlink.tracing.run import MAX_SEEDS, TraceInputError, graph, parse_query, run

AT = datetime(2026, 2, 1, tzinfo=UTC)


def _address(name: str) -> str:
    return base58check_encode(b"\x41" + hashlib.sha256(name.encode()).digest()[:20])


def _tx(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _move(name: str, src: str, dst: str, amount: str, minutes: int) -> Transfer:
    return Transfer(
        Chain.TRON,
        _tx(name),
        0,
        AT + timedelta(minutes=minutes),
        _address(src),
        _address(dst),
        "USDT",
        Decimal(amount),
    )


def test_seeds_are_read_line_by_line_with_their_references() -> None:
    tx = _tx("a")
    query = parse_query(
        chain="tron",
        seeds=f"{tx} KNPA:K-1\n\n{tx.upper()}:3 RTP:R-9\n{_address('w')}",
        since="2026-01-01",
        model="fifo",
        hops="4",
    )
    assert [(s.tx_hash, s.index, s.address, s.ref) for s in query.seeds] == [
        (tx, None, None, "KNPA:K-1"),
        (tx, 3, None, "RTP:R-9"),
        (None, None, _address("w"), _address("w")),
    ]
    assert query.seeds[2].since == datetime(2026, 1, 1, tzinfo=UTC)
    assert (query.model, query.hops) == (Model.FIFO, 4)
    assert query.options().min_amount == Decimal("0.01")
    eth = parse_query(chain="eth", seeds="0x" + "AB" * 32)
    assert eth.seeds[0].tx_hash == "0x" + "ab" * 32
    assert parse_query(chain="btc", seeds=tx).options().min_amount == Decimal("0.00001")


@pytest.mark.parametrize(
    ("fields", "field", "line"),
    [
        ({"chain": "doge"}, "chain", None),
        ({"model": "magic"}, "model", None),
        ({"hops": "11"}, "hops", None),
        ({"hops": "two"}, "hops", None),
        ({"min_amount": "-1"}, "min_amount", None),
        ({"min_amount": "abc"}, "min_amount", None),
        ({"since": "yesterday"}, "since", None),
        ({"since": "2026-02-02", "until": "2026-02-01"}, "until", None),
        ({"seeds": ""}, "seeds", None),
        ({"seeds": f"{_tx('a')}\nTNotAnAddress"}, "seeds", 2),
        ({"seeds": f"{_tx('a')}:x"}, "seeds", 1),
        ({"seeds": _address("w")}, "since", 1),
        ({"seeds": f"{_tx('a')} same\n{_tx('b')} same"}, "seeds", None),
        ({"seeds": "\n".join(_tx(str(i)) for i in range(MAX_SEEDS + 1))}, "seeds", None),
    ],
)
def test_bad_input_names_its_field_and_line(
    fields: dict[str, str], field: str, line: int | None
) -> None:
    base = {"chain": "tron", "seeds": _tx("a")}
    with pytest.raises(TraceInputError) as caught:
        parse_query(**{**base, **fields})
    assert caught.value.field == field
    assert caught.value.line == line
    if line is not None:
        assert str(caught.value).startswith(f"line {line}: ")


def test_every_model_is_compared_and_the_graph_runs_left_to_right() -> None:
    moves = [
        _move("pay", "victim", "collect", "1000", 0),
        _move("other", "someone", "collect", "1000", 5),
        _move("out1", "collect", "layer", "1500", 10),
        _move("dep", "layer", "deposit", "1500", 20),
        _move("out2", "collect", "elsewhere", "500", 30),
    ]
    labels = InMemoryLabels(
        [Label(Chain.TRON, _address("deposit"), "Binance", Category.EXCHANGE, "test")]
    )
    query = parse_query(chain="tron", seeds=f"{_tx('pay')} KNPA:K-1", model="haircut")
    done = run(InMemoryTransferSource(moves), labels, query)
    said = {s.model: s.attributed for s in done.comparison}
    assert list(said) == list(Model)
    assert said[Model.HAIRCUT] == Decimal(750)  # 1500 × 1000/2000
    assert said[Model.FIFO] == Decimal(1000)  # the victim's money came in first
    assert said[Model.LIFO] == Decimal(500)
    assert [(r.service, r.total) for r in done.requests] == [("Binance", Decimal(750))]
    drawn = graph(done.result)
    nodes = cast(list[dict[str, dict[str, object]]], drawn["nodes"])
    x = {n["data"]["id"]: cast(int, n["position"]["x"]) for n in nodes}
    assert x[_address("victim")] < x[_address("collect")] < x[_address("layer")]
    assert x[_address("layer")] < x[_address("deposit")]
    unknown = parse_query(chain="tron", seeds=_tx("nowhere"))
    with pytest.raises(TraceInputError) as caught:
        run(InMemoryTransferSource(moves), labels, unknown)
    assert caught.value.field == "seeds"


class _Counting(InMemoryTransferSource):
    """Counts the questions asked of it."""

    def __init__(self, transfers: list[Transfer]) -> None:
        super().__init__(transfers)
        self.questions: list[tuple[object, ...]] = []

    def outgoing(
        self, chain: Chain, address: str, token: str, since: datetime, until: datetime | None
    ) -> Sequence[Transfer]:
        self.questions.append(("out", address, since, until))
        return super().outgoing(chain, address, token, since, until)

    def incoming(
        self, chain: Chain, address: str, token: str, since: datetime | None, until: datetime
    ) -> Sequence[Transfer]:
        self.questions.append(("in", address, since, until))
        return super().incoming(chain, address, token, since, until)

    def transaction(self, chain: Chain, tx_hash: str) -> Sequence[Transfer]:
        self.questions.append(("tx", tx_hash))
        return super().transaction(chain, tx_hash)


def test_the_comparison_walks_the_graph_once_and_says_what_each_model_says_alone() -> None:
    moves = [
        _move("pay", "victim", "collect", "1000", 0),
        _move("other", "someone", "collect", "1000", 5),
        _move("out1", "collect", "layer", "1500", 10),
        _move("dep", "layer", "deposit", "1500", 20),
        _move("out2", "collect", "elsewhere", "500", 30),
        _move("on", "elsewhere", "further", "400", 40),
    ]
    labels = InMemoryLabels(
        [Label(Chain.TRON, _address("deposit"), "Binance", Category.EXCHANGE, "test")]
    )
    query = parse_query(chain="tron", seeds=f"{_tx('pay')} KNPA:K-1", model="fifo")
    counting = _Counting(moves)
    done = run(counting, labels, query)
    assert len(counting.questions) == len(set(counting.questions))  # each asked once
    assert ("tx", _tx("pay")) in counting.questions
    for summary in done.comparison:
        alone = run(
            InMemoryTransferSource(moves),
            labels,
            parse_query(chain="tron", seeds=f"{_tx('pay')} KNPA:K-1", model=summary.model.value),
            compare=False,
        )
        assert alone.comparison == (summary,)
    cached = CachingTransferSource(InMemoryTransferSource(moves))
    first = cached.outgoing(Chain.TRON, _address("collect"), "USDT", AT, None)
    assert cached.outgoing(Chain.TRON, _address("collect"), "USDT", AT, None) is first
    assert (cached.asked, cached.answered) == (1, 1)
    assert len(first) == 2
