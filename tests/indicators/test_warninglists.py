"""Warninglists: well-formed data, canonical values, and every benign value of the demo world."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scamlink.demo import benign
from scamlink.demo.generator import generate
from scamlink.indicators import canonicalise, parse_field
from scamlink.indicators.types import Indicator, IndicatorType
from scamlink.indicators.warninglists import WARNINGLISTS, warninglist_hit

T = IndicatorType


def test_lists_are_named_versioned_and_not_empty() -> None:
    names = [w.name for w in WARNINGLISTS]
    assert len(names) == len(set(names)) >= 6
    for w in WARNINGLISTS:
        assert w.version >= 20260101
        assert w.count == len(w.values) > 0
        assert w.description
        assert w.match in ("exact", "subdomains")
        assert all(t in {k.value for k in T} for t in w.types)


@pytest.mark.parametrize("wl", WARNINGLISTS, ids=lambda w: w.name)
def test_every_value_is_canonical(wl: object) -> None:
    for value in wl.values:  # type: ignore[attr-defined]
        if wl.match == "subdomains":  # type: ignore[attr-defined]
            kind = T.DOMAIN
        elif value.startswith("http"):
            kind = T.URL
        elif ":" in value and not value.startswith("+"):
            kind = T(value.split(":", 1)[0])
        elif value.startswith("+"):
            kind = T.PHONE
        else:
            kind = next(
                t
                for t in (T.ETH, T.TRON, T.BTC)
                if t.value in wl.types  # type: ignore[attr-defined]
                and _valid(t, value)
            )
        assert canonicalise(kind, value).value == value


def _valid(kind: IndicatorType, value: str) -> bool:
    try:
        canonicalise(kind, value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("kind", "value", "hit"),
    [
        (T.DOMAIN, "facebook.com", "platform-domains"),
        (T.DOMAIN, "m.facebook.com", "platform-domains"),
        (T.DOMAIN, "notfacebook.com", None),
        (T.DOMAIN, "facebook.com.evil.xyz", None),
        (T.DOMAIN, "police.go.kr", "government-police-domains"),
        (T.DOMAIN, "kbstar.com", "bank-domains"),
        (T.DOMAIN, "kbstar-secure.com", None),
        (T.DOMAIN, "bit.ly", "url-shorteners"),
        (T.URL, "https://www.google.com/", "platform-domains"),
        (T.URL, "https://bit.ly/3xYz", None),
        (T.URL, "https://www.facebook.com/profile.php?id=1000123", None),
        (T.URL, "https://t.me/telegram", "platform-official"),
        (T.PHONE, "+8215889999", "bank-hotlines"),
        (T.PHONE, "+821012345678", None),
        (T.ETH, "0x28c6c06298d514db089934071355e5743bf21d60", "exchange-hot-wallets"),
        (T.TELEGRAM, "telegram:telegram", "platform-official"),
        (T.EMAIL, "someone@gmail.com", None),
    ],
)
def test_hits(kind: IndicatorType, value: str, hit: str | None) -> None:
    assert warninglist_hit(Indicator(kind, value, value)) == hit


def test_hotlines_as_written_in_each_country_hit() -> None:
    # KB's 1588-9999 canonicalises to +8215889999, which is what the list holds.
    for country, numbers in benign.BANK_HOTLINES.items():
        for number in numbers:
            phone = canonicalise(T.PHONE, number, country)
            assert warninglist_hit(phone) == "bank-hotlines", (country, number)


def test_every_benign_value_of_the_demo_world_is_on_a_list(tmp_path: Path) -> None:
    generate(tmp_path, 20, 1)
    with (tmp_path / "benign.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows
    for row in rows:
        indicators = parse_field(row["kind"], row["value"], row["country"] or "KR")  # type: ignore[arg-type]
        assert indicators
        for indicator in indicators:
            assert warninglist_hit(indicator) is not None, (row, indicator)
