from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# Expected A-labels agree with both the idna package (IDNA 2008/UTS-46) and Python's built-in
# IDNA 2003 codec for these names.
from scamlink.indicators import Indicator, IndicatorType, InvalidIndicator, canonicalise
from scamlink.indicators import web as web_module
from scamlink.indicators.web import (
    canonical_domain,
    canonical_email,
    canonical_url,
    refang,
    refang_email,
    registered_domain,
    url_field,
)

T = IndicatorType


def _values(indicators: list[Indicator]) -> list[tuple[str, str]]:
    return [(i.type.value, i.value) for i in indicators]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hxxp://evil[.]com", "http://evil.com"),
        ("hXXps://evil(.)com/a", "https://evil.com/a"),
        ("evil{.}co[.]kr", "evil.co.kr"),
        ("evil[dot]com", "evil.com"),
        ("evil (dot) com", "evil.com"),
        ("evil dot com", "evil.com"),
        ("https[:]//evil.com", "https://evil.com"),
        ("https[://]evil.com", "https://evil.com"),
        ("hxxp://evil.com[/]login", "http://evil.com/login"),
        ("evil。com", "evil.com"),  # ideographic full stop
    ],
)
def test_refang(raw: str, expected: str) -> None:
    assert refang(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("help[@]kbstar[.]com", "help@kbstar.com"),
        ("help[at]kbstar[.]com", "help@kbstar.com"),
        ("help(at)kbstar(.)com", "help@kbstar.com"),
        ("help at kbstar dot com", "help@kbstar.com"),
        ("help＠kbstar.com", "help@kbstar.com"),
    ],
)
def test_refang_email(raw: str, expected: str) -> None:
    assert refang_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("http://kbstar-secure.com/login?id=3", "http://kbstar-secure.com/login?id=3"),
        ("HTTP://KBSTAR-Secure.COM/Login?ID=3", "http://kbstar-secure.com/Login?ID=3"),
        ("hxxps://kbstar-secure[.]com/login#top", "https://kbstar-secure.com/login"),
        ("kbstar-secure.com/login", "http://kbstar-secure.com/login"),
        ("//kbstar-secure.com/login", "http://kbstar-secure.com/login"),
        ("http://kbstar-secure.com", "http://kbstar-secure.com/"),
        ("http://kbstar-secure.com:80/a", "http://kbstar-secure.com/a"),
        ("https://kbstar-secure.com:443/a", "https://kbstar-secure.com/a"),
        ("https://kbstar-secure.com:8443/a", "https://kbstar-secure.com:8443/a"),
        ("http://kbstar-secure.com./a", "http://kbstar-secure.com/a"),
        ("http://www.kbstar-secure.com/a", "http://www.kbstar-secure.com/a"),  # URL keeps www
        (
            "http://국민은행.com/로그인?q=가",
            "http://xn--3e0b39yhpi7lo.com/%EB%A1%9C%EA%B7%B8%EC%9D%B8?q=%EA%B0%80",
        ),
        ("http://xn--3e0b39yhpi7lo.com/%eb%a1%9c", "http://xn--3e0b39yhpi7lo.com/%EB%A1%9C"),
        ("http://ธนาคาร.ไทย/", "http://xn--42c3bd5b5db.xn--o3cw4h/"),
        ("http://user@evil.com/", "http://user@evil.com/"),
        ("hxxp[:]//203.0.113[.]7/x", "http://203.0.113.7/x"),
        ("http://[2001:DB8::0:1]:8080/x", "http://[2001:db8::1]:8080/x"),
        ("ftp://FILES.example.org/a.zip", "ftp://files.example.org/a.zip"),
        ("http://evil.com/a b", "http://evil.com/a%20b"),
        (
            "ｈｔｔｐ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ｌｏｇｉｎ",
            "http://example.com/login",
        ),  # full-width
        ("<https://kbstar-secure.com/login>", "https://kbstar-secure.com/login"),  # RFC 3986 C
        (" < hxxps://kbstar-secure[.]com/a > ", "https://kbstar-secure.com/a"),
    ],
)
def test_canonical_url(raw: str, url: str) -> None:
    indicator = canonical_url(raw)
    assert indicator.type is T.URL
    assert indicator.value == url
    assert canonical_url(indicator.value).value == url


