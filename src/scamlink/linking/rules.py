"""Which indicators link reports: the rule shared by the incremental and the batch paths.

Two reports belong to the same campaign when they share a *specific* indicator. An indicator is
specific unless

* it is on a warninglist (`indicators.warninglists`: platform domains, bank hotlines, exchange
  hot wallets…), or
* it is a **hub**: reported so widely that it no longer points at one operation. A hub has at
  least `reports` reports AND `agencies` distinct reporting agencies AND a span of at least
  `days` days between its first and its last report; or at least `max_reports` reports
  whatever their spread.

Weight by type: a wallet, a bank account, a phone number, an e-mail address or a messaging
handle belongs to whoever controls it and links on its own, with the thresholds above. A domain,
a URL or an IP address is weaker (shared hosting, link shorteners, one server for many sites), so
it becomes a hub sooner: the `weak_*` thresholds apply to it.

The rule is a pure function of an indicator's final figures (report count, agency count, first
and last time seen), and every figure only grows as reports arrive. So an indicator, once a hub,
stays one, and the partition of reports into campaigns depends only on the reports stored, never
on the order they came in: the batch rebuild and the incremental path give the same answer.
Changing the thresholds (SCAMLINK_LINK_* settings) changes that answer: run
`scamlink link rebuild` afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cache

import numpy as np
from numpy.typing import NDArray

from scamlink.indicators.types import IndicatorType

DAY_MICROSECONDS = 86_400 * 1_000_000

# Weak types: values that many unrelated operations may share through infrastructure.
WEAK_TYPES: frozenset[str] = frozenset(
    {IndicatorType.DOMAIN, IndicatorType.URL, IndicatorType.IPV4, IndicatorType.IPV6}
)


def _crossed(figures: tuple[int, int, int], limits: tuple[int, int, int, int]) -> bool:
    """The hub rule on (reports, agencies, span in whole microseconds, so both paths compare
    the same integers) against (reports, agencies, days, max_reports)."""
    count, agencies, span = figures
    reports, min_agencies, days, max_reports = limits
    if count >= max_reports:
        return True
    return count >= reports and agencies >= min_agencies and span >= days * DAY_MICROSECONDS


@dataclass(frozen=True, slots=True)
class HubThresholds:
    reports: int  # at least this many reports …
    agencies: int  # … from at least this many agencies …
    days: int  # … spread over at least this many days
    max_reports: int  # or this many reports, however spread

    def is_hub(self, report_count: int, agency_count: int, span_microseconds: int) -> bool:
        return _crossed(
            (report_count, agency_count, span_microseconds),
            (self.reports, self.agencies, self.days, self.max_reports),
        )

    def hub_mask(
        self,
        report_count: NDArray[np.int64],
        agency_count: NDArray[np.int64],
        span_microseconds: NDArray[np.int64],
    ) -> NDArray[np.bool_]:
        """`is_hub` over arrays, element by element (the batch engine's form of the rule)."""
        return (report_count >= self.max_reports) | (
            (report_count >= self.reports)
            & (agency_count >= self.agencies)
            & (span_microseconds >= self.days * DAY_MICROSECONDS)
        )


@dataclass(frozen=True, slots=True)
class LinkPolicy:
    """Hub thresholds for strong and weak indicator types.

    The defaults sit between what campaigns do and what widely shared values do in the
    synthetic world: a campaign's wallet, number or domain is reported by up to 8 agencies, or
    for up to about 300 days, but never by 5 or more agencies for a year; a shared value (a
    platform, a hotline, an exchange wallet) is reported by nearly every agency for years.
    """

    reports: int = 50
    agencies: int = 6
    days: int = 400
    max_reports: int = 100_000
    weak_reports: int = 20
    weak_agencies: int = 5
    weak_days: int = 365
    weak_max_reports: int = 20_000

    @property
    def strong(self) -> HubThresholds:
        return HubThresholds(self.reports, self.agencies, self.days, self.max_reports)

    @property
    def weak(self) -> HubThresholds:
        return HubThresholds(
            self.weak_reports, self.weak_agencies, self.weak_days, self.weak_max_reports
        )

    def thresholds_for(self, indicator_type: str) -> HubThresholds:
        return self.weak if indicator_type in WEAK_TYPES else self.strong

    def is_hub(
        self, indicator_type: str, report_count: int, agency_count: int, span_microseconds: int
    ) -> bool:
        # Without building a HubThresholds per call: this runs for every indicator of a batch.
        if indicator_type in WEAK_TYPES:
            return _crossed(
                (report_count, agency_count, span_microseconds),
                (self.weak_reports, self.weak_agencies, self.weak_days, self.weak_max_reports),
            )
        return _crossed(
            (report_count, agency_count, span_microseconds),
            (self.reports, self.agencies, self.days, self.max_reports),
        )

    def describe(self) -> dict[str, str]:
        """The rule in words, in English ("en") and Korean ("ko"), for the campaign pages."""
        s, w = self.strong, self.weak
        weak_names = ", ".join(sorted(WEAK_TYPES))
        return {
            "en": (
                "Reports are linked into one campaign when they share a specific indicator. "
                "Values on a warninglist never link. A wallet, bank account, phone number, "
                f"e-mail or messaging handle stops linking (becomes a hub) once {s.reports} "
                f"or more reports from {s.agencies} or more agencies over {s.days} days or "
                f"more name it, or {s.max_reports:,} reports in all. Weaker types "
                f"({weak_names}) become hubs sooner: {w.reports} reports from {w.agencies} "
                f"agencies over {w.days} days, or {w.max_reports:,} reports in all. "
                "Hubs stay visible but do not merge campaigns."
            ),
            "ko": (
                "특정 지표를 공유하는 신고는 하나의 캠페인으로 연결됩니다. 경고 목록에 있는 값은 "
                "연결에 쓰이지 않습니다. 지갑, 은행 계좌, 전화번호, 이메일, 메신저 아이디는 "
                f"{s.agencies}개 이상 기관의 신고 {s.reports}건 이상이 {s.days}일 이상에 걸쳐 "
                f"언급하거나 전체 신고가 {s.max_reports:,}건에 이르면 허브가 되어 더 이상 "
                f"연결하지 않습니다. 약한 유형({weak_names})은 더 일찍 허브가 됩니다: "
                f"{w.agencies}개 기관의 신고 {w.reports}건이 {w.days}일에 걸쳐 있거나 전체 "
                f"{w.max_reports:,}건. 허브는 계속 보이지만 캠페인을 합치지 않습니다."
            ),
        }


ENV_PREFIX = "SCAMLINK_LINK_"


def policy_from_env(environ: Mapping[str, str]) -> LinkPolicy:
    """`SCAMLINK_LINK_REPORTS`, `…_AGENCIES`, `…_DAYS`, `…_MAX_REPORTS` and their `…_WEAK_…`
    twins (e.g. `SCAMLINK_LINK_WEAK_DAYS`) override the defaults; each must be a whole number
    of at least 1. Raises ValueError naming the variable otherwise."""
    changes: dict[str, int] = {}
    for item in fields(LinkPolicy):
        name = ENV_PREFIX + item.name.upper()
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(f"{name}={raw!r} is not a whole number of at least 1")
        changes[item.name] = value
    return replace(LinkPolicy(), **changes)


@cache
def current_policy() -> LinkPolicy:
    """The policy of this process, from its environment (read once)."""
    return policy_from_env(os.environ)
