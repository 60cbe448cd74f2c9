"""Address labels as GraphSense-style TagPacks (YAML).

A TagPack is a header and a list of `tags`. The header's fields (`source`, `category`,
`confidence`, `currency`/`network`/`chain`, `label`, `verified`) are inherited by every tag that
does not set them itself; `title`, `creator`, `description`, `lastmod`, `is_public` describe the
pack. Each tag names an `address` and a `label`.

- chain: `chain: tron|eth|btc`, or GraphSense's `currency`/`network` (`TRX`/`TRON`/`USDT`…).
- category: one of `model.Category` (GraphSense's `mixing_service`, `defi_bridge`,
  `otc_broker`, `scam`… are accepted under their names here).
- confidence: a number 0–100, or a GraphSense confidence name (`ownership` 100,
  `manual_transaction` 90, `service_api` 70, `authority_data` 60, `trusted_provider`,
  `service_data` and `forensic` 50, `untrusted_transaction` 40, `web_crawl` 20 — the levels of
  GraphSense's TagStore schema).
- the address must pass its chain's checksum (the indicators library) and is stored canonical.

Every problem names the tag (1-based, as counted in the file) and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from scamlink.indicators.crypto import canonical_btc, canonical_eth, canonical_tron
from scamlink.indicators.types import Indicator, InvalidIndicator
from scamlink.tracing.model import Category, Chain, Label

CONFIDENCE_LEVELS: dict[str, int] = {
    "override": 100,
    "ownership": 100,
    "manual_transaction": 90,
    "service_api": 70,
    "authority_data": 60,
    "trusted_provider": 50,
    "service_data": 50,
    "forensic": 50,
    "untrusted_transaction": 40,
    "web_crawl": 20,
}
_CHAINS: dict[str, Chain] = {
    "tron": Chain.TRON,
    "trx": Chain.TRON,
    "usdt-trc20": Chain.TRON,
    "trc20": Chain.TRON,
    "eth": Chain.ETH,
    "ethereum": Chain.ETH,
    "erc20": Chain.ETH,
    "btc": Chain.BTC,
    "bitcoin": Chain.BTC,
}
_CATEGORY_ALIASES: dict[str, Category] = {
    "mixing_service": Category.MIXER,
    "defi_bridge": Category.BRIDGE,
    "otc_broker": Category.OTC,
    "exchange_deposit": Category.EXCHANGE,
    "money_mule": Category.MULE,
}
_CHAIN_FIELDS = ("chain", "network", "currency")
_INHERITED = ("source", "category", "confidence", "currency", "network", "chain", "verified")
_TAG_FIELDS = {"address", "label", "context", "lastmod", "is_cluster_definer", "abuse", *_INHERITED}
_HEADER_FIELDS = {"title", "creator", "description", "lastmod", "is_public", "owner", "uri", "tags"}
_CANONICAL = {Chain.TRON: canonical_tron, Chain.ETH: canonical_eth, Chain.BTC: canonical_btc}
MAX_TAGS = 100_000
_Fail = Callable[[str, str], "TagPackError"]


class TagPackError(ValueError):
    """A TagPack that cannot be read; the message names the tag and field."""


def load_tagpack(path: Path) -> list[Label]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise TagPackError(f"{path.name}: not UTF-8 text (byte {e.start})") from None
    return parse_tagpack(text, source_name=path.name)


def parse_tagpack(text: str, *, source_name: str = "<tagpack>") -> list[Label]:
    """The labels of one TagPack, or `TagPackError` for the first problem found."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise TagPackError(f"{source_name}: not valid YAML{where}: {problem}") from None
    if not isinstance(document, Mapping):
        raise TagPackError(f"{source_name}: a TagPack is a mapping with a `tags` list")
    unknown = sorted(str(k) for k in document if k not in _HEADER_FIELDS | set(_INHERITED))
    if "label" in document:
        unknown = [k for k in unknown if k != "label"]
    if unknown:
        raise TagPackError(f"{source_name}: unknown header field(s): {', '.join(unknown)}")
    tags = document.get("tags")
    if not isinstance(tags, list) or not tags:
        raise TagPackError(f"{source_name}: `tags` must be a non-empty list")
    if len(tags) > MAX_TAGS:
        raise TagPackError(f"{source_name}: {len(tags)} tags; at most {MAX_TAGS} per TagPack")
    header = {k: document[k] for k in (*_INHERITED, "label") if k in document}
    labels: list[Label] = []
    seen: dict[tuple[Chain, str], int] = {}
    for number, tag in enumerate(tags, start=1):
        if not isinstance(tag, Mapping):
            raise TagPackError(f"{source_name}: tag {number}: a tag is a mapping (address, label…)")
        extra = sorted(str(k) for k in tag if k not in _TAG_FIELDS)
        if extra:
            raise TagPackError(f"{source_name}: tag {number}: unknown field(s): {', '.join(extra)}")
        inherited = dict(header)
        if any(k in tag for k in _CHAIN_FIELDS):  # the tag's own chain wins, whatever its name
            for k in _CHAIN_FIELDS:
                inherited.pop(k, None)
        fields: dict[str, Any] = {**inherited, **tag}
        label = _label(fields, number, source_name)
        ident = (label.chain, label.address)
        if ident in seen:
            raise TagPackError(
                f"{source_name}: tag {number}: address {label.address} is already tag {seen[ident]}"
            )
        seen[ident] = number
        labels.append(label)
    return labels


