"""What a lookup can answer, and the one byte the index keeps per indicator.

The byte holds two standings: what member agencies may learn (any report of any marking: the
details they may see are then read from the store under the sharing policy) in the low nibble,
and the public standing (TLP:CLEAR facts only, verified, older than the embargo) in the high
nibble, so that the public answer never needs the store.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Verdict(StrEnum):
    REPORTED = "reported"  # verified reports (or a partner's listing) exist
    SUSPICIOUS = "suspicious"  # only unverified reports
    UNKNOWN = "unknown"
    SAFE_LISTED = "safe-listed"  # on a warninglist: official numbers and domains, platforms
    INVALID = "invalid"  # cannot be an indicator (a bad checksum is itself a warning sign)


class Standing(IntEnum):
    UNKNOWN = 0
    SUSPICIOUS = 1
    REPORTED = 2
    SAFE_LISTED = 3

    @property
    def verdict(self) -> Verdict:
        return _VERDICTS[self]


_VERDICTS = {
    Standing.UNKNOWN: Verdict.UNKNOWN,
    Standing.SUSPICIOUS: Verdict.SUSPICIOUS,
    Standing.REPORTED: Verdict.REPORTED,
    Standing.SAFE_LISTED: Verdict.SAFE_LISTED,
}


def standing_of(verified: int, unverified: int) -> Standing:
    if verified > 0:
        return Standing.REPORTED
    if unverified > 0:
        return Standing.SUSPICIOUS
    return Standing.UNKNOWN


def pack(members: Standing, public: Standing) -> int:
    return int(members) | (int(public) << 4)


def unpack(code: int) -> tuple[Standing, Standing]:
    return Standing(code & 0x0F), Standing(code >> 4)