def test_url_display_keeps_the_unicode_host() -> None:
    indicator = canonical_url("http://국민은행.com/")
    assert indicator.display == "http://국민은행.com/"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "https://login.kbstar-secure.co.kr/x",
            [
                ("url", "https://login.kbstar-secure.co.kr/x"),
                ("domain", "login.kbstar-secure.co.kr"),
                ("domain", "kbstar-secure.co.kr"),
            ],
        ),
        (
            "http://www.kbstar-secure.com/login",
            [("url", "http://www.kbstar-secure.com/login"), ("domain", "kbstar-secure.com")],
        ),
        (
            "http://203.0.113.7:8080/",
            [("url", "http://203.0.113.7:8080/"), ("ipv4", "203.0.113.7")],
        ),
        ("http://[2001:db8::1]/", [("url", "http://[2001:db8::1]/"), ("ipv6", "2001:db8::1")]),
        # private PSL section on: platforms never become the registered domain
        (
            "https://kb-login.blogspot.com/",
            [("url", "https://kb-login.blogspot.com/"), ("domain", "kb-login.blogspot.com")],
        ),
        (
            "https://kb-login.web.app/a",
            [("url", "https://kb-login.web.app/a"), ("domain", "kb-login.web.app")],
        ),
        # bare hosts: the domain(s) only, no invented URL
        ("kbstar-secure.com", [("domain", "kbstar-secure.com")]),
        ("www.kbstar-secure.com/", [("domain", "kbstar-secure.com")]),
        ("KBSTAR-SECURE[.]COM", [("domain", "kbstar-secure.com")]),
        (
            "a.b.kbstar-secure.co.th",
            [("domain", "a.b.kbstar-secure.co.th"), ("domain", "kbstar-secure.co.th")],
        ),
        ("국민은행.한국", [("domain", "xn--3e0b39yhpi7lo.xn--3e0b707e")]),
        ("203.0.113.7", [("ipv4", "203.0.113.7")]),
    ],
)
def test_url_field(raw: str, expected: list[tuple[str, str]]) -> None:
    assert _values(url_field(raw)) == expected


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ("report.pdf", "top-level domain"),
        ("localhost", "no dot"),
        ("http://exa mple.com/", "space"),
        ("http://a..b.com/", "empty label"),
        ("http://-evil.com/", "invalid host label"),
        ("http://evil.com:99999/", "invalid port"),
        ("http://evil.com:abc/", "invalid port"),
        ("mailto:x@evil.com", "unsupported URL scheme"),
        ("javascript:alert(1)", "unsupported URL scheme"),
        ("file:///etc/passwd", "unsupported URL scheme"),
        ("http://999.1.1.1/", "not a valid IPv4"),
        ("http://[2001:db8::zz]/", "not a valid IPv6"),
        ("http://xn--zz.com/", "invalid A-label"),
        ("5,000,000", "invalid host label"),
        ("2024.01.15", "not a valid IPv4|top-level domain"),
    ],
)
def test_url_refused(raw: str, why: str) -> None:
    with pytest.raises(InvalidIndicator, match=why):
        url_field(raw)


@pytest.mark.parametrize(
    ("raw", "value", "display"),
    [
        ("www.KBStar-Secure.com", "kbstar-secure.com", "kbstar-secure.com"),
        ("kbstar-secure.com.", "kbstar-secure.com", "kbstar-secure.com"),
        ("https://www.kbstar-secure.com/login", "kbstar-secure.com", "kbstar-secure.com"),
        ("국민은행.com", "xn--3e0b39yhpi7lo.com", "국민은행.com"),
        ("XN--3E0B39YHPI7LO.COM", "xn--3e0b39yhpi7lo.com", "국민은행.com"),
        ("ngân-hàng.vn", "xn--ngn-hng-dwao.vn", "ngân-hàng.vn"),
        ("www.co.kr", "www.co.kr", "www.co.kr"),  # never stripped down to a public suffix
        ("evil[.]com", "evil.com", "evil.com"),
    ],
)
def test_canonical_domain(raw: str, value: str, display: str) -> None:
    indicator = canonicalise(T.DOMAIN, raw)
    assert (indicator.type, indicator.value, indicator.display) == (T.DOMAIN, value, display)


def test_domain_refuses_ip() -> None:
    with pytest.raises(InvalidIndicator, match="IP address"):
        canonicalise(T.DOMAIN, "203.0.113.7")


