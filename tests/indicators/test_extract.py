"""Free-text extraction: real-world formats per type and language, negatives, and properties."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scamlink.indicators import InvalidIndicator, canonicalise
from scamlink.indicators import accounts as accounts_module
from scamlink.indicators import context as context_module
from scamlink.indicators import crypto as crypto_module
from scamlink.indicators import extract as extract_module
from scamlink.indicators import text as text_module
from scamlink.indicators.banks import BANKS
from scamlink.indicators.crypto import WALLET_RE
from scamlink.indicators.digits import TABLE as FOREIGN_DIGITS
from scamlink.indicators.digits import to_ascii_digits
from scamlink.indicators.extract import (
    _ACCOUNT_RUN_RE,
    _AT_ANCHOR_RE,
    _HANDLE_LINK_START_RE,
    _LATIN_BANK_RE,
    _LOCAL_BACK_RE,
    _OTHER_BANK_RE,
    _PHONE_FIND_RE,
    EMAIL_FIND_RE,
    HANDLE_LABEL_RE,
    HANDLE_LINK_RE,
    URL_FIND_RE,
    Found,
    extract,
)
from scamlink.indicators.handles import PLATFORM_LABELS, parse_handle
from scamlink.indicators.phone import phone_value
from scamlink.indicators.text import (
    _CHANGED_RE,
    _FOLDABLE_RE,
    INVISIBLE_RE,
    prepare,
    strip_invisible,
)
from scamlink.indicators.trie import literal_atoms, trie_pattern
from scamlink.indicators.types import IndicatorType
from scamlink.indicators.web import fold_fullwidth
from tests.indicators import test_context
from tests.indicators.world_text import ascii_text, mixed_text

T = IndicatorType


def pairs(text: str, country: str) -> set[tuple[str, str]]:
    return {(f.type.value, f.value) for f in extract(text, country)}


# (language, country, text, expected (type, value) pairs — at least these)
POSITIVE = [
    # phones
    ("ko", "KR", "연락 온 전화번호는 010-1234-5678입니다.", {("phone", "+821012345678")}),
    ("ko", "KR", "상대방 번호: +82 10 1234 5678", {("phone", "+821012345678")}),
    ("ko", "KR", "번호 ０１０－１２３４－５６７８ 로 전화", {("phone", "+821012345678")}),
    ("th", "TH", "เบอร์ที่โทรมาคือ 084 725 8554 ค่ะ", {("phone", "+66847258554")}),
    ("th", "TH", "โทร ๐๘๑ ๒๓๔ ๕๖๗๘", {("phone", "+66812345678")}),
    ("km", "KH", "លេខទូរស័ព្ទ ០១២ ៣៤៥ ៦៧៨", {("phone", "+85512345678")}),
    ("lo", "LA", "ເບີໂທ ໐໒໐ ໕໕໕໕ ໑໒໓໔", {("phone", "+8562055551234")}),
    ("my", "MM", "ဖုန်း ၀၉ ၄၅၀ ၀၀၀ ၁၂၃", {("phone", "+959450000123")}),
    ("vi", "VN", "Đối tượng dùng số 0966 409 656.", {("phone", "+84966409656")}),
    ("id", "ID", "Nomor yang menelepon saya 0812-3456-7890.", {("phone", "+6281234567890")}),
    ("fil", "PH", "Tumawag sa akin ang 0917 123 4567 kahapon", {("phone", "+639171234567")}),
    ("ms", "MY", "Dia telefon dari 012-345 6789", {("phone", "+60123456789")}),
    ("zh", "SG", "他的电话是+65 9123 4567。", {("phone", "+6591234567")}),
    ("en", "SG", "Call (+65) 9123-4567 now", {("phone", "+6591234567")}),
    ("en", "KR", "two numbers 010-1234-5678 010 2222 3333", {("phone", "+821012345678")}),
    ("ko", "KR", "번호: 01031401952 USDT (TRC20) 지갑으로", {("phone", "+821031401952")}),
    ("km", "KH", "ជនល្មើសប្រើលេខ +84 902125839។", {("phone", "+84902125839")}),
    # links, domains, e-mail
    (
        "ko",
        "KR",
        "보내준 링크는 hxxps://kbstar-secure[.]com/login?id=3 입니다.",
        {
            ("url", "https://kbstar-secure.com/login?id=3"),
            ("domain", "kbstar-secure.com"),
        },
    ),
    ("th", "TH", "เข้าเว็บไซต์https://jtexpress-th.asia/track", {("domain", "jtexpress-th.asia")}),
    ("en", "SG", "visit www.shop-deals.xyz.", {("domain", "shop-deals.xyz")}),
    ("en", "SG", "go to login.kbstar-secure.com now", {("domain", "kbstar-secure.com")}),
    (
        "ko",
        "KR",
        "접속한 주소: https://금융감독원-보안2.com/auth",
        {("domain", "xn---2-ut1i58d5wlczoogos1c5za.com")},
    ),
    (
        "en",
        "PH",
        "email help[@]bdo-secure[.]ph or Agent@Example-Mail.com",
        {
            ("email", "help@bdo-secure.ph"),
            ("email", "agent@example-mail.com"),
        },
    ),
    ("en", "PH", "server at http://203.0.113.7:8080/x", {("ipv4", "203.0.113.7")}),
    # wallets
    (
        "zh",
        "SG",
        "USDT地址TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t已转账",
        {("tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")},
    ),
    (
        "en",
        "SG",
        "ERC20: 0x52908400098527886E0F7030069857D2E4169EE7.",
        {("eth", "0x52908400098527886e0f7030069857d2e4169ee7")},
    ),
    (
        "vi",
        "VN",
        "ví bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq (BTC)",
        {("btc", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")},
    ),
    # bank accounts
    (
        "ko",
        "KR",
        "입금 계좌: KB국민은행 123456-78-901234 예금주 홍길동",
        {("bank_account", "KR:KB:12345678901234")},
    ),
    ("th", "TH", "โอนเข้าบัญชี กสิกรไทย 123-4-56789-0 ค่ะ", {("bank_account", "TH:KBANK:1234567890")}),
    (
        "vi",
        "VN",
        "Tôi đã chuyển khoản vào Vietcombank 8653889749296.",
        {("bank_account", "VN:VCB:8653889749296")},
    ),
    (
        "id",
        "ID",
        "Saya transfer ke rekening BCA 1234567890 a.n. Budi",
        {("bank_account", "ID:BCA:1234567890")},
    ),
    ("ko", "KR", "8550238437681 (카뱅) 으로 보냄", {("bank_account", "KR:KAKAO:8550238437681")}),
    ("th", "TH", "บัญชี: 8200602382 (ธ.กสิกรไทย) ค่ะ", {("bank_account", "TH:KBANK:8200602382")}),
    (
        "ko",
        "KR",
        "입금 계좌: Kakao Bank 9946-27-0755662",
        {("bank_account", "KR:KAKAO:9946270755662")},
    ),
    # handles
    ("ko", "KR", "텔레그램 @usdt_vip 로 연락", {("telegram", "telegram:usdt_vip")}),
    ("ko", "KR", "카톡 아이디 kim1234 입니다", {("kakao", "kakao:kim1234")}),
    (
        "ko",
        "KR",
        "오픈채팅 https://open.kakao.com/o/sUDYQGAX 에서",
        {("kakao", "kakao:o/sUDYQGAX")},
    ),
    ("th", "TH", "แอด ไอดีไลน์ ID: kevin10gold นะ", {("line", "line:kevin10gold")}),
    ("en", "TH", "add line.me/ti/p/~somchai99", {("line", "line:somchai99")}),
    ("en", "SG", "t.me/rose_hr10 is the agent", {("telegram", "telegram:rose_hr10")}),
    ("zh", "SG", "加微信 wx_abc123 联系", {("wechat", "wechat:wx_abc123")}),
    (
        "vi",
        "VN",
        "Liên lạc qua zalo 0914566014.",
        {
            ("zalo", "zalo:+84914566014"),
            ("phone", "+84914566014"),
        },
    ),
    ("en", "SG", "WhatsApp: wa.me/6591234567", {("phone", "+6591234567")}),
]


@pytest.mark.parametrize(("lang", "country", "text", "expected"), POSITIVE)
def test_finds_real_world_formats(
    lang: str, country: str, text: str, expected: set[tuple[str, str]]
) -> None:
    got = pairs(text, country)
    assert expected <= got, f"{lang}: missing {expected - got} in {got}"


NEGATIVE = [
    ("ko", "KR", "피해 금액은 6,500,000원입니다.", "phone"),
    ("ko", "KR", "지금까지 보낸 돈이 1,307만원 정도 됩니다.", "phone"),
    ("ko", "KR", "사건번호 2024123456789 로 접수", "phone"),
    ("ko", "KR", "주문번호: 01012345678 확인", "phone"),
    ("th", "TH", "รวมเสียหายทั้งหมด 812345678 บาท", "phone"),
    ("vi", "VN", "Tổng số tiền bị lừa là 1.107.800.000 đồng.", "phone"),
    ("vi", "VN", "chuyển 912345678 đ cho nó", "phone"),
    ("id", "ID", "Kerugian: Rp 081234567890", "phone"),
    ("en", "SG", "Case no. 91234567 was opened", "phone"),
    ("en", "SG", "order #91234567 never arrived", "phone"),
    ("en", "SG", "on 2024-03-15 at 10:30 I paid", "phone"),
    ("en", "SG", "on 15/03/2024 I paid $ 91234567", "phone"),
    ("zh", "SG", "订单号 91234567 没有到", "phone"),
    ("en", "KR", "Mr.Kim called me", "domain"),
    ("en", "KR", "see report.pdf and a.b", "domain"),
    ("en", "KR", "the telegram channel was closed", "telegram"),
    ("en", "TH", "stay on the line with him", "line"),
    ("ko", "KR", "긴급 신고 112 와 182", "phone"),
]


@pytest.mark.parametrize(("lang", "country", "text", "kind"), NEGATIVE)
def test_numbers_that_are_not_phones_and_words_that_are_not_handles(
    lang: str, country: str, text: str, kind: str
) -> None:
    assert kind not in {t for t, _ in pairs(text, country)}, f"{lang}: {extract(text, country)}"


def test_found_carries_original_offsets_and_display() -> None:
    text = "번호: 010\u200b-1234-\u200f5678, 링크 kbstar-secure[.]com"
    found = extract(text, "KR")
    phone = next(f for f in found if f.type is T.PHONE)
    assert phone.value == "+821012345678"
    assert text[phone.start : phone.end] == phone.display == "010\u200b-1234-\u200f5678"
    domain = next(f for f in found if f.type is T.DOMAIN)
    assert domain.display == "kbstar-secure[.]com"
    assert domain.as_json() == {
        "type": "domain",
        "value": "kbstar-secure.com",
        "display": "kbstar-secure[.]com",
        "start": domain.start,
        "end": domain.end,
        "warninglist": None,
    }


def test_url_yields_url_domain_and_registered_domain_with_their_own_spans() -> None:
    text = "go https://www.login.kbstar-secure.com/a?b=1"
    found = {f.value: f for f in extract(text, "KR")}
    assert found["https://www.login.kbstar-secure.com/a?b=1"].display.startswith("https://")
    assert found["login.kbstar-secure.com"].display == "login.kbstar-secure.com"
    assert found["kbstar-secure.com"].display == "kbstar-secure.com"


def test_warninglisted_values_are_marked_not_dropped() -> None:
    found = extract("은행 고객센터(1588-9999)에 전화했고 facebook.com 에서 봤습니다", "KR")
    marks = {f.value: f.warninglist for f in found}
    assert marks == {"+8215889999": "bank-hotlines", "facebook.com": "platform-domains"}


def test_prepare_maps_offsets_back_through_removed_characters() -> None:
    text = "a\u200bb\u200c\u200dc\ufeff"
    p = prepare(text)
    assert p.text == "abc"
    assert [p.original(i) for i in range(3)] == [0, 2, 5]
    assert p.original_end(3) == 6
    assert strip_invisible(text) == "abc"


def test_empty_and_non_text() -> None:
    assert extract("", "KR") == []
    with pytest.raises(TypeError):
        extract(b"010-1234-5678", "KR")  # type: ignore[arg-type]


def test_a_megabyte_of_junk_finishes() -> None:
    # No timing assert (it would flake); the patterns' repetitions are all bounded (below).
    junk = ("a.a.a." * 50 + "0" * 40 + "@" * 20 + "\u200b" + "가.나." * 30 + "1-" * 40) * 250
    junk = (junk * 2)[: 1 << 20]
    assert isinstance(extract(junk, "KR"), list)


@pytest.mark.parametrize(
    "pattern",
    [
        URL_FIND_RE,
        EMAIL_FIND_RE,
        HANDLE_LINK_RE,
        HANDLE_LABEL_RE,
        _LATIN_BANK_RE,
        _OTHER_BANK_RE,
        _HANDLE_LINK_START_RE,
        _AT_ANCHOR_RE,
        _LOCAL_BACK_RE,
        _PHONE_FIND_RE,
        _ACCOUNT_RUN_RE,
        WALLET_RE,
    ],
)
def test_patterns_have_no_unbounded_repetition(pattern: re.Pattern[str]) -> None:
    # Linear time: every repetition in the scanning patterns has an upper bound, so the work at
    # one position is bounded whatever the text.
    quantifiers = _quantifiers(pattern.pattern)
    assert "+" not in quantifiers
    assert "*" not in quantifiers
    assert not re.search(r"\{\d*,\}", pattern.pattern)


def _quantifiers(source: str) -> str:
    """The repetition operators of a pattern, outside character classes and escapes."""
    out = []
    i = 0
    in_class = False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "*+" and source[i - 1] != "(" and source[i - 1] != "?":
            out.append(ch)
        i += 1
    return "".join(out)


TEXTS = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200) | st.lists(
    st.sampled_from(
        [
            "010-1234-5678",
            " ",
            "원",
            "t.me/abc_def1",
            "kbstar[.]com",
            "\u200b",
            "\u202e",
            "국민은행 ",
            "123456789012",
            "@",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            "๐๘๑",
            "LINE ID: ",
            "hxxp://",
            "\ud800",
            ".",
            "/",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from(["KR", "TH", "VN", "ID", "PH", "MY", "SG", "KH", "LA", "MM", "BN"]))
def test_extraction_never_raises_and_offsets_slice_to_display(text: str, country: str) -> None:
    found = extract(text, country)
    for f in found:
        assert isinstance(f, Found)
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.display
        if f.type is T.ZALO or (f.type is T.PHONE and "zalo" in text.lower()):
            continue  # a Zalo number without country code is Vietnamese whatever the country
        try:
            again = canonicalise(f.type, strip_invisible(f.display), country)
        except InvalidIndicator as e:  # pragma: no cover - the assertion message says why
            raise AssertionError(f"{f} does not canonicalise: {e}") from None
        assert again.value == f.value, f


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=100), st.sampled_from(["KR", "TH", "VN"]))
def test_extraction_is_deterministic_and_sorted(text: str, country: str) -> None:
    first = extract(text, country)
    assert first == extract(text, country)
    assert [f.start for f in first] == sorted(f.start for f in first)


# --- the fast paths against the straightforward ones they replace ------------------------------
# Extraction skips work (case-folded tries compiled without re.IGNORECASE, patterns tried only
# where they can start, one validation per phone number, one scan for texts that need no
# preparing); the reference below puts the plain versions back and must find the same.

_OLD_PHONE_FIND_RE = re.compile(
    r"(?=[+(\d])(?<![A-Za-z0-9+_])(?:\+|00)?\(?\d{1,15}\)?"
    r"(?:[ \-.\u00a0/]{1,2}\(?\d{1,12}\)?){0,6}(?![0-9])"
)


def _old_words_pattern(words: set[str], separator: str, boundary: str) -> str:
    latin = [w for w in words if w[0].isascii() and w[0].isalnum()]
    other = [w for w in words if not (w[0].isascii() and w[0].isalnum())]

    def atoms(w: str) -> list[str]:
        end = r"(?!" + boundary + ")" if w[-1].isascii() and w[-1].isalnum() else ""
        return literal_atoms(w.lower(), separator, end)

    parts = []
    if latin:
        parts.append(r"(?<!" + boundary + ")" + trie_pattern(atoms(w) for w in latin))
    if other:
        parts.append(trie_pattern(atoms(w) for w in other))
    firsts = {c for w in words for c in (w[0].lower(), w[0].upper())}
    head = "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"
    return head + "(?:" + "|".join(parts) + ")"


def _old_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    forms = {a.strip() for b in BANKS for a in (b.code, b.name, *b.names) if a.strip()}
    bank = re.compile(_old_words_pattern(forms, r"[\s\-_.·/]{0,3}", "[A-Za-z0-9]"), re.IGNORECASE)
    labels = {label for group in PLATFORM_LABELS.values() for label in group}
    label = re.compile(
        r"(?P<label>" + _old_words_pattern(labels, r"\s?", "[A-Za-z0-9_]") + r")"
        r"(?P<id>\s?(?:id|아이디|ไอดี|号|账号|帳號|번호|number|no\.?)(?![A-Za-z]))?"
        r"\s{0,2}(?P<sep>[:：=\-]?)\s{0,2}"
        r"(?P<handle>\+?\(?\d[\d \-().]{5,18}\d(?![0-9])"
        r"|@?[A-Za-z0-9][A-Za-z0-9._\-]{2,31}(?![A-Za-z0-9_]))",
        re.IGNORECASE,
    )
    return bank, label


_OLD_BANK_ALIAS_RE, _OLD_HANDLE_LABEL_RE = _old_patterns()
_OLD_ACCOUNT_NUMBER_RE = re.compile(r"(?<![A-Za-z0-9])[0-9](?:[ \-.]?[0-9])*(?![A-Za-z0-9])")


def _old_spaces(s: str, a: int, b: int) -> list[int]:
    return [i for i in range(a, b) if s[i] == " "]


def _old_phone_spans(s: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    yield start, end
    cuts = [m.start() for m in extract_module._PHONE_GROUP_SEP_RE.finditer(s, start, end)]
    for cut in reversed(cuts):
        yield start, cut


def _old_balanced(s: str, start: int, end: int) -> tuple[int, int]:
    if s[end - 1] == ")" and s.count("(", start, end) < s.count(")", start, end):
        end -= 1
    if s[start] == "(" and s.count(")", start, end) < s.count("(", start, end):
        start += 1
    return start, end


def _old_phone_at(run: extract_module._Pass, begin: int, stop: int) -> int | None:
    """_phone_at as it was: each span from a generator, balanced, tried in turn."""
    s = run.s
    for start, end in _old_phone_spans(s, begin, stop):
        start, end = _old_balanced(s, start, end)
        if end - start < 7 or not run.free(start, end):
            continue
        if context_module.not_a_phone(s, start, end):
            return None
        found = extract_module._canonical("phone", run.plain[start:end], run.country)
        if found:
            run.claim(start, end)
            run.add(found[0], start, end)
            return end
    return None


@contextmanager
def _straightforward() -> Iterator[None]:
    """Extraction with the plain patterns and validators (caches emptied on the way in and
    out, so neither run reuses the other's results)."""
    swaps: list[tuple[object, str, object]] = [
        (extract_module, "_bank_alias_at", _OLD_BANK_ALIAS_RE.match),
        (extract_module, "HANDLE_LABEL_RE", _OLD_HANDLE_LABEL_RE),
        (extract_module, "_PHONE_FIND_RE", _OLD_PHONE_FIND_RE),
        (extract_module, "_bank_aliases", _OLD_BANK_ALIAS_RE.finditer),
        (extract_module, "_label_matches", lambda text: _OLD_HANDLE_LABEL_RE.finditer(text)),
        (extract_module, "matches_from", lambda starts, pattern, text: pattern.finditer(text)),
        (extract_module, "_email_matches", lambda text: EMAIL_FIND_RE.finditer(text)),
        (context_module, "_CURRENCY_BEFORE", test_context.CURRENCY_BEFORE),
        (context_module, "_REFERENCE_BEFORE", test_context.REFERENCE_BEFORE),
        (text_module, "_CHANGED_RE", re.compile("")),  # always "something to prepare"
        (extract_module, "_phone_at", _old_phone_at),
        (extract_module, "_spaces", _old_spaces),
        (accounts_module, "ACCOUNT_NUMBER_RE", _OLD_ACCOUNT_NUMBER_RE),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in swaps]
    phone_check = extract_module._CANONICAL["phone"]
    handle_check = extract_module._CANONICAL["handle"]
    extract_module._canonical.cache_clear()
    try:
        for owner, name, value in swaps:
            setattr(owner, name, value)
        extract_module._CANONICAL["phone"] = lambda raw, country: [phone_value(raw, country)]
        extract_module._CANONICAL["handle"] = lambda raw, country: parse_handle(raw, country)
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)
        extract_module._CANONICAL["phone"] = phone_check
        extract_module._CANONICAL["handle"] = handle_check
        extract_module._canonical.cache_clear()


