"""Wallet addresses. Real addresses used: the USDT TRC-20 contract (TR7NHq…), the Bitcoin genesis
address (1A1zP1…), BIP-350 / BIP-173 example addresses, the EIP-55 example addresses, and the
brief's examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.indicators import IndicatorType, InvalidIndicator, canonicalise, parse_field
from scamlink.indicators.codecs import base58check_encode, bech32_encode, eip55
from scamlink.indicators.crypto import canonical_wallet

T = IndicatorType
USDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        (USDT, T.TRON, USDT),
        (f"  {USDT}  ", T.TRON, USDT),
        (f"USDT TRC20: {USDT}", T.TRON, USDT),
        (f"USDT (TRC-20) 주소 {USDT}", T.TRON, USDT),
        ("41a614f803b6fd780986a42c78ec9c7f77e6ded13c", T.TRON, USDT),  # TRON hex form
        (
            "0x52908400098527886e0f7030069857d2e4169ee7",
            T.ETH,
            "0x52908400098527886e0f7030069857d2e4169ee7",
        ),
        (
            "0x52908400098527886E0F7030069857D2E4169EE7",
            T.ETH,
            "0x52908400098527886e0f7030069857d2e4169ee7",
        ),
        (
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            T.ETH,
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        (
            "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
            T.ETH,
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
        (
            "ERC-20: 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            T.ETH,
            "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
        ),
        (
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            T.BTC,
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
            T.BTC,
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            T.BTC,
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            T.BTC,
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", T.BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ("BTC: 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", T.BTC, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
    ],
)
def test_wallets(raw: str, kind: IndicatorType, value: str) -> None:
    [indicator] = parse_field("wallets", raw, "KR")
    assert (indicator.type, indicator.value) == (kind, value)
    assert canonicalise(kind, value).value == value


def test_eth_display_is_checksummed() -> None:
    indicator = canonical_wallet("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    assert indicator.display == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T", "bad checksum"),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj7t", "bad checksum"),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "bad checksum"),
        ("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "bad checksum"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp", "bad checksum"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "checksum"),  # bech32m for v0
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "bad checksum"),
        ("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "not a recognised wallet"),  # testnet
        ("0x1234", "not a recognised wallet"),
        ("hello", "not a recognised wallet"),
        ("5,000,000", "not a recognised wallet"),
        (f"{USDT} {USDT}", "more than one address"),
        ("bc1pw5dgrnzv", "program length"),
    ],
)
def test_wallets_refused(raw: str, why: str) -> None:
    with pytest.raises(InvalidIndicator, match=why):
        parse_field("wallets", raw, "KR")


def test_p2pkh_with_wrong_version_is_refused() -> None:
    testnet = base58check_encode(b"\x6f" + bytes(20))  # an "m…" / "n…" testnet address
    with pytest.raises(InvalidIndicator):
        canonicalise(T.BTC, testnet)
    not_tron = base58check_encode(b"\x42" + bytes(20))
    with pytest.raises(InvalidIndicator):
        canonicalise(T.TRON, not_tron)


def test_typed_canonicalise_refuses_other_chains() -> None:
    with pytest.raises(InvalidIndicator):
        canonicalise(T.ETH, USDT)
    with pytest.raises(InvalidIndicator):
        canonicalise(T.TRON, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")


@given(st.binary(min_size=20, max_size=20), st.sampled_from(["lower", "upper", "eip55"]))
def test_eth_any_accepted_case_is_one_key(body: bytes, case: str) -> None:
    lower = "0x" + body.hex()
    written = {"lower": lower, "upper": "0x" + body.hex().upper(), "eip55": eip55(lower)}[case]
    assert canonicalise(T.ETH, written).value == lower


@given(st.binary(min_size=20, max_size=20), st.sampled_from([0x00, 0x05]))
def test_btc_base58_round_trip(hash160: bytes, version: int) -> None:
    address = base58check_encode(bytes([version]) + hash160)
    assert canonicalise(T.BTC, address).value == address


@given(st.integers(min_value=0, max_value=16), st.binary(min_size=2, max_size=40))
def test_btc_segwit_round_trip(witver: int, program: bytes) -> None:
    if witver == 0 and len(program) not in (20, 32):
        program = program[:20].ljust(20, b"\0")
    address = bech32_encode("bc", witver, program)
    assert canonicalise(T.BTC, address.upper()).value == address


@given(st.binary(min_size=20, max_size=20))
def test_tron_round_trip(body: bytes) -> None:
    address = base58check_encode(b"\x41" + body)
    assert address.startswith("T")
    assert canonicalise(T.TRON, address).value == address
    assert parse_field("wallets", address, "KH")[0].type is T.TRON
