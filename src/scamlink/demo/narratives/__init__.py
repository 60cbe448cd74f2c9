"""Narrative phrasebooks, one module per language of the brief."""

from __future__ import annotations

from scamlink.demo.narratives import en, fil, id, km, ko, lo, ms, my, th, vi, zh
from scamlink.demo.narratives.base import Phrasebook

PHRASEBOOKS: dict[str, Phrasebook] = {
    m.PHRASEBOOK.code: m.PHRASEBOOK for m in (ko, en, th, vi, id, km, fil, ms, lo, my, zh)
}

__all__ = ["PHRASEBOOKS", "Phrasebook"]
