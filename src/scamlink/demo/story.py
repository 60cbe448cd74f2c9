"""A report's narrative: the victim's story in their language, mentioning the values."""

from __future__ import annotations

from scamlink.demo.narratives.base import Phrasebook
from scamlink.demo.rand import FastRandom
from scamlink.reports.model import ScamType


class Story:
    """Collects the sentences of one narrative."""

    __slots__ = ("book", "parts", "rng")

    def __init__(self, book: Phrasebook, scam_type: ScamType, rng: FastRandom) -> None:
        self.book = book
        self.rng = rng
        self.parts: list[str] = [rng.choice(book.stories[scam_type])]

    def say(self, templates: tuple[str, ...], value: str, coin: str = "") -> None:
        template = self.rng.choice(templates)
        self.parts.append(template.replace("{v}", value).replace("{coin}", coin))

    def amount(self, templates: tuple[str, ...], spoken: str) -> None:
        self.parts.append(self.rng.choice(templates).replace("{amount}", spoken))

    def plain(self, templates: tuple[str, ...]) -> None:
        sentence = self.rng.choice(templates)
        if sentence:
            self.parts.append(sentence)

    def text(self) -> str:
        return self.book.gap.join(self.parts)
