"""Codecs against published test vectors.

Sources:
* BIP-173 "Test vectors" (github.com/bitcoin/bips/blob/master/bip-0173.mediawiki): valid and
  invalid Bech32 strings, invalid segwit addresses.
* BIP-350 "Test vectors" (github.com/bitcoin/bips/blob/master/bip-0350.mediawiki): valid and
  invalid Bech32m strings, valid and invalid v0-v16 segwit addresses with their scriptPubKeys.
* Bitcoin Core src/test/data/base58_encode_decode.json: base58 vectors.
* EIP-55 (eips.ethereum.org/EIPS/eip-55): the checksummed example addresses (the "all caps",
  "all lower" and "normal" groups of the EIP's test cases).
* Keccak-256 of the empty string (the Ethereum "empty hash", c5d2460186f7…).
* TRON: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t, the USDT TRC-20 contract, whose hex form is
  41a614f803b6fd780986a42c78ec9c7f77e6ded13c.
* Bitcoin genesis coinbase address 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa (hash160 62e907b1…).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.indicators.codecs import (
    base58_decode,
    base58_encode,
    base58check_decode,
    base58check_encode,
    bech32_decode,
    bech32_encode,
    bech32_split,
    eip55,
    keccak256,
)

BECH32 = 1
BECH32M = 0x2BC830A3

# --- base58 -----------------------------------------------------------------------------------

BASE58_VECTORS = [
    ("", ""),
    ("61", "2g"),
    ("626262", "a3gV"),
    ("636363", "aPEr"),
    ("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"),
    ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
    ("516b6fcd0f", "ABnLTmg"),
    ("bf4f89001e670274dd", "3SEo3LWLoPntC"),
    ("572e4794", "3EFU7m"),
    ("ecac89cad93923c02321", "EJDM8drfXA6uyA"),
    ("10c8511e", "Rt5zm"),
    ("00000000000000000000", "1111111111"),
]


@pytest.mark.parametrize(("hexdata", "encoded"), BASE58_VECTORS)
def test_base58_vectors(hexdata: str, encoded: str) -> None:
    assert base58_encode(bytes.fromhex(hexdata)) == encoded
    assert base58_decode(encoded) == bytes.fromhex(hexdata)


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "abc+", "１２"])
def test_base58_rejects_characters_outside_the_alphabet(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid base58 character"):
        base58_decode(bad)


@given(st.binary(min_size=1, max_size=64))
def test_base58check_round_trip(payload: bytes) -> None:
    assert base58check_decode(base58check_encode(payload)) == payload


def test_base58check_known_addresses() -> None:
    genesis = base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert genesis == bytes.fromhex("0062e907b15cbf27d5425399ebf6f0fb50ebb88f18")
    usdt = base58check_decode("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
    assert usdt == bytes.fromhex("41a614f803b6fd780986a42c78ec9c7f77e6ded13c")
    assert base58check_encode(usdt) == "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


@pytest.mark.parametrize(
    "bad",
    [
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # last character changed
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T",
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj7t",
    ],
)
def test_base58check_bad_checksum(bad: str) -> None:
    with pytest.raises(ValueError, match="bad base58check checksum"):
        base58check_decode(bad)


def test_base58check_too_short() -> None:
    with pytest.raises(ValueError, match="too short"):
        base58check_decode("2g")


# --- bech32 / bech32m strings (BIP-173, BIP-350) ---------------------------------------------

VALID_BECH32 = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11" + "q" * 82 + "c8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
VALID_BECH32M = [
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
]
INVALID_BECH32 = [  # BIP-173 (reason)
    "\x201nwldj5",  # HRP character out of range
    "\x7f1axkwrx",  # HRP character out of range
    "\x801eym55h",  # HRP character out of range
    # overall max length exceeded
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
    "pzry9x0s0muk",  # no separator character
    "1pzry9x0s0muk",  # empty HRP
    "x1b4n0q5v",  # invalid data character
    "li1dgmt3",  # too short checksum
    "de1lg7wt\xff",  # invalid character in checksum
    "A1G7SGD8",  # checksum calculated with uppercase form of HRP
    "10a06t8",  # empty HRP
    "1qzzfhee",  # empty HRP
]
INVALID_BECH32M = [  # BIP-350 (reason)
    "\x201xj0phk",  # HRP character out of range
    "\x7f1g6xzxy",  # HRP character out of range
    "\x801vctc34",  # HRP character out of range
    # overall max length exceeded
    "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
    "qyrz8wqd2c9m",  # no separator character
    "1qyrz8wqd2c9m",  # empty HRP
    "y1b0jsk6g",  # invalid data character
    "lt1igcx5c0",  # invalid data character
    "in1muywd",  # too short checksum
    "mm1crxm3i",  # invalid character in checksum
    "au1s5cgom",  # invalid character in checksum
    "M1VUXWEZ",  # checksum calculated with uppercase form of HRP
    "16plkw9",  # empty HRP
    "1p2gdwpf",  # empty HRP
]


@pytest.mark.parametrize("s", VALID_BECH32)
def test_valid_bech32_strings(s: str) -> None:
    hrp, _data, const = bech32_split(s)
    assert const == BECH32
    assert hrp == s[: s.rfind("1")].lower()


@pytest.mark.parametrize("s", VALID_BECH32M)
def test_valid_bech32m_strings(s: str) -> None:
    _hrp, _data, const = bech32_split(s)
    assert const == BECH32M


@pytest.mark.parametrize("s", INVALID_BECH32 + INVALID_BECH32M)
def test_invalid_bech32_strings(s: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each vector fails for its own reason
        bech32_split(s)


# --- segwit addresses (BIP-350 supersedes BIP-173 for v1+) -----------------------------------

VALID_SEGWIT = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
    ),
    ("BC1SW50QGDZ25J", "6002751e"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"),
    (
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ),
]

INVALID_SEGWIT = [
    # BIP-350
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # invalid HRP
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # bech32 instead of bech32m
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # bech32 instead of bech32m
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # bech32 instead of bech32m
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # bech32m instead of bech32
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # bech32m instead of bech32
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid checksum char
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # invalid witness version
    "bc1pw5dgrnzv",  # program length 1
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # 41 bytes
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 program length (BIP-141)
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # >4 bits zero padding
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",  # non-zero padding
    "bc1gmk9yu",  # empty data section
    # BIP-173
    "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",  # invalid HRP
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # invalid checksum
    "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",  # invalid witness version
    "bc1rw5uspcuh",  # invalid program length
    "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",  # mixed case
    "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",  # zero padding of more than 4 bits
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",  # non-zero padding
    # BIP-173's valid v1+ examples, bech32-checksummed, are invalid since BIP-350
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
    "BC1SW50QA3JX3S",
    "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
]


def _script_pubkey(witver: int, program: bytes) -> bytes:
    return bytes([witver + 0x50 if witver else 0, len(program)]) + program


@pytest.mark.parametrize(("address", "script"), VALID_SEGWIT)
def test_valid_segwit_addresses(address: str, script: str) -> None:
    hrp = address[:2].lower()
    witver, program = bech32_decode(hrp, address)
    assert _script_pubkey(witver, program).hex() == script
    assert bech32_encode(hrp, witver, program) == address.lower()


@pytest.mark.parametrize("address", INVALID_SEGWIT)
def test_invalid_segwit_addresses(address: str) -> None:
    for hrp in ("bc", "tb"):
        with pytest.raises(ValueError):  # noqa: PT011 - each vector fails for its own reason
            bech32_decode(hrp, address)


def test_segwit_wrong_checksum_variant_is_reported_as_checksum() -> None:
    with pytest.raises(ValueError, match="checksum"):
        bech32_decode("bc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh")


@pytest.mark.parametrize(
    ("witver", "program"),
    [(0, b"\x01" * 21), (1, b"\x01"), (1, b"\x01" * 41), (17, b"\x01" * 20), (-1, b"\x01" * 20)],
)
def test_bech32_encode_refuses_invalid_programs(witver: int, program: bytes) -> None:
    with pytest.raises(ValueError, match="witness"):
        bech32_encode("bc", witver, program)


@given(
    st.sampled_from(["bc", "tb"]),
    st.integers(min_value=0, max_value=16),
    st.binary(min_size=2, max_size=40),
)
def test_bech32_round_trip(hrp: str, witver: int, program: bytes) -> None:
    if witver == 0 and len(program) not in (20, 32):
        program = program[:20].ljust(20, b"\0")
    address = bech32_encode(hrp, witver, program)
    assert bech32_decode(hrp, address) == (witver, program)
    assert bech32_decode(hrp, address.upper()) == (witver, program)


# --- Keccak-256 / EIP-55 ----------------------------------------------------------------------


def test_keccak256_is_not_sha3() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


EIP55_VECTORS = [
    # all caps
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    # all lower
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    # normal
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors(address: str) -> None:
    assert eip55(address.lower()) == address
    assert eip55("0x" + address[2:].upper()) == address


@pytest.mark.parametrize(
    "bad", ["0x1234", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x" + "g" * 40]
)
def test_eip55_refuses_non_addresses(bad: str) -> None:
    with pytest.raises(ValueError, match="0x"):
        eip55(bad)
