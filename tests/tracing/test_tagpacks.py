"""TagPack reading: header inheritance, validation errors naming tag and field, the starter set."""

from __future__ import annotations

from pathlib import Path

import pytest

from scamlink.tracing.model import Category, Chain
from scamlink.tracing.tagpacks import TagPackError, load_tagpack, parse_tagpack

TRON_A = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
ETH_A = "0x52908400098527886E0F7030069857D2E4169EE7"  # EIP-55 test vector
STARTER = Path("src/scamlink/tracing/data/tagpacks/starter.yaml")

PACK = f"""
title: test pack
creator: KNPA cyber bureau
category: exchange
confidence: 80
network: TRX
source: https://example.org/attribution
tags:
  - address: {TRON_A}
    label: Example Exchange deposit
  - address: "{ETH_A}"
    currency: ETH
    label: OTC desk
    category: otc_broker
    confidence: forensic
    verified: true
    source: case 2026-KR-17
"""


def test_header_fields_are_inherited_and_tags_override_them() -> None:
    first, second = parse_tagpack(PACK)
    assert first.chain is Chain.TRON
    assert first.address == TRON_A
    assert first.category is Category.EXCHANGE
    assert first.confidence == 80
    assert first.source == "https://example.org/attribution"
    assert first.verified is False
    assert first.is_service
    assert second.chain is Chain.ETH
    assert second.address == ETH_A.lower()  # canonical
    assert second.category is Category.OTC
    assert second.confidence == 50  # GraphSense "forensic"
    assert second.verified is True
    assert second.source == "case 2026-KR-17"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ((TRON_A, TRON_A[:-1] + "u"), "tag 1: field `address`: .*checksum"),
        (("confidence: 80", "confidence: 180"), "tag 1: field `confidence`: 180 is outside 0–100"),
        (("confidence: 80", "confidence: sure"), "tag 1: field `confidence`: 'sure' is neither"),
        (("category: exchange", "category: casino"), "tag 1: field `category`: unknown category"),
        (("network: TRX", "network: DOGE"), "tag 1: field `network`: unknown chain 'DOGE'"),
        (("    label: OTC desk\n", ""), "tag 2: field `label`: missing"),
        (("    verified: true", "    verified: maybe"), "tag 2: field `verified`: true or false"),
        (("    currency: ETH\n", "    currency: ETH\n    colour: red\n"), "tag 2: unknown field"),
        (("tags:", "tagz:"), "unknown header field"),
        (("source: https://example.org/attribution\n", ""), "tag 1: field `source`: missing"),
    ],
)
def test_problems_name_the_tag_and_field(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in PACK
    with pytest.raises(TagPackError, match=message):
        parse_tagpack(PACK.replace(old, new, 1), source_name="pack.yaml")


def test_missing_chain_and_duplicates_and_bad_yaml() -> None:
    with pytest.raises(TagPackError, match="tag 1: field `chain`: missing"):
        parse_tagpack(PACK.replace("network: TRX\n", ""))
    twice = PACK + f"  - address: {TRON_A}\n    label: again\n"
    with pytest.raises(TagPackError, match=f"tag 3: address {TRON_A} is already tag 1"):
        parse_tagpack(twice)
    with pytest.raises(TagPackError, match="not valid YAML at line 3, column 1"):
        parse_tagpack("tags:\n  - address: [unclosed\n")
    with pytest.raises(TagPackError, match="`tags` must be a non-empty list"):
        parse_tagpack("title: empty\ntags: []\n")
    with pytest.raises(TagPackError, match="a TagPack is a mapping"):
        parse_tagpack("- just a list\n")


def test_yaml_tags_are_not_executed() -> None:
    with pytest.raises(TagPackError, match="not valid YAML"):
        parse_tagpack("!!python/object/apply:os.system ['true']\n")


def test_the_starter_set_is_valid_and_all_unverified() -> None:
    labels = load_tagpack(STARTER)
    assert labels
    assert all(not x.verified for x in labels)
    assert all(x.category is Category.EXCHANGE for x in labels)
    assert {x.chain for x in labels} == {Chain.TRON, Chain.ETH, Chain.BTC}
    text = STARTER.read_text(encoding="utf-8")
    assert "TO BE VERIFIED BY THE USER" in text
    assert "MUST BE COMPLETED" in text