def _label(fields: Mapping[str, Any], number: int, name: str) -> Label:
    def fail(field: str, why: str) -> TagPackError:
        return TagPackError(f"{name}: tag {number}: field `{field}`: {why}")

    chain = _chain(fields, fail)
    raw_address = fields.get("address")
    if not isinstance(raw_address, str) or not raw_address.strip():
        raise fail("address", "missing")
    try:
        address = _CANONICAL[chain](raw_address).value
    except InvalidIndicator as e:
        raise fail("address", str(e)) from None
    text = fields.get("label")
    if not isinstance(text, str) or not text.strip():
        raise fail("label", "missing")
    if len(text) > 200:
        raise fail("label", "longer than 200 characters")
    source = fields.get("source")
    if not isinstance(source, str) or not source.strip():
        raise fail("source", "missing (say where the attribution comes from)")
    return Label(
        chain=chain,
        address=address,
        label=text.strip(),
        category=_category(fields.get("category"), fail),
        source=source.strip()[:500],
        confidence=_confidence(fields.get("confidence"), fail),
        verified=_verified(fields.get("verified", False), fail),
    )


def _chain(fields: Mapping[str, Any], fail: _Fail) -> Chain:
    for field in ("chain", "network", "currency"):
        value = fields.get(field)
        if value is None:
            continue
        chain = _CHAINS.get(str(value).strip().lower())
        if chain is None:
            known = ", ".join(sorted({c.value for c in Chain}))
            raise fail(field, f"unknown chain {value!r} (known: {known}, TRX, ETH, BTC)")
        return chain
    raise fail("chain", "missing (set `chain`, `network` or `currency` on the tag or the header)")


def _category(value: object, fail: _Fail) -> Category:
    if value is None:
        raise fail("category", "missing")
    text = str(value).strip().lower()
    if text in _CATEGORY_ALIASES:
        return _CATEGORY_ALIASES[text]
    try:
        return Category(text)
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise fail("category", f"unknown category {value!r} (known: {known})") from None


def _confidence(value: object, fail: _Fail) -> int:
    if value is None:
        return 50
    if isinstance(value, bool):
        raise fail("confidence", "a number 0–100 or a GraphSense confidence name, not true/false")
    if isinstance(value, int):
        if not 0 <= value <= 100:
            raise fail("confidence", f"{value} is outside 0–100")
        return value
    if isinstance(value, str) and value.strip().lower() in CONFIDENCE_LEVELS:
        return CONFIDENCE_LEVELS[value.strip().lower()]
    known = ", ".join(CONFIDENCE_LEVELS)
    raise fail("confidence", f"{value!r} is neither a number 0–100 nor one of: {known}")


def _verified(value: object, fail: _Fail) -> bool:
    if isinstance(value, bool):
        return value
    raise fail("verified", f"true or false, not {value!r}")


def canonical_address(chain: Chain, raw: str) -> Indicator:
    """The canonical form of `raw` on `chain` (raises `InvalidIndicator`)."""
    return _CANONICAL[chain](raw)