@pytest.mark.parametrize(
    ("domain", "registered"),
    [
        ("a.b.example.co.kr", "example.co.kr"),
        ("example.com", "example.com"),
        ("x.blogspot.com", "x.blogspot.com"),
        ("x.github.io", "x.github.io"),
        ("co.kr", None),
        ("abcdefghijklmnop.onion", "abcdefghijklmnop.onion"),
    ],
)
def test_registered_domain(domain: str, registered: str | None) -> None:
    assert registered_domain(domain) == registered


@pytest.mark.parametrize(
    ("raw", "value", "display"),
    [
        ("Help@KBStar-Secure.com", "help@kbstar-secure.com", "help@kbstar-secure.com"),
        ("help[@]kbstar-secure[.]com", "help@kbstar-secure.com", "help@kbstar-secure.com"),
        ("help (at) kbstar-secure (dot) com", "help@kbstar-secure.com", "help@kbstar-secure.com"),
        ("mailto:help@kbstar-secure.com", "help@kbstar-secure.com", "help@kbstar-secure.com"),
        ("<help@kbstar-secure.com>", "help@kbstar-secure.com", "help@kbstar-secure.com"),
        ("ＨＥＬＰ＠ｋｂｓｔａｒ．ｃｏｍ", "help@kbstar.com", "help@kbstar.com"),  # full-width
        ("user@국민은행.com", "user@xn--3e0b39yhpi7lo.com", "user@국민은행.com"),
        (
            "first.last+tag@mail.example.co.id",
            "first.last+tag@mail.example.co.id",
            "first.last+tag@mail.example.co.id",
        ),
    ],
)
def test_canonical_email(raw: str, value: str, display: str) -> None:
    indicator = canonical_email(raw)
    assert (indicator.type, indicator.value, indicator.display) == (T.EMAIL, value, display)


@pytest.mark.parametrize(
    "raw",
    [
        "help",
        "@kbstar.com",
        "help@",
        "help@kbstar",
        "a..b@kbstar.com",
        ".a@kbstar.com",
        "x@1.2.3.4",
        "a b@x.com",
    ],
)
def test_email_refused(raw: str) -> None:
    with pytest.raises(InvalidIndicator, match="not an e-mail address"):
        canonical_email(raw)


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (T.IPV4, "203.0.113.7", "203.0.113.7"),
        (T.IPV4, "203.0.113[.]7", "203.0.113.7"),
        (T.IPV6, "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        (T.IPV6, "[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_ip(kind: IndicatorType, raw: str, value: str) -> None:
    assert canonicalise(kind, raw).value == value


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (T.IPV4, "2001:db8::1"),
        (T.IPV6, "203.0.113.7"),
        (T.IPV4, "256.1.1.1"),
        (T.IPV4, "example.com"),
    ],
)
def test_ip_refused(kind: IndicatorType, raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        canonicalise(kind, raw)


# --- refanging only what a value can need, and hosts written with spaced dots ------------------


def _refang_every_substitution(text: str) -> str:
    if not web_module._REFANG_HINT.search(text):
        return text
    for pattern, repl in web_module._REFANG_COMMON:
        text = pattern.sub(repl, text)
    return text


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "hxxp",
                "HXXPS",
                "h**p",
                "fxxp",
                "FXXP",
                "xx",
                "://",
                ":",
                "/",
                ".",
                "dot",
                "DOT",
                " ",
                "[",
                "]",
                "(",
                ")",
                "{",
                "}",
                "<",
                ">",
                "。",
                "．",
                "a",
                "kb",
                "s",
                "\u212a",
            ]
        ),
        max_size=12,
    ).map("".join)
    | st.text(max_size=30)
)
def test_refang_runs_the_substitutions_a_value_can_need(text: str) -> None:
    assert refang(text) == _refang_every_substitution(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("www . x . club", [("domain", "x.club")]),
        (
            "https://www . kb-star . club/login",
            [("url", "https://www.kb-star.club/login"), ("domain", "kb-star.club")],
        ),
        ("kb-star .com", [("domain", "kb-star.com")]),
    ],
)
def test_a_host_with_spaced_dots(raw: str, expected: list[tuple[str, str]]) -> None:
    assert [(i.type.value, i.value) for i in url_field(raw)] == expected
    assert canonical_domain(raw.split("//")[-1].split("/")[0]).value == expected[-1][1]


@pytest.mark.parametrize("raw", ["exa mple.com", "www . x . club extra", "a . b c.com", " . x.com"])
def test_other_spaces_in_a_host_are_still_refused(raw: str) -> None:
    with pytest.raises(InvalidIndicator, match=r"space|label|top-level"):
        url_field(raw)
