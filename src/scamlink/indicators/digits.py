"""Digits in any script (full-width, Thai, Khmer, Lao, Burmese, Arabic-Indic, ...) as ASCII."""

from __future__ import annotations

import unicodedata


def _build_table() -> dict[int, str]:
    # Every Unicode decimal digit (category Nd) that is not ASCII, mapped once at import so the
    # per-call work is a single str.translate.
    table: dict[int, str] = {}
    # Planes 2 and up hold no decimal digits (CJK ideographs, private use): scan 0-1 only.
    for cp in range(0x80, 0x20000):
        ch = chr(cp)
        value = unicodedata.decimal(ch, None)
        if value is not None:
            table[cp] = str(value)
    return table


_TABLE = _build_table()
TABLE: frozenset[int] = frozenset(_TABLE)  # the code points of the non-ASCII decimal digits


def to_ascii_digits(text: str) -> str:
    """Replace every Unicode decimal digit in `text` by its ASCII digit; other characters stay."""
    if text.isascii():
        return text
    return text.translate(_TABLE)


def has_foreign_digits(text: str) -> bool:
    """True when `text` holds a decimal digit outside ASCII."""
    return any(ord(c) in _TABLE for c in text)