@settings(max_examples=150, deadline=None)
@given(mixed_text(40), st.sampled_from(["KR", "TH", "VN", "ID", "PH", "MY", "KH", "LA", "MM"]))
def test_fast_paths_find_what_the_straightforward_ones_find(text: str, country: str) -> None:
    _same_as_straightforward(text, country)


@settings(max_examples=150, deadline=None)
@given(ascii_text(40), st.sampled_from(["KR", "TH", "VN", "ID", "PH", "MY", "KH", "LA", "MM"]))
def test_fast_paths_in_ascii_text_find_what_the_straightforward_ones_find(
    text: str, country: str
) -> None:
    # ASCII texts take the word-boundary scans (_label_matches, _latin_bank_search).
    _same_as_straightforward(text, country)


def _same_as_straightforward(text: str, country: str) -> None:
    fast = extract(text, country)
    with _straightforward():
        plain = extract(text, country)
    assert fast == plain


def test_the_reference_really_is_the_plain_path() -> None:
    # The comparison above can fail: the swapped-in patterns are the ones extraction uses.
    with _straightforward():
        assert extract_module.HANDLE_LABEL_RE is _OLD_HANDLE_LABEL_RE
        assert extract_module.HANDLE_LABEL_RE.flags & re.IGNORECASE
        assert extract_module._bank_aliases == _OLD_BANK_ALIAS_RE.finditer
        assert extract_module._phone_at is _old_phone_at
        assert accounts_module.ACCOUNT_NUMBER_RE is _OLD_ACCOUNT_NUMBER_RE
        assert extract_module._CANONICAL["handle"]("LINE: +66 81 234 5678", "TH")[0].display == (
            "+66 81 234 5678"  # parse_handle formats a phone; the fast path does not
        )
    assert not extract_module.HANDLE_LABEL_RE.flags & re.IGNORECASE
    assert extract_module._bank_aliases != _OLD_BANK_ALIAS_RE.finditer
    assert extract_module._CANONICAL["handle"]("LINE: +66 81 234 5678", "TH")[0].display == (
        "+66812345678"
    )


