"""Crypto wallet addresses: Bitcoin (base58check P2PKH/P2SH, bech32/bech32m segwit), Ethereum
(and every EVM chain: 0x + 40 hex, EIP-55) and TRON (base58check, version byte 0x41)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scamlink.indicators.codecs import (
    base58check_decode,
    base58check_encode,
    bech32_decode,
    eip55,
)
from scamlink.indicators.types import Indicator, IndicatorType, InvalidIndicator

_B58 = "1-9A-HJ-NP-Za-km-z"
# Address shapes, reusable for free-text extraction later. A shape match is not a valid address.
ETH_RE = re.compile(r"(?<![0-9A-Za-z])0[xX][0-9a-fA-F]{40}(?![0-9A-Za-z])")
BTC_BECH32_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}(?![0-9A-Za-z])"
)
BTC_BASE58_RE = re.compile(rf"(?<![0-9A-Za-z])[13][{_B58}]{{25,34}}(?![0-9A-Za-z])")
TRON_RE = re.compile(rf"(?<![0-9A-Za-z])T[{_B58}]{{33}}(?![0-9A-Za-z])")
TRON_HEX_RE = re.compile(r"(?<![0-9A-Za-z])41[0-9a-fA-F]{40}(?![0-9A-Za-z])")
WALLET_RE = re.compile(
    "|".join(p.pattern for p in (ETH_RE, BTC_BECH32_RE, TRON_RE, TRON_HEX_RE, BTC_BASE58_RE))
)


def canonical_eth(raw: str) -> Indicator:
    """`0x` + 40 lower-case hex; a mixed-case address must pass EIP-55. Display: EIP-55 form."""
    text = raw.strip()
    if not ETH_RE.fullmatch(text):
        raise InvalidIndicator(f"{raw!r} is not an Ethereum address (0x + 40 hex digits)")
    body = text[2:]
    checksummed = eip55(text)
    if body != body.lower() and body != body.upper() and checksummed != "0x" + body:
        raise InvalidIndicator(f"{raw!r}: bad checksum (EIP-55 mixed case)")
    return Indicator(IndicatorType.ETH, "0x" + body.lower(), checksummed)


def canonical_btc(raw: str) -> Indicator:
    """Mainnet Bitcoin address: base58 P2PKH/P2SH as written, bech32/bech32m in lower case."""
    text = raw.strip()
    if text[:3].lower() == "bc1":
        try:
            bech32_decode("bc", text)
        except ValueError as e:
            raise InvalidIndicator(f"{raw!r} is not a valid Bitcoin address: {_why(e)}") from None
        return Indicator(IndicatorType.BTC, text.lower(), text.lower())
    if not BTC_BASE58_RE.fullmatch(text):
        raise InvalidIndicator(f"{raw!r} is not a Bitcoin address")
    try:
        payload = base58check_decode(text)
    except ValueError as e:
        raise InvalidIndicator(f"{raw!r} is not a valid Bitcoin address: {_why(e)}") from None
    if len(payload) != 21 or payload[0] not in (0x00, 0x05):
        raise InvalidIndicator(f"{raw!r} is not a mainnet P2PKH/P2SH Bitcoin address")
    return Indicator(IndicatorType.BTC, text, text)


def canonical_tron(raw: str) -> Indicator:
    """TRON address: base58check `T…` as written (the 41… hex form is converted to it)."""
    text = raw.strip()
    if TRON_HEX_RE.fullmatch(text):
        text = base58check_encode(bytes.fromhex(text))
    if not TRON_RE.fullmatch(text):
        raise InvalidIndicator(f"{raw!r} is not a TRON address (T + 33 base58 characters)")
    try:
        payload = base58check_decode(text)
    except ValueError as e:
        raise InvalidIndicator(f"{raw!r} is not a valid TRON address: {_why(e)}") from None
    if len(payload) != 21 or payload[0] != 0x41:
        raise InvalidIndicator(f"{raw!r} is not a TRON address (version byte is not 0x41)")
    return Indicator(IndicatorType.TRON, text, text)


def _why(e: ValueError) -> str:
    msg = str(e)
    if "checksum" in msg and "bad checksum" not in msg:
        return f"bad checksum ({msg})"
    return msg


def canonical_wallet(raw: str) -> Indicator:
    """Detect the chain of one address and canonicalise it. A label around the address
    ("USDT TRC20: T…", "ERC-20 0x…") is allowed; two addresses in one value are not."""
    text = raw.strip()
    found = WALLET_RE.findall(text)
    if len(found) > 1:
        raise InvalidIndicator(f"more than one address in {raw!r}")
    if not found:
        raise InvalidIndicator(f"{raw!r} is not a recognised wallet address (BTC, ETH, TRON)")
    address = found[0]
    if address[:2] in ("0x", "0X"):
        return canonical_eth(address)
    if address[:3].lower() == "bc1":
        return canonical_btc(address)
    if address[0] == "T" or address[:2] == "41":
        return canonical_tron(address)
    return canonical_btc(address)


# --- free text: where an address can be ------------------------------------------------------

_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ALNUM_RUN_RE = re.compile(r"[0-9A-Za-z]{11,90}")
# Every byte to "a" (an ASCII letter or digit) or " " (anything else, UTF-8 bytes of non-ASCII
# characters included): has_long_run looks for 25 "a"s in a row.
_RUN_MARKS = bytes(ord("a") if chr(b) in _ALNUM else ord(" ") for b in range(256))
_RUN_OF_25 = b"a" * 25


def wallet_matches(s: str) -> Iterator[re.Match[str]]:
    """WALLET_RE's matches in free text. Every address is a whole run of ASCII letters and
    digits (11 to 90 of them), so only such runs are tried, each once at its start; none is
    tried when the text has no run of 25 (most narratives)."""
    if not has_long_run(s):
        return
    n = len(s)
    for r in _ALNUM_RUN_RE.finditer(s):
        a, b = r.start(), r.end()
        if (a and s[a - 1] in _ALNUM) or (b < n and s[b] in _ALNUM):
            continue  # a piece of a longer run
        m = WALLET_RE.match(s, a)
        if m is not None:
            yield m


def has_long_run(s: str) -> bool:
    """Whether `s` holds 25 ASCII letters and digits in a row. In UTF-8 every byte of a
    non-ASCII character is >= 0x80, so the runs are those of the encoded bytes: one C
    translate marks letters and digits, one C substring search finds 25 in a row (a regex
    would test a character class at every position)."""
    return _RUN_OF_25 in s.encode("utf-8", "surrogatepass").translate(_RUN_MARKS)
