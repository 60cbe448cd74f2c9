"""JSON transfer files read record by record: the same records, formats and errors as reading
the whole document, whatever the chunk boundaries; memory bounded by the chunk, not the file."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from scamlink.interop.transfers import json_stream
from scamlink.interop.transfers.common import TransferFileError, TransferFormat
from scamlink.interop.transfers.detect import parse_file
from scamlink.tracing.model import Chain

DATA = Path(__file__).parent / "data"


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("name", ["tron_grid.json", "tronscan.json", "esplora_txs.json"])
@pytest.mark.parametrize("size", [1, 7, 1 << 20])
def test_records_match_the_whole_document(name: str, size: int) -> None:
    text = (DATA / name).read_text()
    document = json.loads(text, parse_float=str)
    found, records = json_stream.records(_pieces(text, size))
    if name == "tron_grid.json":
        assert (found, list(records)) == (TransferFormat.TRON_GRID, document["data"])
    elif name == "tronscan.json":
        whole = document["token_transfers"] if isinstance(document, dict) else document
        assert (found, list(records)) == (TransferFormat.TRONSCAN, whole)
    else:
        assert (found, list(records)) == (TransferFormat.ESPLORA, document)


def test_a_single_esplora_transaction_is_one_record() -> None:
    text = (DATA / "esplora_tx.json").read_text()
    found, records = json_stream.records(_pieces(text, 5))
    assert found is TransferFormat.ESPLORA
    assert list(records) == [json.loads(text, parse_float=str)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"data": [{"transaction_id": "a", "token_info": {}}, {"x": 1', "truncated JSON"),
        ('{"data": [{"transaction_id": "a", "token_info": {}}] "meta": {}}', "malformed JSON"),
        ('{"data": [{"transaction_id": "a", "token_info": {}}]} x', "Extra data"),
        ('[{"txid": "a", "vin": [], "vout": []}\n,\n{"txid": 1e}]', "line 3, column"),
        ('{"meta": NaN, "data": []}', "malformed JSON"),
    ],
)
def test_errors_say_what_and_where(text: str, message: str) -> None:
    for size in (3, 1 << 20):
        with pytest.raises(TransferFileError, match=message):
            list(json_stream.records(_pieces(text, size))[1])


def test_an_error_position_counts_the_whole_file() -> None:
    head = '{"data": [' + ",".join(['{"transaction_id": "a", "token_info": {}}'] * 50)
    text = head + ",\n\n  {]}"
    with pytest.raises(json.JSONDecodeError) as whole:
        json.loads(text)
    assert (whole.value.lineno, whole.value.colno) == (3, 4)
    with pytest.raises(TransferFileError) as caught:
        list(json_stream.records(_pieces(text, 16))[1])
    assert f"line 3, column 4 (character offset {whole.value.pos})" in str(caught.value)


def test_a_bad_byte_is_named_by_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"data": [' + b" " * 100 + b"\xff]}")
    with pytest.raises(TransferFileError, match=r"not UTF-8 text \(byte offset 110\)"):
        parse_file(path, Chain.TRON)


def test_a_large_file_is_read_in_bounded_memory(tmp_path: Path) -> None:
    record = json.loads((DATA / "tron_grid.json").read_text())["data"][0]
    path = tmp_path / "big.json"
    with path.open("w") as out:
        out.write('{"data": [')
        out.write(",".join([json.dumps(record)] * 40_000))
        out.write('], "success": true}')
    size = path.stat().st_size
    tracemalloc.start()
    try:
        found, records = json_stream.records(json_stream.file_chunks(path))
        count = sum(1 for _ in records)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (found, count) == (TransferFormat.TRON_GRID, 40_000)
    assert size > 10 * (1 << 20)
    assert peak < size / 2  # the whole text would be more than the file
