from __future__ import annotations

from decimal import Decimal

from scamlink.linking.export import campaign_records
from scamlink.store.campaign_export import CampaignMember


def _member(
    campaign: int, name: str, country: str, amount: str | None, currency: str | None
) -> CampaignMember:
    return CampaignMember(
        campaign, "KNPA", name, country, None if amount is None else Decimal(amount), currency
    )


def test_one_record_per_campaign_in_stream_order() -> None:
    members = [
        _member(1, "a", "KR", "1380", "KRW"),
        _member(1, "b", "TH", "35.5", "THB"),
        _member(1, "c", "KR", "10", "XTS"),  # no reference rate: adds nothing
        _member(4, "d", "VN", None, None),
    ]
    first, second = campaign_records(members)
    assert (first.id, first.size, first.countries) == (1, 3, ["KR", "TH"])
    assert first.members == ["KNPA:a", "KNPA:b", "KNPA:c"]
    assert first.loss_usd == Decimal("2.00")
    assert second.as_json() == {
        "id": 4,
        "size": 1,
        "members": ["KNPA:d"],
        "countries": ["VN"],
        "loss_usd": 0.0,
    }


def test_rates_can_be_given() -> None:
    (record,) = campaign_records([_member(2, "a", "KR", "100", "KRW")], {"KRW": Decimal("0.5")})
    assert record.loss_usd == Decimal("50.00")
