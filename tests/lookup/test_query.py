"""Reading a pasted value: its type, canonical key(s), phone facts, IDN forms, or why not."""

from __future__ import annotations

import phonenumbers
import pytest

from scamlink.indicators import IndicatorType as T
from scamlink.lookup import query
from scamlink.lookup.query import (
    MAX_QUERY_LENGTH,
    WARM_UP_REGIONS,
    InvalidQuery,
    detect,
    e164_number,
    warm_up,
)

CASES: list[tuple[str, str | None, T, str]] = [
    ("010 1234 5678", "KR", T.PHONE, "+821012345678"),
    ("+66 81 234 5678", None, T.PHONE, "+66812345678"),
    ("０１０-１２３４-５６７８", "KR", T.PHONE, "+821012345678"),
    ("hxxp://kbstar-secure[.]com/login", None, T.URL, "http://kbstar-secure.com/login"),
    ("kbstar-secure.com", None, T.DOMAIN, "kbstar-secure.com"),
    ("www.PayPal.com", None, T.DOMAIN, "paypal.com"),
    ("Victim.Name@Example.com", None, T.EMAIL, "victim.name@example.com"),
    ("scam[at]gmail[.]com", None, T.EMAIL, "scam@gmail.com"),
    ("KB 123456-78-901234", "KR", T.BANK_ACCOUNT, "KR:KB:12345678901234"),
    ("KR:KB:12345678901234", None, T.BANK_ACCOUNT, "KR:KB:12345678901234"),
    ("t.me/usdt_vip", None, T.TELEGRAM, "telegram:usdt_vip"),
    ("telegram:usdt_vip", None, T.TELEGRAM, "telegram:usdt_vip"),
    ("@usdt_vip", None, T.TELEGRAM, "telegram:usdt_vip"),
    (
        "0x52908400098527886E0F7030069857D2E4169EE7",
        None,
        T.ETH,
        "0x52908400098527886e0f7030069857d2e4169ee7",
    ),
    ("TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW", None, T.TRON, "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"),
    (
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        None,
        T.BTC,
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    ),
]


@pytest.mark.parametrize(("text", "country", "kind", "canonical"), CASES)
def test_any_format_gives_the_canonical_key(
    text: str, country: str | None, kind: T, canonical: str
) -> None:
    found = detect(text, country)
    assert found.indicator is not None, found.reason
    assert (found.type, found.indicator.value) == (kind, canonical)


def test_a_url_also_yields_its_domain_and_registered_domain() -> None:
    found = detect("https://sub.example.co.kr/x?y=1")
    assert [(r.part, r.indicator.value) for r in found.related] == [
        ("domain", "sub.example.co.kr"),
        ("registered_domain", "example.co.kr"),
    ]
    assert next(k.value for k in found.keys) == "https://sub.example.co.kr/x?y=1"


def test_a_phone_gives_its_country_and_line_type() -> None:
    found = detect("+66 81 234 5678")
    assert found.phone is not None
    assert (found.phone.country, found.phone.line_type) == ("TH", "mobile")
    assert detect("02-312-3456", "KR").phone is not None
    assert detect("02-312-3456", "KR").phone.line_type == "fixed_line"  # type: ignore[union-attr]


def test_a_homoglyph_domain_reports_both_forms_and_the_mixed_scripts() -> None:
    found = detect("аpple.com")  # a Cyrillic а
    assert found.indicator is not None
    assert found.indicator.value == "xn--pple-43d.com"
    assert found.domain is not None
    assert (found.domain.unicode, found.domain.a_label) == ("аpple.com", "xn--pple-43d.com")
    assert found.domain.mixed_scripts
    whole = detect("xn--80ak6aa92e.com")  # all Cyrillic: not mixed, still shown both ways
    assert whole.domain is not None
    assert not whole.domain.mixed_scripts
    assert whole.domain.unicode != whole.domain.a_label
    assert detect("example.com").domain is None


@pytest.mark.parametrize(
    ("text", "country", "kind", "why"),
    [
        ("0x52908400098527886E0F7030069857D2E4169Ee7", None, T.ETH, "checksum"),
        ("010 1234 5678", None, T.PHONE, "country"),
        ("+82 10 1234", None, T.PHONE, ""),
        ("hello world", None, None, "not a phone number"),
    ],
)
def test_invalid_values_say_why(text: str, country: str | None, kind: T | None, why: str) -> None:
    found = detect(text, country)
    assert found.indicator is None
    assert found.keys == ()
    assert found.type == kind
    assert found.reason
    assert why in found.reason


def test_a_bare_handle_is_read_on_every_platform() -> None:
    found = detect("@usdt_vip")
    assert {r.indicator.type for r in found.related} >= {T.LINE, T.KAKAO}
    assert all(r.part == "platform" for r in found.related)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * (10 * 1024), "characters long"),
        ("010\n1234", "U+000A at character 4"),
        ("abc\x00", "U+0000 at character 4"),
    ],
)
def test_text_that_cannot_be_a_value_is_refused_with_where(text: str, message: str) -> None:
    with pytest.raises(InvalidQuery, match=message.replace("+", r"\+")):
        detect(text)


def test_the_longest_value_is_still_read() -> None:
    text = "https://example.com/" + "a" * (MAX_QUERY_LENGTH - 20)
    assert len(text) == MAX_QUERY_LENGTH
    assert detect(text).type is T.URL


def test_a_bare_word_asks_for_the_at_or_the_app() -> None:
    found = detect("usdt_vip")
    assert found.indicator is None
    assert found.reason is not None
    assert "@usdt_vip" in found.reason
    assert "telegram:usdt_vip" in found.reason


def _example_keys() -> list[str]:
    """The E.164 form of every region's example number of every type (Italy's fixed lines
    with their leading zero included), and of the non-geographic codes' examples."""
    keys: set[str] = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in phonenumbers.PhoneNumberType.values():
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                keys.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            keys.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return sorted(keys)


def test_e164_number_equals_phonenumbers_parse() -> None:
    keys = _example_keys()
    assert len(keys) > 900
    assert "+390212345678" in keys  # a national number with a leading zero: parse's way
    for key in keys:
        assert e164_number(key) == phonenumbers.parse(key, None), key
    # What cannot be a key still fails as parse fails.
    with pytest.raises(phonenumbers.NumberParseException):
        e164_number("+")


def test_warm_up_reads_every_kind_and_country() -> None:
    assert warm_up() == len(WARM_UP_REGIONS) * 2 + 9


def test_the_digits_shortcut_reads_values_as_the_full_path_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = [
        "010-1234-5678",
        "+82 10 1234 5678",
        "(02) 123-4567",
        "081 234 5678",
        "+66812345678",
        "１２３４５６７８９０",
        "0812345678901234567890",
        "12345",
        "123456789012",
        "(.)12345678",
        "1.2.3.4",
        "203.0.113.7",
    ]
    fast = [query._detect.__wrapped__(v, country) for v in values for country in ("KR", None)]
    monkeypatch.setattr(query, "_SHORTEST_WALLET", 0)  # the shortcut never taken
    full = [query._detect.__wrapped__(v, country) for v in values for country in ("KR", None)]
    assert fast == full
