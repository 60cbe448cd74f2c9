"""What a few phone-metadata patterns decide about a string of digits, known from its first
digits and its length, so that a batch's numbers are classified by a dictionary instead of
half a dozen regular expressions each.

A region's patterns mostly look at the first few digits and then take any digits of a few
lengths (Thailand's mobile numbers: `(?:(?:14|[89]\\d)\\d\\d|6(?:…))\\d{5}`): a number starting
"81" is a mobile number if it has nine digits, whatever follows. `Decisions` finds that
exactly. Each pattern is read (`sre_parse`) into a small expression over sets of digits and
derived by each digit of the prefix (Brzozowski derivatives: what the pattern still accepts
after that digit). Once every pattern's derivative is empty, or accepts any digits of some
lengths, the answer for every length is known and kept for that prefix; otherwise one more
digit is read. Patterns are asked two ways, as the lookup asks them: `FULL` (`fullmatch`:
does the pattern accept the whole string) and `PREFIX` (`match` of an alternative: does it
accept some prefix of the string). Both are questions about the set of strings accepted, so
the derivatives answer them exactly; a pattern with anything else (anchors, lookarounds,
backreferences, characters other than digits that could match one) is refused with
`Unsupported`, and the caller keeps using the regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from re import _parser as sre_parse  # type: ignore[attr-defined]  # how `re` reads a pattern
from typing import Any, Final, Generic, TypeVar, Union

_DIGITS = frozenset("0123456789")
MAX_DIGITS = 17  # the longest national significant number the library takes
# Prefixes kept by all the tables together (≈ 0.9 KB each with their states, so ≈ 30 MB at
# most): real numbers need a few hundred per calling code, random digits thousands. Past it,
# `get` answers None for a prefix not seen before and the caller uses its regular
# expressions, so memory stays bounded whatever is asked.
BUDGET = 1 << 15
_kept = [0]  # prefixes kept so far (a list: one counter for every table)


class Unsupported(ValueError):
    """The pattern uses something the derivatives do not model."""


class Mode(Enum):
    FULL = "full"  # re.fullmatch: the whole string is accepted
    PREFIX = "prefix"  # re.match: some prefix of the string is accepted


# An expression over digits: the empty language, the empty string, one digit of a set, a
# sequence, an alternation, a bounded or unbounded repeat (max None). Frozen values, so that
# derivatives are hashed and cached.
@dataclass(frozen=True, slots=True)
class _Nothing:
    pass


@dataclass(frozen=True, slots=True)
class _Empty:
    pass


@dataclass(frozen=True, slots=True)
class _Set:
    digits: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Seq:
    parts: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class _Alt:
    options: frozenset[Expr]


@dataclass(frozen=True, slots=True)
class _Rep:
    inner: Expr
    least: int
    most: int | None


Expr = Union[_Nothing, _Empty, _Set, _Seq, _Alt, _Rep]  # noqa: UP007 (a runtime alias)
NOTHING = _Nothing()
EMPTY = _Empty()


def seq(parts: Sequence[Expr]) -> Expr:
    flat: list[Expr] = []
    for part in parts:
        if part is NOTHING:
            return NOTHING
        if part is EMPTY:
            continue
        if isinstance(part, _Seq):
            flat.extend(part.parts)
        else:
            flat.append(part)
    if not flat:
        return EMPTY
    return flat[0] if len(flat) == 1 else _Seq(tuple(flat))


def alt(options: Sequence[Expr]) -> Expr:
    flat: set[Expr] = set()
    for option in options:
        if option is NOTHING:
            continue
        if isinstance(option, _Alt):
            flat.update(option.options)
        else:
            flat.add(option)
    if not flat:
        return NOTHING
    return next(iter(flat)) if len(flat) == 1 else _Alt(frozenset(flat))


def rep(inner: Expr, least: int, most: int | None) -> Expr:
    if most == 0 or inner is EMPTY:
        return EMPTY
    if inner is NOTHING:
        return EMPTY if least == 0 else NOTHING
    if least == 1 and most == 1:
        return inner
    return _Rep(inner, least, most)


@lru_cache(maxsize=1 << 16)
def nullable(expr: Expr) -> bool:
    """Whether the expression accepts the empty string."""
    if isinstance(expr, _Empty):
        return True
    if isinstance(expr, (_Nothing, _Set)):
        return False
    if isinstance(expr, _Seq):
        return all(nullable(p) for p in expr.parts)
    if isinstance(expr, _Alt):
        return any(nullable(o) for o in expr.options)
    return expr.least == 0 or nullable(expr.inner)


@lru_cache(maxsize=1 << 16)
def derive(expr: Expr, digit: str) -> Expr:
    """What the expression accepts after `digit`: {w : digit + w accepted}."""
    if isinstance(expr, (_Nothing, _Empty)):
        return NOTHING
    if isinstance(expr, _Set):
        return EMPTY if digit in expr.digits else NOTHING
    if isinstance(expr, _Alt):
        return alt([derive(o, digit) for o in expr.options])
    if isinstance(expr, _Seq):
        head, rest = expr.parts[0], seq(expr.parts[1:])
        first = seq([derive(head, digit), rest])
        return alt([first, derive(rest, digit)]) if nullable(head) else first
    most = None if expr.most is None else expr.most - 1
    return seq([derive(expr.inner, digit), rep(expr.inner, max(expr.least - 1, 0), most)])


@lru_cache(maxsize=1 << 14)
def lengths(expr: Expr) -> frozenset[int] | None:
    """The lengths of the strings the expression accepts, up to `MAX_DIGITS`, when it accepts
    any digits of those lengths (every set is all ten digits); None when the digits matter."""
    if isinstance(expr, _Nothing):
        return frozenset()
    if isinstance(expr, _Empty):
        return frozenset({0})
    if isinstance(expr, _Set):
        return frozenset({1}) if expr.digits == _DIGITS else None
    if isinstance(expr, _Alt):
        found: set[int] = set()
        for option in expr.options:
            sizes = lengths(option)
            if sizes is None:
                return None
            found |= sizes
        return frozenset(found)
    if isinstance(expr, _Seq):
        total = frozenset({0})
        for part in expr.parts:
            sizes = lengths(part)
            if sizes is None:
                return None
            total = _sums(total, sizes)
        return total
    inner = lengths(expr.inner)
    if inner is None:
        return None
    reached, step = {0} if expr.least == 0 else set(), frozenset({0})
    most = MAX_DIGITS if expr.most is None else min(expr.most, MAX_DIGITS)
    for count in range(1, most + 1):
        step = _sums(step, inner)
        if count >= expr.least:
            reached |= step
        if not step:
            break
    return frozenset(reached)


def _sums(a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
    return frozenset(x + y for x in a for y in b if x + y <= MAX_DIGITS)


def parse(pattern: str) -> Expr:
    """The pattern as an expression over digits; Unsupported when it uses anything else."""
    try:
        tree = sre_parse.parse(pattern)
    except re.error as problem:
        raise Unsupported(str(problem)) from None
    return _from_items(list(tree))


def literal(pattern: str) -> str | None:
    """The digits a pattern spells out when it is nothing but a fixed string of digits."""
    try:
        expr = parse(pattern)
    except Unsupported:
        return None
    parts = expr.parts if isinstance(expr, _Seq) else (expr,)
    if not all(isinstance(p, _Set) and len(p.digits) == 1 for p in parts):
        return None
    return "".join(next(iter(p.digits)) for p in parts if isinstance(p, _Set))


def _from_items(items: list[tuple[Any, Any]]) -> Expr:
    return seq([_from_item(op, av) for op, av in items])


def _from_item(op: Any, av: Any) -> Expr:
    c = sre_parse  # the constants live beside the parser
    if op is c.LITERAL:
        assert isinstance(av, int)
        return _Set(frozenset({chr(av)})) if chr(av) in _DIGITS else NOTHING
    if op is c.ANY:
        return _Set(_DIGITS)  # "." takes any digit
    if op is c.IN:
        digits = _class_digits(av)
        return _Set(digits) if digits else NOTHING
    if op is c.BRANCH:
        _, branches = av
        return alt([_from_items(list(b)) for b in branches])
    if op is c.SUBPATTERN:
        _, add_flags, del_flags, inner = av
        if add_flags or del_flags:
            raise Unsupported("inline flags")
        return _from_items(list(inner))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):  # greedy or lazy: the same set of strings
        least, most, inner = av
        return rep(_from_items(list(inner)), least, None if most == c.MAXREPEAT else most)
    raise Unsupported(f"{op} is not modelled")


def _class_digits(items: Any) -> frozenset[str]:
    c = sre_parse
    found: set[str] = set()
    negate = False
    for op, av in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            found.add(chr(av))
        elif op is c.RANGE:
            low, high = av
            found.update(chr(x) for x in range(low, high + 1))
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            found.update(_DIGITS)
        else:
            raise Unsupported(f"{op} {av} in a character class")
    digits = frozenset(found) & _DIGITS
    return _DIGITS - digits if negate else digits


Result = TypeVar("Result", bound=Hashable)
# What was read of one pattern after a prefix: (mode, what it still accepts, whether a
# PREFIX pattern accepted a prefix already).
_State = tuple[Mode, Expr, bool]


class Decisions(Generic[Result]):
    """For a fixed list of (pattern, mode): each digit string's answers, as `finish(answers,
    length)` makes them (answers: one bool per pattern, in order), from a table kept per
    deciding prefix. Threads may share it: a table is made whole before it is kept, and two
    threads meeting a new prefix at once each make the same table."""

    def __init__(
        self,
        patterns: Sequence[tuple[str, Mode]],
        finish: Callable[[tuple[bool, ...], int], Result],
    ) -> None:
        self._start: tuple[_State, ...] = tuple(
            (mode, parse(text), False) for text, mode in patterns
        )
        self._finish = finish
        # prefix → its table by string length (tuple index), or None: read one more digit
        self._nodes: dict[str, tuple[Result | None, ...] | None] = {}
        self._states: dict[str, tuple[_State, ...]] = {"": self._start}
        self._results: dict[Result, Result] = {}  # one object per distinct answer

    def get(self, digits: str) -> Result | None:
        """`finish` of the string's answers; None for a string longer than `MAX_DIGITS`, with
        something other than ASCII digits where the patterns look, or whose prefix is new once
        the tables hold `BUDGET` prefixes. The digits after the deciding prefix are not looked
        at: callers pass ASCII digits only."""
        nodes = self._nodes
        size = len(digits)
        for k in range(1, size + 1):
            prefix = digits[:k]
            node = nodes.get(prefix, _UNSEEN)
            if node is _UNSEEN:
                if _kept[0] >= BUDGET:
                    return None
                node = self._made(prefix)
            if node is not None:
                return node[size] if size < len(node) else None
        return self._whole(digits)

    def _whole(self, digits: str) -> Result | None:
        """A string that ends before its answers are decided by a prefix (short numbers)."""
        states = self._states_of(digits)
        if states is None or len(digits) > MAX_DIGITS:
            return None
        answers = tuple(matched or nullable(expr) for _, expr, matched in states)
        return self._finish(answers, len(digits))

    def _made(self, prefix: str) -> tuple[Result | None, ...] | None:
        states = self._states_of(prefix)
        if states is None:
            return None
        table = self._table(states, len(prefix))
        self._nodes[prefix] = table
        if table is None:
            self._states[prefix] = states
        _kept[0] += 1
        return table

    def _states_of(self, prefix: str) -> tuple[_State, ...] | None:
        known = self._states.get(prefix)
        if known is not None:
            return known
        if not prefix or prefix[-1] not in _DIGITS:
            return None
        before = self._states_of(prefix[:-1])
        if before is None:
            return None
        digit = prefix[-1]
        return tuple(
            (mode, derive(expr, digit), matched or (mode is Mode.PREFIX and nullable(expr)))
            for mode, expr, matched in before
        )

    def _table(self, states: tuple[_State, ...], read: int) -> tuple[Result | None, ...] | None:
        """The answers by total length once the states decide them; None if they do not."""
        # Per pattern: the lengths of the rest it accepts, or None when it accepted a prefix
        # already (a PREFIX pattern: true whatever follows).
        rests: list[frozenset[int] | None] = []
        for mode, expr, matched in states:
            if mode is Mode.PREFIX and (matched or nullable(expr)):
                rests.append(None)
                continue
            found = lengths(expr)
            if found is None:
                return None  # the digits still matter
            rests.append(found)
        table: list[Result | None] = [None] * read
        results = self._results
        for total in range(read, MAX_DIGITS + 1):
            rest = total - read
            answers = tuple(
                True
                if found is None
                else (rest in found if mode is Mode.FULL else any(n <= rest for n in found))
                for (mode, _, _), found in zip(states, rests, strict=True)
            )
            answer = self._finish(answers, total)
            table.append(results.setdefault(answer, answer))
        return tuple(table)


_UNSEEN: Final[Any] = object()
