"""Address encodings: base58 / base58check (Bitcoin, TRON), bech32 / bech32m (BIP-173,
BIP-350), Keccak-256 and EIP-55 (Ethereum). Written from the specifications; all raise ValueError
on bad input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from Crypto.Hash import keccak

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32_CHARSET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


# --- base58 ----------------------------------------------------------------------------------


def base58_encode(b: bytes) -> str:
    """Base58 (Bitcoin alphabet); each leading zero byte becomes a leading '1'."""
    n = int.from_bytes(b, "big")
    out: list[str] = []
    while n:
        n, rem = divmod(n, 58)
        out.append(B58_ALPHABET[rem])
    pad = len(b) - len(b.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def base58_decode(s: str) -> bytes:
    """Inverse of base58_encode; ValueError on a character outside the alphabet."""
    n = 0
    for c in s:
        digit = _B58_INDEX.get(c)
        if digit is None:
            raise ValueError(f"invalid base58 character {c!r}")
        n = n * 58 + digit
    pad = len(s) - len(s.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * pad + body


def _checksum4(payload: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]


def base58check_encode(payload: bytes) -> str:
    """Base58 of payload + first 4 bytes of double SHA-256 (version byte is part of payload)."""
    return base58_encode(payload + _checksum4(payload))


def base58check_decode(s: str) -> bytes:
    """Payload (version byte included) of a base58check string; ValueError on bad checksum."""
    raw = base58_decode(s)
    if len(raw) < 5:
        raise ValueError("base58check string too short")
    payload, check = raw[:-4], raw[-4:]
    if _checksum4(payload) != check:
        raise ValueError("bad base58check checksum")
    return payload


# --- bech32 / bech32m -----------------------------------------------------------------------


def _polymod(values: Iterable[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= _GENERATOR[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _create_checksum(hrp: str, data: Sequence[int], const: int) -> list[int]:
    pm = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ const
    return [(pm >> 5 * (5 - i)) & 31 for i in range(6)]


def bech32_split(s: str) -> tuple[str, list[int], int]:
    """Check a bech32/bech32m string (any hrp) and return (hrp, data without checksum, constant).

    The constant is 1 for bech32 and 0x2bc830a3 for bech32m; the hrp comes back lower-case.
    """
    if any(ord(c) < 33 or ord(c) > 126 for c in s):
        raise ValueError("character out of range")
    if s.lower() != s and s.upper() != s:
        raise ValueError("mixed case")
    if len(s) > 90:
        raise ValueError("too long")
    s = s.lower()
    pos = s.rfind("1")
    if pos < 1:
        raise ValueError("missing separator or empty human-readable part")
    if pos + 7 > len(s):
        raise ValueError("checksum too short")
    hrp = s[:pos]
    data: list[int] = []
    for c in s[pos + 1 :]:
        v = _BECH32_INDEX.get(c)
        if v is None:
            raise ValueError(f"invalid bech32 character {c!r}")
        data.append(v)
    const = _polymod([*_hrp_expand(hrp), *data])
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        raise ValueError("bad bech32 checksum")
    return hrp, data[:-6], const


def _convertbits(data: Iterable[int], frombits: int, tobits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits:
        raise ValueError("more than 4 bits of padding")
    elif (acc << (tobits - bits)) & maxv:
        raise ValueError("non-zero padding")
    return out


def _check_program(witver: int, program: bytes) -> None:
    if not 0 <= witver <= 16:
        raise ValueError(f"invalid witness version {witver}")
    if not 2 <= len(program) <= 40:
        raise ValueError(f"invalid witness program length {len(program)}")
    if witver == 0 and len(program) not in (20, 32):
        raise ValueError("witness v0 program must be 20 or 32 bytes")


def bech32_encode(hrp: str, witver: int, program: bytes) -> str:
    """Segwit address: bech32 for witness v0, bech32m for v1..v16 (BIP-350)."""
    _check_program(witver, program)
    data = [witver, *_convertbits(program, 8, 5, pad=True)]
    const = _BECH32_CONST if witver == 0 else _BECH32M_CONST
    hrp = hrp.lower()
    checked = data + _create_checksum(hrp, data, const)
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in checked)


def bech32_decode(hrp: str, addr: str) -> tuple[int, bytes]:
    """(witness version, program) of a segwit address with the given hrp; ValueError otherwise."""
    got_hrp, data, const = bech32_split(addr)
    if got_hrp != hrp.lower():
        raise ValueError(f"human-readable part is {got_hrp!r}, expected {hrp.lower()!r}")
    if not data:
        raise ValueError("empty data section")
    witver = data[0]
    if witver > 16:
        raise ValueError(f"invalid witness version {witver}")
    program = bytes(_convertbits(data[1:], 5, 8, pad=False))
    _check_program(witver, program)
    expected = _BECH32_CONST if witver == 0 else _BECH32M_CONST
    if const != expected:
        kind = "bech32" if witver == 0 else "bech32m"
        raise ValueError(f"bad checksum: witness v{witver} needs {kind}")
    return witver, program


# --- Ethereum -------------------------------------------------------------------------------


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (the original Keccak padding, not SHA3-256)."""
    return keccak.new(digest_bits=256, data=data).digest()


_HEX = frozenset("0123456789abcdef")


def eip55(address: str) -> str:
    """EIP-55 mixed-case checksummed form of a `0x` + 40 hex address (input in any case)."""
    if len(address) != 42 or address[:2] not in ("0x", "0X"):
        raise ValueError("not a 0x + 40 hex address")
    lower = address[2:].lower()
    if not set(lower) <= _HEX:
        raise ValueError("not a 0x + 40 hex address")
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(h, 16) >= 8 else c
        for c, h in zip(lower, digest, strict=False)
    )
