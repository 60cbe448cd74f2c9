from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scamlink.indicators import IndicatorType, InvalidIndicator, canonicalise, parse_field
from scamlink.indicators.handles import handle_values, parse_handle

T = IndicatorType


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Telegram
        ("telegram:@usdt_vip", [("telegram", "telegram:usdt_vip")]),
        ("Telegram @USDT_VIP", [("telegram", "telegram:usdt_vip")]),
        ("Telegram: usdt_vip_support", [("telegram", "telegram:usdt_vip_support")]),
        ("TG @usdt_vip", [("telegram", "telegram:usdt_vip")]),
        ("텔레그램 @abcde", [("telegram", "telegram:abcde")]),
        ("텔레 abcde", [("telegram", "telegram:abcde")]),
        ("เทเลแกรม @abcde", [("telegram", "telegram:abcde")]),
        ("电报 @abcde", [("telegram", "telegram:abcde")]),
        ("飞机：abcde", [("telegram", "telegram:abcde")]),  # full-width colon
        ("តេឡេក្រាម @abcde", [("telegram", "telegram:abcde")]),  # Khmer
        ("ເທເລແກຣມ @abcde", [("telegram", "telegram:abcde")]),  # Lao
        ("တယ်လီဂရမ် @abcde", [("telegram", "telegram:abcde")]),  # Burmese
        ("Tele: abcde", [("telegram", "telegram:abcde")]),
        ("WA +65 9123 4567", [("phone", "+6591234567")]),
        ("vx abcdef", [("wechat", "wechat:abcdef")]),
        ("ｔ．ｍｅ／ａｂｃｄｅ", [("telegram", "telegram:abcde")]),  # full-width
        ("t.me/abcde", [("telegram", "telegram:abcde")]),
        ("https://t.me/usdt_vip", [("telegram", "telegram:usdt_vip")]),
        ("hxxps://t[.]me/usdt_vip", [("telegram", "telegram:usdt_vip")]),
        ("https://telegram.me/usdt_vip?start=1", [("telegram", "telegram:usdt_vip")]),
        ("t.me/s/usdt_channel", [("telegram", "telegram:usdt_channel")]),
        ("t.me/usdt_channel/123", [("telegram", "telegram:usdt_channel")]),
        ("Telegram: https://t.me/usdt_vip", [("telegram", "telegram:usdt_vip")]),
        ("tg://resolve?domain=usdt_vip", [("telegram", "telegram:usdt_vip")]),
        ("t.me/+AbCdEfGh1234", [("telegram", "telegram:+AbCdEfGh1234")]),
        ("t.me/joinchat/AbCdEfGh1234", [("telegram", "telegram:+AbCdEfGh1234")]),
        ("telegram:+AbCdEfGh1234", [("telegram", "telegram:+AbCdEfGh1234")]),
        ("Telegram +855 12 345 678", [("phone", "+85512345678")]),
        # LINE
        ("LINE ID: abcd", [("line", "line:abcd")]),
        ("line id abc.def", [("line", "line:abc.def")]),
        ("Line: @shop_01", [("line", "line:shop_01")]),
        ("ไลน์ abcd_1", [("line", "line:abcd_1")]),
        ("ไอดีไลน์ abcd_1", [("line", "line:abcd_1")]),
        ("라인 abcd", [("line", "line:abcd")]),
        ("ລາຍ: abcd", [("line", "line:abcd")]),  # Lao
        ("line.me/ti/p/~abcd", [("line", "line:abcd")]),
        ("https://line.me/R/ti/p/%40abc1234", [("line", "line:abc1234")]),
        ("https://line.me/ti/p/AbCdEf12", [("line", "line:p/AbCdEf12")]),
        # KakaoTalk
        ("카카오톡 아이디 abcd", [("kakao", "kakao:abcd")]),
        ("카카오톡아이디: ABCD", [("kakao", "kakao:abcd")]),
        ("카톡 abcd", [("kakao", "kakao:abcd")]),
        ("카톡ID abcd", [("kakao", "kakao:abcd")]),
        ("kakao:abcd", [("kakao", "kakao:abcd")]),
        ("KakaoTalk: abcd", [("kakao", "kakao:abcd")]),
        ("open.kakao.com/o/gAbCdEf", [("kakao", "kakao:o/gAbCdEf")]),
        ("https://open.kakao.com/o/gAbCdEf", [("kakao", "kakao:o/gAbCdEf")]),
        ("카톡 오픈채팅 https://open.kakao.com/o/sXyZ123", [("kakao", "kakao:o/sXyZ123")]),
        ("kakao:o/gAbCdEf", [("kakao", "kakao:o/gAbCdEf")]),
        ("카톡 010-1234-5678", [("phone", "+821012345678")]),
        # WeChat
        ("WeChat: wxid_abc", [("wechat", "wechat:wxid_abc")]),
        ("微信 abcdef", [("wechat", "wechat:abcdef")]),
        ("微信号：Abc_123", [("wechat", "wechat:abc_123")]),
        ("위챗 abcdef", [("wechat", "wechat:abcdef")]),
        ("wechat:wxid_abcdefg1234567", [("wechat", "wechat:wxid_abcdefg1234567")]),
        # Zalo: phone + zalo:E.164
        ("zalo.me/0912345678", [("phone", "+84912345678"), ("zalo", "zalo:+84912345678")]),
        ("https://zalo.me/84912345678", [("phone", "+84912345678"), ("zalo", "zalo:+84912345678")]),
        ("Zalo 0912 345 678", [("phone", "+84912345678"), ("zalo", "zalo:+84912345678")]),
        ("Zalo: ០៩១២ ៣៤៥ ៦៧៨", [("phone", "+84912345678"), ("zalo", "zalo:+84912345678")]),
        ("zalo:+84912345678", [("phone", "+84912345678"), ("zalo", "zalo:+84912345678")]),
        ("Zalo +855 12 345 678", [("phone", "+85512345678"), ("zalo", "zalo:+85512345678")]),
        ("zalo.me/g/AbCdEf123", [("zalo", "zalo:g/AbCdEf123")]),
        # WhatsApp: phone only
        ("wa.me/6591234567", [("phone", "+6591234567")]),
        ("https://api.whatsapp.com/send?phone=6591234567", [("phone", "+6591234567")]),
        ("WhatsApp +65 9123 4567", [("phone", "+6591234567")]),
        ("왓츠앱 +65 9123 4567", [("phone", "+6591234567")]),
    ],
)
def test_handles(raw: str, expected: list[tuple[str, str]]) -> None:
    got = parse_field("handles", raw, "KR")
    assert [(i.type.value, i.value) for i in got] == expected
    for indicator in got:  # the canonical value reads back as itself
        assert canonicalise(indicator.type, indicator.value, "KR").value == indicator.value


