"""Ground-truth labels of a narrative (generate(..., labels=True)): the canonical values of what
the story mentions, from the world's own objects where they carry the value (phones, accounts,
handles) and through the structured-field canonicaliser for what is written (links, e-mail
addresses, wallets). Never touches the report stream's random numbers."""

from __future__ import annotations

from scamlink.demo.pools import Handle
from scamlink.indicators import InvalidIndicator, parse_field
from scamlink.indicators.types import FieldKind


def of(kind: FieldKind, written: str, country: str) -> list[tuple[str, str]]:
    """(type, canonical value) of one value as written (nothing when it is not an indicator)."""
    try:
        return [(i.type.value, i.value) for i in parse_field(kind, written, country)]
    except InvalidIndicator:
        return []


def handle(h: Handle) -> list[tuple[str, str]]:
    if h.phone is not None:
        phone = ("phone", h.phone.e164)
        return [phone, ("zalo", f"zalo:{h.phone.e164}")] if h.platform == "zalo" else [phone]
    if h.platform == "kakao" and h.name.startswith("o/"):
        return [("kakao", f"kakao:{h.name}")]
    return [(h.platform, f"{h.platform}:{h.name.lower()}")]
