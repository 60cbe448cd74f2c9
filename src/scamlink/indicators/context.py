"""Context that says a number in free text is not a phone number: money, dates and times, case,
order, tracking and reference numbers, in the brief's languages. Checked only around a candidate
(a bounded window), never over the whole text."""

from __future__ import annotations

import re

from scamlink.indicators.trie import case_atoms, case_class, literal_atoms, trie_pattern

_WINDOW = 24  # characters looked at before a candidate for a reference keyword

# Currency words and symbols next to a number (just before or just after it).
_CURRENCY_AFTER = re.compile(
    r"^\s{0,2}(?:[원만억천萬億千]|万|亿|元|块|บาท|₩|฿|₫|đ\b|đồng|dong\b|vnd\b|vnđ|ringgit|rm\b|"
    r"peso|php\b|₱|rupiah|rp\b|idr\b|usdt|usdc|usd\b|dollars?|\$|s\$|sgd|b\$|bnd|myr|thb|krw|khr|"
    r"riel|រៀល|៛|kip\b|ກີບ|lak\b|kyats?|ကျပ်|mmk|cny|rmb|trx|eth\b|btc|won\b|baht|%|달러|바트|"
    r"đô|dolar|ringgit|ks\b|k\b)",
    re.IGNORECASE,
)


def _keywords(words: str, tail: str) -> re.Pattern[str]:
    """Any of the space-separated `words` (case-insensitive; "_" stands for one or more spaces
    inside one), not after a Latin letter, then `tail`. Compiled as a trie without
    re.IGNORECASE (see trie.py) so a search skips to the keywords' first letters."""
    not_after_letter = "(?<!" + case_class("[a-z]") + ".)"
    spelled = words.split()
    atoms = []
    for word in spelled:
        word_atoms = literal_atoms(word, r"\s+", split="_")
        word_atoms.insert(1, not_after_letter)
        atoms.append(word_atoms)
    return re.compile(trie_pattern(atoms, case_atoms(spelled)) + "(?i:" + tail + ")")


_CURRENCY_BEFORE = _keywords(
    "₩ ฿ ₫ $ ₱ ៛ rp rp. rm idr usd usdt sgd s$ b$ myr php thb vnd krw khr lak mmk cny rmb ¥ € £",
    r"\s{0,2}$",
)
# Reference numbers: case, report, order, invoice, tracking, receipt, transaction, OTP, ID.
_REFERENCE_BEFORE = _keywords(
    "case report ref reference order invoice inv tracking track receipt transaction txn "
    "trx otp pin code awb resi pesanan nomor_laporan laporan kasus đơn đơn_hàng vận_đơn "
    "mã hóa_đơn giao_dịch kaso order_id tracking_id ticket lp/b "
    "사건 사건번호 접수번호 주문번호 운송장 송장 승인번호 인증번호 거래번호 "
    "เลขที่ เลขพัสดุ หมายเลขพัสดุ คำสั่งซื้อ รหัส ออเดอร์ "
    "订单 单号 案件 编号 案号 快递 "
    "លេខករណី ករណី ເລກທີ ຄະດີ အမှု",
    r"\s*(?:no\.?|number|num|#|번호|号|編號|id|nomor|số|คือ)?\s*[:：#.=\-]?\s*$",
)

_DATE_SHAPE = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[-/.]\d{4})$"
)
_DATE_AFTER = re.compile(r"^\s?(?:년|月|年|日|일|월|시|분|時|点|點|:\d)")
_DATE_BEFORE = re.compile(r"(?:\d:|\d년\s?|\d月|\d年)\s?$")


def not_a_phone(text: str, start: int, end: int) -> bool:
    """True when the candidate text[start:end] reads as money, a date/time or a reference."""
    written = text[start:end]
    if _DATE_SHAPE.match(written):
        return True
    after = text[end : end + 12]
    before = text[max(0, start - _WINDOW) : start]
    # An amount never starts with 0 or +; a number that does is a phone even when the next
    # sentence starts with a currency ("… 010-1234-5678 USDT (TRC20) 지갑 …").
    money_shaped = written[0] not in "0+("
    if (money_shaped and _CURRENCY_AFTER.match(after)) or _DATE_AFTER.match(after):
        return True
    if after[:1] in (",", ".") and after[1:2].isdigit():
        return True  # part of 1,234,567 or 12.345.678 the candidate only started
    if before[-1:] in (",", ".") and before[-2:-1].isdigit():
        return True
    return bool(
        _CURRENCY_BEFORE.search(before)
        or _REFERENCE_BEFORE.search(before)
        or _DATE_BEFORE.search(before)
    )


def money_after(text: str, end: int) -> bool:
    """True when a currency word or symbol follows position `end` ("86.300.000 đồng")."""
    return _CURRENCY_AT.match(text, end, end + 12) is not None


_CURRENCY_AT = re.compile(_CURRENCY_AFTER.pattern.removeprefix("^"), re.IGNORECASE)
