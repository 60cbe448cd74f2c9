"""Traffic Light Protocol 2.0 markings (FIRST)."""

from __future__ import annotations

from enum import StrEnum


class Tlp(StrEnum):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    @classmethod
    def parse(cls, text: str) -> Tlp:
        """Accept `TLP:AMBER+STRICT`, `amber+strict`, `WHITE` (TLP 1.0's name for CLEAR)."""
        cleaned = text.strip().upper().removeprefix("TLP:").replace(" ", "")
        if cleaned == "WHITE":
            return cls.CLEAR
        try:
            return cls(cleaned)
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown TLP marking {text!r} (expected one of {allowed})") from None