def test_number_without_country_code_takes_the_country() -> None:
    got = parse_field("handles", "WhatsApp 9123 4567", "SG")
    assert [i.value for i in got] == ["+6591234567"]


def test_display() -> None:
    [tg] = parse_handle("Telegram @USDT_VIP")
    assert tg.display == "Telegram @USDT_VIP"
    [_, zalo] = parse_handle("zalo.me/0912345678")
    assert zalo.display == "Zalo +84 912 345 678"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("@usdt_vip", "names no messaging platform"),
        ("usdt_vip", "names no messaging platform"),
        ("Telegram: ab", "not a valid Telegram ID"),
        ("Telegram @1abcde", "not a valid Telegram ID"),
        ("Telegram @abcde_", "not a valid Telegram ID"),
        ("Telegram @" + "a" * 33, "not a valid Telegram ID"),
        ("Telegram: 이름", "not a valid Telegram ID"),
        ("LINE ID: ab", "not a valid LINE ID"),
        ("LINE ID: abc def", "not a valid LINE ID"),
        ("카톡 a!", "not a valid KakaoTalk ID"),
        ("WeChat: abc", "not a valid WeChat ID"),
        ("WeChat: 1abcdef", "not a valid WeChat ID"),
        ("Zalo: abc", "not a Zalo phone number"),
        ("Zalo 113", "not a Zalo phone number"),
        ("Zalo 0912 345", "not a valid VN phone number"),
        ("WhatsApp hello", "not a WhatsApp phone number"),
        ("Telegram", "without a handle"),
        ("t.me/joinchat", "invite link|not name"),
        ("t.me/c/1234567/89", "does not name"),
        ("t.me/share", "does not name"),
        ("", "empty"),
    ],
)
def test_handles_refused(raw: str, why: str) -> None:
    with pytest.raises(InvalidIndicator, match=why):
        parse_field("handles", raw, "KR")


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (T.TELEGRAM, "@usdt_vip", "telegram:usdt_vip"),
        (T.TELEGRAM, "USDT_VIP", "telegram:usdt_vip"),
        (T.TELEGRAM, "t.me/usdt_vip", "telegram:usdt_vip"),
        (T.LINE, "abcd", "line:abcd"),
        (T.KAKAO, "o/gAbCdEf", "kakao:o/gAbCdEf"),
        (T.KAKAO, "open.kakao.com/o/gAbCdEf", "kakao:o/gAbCdEf"),
        (T.WECHAT, "wxid_abc", "wechat:wxid_abc"),
        (T.ZALO, "0912345678", "zalo:+84912345678"),
        (T.ZALO, "zalo.me/0912345678", "zalo:+84912345678"),
    ],
)
def test_canonicalise_handle_types(kind: IndicatorType, raw: str, value: str) -> None:
    assert canonicalise(kind, raw, "KR").value == value


