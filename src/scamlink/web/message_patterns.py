"""English messages read back into the reader's language by pattern.

The domain and the CLI keep their messages in English (a stable contract for scripts); the
pages and the API match each message against a table of patterns whose named groups are the
msgid's placeholders, and answer with the translation, the quoted values kept as written. A
message no pattern knows is given as it is. Used by `problem_reasons.py` (rejected import rows)
and `case_errors.py` (cases, referrals, evidence, notifications).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MessagePattern:
    pattern: re.Pattern[str]
    msgid: str


def pattern(regex: str, msgid: str) -> MessagePattern:
    return MessagePattern(re.compile(regex, re.DOTALL), msgid)


def translate_message(
    message: str,
    patterns: Iterable[MessagePattern],
    gettext: Callable[[str], str],
    part: Callable[[str, str], str] = lambda _name, value: value,
) -> str:
    """The first full match's translation, each group passed through `part(name, value)`
    (the groups that are phrases or messages themselves get translated there)."""
    for known in patterns:
        found = known.pattern.fullmatch(message)
        if found is None:
            continue
        parts = {name: part(name, value) for name, value in found.groupdict().items()}
        return gettext(known.msgid) % parts if parts else gettext(known.msgid)
    return message
