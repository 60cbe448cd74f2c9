"""The eleven member countries as the synthetic world sees them: money, clocks and habits."""

from __future__ import annotations

from dataclasses import dataclass

from scamlink.sharing.agencies import REPORTING_AGENCIES


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    agency: str  # the national force its residents report to
    utc_offset: str  # "+09:00"
    offset_minutes: int
    # Currencies victims lose money in, with weights; the first is the national one.
    currencies: tuple[tuple[str, float], ...]
    # Median loss of a typical scam, in US dollars: what a victim there can lose.
    median_loss_usd: float
    # How often the country is a campaign's target (relative).
    target_weight: float
    # Messaging platforms scammers contact its residents on, with weights.
    platforms: tuple[tuple[str, float], ...]
    # Where its nationals live abroad and may also report (relative weights).
    abroad: tuple[tuple[str, float], ...]
    # Languages of its reports with weights (the agency's languages).
    languages: tuple[tuple[str, float], ...]


# Local currency units per US dollar (orders of magnitude that make amounts look right).
USD_RATE: dict[str, float] = {
    "KRW": 1380.0,
    "THB": 35.5,
    "VND": 25400.0,
    "IDR": 16200.0,
    "PHP": 57.0,
    "MYR": 4.5,
    "SGD": 1.34,
    "KHR": 4080.0,
    "USD": 1.0,
    "USDT": 1.0,
    "LAK": 21800.0,
    "MMK": 2100.0,
    "BND": 1.34,
}

# Amounts people report are rounded to these steps (and to cents when the step is below 1).
ROUNDING: dict[str, float] = {
    "KRW": 10000,
    "THB": 100,
    "VND": 100000,
    "IDR": 10000,
    "PHP": 100,
    "MYR": 10,
    "SGD": 10,
    "KHR": 1000,
    "USD": 10,
    "USDT": 0.01,
    "LAK": 10000,
    "MMK": 1000,
    "BND": 10,
}


def _c(
    code: str,
    offset: str,
    currencies: tuple[tuple[str, float], ...],
    median: float,
    weight: float,
    platforms: tuple[tuple[str, float], ...],
    abroad: tuple[tuple[str, float], ...],
    languages: tuple[tuple[str, float], ...],
) -> Country:
    agency = next(a.code for a in REPORTING_AGENCIES if a.country == code)
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return Country(
        code,
        agency,
        offset,
        sign * (int(hours) * 60 + int(minutes)),
        currencies,
        median,
        weight,
        platforms,
        abroad,
        languages,
    )


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        _c(
            "KR",
            "+09:00",
            (("KRW", 1.0),),
            6000,
            30,
            (("kakao", 5), ("telegram", 4), ("line", 0.3), ("whatsapp", 0.5)),
            (("TH", 3), ("VN", 4), ("PH", 3), ("KH", 2), ("SG", 2), ("MY", 1), ("ID", 1)),
            (("ko", 1.0),),
        ),
        _c(
            "KH",
            "+07:00",
            (("USD", 6), ("KHR", 3), ("USDT", 1)),
            700,
            5,
            (("telegram", 6), ("whatsapp", 2), ("wechat", 1)),
            (("TH", 4), ("KR", 2), ("MY", 1)),
            (("km", 1.0),),
        ),
        _c(
            "TH",
            "+07:00",
            (("THB", 1.0),),
            2200,
            13,
            (("line", 7), ("telegram", 2), ("whatsapp", 1)),
            (("KR", 3), ("SG", 1), ("MY", 1)),
            (("th", 1.0),),
        ),
        _c(
            "VN",
            "+07:00",
            (("VND", 1.0),),
            1400,
            11,
            (("zalo", 6), ("telegram", 3), ("whatsapp", 0.5)),
            (("KR", 4), ("SG", 0.5), ("MY", 0.5), ("KH", 1)),
            (("vi", 1.0),),
        ),
        _c(
            "ID",
            "+07:00",
            (("IDR", 1.0),),
            900,
            10,
            (("whatsapp", 6), ("telegram", 3), ("line", 0.5)),
            (("MY", 3), ("SG", 1), ("KR", 1)),
            (("id", 1.0),),
        ),
        _c(
            "PH",
            "+08:00",
            (("PHP", 1.0),),
            900,
            10,
            (("telegram", 4), ("whatsapp", 3), ("line", 0.3)),
            (("SG", 2), ("MY", 1), ("KR", 1)),
            (("fil", 0.6), ("en", 0.4)),
        ),
        _c(
            "MY",
            "+08:00",
            (("MYR", 1.0),),
            3000,
            8,
            (("whatsapp", 6), ("telegram", 3), ("wechat", 1)),
            (("SG", 4), ("KR", 0.5)),
            (("ms", 0.65), ("en", 0.35)),
        ),
        _c(
            "SG",
            "+08:00",
            (("SGD", 1.0),),
            9000,
            7,
            (("whatsapp", 5), ("telegram", 4), ("wechat", 1.5)),
            (("MY", 1), ("KR", 0.5)),
            (("en", 0.7), ("zh", 0.2), ("ms", 0.1)),
        ),
        _c(
            "LA",
            "+07:00",
            (("LAK", 6), ("THB", 2), ("USD", 1)),
            450,
            2,
            (("whatsapp", 4), ("wechat", 2), ("telegram", 2)),
            (("TH", 5),),
            (("lo", 1.0),),
        ),
        _c(
            "MM",
            "+06:30",
            (("MMK", 6), ("THB", 1), ("USD", 1)),
            350,
            3,
            (("telegram", 5), ("wechat", 1), ("whatsapp", 1)),
            (("TH", 6), ("MY", 2)),
            (("my", 1.0),),
        ),
        _c(
            "BN",
            "+08:00",
            (("BND", 1.0),),
            4000,
            1.5,
            (("whatsapp", 6), ("telegram", 2), ("wechat", 1)),
            (("MY", 3), ("SG", 1)),
            (("ms", 0.6), ("en", 0.4)),
        ),
    )
}