@settings(max_examples=300, deadline=None)
@given(mixed_text() | st.text(alphabet="0123456789+()- ./\u00a0a_\n๐", max_size=40))
def test_phone_candidates_are_found_as_before(text: str) -> None:
    # The scanning patterns run on the prepared text, whose digits are ASCII ([0-9] is \d).
    text = prepare(text).text
    old = [m.span() for m in _OLD_PHONE_FIND_RE.finditer(text)]
    assert [m.span() for m in _PHONE_FIND_RE.finditer(text)] == old
    old_runs = re.compile(_ACCOUNT_RUN_RE.pattern.replace("[0-9]", r"\d"))
    assert [m.span() for m in _ACCOUNT_RUN_RE.finditer(text)] == [
        m.span() for m in old_runs.finditer(text)
    ]


PHONE_TEXT = mixed_text() | st.text(alphabet="0123456789+()- ./\u00a0a_\n๐", max_size=40)


@settings(max_examples=300, deadline=None)
@given(PHONE_TEXT, st.sampled_from(["KR", "TH", "VN", "PH"]))
def test_phone_numbers_are_read_from_their_candidates_as_before(text: str, country: str) -> None:
    # _phone_at walks the spans of a candidate inline; the phone pass must find (and claim)
    # the same numbers as the span generator it replaces, after the same earlier passes.
    prepared = prepare(text)
    runs = []
    for phone_at in (extract_module._phone_at, _old_phone_at):
        run = extract_module._Pass(text, prepared, country)
        for step in extract_module._PASSES[:-1]:
            step(run)
        saved = extract_module._phone_at
        extract_module._phone_at = phone_at
        try:
            extract_module._phones(run)
        finally:
            extract_module._phone_at = saved
        runs.append(run)
    new, old = runs
    assert new.found == old.found
    assert new.claimed == old.claimed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The longest prefix that validates wins (a shorter one, "1588 2075", validates too).
        ("1588 2075 029 3431 21", [("+15882075029", 0, 13)]),
        ("010-7636-9019 010-9567-7011", [("+821076369019", 0, 13), ("+821095677011", 14, 27)]),
        ("(02) 6054 0340 215 743 591079", [("+82260540340", 0, 14)]),
    ],
)
def test_a_candidate_of_several_groups_gives_its_longest_number(
    text: str, expected: list[tuple[str, int, int]]
) -> None:
    assert [(f.value, f.start, f.end) for f in extract(text, "KR")] == expected
    with _straightforward():
        assert [(f.value, f.start, f.end) for f in extract(text, "KR")] == expected


