"""web.py's fast path gives what the reference steps give: on every input, `_url` (fast path
first) and `_url_reference` with the reference host steps return the same ParsedUrl or the same
error text; `_host_fast` returns None or `_host_reference`'s answer; `canonical_email` and
`canonical_email_reference` return the same Indicator or raise the same message."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scamlink.demo.generator import generate
from scamlink.indicators import web
from scamlink.indicators.types import Indicator, InvalidIndicator


def _email_outcome(fn: object, raw: str) -> Indicator | str:
    assert callable(fn)
    try:
        result = fn(raw)
    except InvalidIndicator as e:
        return f"invalid: {e}"
    assert isinstance(result, Indicator)
    return result


def _agree_url(raw: str) -> None:
    reference = web._url_reference(raw, web._host_reference)
    assert web._url.__wrapped__(raw) == reference, raw
    fast = web._url_fast(raw)
    assert fast is None or fast == reference, raw


def _agree_host(raw: str) -> None:
    reference = web._host_reference(raw)
    assert web._host.__wrapped__(raw) == reference, raw
    fast = web._host_fast(raw)
    assert fast is None or fast == reference, raw


def _agree_email(raw: str) -> None:
    assert _email_outcome(web.canonical_email, raw) == _email_outcome(
        web.canonical_email_reference, raw
    ), raw


def _agree(raw: str) -> None:
    _agree_url(raw)
    _agree_host(raw)
    _agree_email(raw)


def test_the_fast_path_is_on_and_takes_the_common_shapes() -> None:
    assert web.FAST
    for raw in (
        "https://Example.COM:443/a/b?x=%2f#top",
        "hxxps://agodatask2[.]com/#/task",
        "example.co.kr",
        "ftp://files.example.org:2121/",
    ):
        assert isinstance(web._url_fast(raw), web.ParsedUrl), raw
    assert web._url_fast("https://Example.COM:443/a?x=%2f").url == "https://example.com/a?x=%2F"  # type: ignore[union-attr]
    assert isinstance(web._host_fast("WWW.Example.co.kr."), web.Host)
    # Shapes left to the reference steps.
    for raw in ("https://국민은행.com/", "http://u@x.com/", "http://x.com/a b", "<http://x.com>"):
        assert web._url_fast(raw) is None, raw
    for raw in ("xn--80ak6aa92e.com", "1.2.3.4", "a..b.com", "-a.com", "国民.com"):
        assert web._host_fast(raw) is None, raw


@pytest.mark.parametrize(
    "raw",
    [
        "http://example.com",
        "HTTP://EXAMPLE.COM/",
        "https://example.com:443",
        "https://example.com:0443/x",
        "https://example.com:80/x",
        "http://example.com:65535/",
        "http://example.com:65536/",
        "http://example.com:99999/",
        "http://example.com:/",
        "http://example.com:8x/",
        "example.com",
        "example.com/",
        "example.com:80",
        "example.com:8080",
        "example.com?",
        "//example.com/a",
        "localhost:8080",
        "mailto:x@example.com",
        "javascript:alert(1)",
        "tg://resolve?domain=x",
        "http://example.com/a%2fb%zz%",
        "http://example.com/?a=%e2%82%ac?b",
        "http://example.com/#/task?x",
        "http://example.com#x/y",
        "http://.../",
        "http://.example.com/",
        "http://example.com./",
        "http://example..com/",
        "http://example.c0m/",
        "http://example.pdf/",
        "http://example/",
        "http://a.onion/",
        "http://1.2.3.4/",
        "http://1.2.3.999/",
        "http://1.2.3/",
        "http://999.example.com/",
        "http://-bad.com/",
        "http://bad-.com/",
        "http://_dmarc.example.com/",
        "http://" + "a" * 63 + ".com/",
        "http://" + "a" * 64 + ".com/",
        "http://" + ("a" * 60 + ".") * 5 + "com/",
        "http://xn--80ak6aa92e.com/",
        "http://xn--zz.com/",
        "http://abxn--c.com/",
        "http://example.xn--3e0b707e/",
        "http://example.xn--zzzz/",
        "hxxp://example[.]com/login",
        "hXXps://example(.)com",
        "hxxps://example[.]com:8443/a?b=c",
        "h**p://example.com",
        "fxxp://example.com",
        "http[:]//example.com",
        "https[://]example.com",
        "http://example.com[/]login",
        "http://example [.] com/",
        "http://example dot com/",
        "ｈｔｔｐ：／／ｅｘａｍｐｌｅ．ｃｏｍ",
        "http://example。com/",
        " http://example.com/ ",
        "http://example.com/\x1c",
        "\x1fhttp://example.com/",
        "http://user@example.com/",
        "http://user:pw@example.com:8080/",
        "http://@example.com/",
        "http://[::1]/",
        "http://[::1]:8080/",
        "http://example.com/ü?ü=ü",
        "http://example.com/a'b(c)",
        'http://example.com/a"b',
        "",
        " ",
        ".",
        "@",
        "a@b",
        "john.doe@Example.COM",
        "John[@]example[.]com",
        "john (at) example dot com",
        "john at example.com",
        "mailto:<john@example.com>",
        "john@example.com>",
        "<john@example.com",
        ".john@example.com",
        "jo..hn@example.com",
        "john@1.2.3.4",
        "john@example",
        "john＠example.com",
        "x" * 65 + "@example.com",
    ],
)
def test_awkward_values_agree(raw: str) -> None:
    _agree(raw)


_LABELS = st.sampled_from(
    [
        "example",
        "EXAMPLE",
        "Ex-Ample",
        "a",
        "1",
        "123",
        "_dmarc",
        "-bad",
        "bad-",
        "a--b",
        "a" * 63,
        "a" * 64,
        "xn--80ak6aa92e",
        "XN--80AK6AA92E",
        "xn--zz",
        "xn--",
        "abxn--c",
        "국민은행",
        "กรุงไทย-คืนเงิน108",
        "münchen",
        "ＡＢＣ",
        "a_b",
        "a b",
        "",
        "999",
        "ß",
    ]
)
_TLDS = st.sampled_from(
    [
        "com",
        "COM",
        "co.kr",
        "kr",
        "onion",
        "pdf",
        "c0m",
        "xn--3e0b707e",
        "한국",
        "blogspot.com",
        "github.io",
        "local",
        "x",
        "",
        "1",
        "co.th",
        "com.vn",
    ]
)
_SEPS = st.sampled_from([".", ".", ".", ".", "[.]", "(.)", "{.}", "[dot]", " . ", "。", "..", "．"])


@st.composite
def _hosts(draw: st.DrawFn) -> str:
    labels = draw(st.lists(_LABELS, min_size=0, max_size=3))
    parts = [*labels, draw(_TLDS)]
    host = parts[0]
    for part in parts[1:]:
        host += draw(_SEPS) + part
    if draw(st.booleans()):
        host = draw(st.sampled_from(["www.", "WWW.", "."])) + host
    return host + draw(st.sampled_from(["", "", "", ".", ".."]))


_IPS = st.builds(
    lambda parts: ".".join(parts),
    st.lists(st.sampled_from(["1", "0", "255", "256", "01", "999"]), min_size=3, max_size=5),
)


@st.composite
def _urls(draw: st.DrawFn) -> str:
    scheme = draw(
        st.sampled_from(
            ["", "", "http://", "https://", "HTTPS://", "hxxps://", "hxxp://", "ftp://",
             "fxxp://", "mailto:", "tg://", "//", "javascript:", "http[:]//", "https[://]",
             "gopher://"]
        )
    )  # fmt: skip
    userinfo = draw(st.sampled_from(["", "", "", "user@", "u:p@", "@"]))
    host = draw(st.one_of(_hosts(), _hosts(), _IPS, st.sampled_from(["[::1]", "[::1", "[x]"])))
    port = draw(
        st.sampled_from(["", "", "", ":80", ":443", ":21", ":8080", ":0080", ":99999", ":", ":x"])
    )
    path = draw(
        st.sampled_from(
            ["", "", "/", "/a/b", "/%7e", "/%zz", "/ü", "/a b", "/(x)", "/a'b", "[/]login",
             "/#/task", "/h5/#/mission", "/login.php", "/a@b", "/a:b", "/~u/x+y", "/a%2F"]
        )
    )  # fmt: skip
    query = draw(st.sampled_from(["", "", "?", "?a=1", "?q=%2f", "?a?b", "?x=ü", "?code=RLNFSD"]))
    fragment = draw(st.sampled_from(["", "", "#", "#frag", "#/x y", "#ü"]))
    around = draw(st.sampled_from([("", ""), ("", ""), ("<", ">"), (" ", " "), ("\t", "")]))
    return around[0] + scheme + userinfo + host + port + path + query + fragment + around[1]


@st.composite
def _emails(draw: st.DrawFn) -> str:
    local = draw(
        st.sampled_from(
            ["john", "John.Doe", ".x", "x.", "a..b", "x" * 65, "a+b", "", "a b", "김", 'a"b']
        )
    )
    at = draw(st.sampled_from(["@", "@", "@", "[@]", "(at)", " at ", "＠", "@@", " [at] "]))
    text = local + at + draw(_hosts())
    prefix = draw(st.sampled_from(["", "", "mailto:", "MAILTO:", "<", " "]))
    suffix = draw(st.sampled_from(["", "", ">", " "]))
    return prefix + text + suffix


_SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_urls())
def test_generated_urls_agree(raw: str) -> None:
    _agree_url(raw)
    _agree_host(raw)


@_SETTINGS
@given(st.one_of(_hosts(), _IPS))
def test_generated_hosts_agree(raw: str) -> None:
    _agree(raw)


@_SETTINGS
@given(_emails())
def test_generated_emails_agree(raw: str) -> None:
    _agree_email(raw)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="abcXZ019.-_:/?#@%[]()<>{} \t\x1cxn-ü국。＠ｈ", max_size=40))
def test_arbitrary_strings_agree(raw: str) -> None:
    _agree(raw)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every URL, e-mail and domain string of a demo world (the default one and a noisy one):
    the urls and emails columns and what URL_RE, EMAIL_RE and a host pattern find in every
    narrative, as written and refanged."""
    found: dict[str, list[str]] = {"url": [], "email": []}
    host_re = re.compile(r"[^\s/@<>()\[\]\"',;:]+\.[^\s/@<>()\[\]\"',;:]+")
    for profile, reports in (("default", 3000), ("noisy", 1500)):
        out: Path = tmp_path_factory.mktemp(f"world-{profile}")
        generate(out, reports, 3, profile=profile)  # type: ignore[arg-type]
        for path in sorted(out.glob("reports-*.csv")):
            with path.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    found["url"] += [v for v in row["urls"].split(";") if v.strip()]
                    found["email"] += [v for v in row["emails"].split(";") if v.strip()]
                    for text in (row["narrative"], web.refang(row["narrative"])):
                        found["url"] += web.URL_RE.findall(text)
                        found["url"] += host_re.findall(text)
                        found["email"] += web.EMAIL_RE.findall(web.refang_email(text))
    return {kind: list(dict.fromkeys(values)) for kind, values in found.items()}


def test_every_url_and_host_of_a_demo_world_agrees(world: dict[str, list[str]]) -> None:
    assert len(world["url"]) > 2000
    fast = 0
    for raw in world["url"]:
        _agree_url(raw)
        _agree_host(raw)
        fast += web._url_fast(raw) is not None
    assert fast > len(world["url"]) // 2  # the fast path takes most of them


def test_every_email_of_a_demo_world_agrees(world: dict[str, list[str]]) -> None:
    assert len(world["email"]) > 150
    for raw in world["email"]:
        _agree_email(raw)
        _agree_host(raw.rpartition("@")[2])
