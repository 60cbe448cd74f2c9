"""Phone numbers valid for the numbering plan of their country, unique across campaigns.

For each (country, line type) a plan is found once per process: randomised variants of
`phonenumbers.example_number_for_type` are kept when `is_valid_number` accepts them, and their
leading digits become templates whose every completion was valid in a sample. A number is then a
template plus a permuted serial, so numbers never repeat between campaigns; each is still checked
with `is_valid_number` when a campaign's pool is built (never in the per-report path).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

_TYPES = {
    "mobile": (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE),
    "fixed": (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE),
}
_EXAMPLE_TYPE = {"mobile": PhoneNumberType.MOBILE, "fixed": PhoneNumberType.FIXED_LINE}
# Where the realistic choice is narrower than the numbering plan: Korean mobiles are 010, the
# fake prosecutors' office lines are Seoul's 02 with eight digits.
_PREFERRED = {("KR", "mobile"): "10", ("KR", "fixed"): "2"}
_LENGTH = {("KR", "fixed"): 9}


@dataclass(frozen=True, slots=True)
class NumberPlan:
    country: str
    country_code: int
    templates: tuple[str, ...]  # leading digits of the national significant number
    free_digits: int  # digits after the template
    keys: tuple[int, ...]  # of the permutation that scatters serials over the plan

    @property
    def capacity(self) -> int:
        return len(self.templates) * int(10**self.free_digits)

    def number(self, serial: int) -> str:
        """The national significant number of `serial` (distinct serials, distinct numbers,
        up to `capacity`)."""
        mixed = _permute(serial % self.capacity, self.capacity, self.keys)
        head, rest = mixed % len(self.templates), mixed // len(self.templates)
        return f"{self.templates[head]}{rest:0{self.free_digits}d}"


def _permute(x: int, size: int, keys: tuple[int, ...]) -> int:
    """A keyed pseudo-random permutation of range(size): a Feistel network on the next even
    power of two, walking the cycle until the value falls back inside the range."""
    half = (max(size - 1, 1).bit_length() + 1) // 2
    mask = (1 << half) - 1
    while True:
        left, right = x >> half, x & mask
        for key in keys:
            mixed = ((right ^ key) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
            left, right = right, left ^ ((mixed >> 29) & mask)
        x = (left << half) | right
        if x < size:
            return x


def _valid(country_code: int, national: str, types: tuple[int, ...]) -> bool:
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(national))
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in types


@cache
def plan(country: str, kind: str) -> NumberPlan:
    """The number plan of `country` for `kind` ("mobile" or "fixed"), found once per process."""
    types = _TYPES[kind]
    example = phonenumbers.example_number_for_type(country, _EXAMPLE_TYPE[kind])
    if example is None:
        raise ValueError(f"no example {kind} number for {country}")
    code = example.country_code or 0
    sample = str(example.national_number)
    length = _LENGTH.get((country, kind), len(sample))
    preferred = _PREFERRED.get((country, kind), sample[0])
    head = max(len(preferred) + 1, min(3, length - 6))
    rng = random.Random(f"numbers:{country}:{kind}")
    digits = "0123456789"

    def fill(prefix: str) -> str:
        return prefix + "".join(rng.choice(digits) for _ in range(length - len(prefix)))

    heads: list[str] = []
    for _ in range(400):
        candidate = fill(preferred)
        if candidate[:head] not in heads and _valid(code, candidate, types):
            heads.append(candidate[:head])
    templates = tuple(
        sorted(h for h in heads if all(_valid(code, fill(h), types) for _ in range(16)))
    )
    if not templates:
        raise ValueError(f"no {kind} number template for {country}")
    keys = tuple(rng.getrandbits(64) for _ in range(4))
    return NumberPlan(country, code, templates, length - head, keys)


@dataclass(frozen=True, slots=True)
class Phone:
    country: str
    e164: str
    local: tuple[str, ...]  # as written at home: "010-1234-5678", "081 234 5678"
    international: tuple[str, ...]  # "+82 10 1234 5678", "+821012345678"


def phone(country: str, kind: str, serial: int) -> Phone | None:
    """The phone of `serial` in the plan, with its written forms; None in the rare case the
    plan's sample missed an invalid completion."""
    p = plan(country, kind)
    national = p.number(serial)
    number = phonenumbers.PhoneNumber(country_code=p.country_code, national_number=int(national))
    if not phonenumbers.is_valid_number(number):
        return None
    nat = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if "(" in nat:
        intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    else:  # the same grouping behind the country code, without the trunk prefix (cheaper)
        intl = f"+{p.country_code} {nat[1:] if nat.startswith('0') else nat}"
    e164 = f"+{p.country_code}{national}"
    forms = [
        nat,
        nat.replace(" ", "-"),
        nat.replace("-", " "),
        "".join(c for c in nat if c.isdigit()),
        nat.replace("(", "").replace(") ", "-"),
    ]
    if kind == "fixed" and not nat.startswith("("):
        area, _, rest = nat.replace("-", " ").partition(" ")
        forms.append(f"({area}) {rest}")
    local = _unique(tuple(forms))
    international = _unique(
        (
            intl,
            intl.replace("-", " "),
            e164,
            intl.replace(" ", "-"),
            f"+{p.country_code} {national}",
        )
    )
    return Phone(country, e164, local, international)


def _unique(forms: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for form in forms:
        if form not in out:
            out.append(form)
    return tuple(out)
