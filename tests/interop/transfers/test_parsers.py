"""Transfer files: every format detected from its content, exact amounts, canonical addresses,
and bad input named by line/record and field (fixtures: tests/interop/transfers/data/,
written from the formats' public documentation by make_fixtures.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Context, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.interop.transfers.common import (
    RowError,
    TransferFileError,
    TransferFormat,
    base_units,
    decimal_amount,
)
from scamlink.interop.transfers.detect import parse_file, parse_text
from scamlink.tracing.model import Chain

DATA = Path(__file__).parent / "data"
USDT_TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
VICTIM = "TExiFtF2M1JqHdknDuAXcUyvTZtHBZY6c9"
COLLECTION = "TFn3ZAniEP4ix5fMkWtRz8YzvDZ514pi1k"


@pytest.mark.parametrize(
    ("name", "chain", "found", "transfers", "skipped"),
    [
        ("tron_grid.json", Chain.TRON, TransferFormat.TRON_GRID, 5, 1),
        ("tronscan.json", Chain.TRON, TransferFormat.TRONSCAN, 3, 1),
        ("tronscan.csv", Chain.TRON, TransferFormat.TRONSCAN, 3, 1),
        ("etherscan.csv", Chain.ETH, TransferFormat.ETHERSCAN, 4, 0),
        ("etherscan_old.csv", Chain.ETH, TransferFormat.ETHERSCAN, 4, 0),
        ("esplora_tx.json", Chain.BTC, TransferFormat.ESPLORA, 2, 0),
        ("esplora_txs.json", Chain.BTC, TransferFormat.ESPLORA, 5, 1),
        ("plain.csv", Chain.TRON, TransferFormat.PLAIN_CSV, 4, 0),
    ],
)
def test_each_format_is_detected_and_read(
    name: str, chain: Chain, found: TransferFormat, transfers: int, skipped: int
) -> None:
    parsed = parse_file(DATA / name, chain)
    assert parsed.format is found
    assert parsed.problems == []
    assert len(parsed.transfers) == transfers
    assert parsed.skipped == skipped
    assert all(isinstance(t.amount, Decimal) for t in parsed.transfers)
    assert all(t.timestamp.tzinfo is UTC for t in parsed.transfers)


def test_detection_ignores_the_file_name(tmp_path: Path) -> None:
    misleading = tmp_path / "etherscan-export.csv"
    misleading.write_bytes((DATA / "tron_grid.json").read_bytes())
    assert parse_file(misleading, Chain.TRON).format is TransferFormat.TRON_GRID


def test_tron_grid_scales_value_by_decimals_and_skips_approvals() -> None:
    parsed = parse_file(DATA / "tron_grid.json", Chain.TRON)
    first = parsed.transfers[-1]  # newest first: the victim's payment is last
    assert (first.from_address, first.to_address) == (VICTIM, COLLECTION)
    assert first.amount == Decimal("3000")
    assert first.token == "USDT"
    assert first.token_contract == USDT_TRON
    assert first.timestamp == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    # two transfers of one transaction get different indexes
    same_tx = [t for t in parsed.transfers if t.tx_hash == parsed.transfers[1].tx_hash]
    assert len({t.index for t in same_tx}) == 2


def test_the_same_transfer_from_two_exports_has_the_same_key() -> None:
    grid = {(t.tx_hash, t.index) for t in parse_file(DATA / "tron_grid.json", Chain.TRON).transfers}
    scan = {(t.tx_hash, t.index) for t in parse_file(DATA / "tronscan.json", Chain.TRON).transfers}
    assert scan <= grid


def test_tronscan_csv_and_json_agree() -> None:
    as_json = parse_file(DATA / "tronscan.json", Chain.TRON).transfers
    as_csv = parse_file(DATA / "tronscan.csv", Chain.TRON).transfers
    assert as_json == as_csv
    assert as_json[0].block == 61500123


def test_etherscan_thousands_separators_and_old_header() -> None:
    new = parse_file(DATA / "etherscan.csv", Chain.ETH).transfers
    old = parse_file(DATA / "etherscan_old.csv", Chain.ETH).transfers
    assert [t.amount for t in new] == [
        Decimal("1250.5"),
        Decimal("1000"),
        Decimal("250.5"),
        Decimal("999.999999"),
    ]
    assert new == old  # lower-case and EIP-55 addresses canonicalise alike
    assert new[0].from_address == new[0].from_address.lower()
    assert new[0].token_contract == "0xdac17f958d2ee523a2206206994597c13d831ec7"
    assert new[0].tx_hash.startswith("0x")


def test_esplora_keeps_the_utxo_structure() -> None:
    parsed = parse_file(DATA / "esplora_tx.json", Chain.BTC)
    (tx,) = parsed.utxo
    assert [i.value for i in tx.inputs] == [Decimal("0.0015"), Decimal("0.0006")]
    assert [o.value for o in tx.outputs] == [Decimal("0.0018"), Decimal("0.00028")]
    assert tx.fee == Decimal("0.00002")
    assert tx.inputs[1].address.startswith("1")  # legacy P2PKH kept as written
    assert tx.inputs[1].prev_index == 3
    assert [t.index for t in parsed.transfers] == [0, 1]
    assert parsed.transfers[0].from_address == tx.inputs[0].address


def test_esplora_skips_unconfirmed_and_keeps_op_return() -> None:
    parsed = parse_file(DATA / "esplora_txs.json", Chain.BTC)
    assert parsed.skipped == 1
    op_return = [t for t in parsed.transfers if t.to_address == ""]
    assert len(op_return) == 1
    assert op_return[0].amount == 0


def test_plain_csv_reads_iso_and_unix_times() -> None:
    parsed = parse_file(DATA / "plain.csv", Chain.TRON)
    assert [t.timestamp for t in parsed.transfers] == [
        datetime(2024, 5, 1, 8, 0, tzinfo=UTC),
        datetime(2024, 5, 1, 8, 43, 20, tzinfo=UTC),
        datetime(2024, 5, 1, 8, 43, 20, tzinfo=UTC),
        datetime(2024, 5, 1, 1, 0, tzinfo=UTC),
    ]
    assert parsed.transfers[3].token_contract == ""
    assert parsed.transfers[3].amount == Decimal("12.000001")


# --- bad input -------------------------------------------------------------------------------


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(TransferFileError) as caught:
        parse_file(DATA / "unknown.csv", Chain.TRON)
    message = str(caught.value)
    assert "date, payee, sum" in message
    for known in ("TronGrid", "Tronscan", "Etherscan", "Esplora", "plain CSV"):
        assert known in message


def test_unknown_json_lists_the_known_formats() -> None:
    with pytest.raises(TransferFileError, match="known formats: TronGrid"):
        parse_text('{"result": []}', Chain.TRON)


def test_empty_file_is_refused() -> None:
    with pytest.raises(TransferFileError, match="empty"):
        parse_text("  \n", Chain.TRON)


def test_truncated_json_says_where() -> None:
    with pytest.raises(TransferFileError) as caught:
        parse_file(DATA / "tron_grid_truncated.json", Chain.TRON)
    assert "truncated JSON" in str(caught.value)
    assert "line 46, column 25" in str(caught.value)


def test_json_cut_between_tokens_is_truncated_too() -> None:
    with pytest.raises(TransferFileError, match=r"truncated JSON .* line 1, column 10"):
        parse_text('{"data": ', Chain.TRON)


def test_wrong_chain_for_the_format() -> None:
    with pytest.raises(TransferFileError, match="holds tron transfers, not eth"):
        parse_file(DATA / "tron_grid.json", Chain.ETH)


def test_row_problems_name_record_and_field() -> None:
    parsed = parse_file(DATA / "tron_grid_bad.json", Chain.TRON)
    assert [(p.record, p.field) for p in parsed.problems] == [
        (1, "value"),
        (2, "value"),
        (3, "from"),
        (4, "block_timestamp"),
    ]
    reasons = [p.reason for p in parsed.problems]
    assert reasons[0] == "negative amount '-5'"
    assert "not an integer" in reasons[1]
    assert "bad checksum" in reasons[2]
    assert "out of time order" in reasons[3]
    assert "(record 3)" in reasons[3]
    assert str(parsed.problems[0]) == "record 1, field value: negative amount '-5'"


def test_etherscan_problems_name_line_and_column() -> None:
    parsed = parse_file(DATA / "etherscan_bad.csv", Chain.ETH)
    assert [(p.line, p.field) for p in parsed.problems] == [
        (3, "From"),
        (4, "TokenValue"),
        (5, "UnixTimestamp"),
    ]
    assert "EIP-55" in parsed.problems[0].reason
    assert "sorted ascending" in parsed.problems[2].reason


def test_plain_csv_problems() -> None:
    text = (
        "chain,tx_hash,index,timestamp,from,to,token,amount\n"
        f"eth,{'a' * 64},0,1714550400,{VICTIM},{COLLECTION},USDT,1\n"
        f"tron,{'a' * 64},x,1714550400,{VICTIM},{COLLECTION},USDT,1\n"
        f"tron,{'a' * 64},0,2024-05-01 08:00:00,{VICTIM},{COLLECTION},USDT,1\n"
        f"tron,{'a' * 64},0,1714550400,{VICTIM},{COLLECTION},USDT,1e3\n"
        f"tron,{'a' * 64},0,1714550400,{VICTIM},{COLLECTION},,1\n"
        f"tron,{'a' * 64},0,1714550400000,{VICTIM},{COLLECTION},USDT,1\n"
    )
    parsed = parse_text(text, Chain.TRON)
    assert [(p.line, p.field) for p in parsed.problems] == [
        (2, "chain"),
        (3, "index"),
        (4, "timestamp"),
        (5, "amount"),
        (6, "token"),
        (7, "timestamp"),
    ]
    assert "no time zone" in parsed.problems[2].reason


def test_esplora_problems_name_the_input() -> None:
    text = (DATA / "esplora_tx.json").read_text().replace('"value": 60000', '"value": -60000')
    parsed = parse_text(text, Chain.BTC)
    assert [(p.record, p.field) for p in parsed.problems] == [(1, "vin[1].prevout.value")]


def test_esplora_outputs_above_inputs_are_refused() -> None:
    text = (DATA / "esplora_tx.json").read_text().replace('"value": 180000', '"value": 980000')
    (problem,) = parse_text(text, Chain.BTC).problems
    assert problem.field == "vout"
    assert "exceed inputs" in problem.reason


# --- exact amounts ---------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=2**256 - 1), st.integers(min_value=0, max_value=30))
def test_base_units_are_exact(units: int, decimals: int) -> None:
    amount = base_units(str(units), decimals, "value")
    assert amount.scaleb(decimals, Context(prec=200)) == units  # nothing rounded away
    assert format(amount, "f").replace(".", "").lstrip("0") == str(units).lstrip("0") or units == 0


@pytest.mark.parametrize("bad", ["-1", "1.5", "1e6", "", "NaN", True, 1.5, None])
def test_base_units_refuse_non_integers(bad: object) -> None:
    with pytest.raises(RowError):
        base_units(bad, 6, "value")


@pytest.mark.parametrize("bad", ["-0.5", "1,5", "1.2.3", "abc", "1e3", ".5", "Infinity"])
def test_decimal_amount_refuses(bad: str) -> None:
    with pytest.raises(RowError):
        decimal_amount(bad, "amount", thousands=True)