@settings(max_examples=300, deadline=None)
@given(PHONE_TEXT | st.text(alphabet="1 -a ", max_size=30), st.integers(0, 40), st.integers(0, 40))
def test_spaces_are_found_as_before(text: str, a: int, width: int) -> None:
    a = min(a, len(text))
    b = min(a + width, len(text))
    assert extract_module._spaces(text, a, b) == _old_spaces(text, a, b)


@settings(max_examples=300, deadline=None)
@given(mixed_text() | st.text(alphabet="0123456789 -.aZ_\u212a:", max_size=40))
def test_account_numbers_are_found_as_before(text: str) -> None:
    # The first digit before the lookbehind: the same matches, found faster.
    text = prepare(text).text
    new = accounts_module.ACCOUNT_NUMBER_RE
    assert [m.span() for m in new.finditer(text)] == [
        m.span() for m in _OLD_ACCOUNT_NUMBER_RE.finditer(text)
    ]
    assert new.sub(" ", text) == _OLD_ACCOUNT_NUMBER_RE.sub(" ", text)


@settings(max_examples=300, deadline=None)
@given(mixed_text() | st.text(max_size=60) | st.text(alphabet="๐๑٣１a\u200b߀", max_size=20))
def test_prepared_text_has_only_ascii_digits(text: str) -> None:
    prepared = prepare(text).text
    assert not any(ord(ch) in FOREIGN_DIGITS for ch in prepared)
    assert all(ch in "0123456789" for ch in re.findall(r"\d", prepared))


