"""The memories (lru_caches) of the indicators library: bounded, none larger than a bulk import's
parsing process can hold full early, and answers unchanged once entries are evicted.

A parsing process of a bulk import grows until every memory it uses is full; memories sized to
fill within the first fifth of a million-report import keep it flat after that
(docs/performance.md, 2026-11-29 14:25). 64 k entries of the largest (`extract._canonical`,
about 550 bytes an entry) already weigh 36 MB in each parsing process.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import scamlink.indicators
from scamlink.indicators import fields, parse_field
from scamlink.interop import report_csv

LARGEST = 1 << 16


def _memos() -> Iterator[tuple[str, functools._lru_cache_wrapper[object]]]:
    package = scamlink.indicators
    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, functools._lru_cache_wrapper) and value.__module__ == info.name:
                yield f"{info.name}.{name}", value


def test_every_memo_that_takes_arguments_is_bounded() -> None:
    memos = list(_memos())
    assert len(memos) >= 10  # the walk finds them (extract, web, banks, fields, phone…)
    for name, memo in memos:
        if not inspect.signature(memo.__wrapped__).parameters:
            continue  # one value, computed once
        maxsize = memo.cache_parameters()["maxsize"]
        assert maxsize is not None, name
        assert maxsize <= LARGEST, name


def test_the_bulk_loaders_memory_of_cells_is_bounded_as_well() -> None:
    assert report_csv._FIELD_MEMO_MAX <= LARGEST


def test_parse_field_answers_the_same_once_its_memory_evicted() -> None:
    fields._parse_cached.cache_clear()
    maxsize = fields._parse_cached.cache_parameters()["maxsize"]
    assert maxsize is not None
    values = [f"010-{2000 + n // 10000}-{n % 10000:04d}" for n in range(maxsize + 50)]
    first = [parse_field("phones", v, "KR") for v in values[:50]]
    for value in values[50:]:
        parse_field("phones", value, "KR")
    assert fields._parse_cached.cache_info().currsize == maxsize
    # The first values were evicted: asked again, they are worked out again, to the same answer.
    misses = fields._parse_cached.cache_info().misses
    assert [parse_field("phones", v, "KR") for v in values[:50]] == first
    assert fields._parse_cached.cache_info().misses == misses + 50
