"""parse_field / canonicalise as a whole: the public API, one table across every column, and
Hypothesis properties (never anything but InvalidIndicator; canonical values are fixed points)."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import scamlink.indicators as api
from scamlink.indicators import (
    FieldKind,
    Indicator,
    IndicatorType,
    InvalidIndicator,
    canonicalise,
    parse_field,
)

T = IndicatorType
KINDS: tuple[FieldKind, ...] = get_args(FieldKind)
COUNTRIES = ["KR", "KH", "TH", "VN", "ID", "PH", "MY", "SG", "LA", "MM", "BN"]


def test_public_api() -> None:
    assert set(api.__all__) == {
        "FieldKind",
        "Indicator",
        "IndicatorType",
        "InvalidIndicator",
        "canonicalise",
        "parse_field",
    }
    assert KINDS == ("phones", "urls", "emails", "wallets", "bank_accounts", "handles")
    assert [t.value for t in T] == [
        "phone",
        "email",
        "domain",
        "url",
        "btc",
        "eth",
        "tron",
        "bank_account",
        "telegram",
        "line",
        "kakao",
        "wechat",
        "zalo",
        "ipv4",
        "ipv6",
    ]
    assert issubclass(InvalidIndicator, ValueError)
    indicator = Indicator(T.PHONE, "+821012345678", "+82 10-1234-5678")
    with pytest.raises(AttributeError):
        indicator.value = "x"  # type: ignore[misc]
    assert indicator == Indicator(T.PHONE, "+821012345678", "+82 10-1234-5678")
    assert len({indicator, Indicator(T.PHONE, "+821012345678", "+82 10-1234-5678")}) == 1


# The brief's contract table, one row per type.
@pytest.mark.parametrize(
    ("kind", "raw", "country", "value"),
    [
        ("phones", "010-1234-5678", "KR", "+821012345678"),
        ("phones", "+82 10 1234 5678", "KH", "+821012345678"),
        ("emails", "Help@KBStar-Secure.com", "KR", "help@kbstar-secure.com"),
        (
            "urls",
            "hxxp://kbstar-secure[.]com/login?id=3#x",
            "KR",
            "http://kbstar-secure.com/login?id=3",
        ),
        ("urls", "www.kbstar-secure.com", "KR", "kbstar-secure.com"),
        (
            "wallets",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "KR",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "wallets",
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "KR",
            "0x52908400098527886e0f7030069857d2e4169ee7",
        ),
        (
            "wallets",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            "KR",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        ),
        ("bank_accounts", "국민은행 123456-78-901234", "KR", "KR:KB:12345678901234"),
        ("handles", "Telegram @usdt_vip_support", "KR", "telegram:usdt_vip_support"),
        ("urls", "http://203.0.113.7/", "KR", "http://203.0.113.7/"),
    ],
)
def test_contract_examples(kind: FieldKind, raw: str, country: str, value: str) -> None:
    assert parse_field(kind, raw, country)[0].value == value


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("raw", ["", "   ", "\t\n", "5,000,000", "2024-01-15", "N/A", "-", "없음"])
def test_junk_is_refused_in_every_column(kind: FieldKind, raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_field(kind, raw, "KR")


def test_unknown_kind_and_type() -> None:
    with pytest.raises(InvalidIndicator, match="unknown field kind"):
        parse_field("faxes", "1", "KR")  # type: ignore[arg-type]
    with pytest.raises(InvalidIndicator, match="unknown indicator type"):
        canonicalise("fax", "1")  # type: ignore[arg-type]


def test_string_types_are_accepted_for_indicator_type() -> None:
    assert canonicalise("eth", "0x" + "ab" * 20).value == "0x" + "ab" * 20  # type: ignore[arg-type]


def test_lone_surrogates_and_huge_values_are_refused() -> None:
    with pytest.raises(InvalidIndicator, match="Unicode"):
        parse_field("urls", "http://a\udc00.com/", "KR")
    with pytest.raises(InvalidIndicator, match="longer than"):
        parse_field("urls", "http://a.com/" + "x" * 5000, "KR")


# --- properties ------------------------------------------------------------------------------

_FIELD_CHARS = st.characters(codec="utf-8") | st.sampled_from(
    [*list("0123456789+-.:/@[]()_ ~#?%=&"), "๑", "០", "໑", "၁", "０", "＠", "．", "。"]
)


@settings(max_examples=400)
@given(st.sampled_from(KINDS), st.text(_FIELD_CHARS, max_size=60), st.sampled_from(COUNTRIES))
@example("urls", "http://[::1", "KR")
@example("urls", "http://a.com:/", "KR")
@example("urls", "http://xn--.com/", "KR")
@example("urls", "http://a.xn--/", "KR")
@example("emails", "a@xn--a.com", "KR")
@example("handles", "t.me/+", "KR")
@example("handles", "zalo.me/84", "VN")
@example("phones", "+", "KR")
@example("bank_accounts", "KR::1", "KR")
def test_parse_field_only_raises_invalid_indicator(kind: FieldKind, raw: str, country: str) -> None:
    why = ""
    try:
        result = parse_field(kind, raw, country)
    except InvalidIndicator as e:
        why = str(e)
        result = []
    assert why or result  # a refusal always says why; a success yields something
    assert all(isinstance(i, Indicator) and i.value and i.display for i in result)


@settings(max_examples=300)
@given(st.sampled_from(list(T)), st.text(_FIELD_CHARS, max_size=60), st.sampled_from(COUNTRIES))
def test_canonicalise_arbitrary_text_is_idempotent(
    kind: IndicatorType, raw: str, country: str
) -> None:
    try:
        first = canonicalise(kind, raw, country)
    except InvalidIndicator:
        return
    assert first.type is kind
    assert canonicalise(kind, first.value, country).value == first.value


# Generators that mostly succeed, so idempotence is exercised on real values.
_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_ulabel = st.text(st.sampled_from("가나다국민은행กสิกรngânhàngabc"), min_size=1, max_size=6)
_tld = st.sampled_from(
    [
        "com",
        "net",
        "co.kr",
        "kr",
        "co.th",
        "vn",
        "com.vn",
        "co.id",
        "ph",
        "com.my",
        "sg",
        "la",
        "com.kh",
        "한국",
        "ไทย",
        "github.io",
    ]
)
_host = st.builds(
    lambda sub, main, tld, www: ("www." if www else "") + ".".join([*sub, main, tld]),
    st.lists(_label | _ulabel, max_size=2),
    _label | _ulabel,
    _tld,
    st.booleans(),
)
_path = st.text(st.sampled_from("abcXYZ019/-_.~%가?=&"), max_size=15)
_url = st.builds(
    lambda scheme, host, port, path, frag: f"{scheme}{host}{port}/{path}{frag}",
    st.sampled_from(["http://", "https://", "HTTPS://", "hxxp://", "hxxps://", ""]),
    _host,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    _path,
    st.sampled_from(["", "#frag"]),
)


@given(_url)
def test_url_idempotent(raw: str) -> None:
    try:
        first = canonicalise(T.URL, raw)
    except InvalidIndicator:
        return
    assert canonicalise(T.URL, first.value).value == first.value
    domains = [i for i in parse_field("urls", first.value, "KR") if i.type is T.DOMAIN]
    assert domains
    assert all(canonicalise(T.DOMAIN, d.value).value == d.value for d in domains)


@given(_host)
def test_domain_idempotent(raw: str) -> None:
    try:
        first = canonicalise(T.DOMAIN, raw)
    except InvalidIndicator:
        return
    assert first.value == first.value.lower()
    assert first.value.isascii()
    assert not first.value.endswith(".")
    assert canonicalise(T.DOMAIN, first.value).value == first.value
    assert canonicalise(T.DOMAIN, first.display).value == first.value


@given(st.from_regex(r"[A-Za-z0-9._+-]{1,12}", fullmatch=True), _host)
def test_email_idempotent(local: str, host: str) -> None:
    try:
        first = canonicalise(T.EMAIL, f"{local}@{host}")
    except InvalidIndicator:
        return
    assert canonicalise(T.EMAIL, first.value).value == first.value
    assert canonicalise(T.EMAIL, first.display).value == first.value


_handles = st.builds(
    lambda label, sep, at, name: f"{label}{sep}{at}{name}",
    st.sampled_from(
        [
            "telegram",
            "Telegram",
            "텔레그램",
            "LINE ID",
            "라인",
            "카톡",
            "kakao",
            "WeChat",
            "微信",
            "t.me/",
            "line.me/ti/p/~",
        ]
    ),
    st.sampled_from([" ", ":", ": ", ""]),
    st.sampled_from(["", "@"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{2,20}", fullmatch=True),
)


@given(_handles)
def test_handles_idempotent(raw: str) -> None:
    try:
        found = parse_field("handles", raw, "KR")
    except InvalidIndicator:
        return
    for indicator in found:
        assert canonicalise(indicator.type, indicator.value, "KR").value == indicator.value
        assert indicator.value == indicator.value.lower()


@given(
    st.sampled_from(COUNTRIES),
    st.from_regex(r"\+?[0-9][0-9 \-]{6,14}[0-9]", fullmatch=True),
)
def test_phone_idempotent(country: str, raw: str) -> None:
    try:
        first = canonicalise(T.PHONE, raw, country)
    except InvalidIndicator:
        return
    assert first.value.startswith("+")
    assert first.value[1:].isdigit()
    assert canonicalise(T.PHONE, first.value).value == first.value