def test_canonicalise_refuses_another_platform() -> None:
    with pytest.raises(InvalidIndicator, match="not a telegram handle"):
        canonicalise(T.TELEGRAM, "LINE ID: abcd")


# --- the extraction's reading: the same values, phones not formatted ---------------------------

_HANDLE_PIECES = [
    "LINE",
    "line",
    "카톡",
    "WhatsApp",
    "wa",
    "Zalo",
    "텔레그램",
    "tg",
    "微信",
    "vx",
    " ",
    ": ",
    "ID",
    "@",
    "abc_12",
    "t.me/",
    "wa.me/",
    "zalo.me/",
    "https://",
    "open.kakao.com/o/",
    "+66 81 234 5678",
    "081-234-5678",
    "0912345678",
    "010 1234 5678",
    "84912345678",
    "+",
    "g/",
    "AbCdEfG",
    "1",
    "-",
    "/",
    "joinchat/",
    "line.me/ti/p/~",
    "hxxp://",
    "[.]",
    "９",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_HANDLE_PIECES), min_size=1, max_size=8).map("".join),
    st.sampled_from([None, "KR", "TH", "VN", "SG"]),
)
def test_handle_values_are_parse_handles_values(raw: str, country: str | None) -> None:
    try:
        expected = [(i.type, i.value) for i in parse_handle(raw, country)]
    except InvalidIndicator:
        with pytest.raises(InvalidIndicator):
            handle_values(raw, country)
        return
    assert [(i.type, i.value) for i in handle_values(raw, country)] == expected


def test_handle_values_leave_phones_unformatted() -> None:
    assert [i.display for i in parse_handle("WhatsApp +65 9123 4567")] == ["+65 9123 4567"]
    assert [i.display for i in handle_values("WhatsApp +65 9123 4567")] == ["+6591234567"]
    zalo = handle_values("zalo.me/0912345678")
    assert [(i.type, i.value) for i in zalo] == [
        (T.PHONE, "+84912345678"),
        (T.ZALO, "zalo:+84912345678"),
    ]
