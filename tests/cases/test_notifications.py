"""Webhook targets: never the server's neighbours (server-side request forgery)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scamlink.cases.delivery import DeliveryError, send_webhook
from scamlink.cases.model import CaseError
from scamlink.cases.notifications import Channel, check_target, internal_address


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_internal_addresses_are_recognised(address: str) -> None:
    assert internal_address(address)


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "8.8.8.8", "2001:4860:4860::8888"])
def test_loopback_and_public_addresses_are_not_internal(address: str) -> None:
    assert not internal_address(address)


@pytest.mark.parametrize(
    "url",
    ["https://10.0.0.5/hook", "https://169.254.169.254/latest/meta-data", "https://[fd00::5]/x"],
)
def test_a_webhook_to_an_internal_address_is_refused_with_its_field(url: str) -> None:
    with pytest.raises(CaseError) as refused:
        check_target(Channel.WEBHOOK, url)
    assert refused.value.field == "target"
    assert "internal" in refused.value.message


def test_public_and_loopback_webhooks_are_accepted() -> None:
    assert check_target(Channel.WEBHOOK, "https://hooks.example.org/in") == (
        "https://hooks.example.org/in"
    )
    assert check_target(Channel.WEBHOOK, "http://127.0.0.1:9/in") == "http://127.0.0.1:9/in"


def test_a_delivery_to_an_internal_address_is_refused_before_connecting() -> None:
    now = datetime(2026, 11, 29, tzinfo=UTC)
    with pytest.raises(DeliveryError, match="internal address"):
        send_webhook("https://10.255.255.1/hook", "secret", "case.referred", 1, b"{}", now)