@settings(max_examples=200, deadline=None)
@given(mixed_text(), st.integers(0, 60), st.integers(0, 60))
def test_bank_names_and_labels_are_found_as_before(text: str, cut: int, width: int) -> None:
    _bank_names_and_labels_as_before(text, cut, width)


@settings(max_examples=300, deadline=None)
@given(
    ascii_text() | st.text(alphabet="kbank line tg@:1.-_K(", max_size=40),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_bank_names_and_labels_in_ascii_text_are_found_as_before(
    text: str, cut: int, width: int
) -> None:
    _bank_names_and_labels_as_before(text, cut, width)


def _bank_names_and_labels_as_before(text: str, cut: int, width: int) -> None:
    old_labels = [(m.span(), m.groups()) for m in _OLD_HANDLE_LABEL_RE.finditer(text)]
    assert [(m.span(), m.groups()) for m in HANDLE_LABEL_RE.finditer(text)] == old_labels
    assert [(m.span(), m.groups()) for m in extract_module._label_matches(text)] == old_labels
    lo, hi = min(cut, len(text)), min(cut + width, len(text))
    old = [m.span() for m in _OLD_BANK_ALIAS_RE.finditer(text, lo, hi)]
    assert [m.span() for m in extract_module._bank_aliases(text, lo, hi)] == old
    at = extract_module._bank_alias_at(text, lo)
    old_at = _OLD_BANK_ALIAS_RE.match(text, lo)
    assert (at and at.span()) == (old_at and old_at.span())
    # The boundary scan is right in any text (extraction takes it for ASCII texts only).
    bounded = extract_module._bounded_search(
        extract_module._LATIN_BANK_BOUNDED_RE, _LATIN_BANK_RE, text, lo, hi
    )
    plain = _LATIN_BANK_RE.search(text, lo, hi)
    assert (bounded and bounded.span()) == (plain and plain.span())


_FOLD_ALPHABET = "a1 \u0e51\u17e2\uff10\uff21\uff5e\uff5f\u3000\U0001d7ce\U0001f600\u200b가"


@settings(max_examples=500, deadline=None)
@given(mixed_text() | st.text(max_size=60) | st.text(alphabet=_FOLD_ALPHABET, max_size=30))
def test_folding_only_the_foldable_characters_folds_as_before(text: str) -> None:
    # Thai and Khmer digits, full-width forms (U+FF5F is not one), the ideographic space, a
    # digit and an emoji beyond the BMP.
    assert text_module.fold(text) == to_ascii_digits(fold_fullwidth(text))


@settings(max_examples=300, deadline=None)
@given(mixed_text() | st.text(max_size=60))
def test_one_scan_tells_a_text_needs_no_preparing(text: str) -> None:
    needs = INVISIBLE_RE.search(text) is not None or _FOLDABLE_RE.search(text) is not None
    assert (_CHANGED_RE.search(text) is not None) == needs


@settings(max_examples=300, deadline=None)
@given(mixed_text() | st.text(alphabet="ab1 -\u212a\u00e9\ud800", max_size=80))
def test_a_long_run_is_found_in_any_text(text: str) -> None:
    # Non-ASCII letters (é, the Kelvin sign) and a lone surrogate break a run in the bytes too.
    run_of_25 = re.search("[0-9A-Za-z]{25}", text) is not None
    assert crypto_module.has_long_run(text) == run_of_25
    ascii_only = text.encode("ascii", "ignore").decode()
    expected = re.search("[0-9A-Za-z]{25}", ascii_only) is not None
    assert crypto_module.has_long_run(ascii_only) == expected


def _old_suffix_start(host: str, h_start: int, labels: int) -> int:
    seps = list(extract_module._HOST_SEP_RE.finditer(host))
    if labels > len(seps):
        return h_start
    return h_start + seps[len(seps) - labels].end()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["kb", "x", ".", "[.]", "(dot)", "[DOT]", "{.}", "Dot", "-"])).map(
        "".join
    ),
    st.integers(0, 50),
    st.integers(1, 5),
)
def test_the_suffix_of_a_host_starts_as_before(host: str, h_start: int, labels: int) -> None:
    expected = _old_suffix_start(host, h_start, labels)
    assert extract_module._suffix_start(host, h_start, labels) == expected
