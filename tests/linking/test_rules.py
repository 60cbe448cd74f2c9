from __future__ import annotations

import numpy as np
import pytest

from scamlink.config import ConfigError, load_settings
from scamlink.linking.rules import DAY_MICROSECONDS, LinkPolicy, policy_from_env

YEAR = 365 * DAY_MICROSECONDS
LONG = 400 * DAY_MICROSECONDS


def test_a_strong_indicator_is_a_hub_only_when_wide_many_and_long() -> None:
    policy = LinkPolicy()
    assert policy.is_hub("tron", 50, 6, LONG)
    assert not policy.is_hub("tron", 49, 6, LONG)  # too few reports
    assert not policy.is_hub("tron", 5_000, 5, LONG)  # too few agencies
    assert not policy.is_hub("tron", 5_000, 11, LONG - 1)  # too short
    assert policy.is_hub("tron", 100_000, 1, 0)  # so many reports that nothing else matters


def test_weak_types_have_lower_thresholds() -> None:
    policy = LinkPolicy()
    for kind in ("domain", "url", "ipv4", "ipv6"):
        assert policy.is_hub(kind, 20, 5, YEAR)
    for kind in ("phone", "bank_account", "telegram", "eth", "email"):
        assert not policy.is_hub(kind, 20, 5, YEAR)
    assert policy.is_hub("domain", 20_000, 1, 0)
    assert not policy.is_hub("phone", 20_000, 1, 0)


def test_the_rule_is_explained_in_english_and_korean_with_its_numbers() -> None:
    words = LinkPolicy(reports=77, weak_days=33).describe()
    assert set(words) == {"en", "ko"}
    assert "77" in words["en"]
    assert "33 days" in words["en"]
    assert "77건" in words["ko"]
    assert "33일" in words["ko"]


def test_thresholds_come_from_the_environment() -> None:
    policy = policy_from_env({"SCAMLINK_LINK_REPORTS": "9", "SCAMLINK_LINK_WEAK_DAYS": "2"})
    assert (policy.reports, policy.weak_days) == (9, 2)
    assert policy.agencies == LinkPolicy().agencies


@pytest.mark.parametrize("raw", ["many", "0", "-3", "1.5"])
def test_a_bad_threshold_is_named(raw: str) -> None:
    with pytest.raises(ValueError, match=f"SCAMLINK_LINK_MAX_REPORTS={raw!r}"):
        policy_from_env({"SCAMLINK_LINK_MAX_REPORTS": raw})


def test_settings_carry_the_policy_and_reject_a_bad_one(tmp_path: object) -> None:
    env = {"SCAMLINK_DATA_DIR": str(tmp_path), "SCAMLINK_SECRET_KEY": "k"}
    assert load_settings({**env, "SCAMLINK_LINK_DAYS": "30"}).link_policy.days == 30
    with pytest.raises(ConfigError, match="SCAMLINK_LINK_DAYS"):
        load_settings({**env, "SCAMLINK_LINK_DAYS": "soon"})


def test_the_array_form_of_the_rule_agrees_with_the_scalar_one() -> None:
    policy = LinkPolicy(reports=3, agencies=2, days=1, max_reports=9)
    grid = [
        (n, a, s)
        for n in (0, 2, 3, 8, 9, 10)
        for a in (1, 2, 3)
        for s in (0, DAY_MICROSECONDS - 1, DAY_MICROSECONDS, YEAR)
    ]
    counts, agencies, spans = (
        np.array(column, dtype=np.int64) for column in zip(*grid, strict=True)
    )
    for thresholds in (policy.strong, policy.weak):
        mask = thresholds.hub_mask(counts, agencies, spans)
        assert mask.tolist() == [thresholds.is_hub(n, a, s) for n, a, s in grid]
    strong = policy.strong.hub_mask(counts, agencies, spans)
    assert strong.any()
    assert not strong.all()
