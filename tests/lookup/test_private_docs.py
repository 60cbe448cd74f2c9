"""docs/lookup-private.md is right: its examples are recomputed and its client code runs."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scamlink.indicators import IndicatorType, canonicalise
from scamlink.lookup.index import MembershipIndex
from scamlink.lookup.keys import key_digest, key_hash
from scamlink.lookup.private import answer_size, range_answer
from scamlink.lookup.verdict import Standing, pack

DOC = Path(__file__).resolve().parents[2] / "docs" / "lookup-private.md"


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def _examples() -> list[list[str]]:
    block = _text().split("<!-- examples:start -->")[1].split("<!-- examples:end -->")[0]
    rows = [line for line in block.strip().splitlines()[2:] if line.startswith("|")]
    return [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in rows]


def test_the_examples_are_right() -> None:
    examples = _examples()
    assert len(examples) >= 10
    for kind, written, country, canonical, digest, prefix, suffix in examples:
        assert canonicalise(IndicatorType(kind), written, country or None).value == canonical
        assert key_digest(canonical).hex() == digest
        assert (prefix, suffix) == (digest[:5], digest[5:16])


def test_the_stated_answer_length() -> None:
    stated = int(re.search(r"an answer is \*\*(\d+) bytes\*\*", _text()).group(1))  # type: ignore[union-attr]
    assert answer_size(21_000_000) == 64
    assert answer_size(100_000_000) == 192
    body = range_answer(MembershipIndex.empty(), "2efdd", seed=b"docs").body()
    assert len(body) == stated


def test_the_client_code_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    code = _text().split("```python")[1].split("```")[0]
    reported = "+821012345678"
    index = MembershipIndex.build(
        np.array([key_hash(reported)], dtype=np.uint64),
        np.array([pack(Standing.REPORTED, Standing.REPORTED)], dtype=np.uint8),
    )
    asked: list[str] = []

    def urlopen(url: str) -> Any:
        asked.append(url)
        prefix = url.rsplit("/", 1)[1]
        return io.BytesIO(range_answer(index, prefix, seed=b"docs").body())

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 (our own documentation)
    assert namespace["public_standing"](reported, "https://scamlink.test") == 2
    assert namespace["public_standing"]("+66812345678", "https://scamlink.test") == 0
    assert asked[0] == "https://scamlink.test/api/v1/lookup/range/2efdd"
