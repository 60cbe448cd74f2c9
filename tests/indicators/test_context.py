"""Money, dates and reference numbers around a number: the keyword tries (compiled without
re.IGNORECASE) decide as the patterns they replace, written out as plain alternations."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scamlink.indicators.context import _CURRENCY_BEFORE, _REFERENCE_BEFORE, not_a_phone
from tests.indicators.world_text import mixed_text

# The straightforward spelling of the same rules: what the tries must agree with.
CURRENCY_BEFORE = re.compile(
    r"(?<![a-z])(?:₩|฿|₫|\$|₱|៛|rp\.?|rm|idr|usd|usdt|sgd|s\$|b\$|myr|php|thb|vnd|krw|khr|lak|mmk|"
    r"cny|rmb|¥|€|£)\s{0,2}$",
    re.IGNORECASE,
)
REFERENCE_BEFORE = re.compile(
    r"(?<![a-z])(?:case|report|ref(?:erence)?|order|invoice|inv|tracking|track|receipt|"
    r"transaction|txn|trx|otp|pin|code|awb|resi|pesanan|nomor\s+laporan|laporan|kasus|"
    r"đơn(?:\s+hàng)?|vận\s+đơn|mã|hóa\s+đơn|giao\s+dịch|kaso|order\s+id|tracking\s+id|ticket|"
    r"lp/b|사건|사건번호|접수번호|주문번호|운송장|송장|승인번호|인증번호|거래번호|"
    r"เลขที่|เลขพัสดุ|หมายเลขพัสดุ|คำสั่งซื้อ|รหัส|ออเดอร์|"
    r"订单|单号|案件|编号|案号|快递|"
    r"លេខករណី|ករណី|ເລກທີ|ຄະດີ|အမှု)"
    r"\s*(?:no\.?|number|num|#|번호|号|編號|id|nomor|số|คือ)?\s*[:：#.=\-]?\s*$",
    re.IGNORECASE,
)


def _spaced(words: str) -> list[str]:
    return words.split(" ")  # "  " gives an empty word too: nothing between two others


KEYWORDS = _spaced(
    "case Case CASE report REF Reference order Order ID tracking id TRACKING invoice inv receipt "
    "txn TRX otp PIN code awb resi pesanan nomor laporan Nomor  Laporan kasus đơn Đơn hàng ĐƠN "
    "HÀNG vận đơn mã Mã hóa đơn giao dịch kaso ticket lp/b LP/B 사건 사건번호 접수번호 주문번호 "
    "운송장 송장 승인번호 인증번호 거래번호 เลขที่ เลขพัสดุ รหัส ออเดอร์ 订单 单号 案件 快递 "
    "លេខករណី ເລກທີ ຄະດີ အမှု ₩ ฿ ₫ $ ₱ ៛ rp rp. Rp. RM idr USD usdt sgd S$ b$ myr php thb vnd "
    "KRW khr lak mmk cny rmb ¥ € £ no. number # 번호 号 id : ： = - x abc "
    "\u212a \u017f \u0130 \u0131"
)
WINDOWS = st.lists(
    st.sampled_from(KEYWORDS) | st.sampled_from([" ", "  ", "\n", ":", "", "1"]), max_size=6
).map("".join)


@settings(max_examples=500, deadline=None)
@given(WINDOWS)
def test_keyword_tries_decide_as_the_plain_patterns(before: str) -> None:
    assert bool(_CURRENCY_BEFORE.search(before)) == bool(CURRENCY_BEFORE.search(before))
    assert bool(_REFERENCE_BEFORE.search(before)) == bool(REFERENCE_BEFORE.search(before))


@settings(max_examples=200, deadline=None)
@given(mixed_text(8))
def test_keyword_tries_decide_as_the_plain_patterns_on_narratives(before: str) -> None:
    before = before[-24:]
    assert bool(_CURRENCY_BEFORE.search(before)) == bool(CURRENCY_BEFORE.search(before))
    assert bool(_REFERENCE_BEFORE.search(before)) == bool(REFERENCE_BEFORE.search(before))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("주문번호: 01012345678", True),
        ("Order ID 0812345678", True),
        ("ĐƠN HÀNG 0912345678", True),
        ("USD 0812345678", True),
        ("Rp. 0812345678", True),
        ("bUSD 0812345678", False),  # glued to a word: not the currency
        ("전화 01012345678", False),
        ("tel 0812345678", False),
    ],
)
def test_reference_and_currency_words_before_a_number(text: str, expected: bool) -> None:
    start = text.index("0")
    assert not_a_phone(text, start, len(text)) is expected
