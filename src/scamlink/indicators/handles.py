"""Messaging handles: Telegram, LINE, KakaoTalk, WeChat, Zalo (and WhatsApp, whose handle is a
phone number), written with a platform label in any of our languages or as a link.

Canonical forms (the brief's `type:handle`, lower-case, leading @ dropped), plus these decisions:
* Invite / open-chat codes are case-sensitive and kept as written, behind a fixed prefix:
  `kakao:o/gAbCdEf` (open.kakao.com/o/…), `kakao:me/…`, `telegram:+AbCdEf…` (t.me/+… and
  t.me/joinchat/…), `line:p/AbCd…` (line.me/ti/p/CODE), `zalo:g/AbCd…` (zalo.me/g/…).
* Zalo is addressed by phone number: `zalo:+84912345678` (E.164), together with the phone
  indicator. A Zalo number without a country code is Vietnamese (zalo.me links use the national
  form). A Zalo Official Account id (a long number that is not a phone) is kept: `zalo:4318…`.
* A handle written as a phone number under another platform ("카톡 010-1234-5678",
  "WhatsApp +65 9123 4567", wa.me/6591234567) yields the phone indicator only.
* A handle with no platform ("@usdt_vip") is refused: guessing the platform would link reports
  that have nothing in common.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from scamlink.indicators.digits import to_ascii_digits
from scamlink.indicators.phone_memo import canonical_phone, phone_value
from scamlink.indicators.types import Indicator, IndicatorType, InvalidIndicator
from scamlink.indicators.web import refang

T = IndicatorType
# How a phone number is read: canonical_phone (display formatted internationally) for the
# structured fields, phone_memo.phone_value (same value, E.164 display, validated once per
# number) for free-text extraction, which shows the text as written.
_PhoneReader = Callable[[str, str | None], Indicator]
WHATSAPP = "whatsapp"  # not an indicator type: its handle is a phone number

_LABELS: dict[str, tuple[str, ...]] = {
    T.TELEGRAM: (
        "telegram",
        "tg",
        "tele",
        "텔레그램",
        "텔레",
        "텔그",
        "เทเลแกรม",
        "เทเล",
        "电报",
        "飞机",
        "紙飛機",
        "纸飞机",
        "តេឡេក្រាម",
        "ເທເລແກຣມ",
        "တယ်လီဂရမ်",
    ),
    T.LINE: ("line", "라인", "ไลน์", "ไอดีไลน์", "ライン", "ລາຍ"),
    T.KAKAO: (
        "kakaotalk",
        "kakao talk",
        "kakao",
        "카카오톡",
        "카톡",
        "카카오",
        "보이스톡",
    ),
    T.WECHAT: ("wechat", "we chat", "weixin", "微信", "위챗", "vx", "wx"),
    T.ZALO: ("zalo", "잘로"),
    WHATSAPP: ("whatsapp", "whats app", "wa", "왓츠앱", "왓츠압", "วอทส์แอป", "วอทส์แอพ"),
}
PLATFORM_LABELS: dict[str, tuple[str, ...]] = _LABELS  # for free-text extraction
_DISPLAY = {
    T.TELEGRAM: "Telegram",
    T.LINE: "LINE",
    T.KAKAO: "KakaoTalk",
    T.WECHAT: "WeChat",
    T.ZALO: "Zalo",
}


def _label_alternation() -> str:
    parts: list[str] = []
    for labels in _LABELS.values():
        for label in labels:
            body = r"\s*".join(re.escape(w) for w in label.split())
            # A Latin label must end a word ("line" is not in "lineage").
            parts.append(body + (r"(?![a-z0-9_])" if label[-1].isascii() else ""))
    return "|".join(sorted(parts, key=len, reverse=True))


_LABEL_TO_PLATFORM = {
    re.sub(r"\s+", "", label): platform for platform, labels in _LABELS.items() for label in labels
}
_LABEL_RE = re.compile(
    r"^\s*(?P<label>" + _label_alternation() + r")"
    r"\s*(?:(?:id|아이디|ไอดี|号|號|账号|帳號|번호|number|no\.?)(?=[\s:：=\-@]|$))?"
    r"\s*[:：=\-]?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)

# A link starts the value or a word of it ("카톡 오픈채팅 https://open.kakao.com/o/…").
_AT_WORD = r"(?:^|(?<=\s))"
_TG_URL = re.compile(
    _AT_WORD + r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?P<path>[^?#\s]+)",
    re.IGNORECASE,
)
_TG_RESOLVE = re.compile(_AT_WORD + r"tg://resolve\?domain=(?P<path>[A-Za-z0-9_]+)", re.IGNORECASE)
_LINE_URL = re.compile(
    _AT_WORD + r"(?:https?://)?line\.me/(?:r/)?ti/p/(?P<path>[^?#\s]+)", re.IGNORECASE
)
_KAKAO_URL = re.compile(
    _AT_WORD + r"(?:https?://)?open\.kakao\.com/(?P<kind>o|me)/(?P<code>[A-Za-z0-9_\-]+)",
    re.IGNORECASE,
)
_ZALO_URL = re.compile(
    _AT_WORD + r"(?:https?://)?(?:chat\.)?zalo\.me/(?P<path>[^?#\s]+)", re.IGNORECASE
)
_WA_URL = re.compile(
    _AT_WORD
    + r"(?:https?://)?(?:wa\.me/|(?:api\.)?whatsapp\.com/send/?\?phone=)\+?(?P<num>[0-9]{6,15})",
    re.IGNORECASE,
)

_HANDLE_RE: dict[str, re.Pattern[str]] = {
    # Telegram: 5-32 of a-z 0-9 _, starting with a letter, not ending with _.
    T.TELEGRAM: re.compile(r"^[a-z][a-z0-9_]{3,30}[a-z0-9]$"),
    # LINE ID: 4-20 of a-z 0-9 . _ -   (official accounts are "@" + id; the @ is dropped)
    T.LINE: re.compile(r"^[a-z0-9._\-]{4,20}$"),
    # KakaoTalk ID: 4-20 of a-z 0-9 . _ -   (Kakao allows 4-15; a little slack for old IDs)
    T.KAKAO: re.compile(r"^[a-z0-9._\-]{4,20}$"),
    # WeChat ID: 6-20 of a-z 0-9 _ -, starting with a letter (wxid_… system ids included)
    T.WECHAT: re.compile(r"^[a-z][a-z0-9_\-]{5,19}$"),
}
_RULES = {
    T.TELEGRAM: "5-32 letters, digits or _, starting with a letter",
    T.LINE: "4-20 letters, digits, '.', '_' or '-'",
    T.KAKAO: "4-20 letters, digits, '.', '_' or '-'",
    T.WECHAT: "6-20 letters, digits, '_' or '-', starting with a letter",
}
_SPACES_RE = re.compile(r"\s+")
_NOT_PHONE_CHAR_RE = re.compile(r"[^0-9+]")
_TG_INVITE = re.compile(r"^\+[A-Za-z0-9_\-]{8,64}$")
_CODE = re.compile(r"^[A-Za-z0-9_\-]{4,64}$")
_PHONEISH = re.compile(r"^\+?[0-9][0-9\s\-().]{5,}[0-9]$")
_TG_RESERVED = frozenset(
    {
        "joinchat",
        "addstickers",
        "addemoji",
        "share",
        "proxy",
        "socks",
        "iv",
        "c",
        "setlanguage",
        "addtheme",
        "login",
        "bg",
        "confirmphone",
        "invoice",
        "boost",
        "addlist",
        "m",
    }
)


@dataclass(frozen=True, slots=True)
class _Found:
    platform: str
    rest: str  # what follows the label


def _prepare(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip()
    return refang(to_ascii_digits(text)).strip()


def _handle(platform: IndicatorType, handle: str, shown: str | None = None) -> Indicator:
    return Indicator(
        platform, f"{platform.value}:{handle}", f"{_DISPLAY[platform]} {shown or handle}"
    )


def _zalo_from_phone(number: str, country: str | None, read: _PhoneReader) -> list[Indicator]:
    phone = read(number, "VN" if not number.startswith("+") else country)
    return [phone, _handle(T.ZALO, phone.value, phone.display)]


def _from_telegram_path(path: str) -> list[Indicator]:
    path = unquote(path).strip("/")
    first, _, second = path.partition("/")
    if first.startswith("+") or first.lower() == "joinchat":
        code = first if first.startswith("+") else "+" + second.split("/")[0]
        if not _TG_INVITE.match(code):
            raise InvalidIndicator(f"{path!r} is not a valid Telegram invite link")
        return [_handle(T.TELEGRAM, code)]
    if first.lower() == "s" and second:
        first = second.split("/")[0]
    elif first.lower() in _TG_RESERVED:
        raise InvalidIndicator(f"t.me/{path} does not name a Telegram user or channel")
    return [_named(T.TELEGRAM, first)]


def _named(platform: IndicatorType, written: str) -> Indicator:
    handle = written.strip().lstrip("@").strip().lower()
    pattern = _HANDLE_RE[platform]
    if not pattern.match(handle):
        raise InvalidIndicator(
            f"{written!r} is not a valid {_DISPLAY[platform]} ID ({_RULES[platform]})"
        )
    return _handle(platform, handle, written.strip())


def _from_link(text: str, read: _PhoneReader) -> list[Indicator] | None:
    if "/" not in text:
        return None  # every link pattern below holds a "/"
    if m := _TG_URL.search(text) or _TG_RESOLVE.search(text):
        return _from_telegram_path(m.group("path"))
    if m := _LINE_URL.search(text):
        path = unquote(m.group("path")).strip("/")
        if path[:1] in ("~", "@"):
            return [_named(T.LINE, path[1:])]
        if not _CODE.match(path):
            raise InvalidIndicator(f"{text!r} is not a valid LINE link")
        return [_handle(T.LINE, "p/" + path)]
    if m := _KAKAO_URL.search(text):
        return [_handle(T.KAKAO, f"{m.group('kind').lower()}/{m.group('code')}")]
    if m := _ZALO_URL.search(text):
        return _from_zalo(unquote(m.group("path")).strip("/"), None, read, link=True)
    if m := _WA_URL.search(text):
        return [read("+" + m.group("num"), None)]
    return None


def _from_zalo(
    rest: str, country: str | None, read: _PhoneReader, link: bool = False
) -> list[Indicator]:
    rest = rest.strip()
    if rest[:2].lower() == "g/" and _CODE.match(rest[2:]):
        return [_handle(T.ZALO, "g/" + rest[2:], rest)]
    if _PHONEISH.match(rest):
        digits = _NOT_PHONE_CHAR_RE.sub("", rest)
        if not digits.startswith("+") and len(digits) >= 15:
            return [_handle(T.ZALO, digits)]  # an Official Account id, not a phone
        if link and not digits.startswith(("0", "+")) and digits.startswith("84"):
            digits = "+" + digits  # zalo.me/84912345678
        return _zalo_from_phone(digits, country, read)
    raise InvalidIndicator(f"{rest!r} is not a Zalo phone number, group or account id")


def _find(text: str) -> _Found | None:
    m = _LABEL_RE.match(text)
    if m is None:
        return None
    label = _SPACES_RE.sub("", m.group("label").lower())
    platform = _LABEL_TO_PLATFORM.get(label)
    if platform is None:
        return None
    return _Found(platform, m.group("rest").strip())


def _for_platform(
    platform: str, rest: str, country: str | None, read: _PhoneReader
) -> list[Indicator]:
    if not rest:
        raise InvalidIndicator("a platform label without a handle")
    linked = _from_link(rest, read)
    if linked is not None:
        return linked
    if platform == T.ZALO:
        return _from_zalo(rest, country, read)
    if _PHONEISH.match(rest):
        return [read(rest, country)]
    if platform == WHATSAPP:
        raise InvalidIndicator(f"{rest!r} is not a WhatsApp phone number")
    kind = IndicatorType(platform)
    if kind is T.TELEGRAM:
        if _TG_INVITE.match(rest):
            return [_handle(T.TELEGRAM, rest)]
        return [_named(T.TELEGRAM, rest)]
    if kind is T.KAKAO and rest[:2].lower() == "o/" and _CODE.match(rest[2:]):
        return [_handle(T.KAKAO, "o/" + rest[2:])]
    if kind is T.KAKAO and rest[:3].lower() == "me/" and _CODE.match(rest[3:]):
        return [_handle(T.KAKAO, "me/" + rest[3:])]
    if kind is T.LINE and rest[:2].lower() == "p/" and _CODE.match(rest[2:]):
        return [_handle(T.LINE, "p/" + rest[2:])]
    return [_named(kind, rest)]


def parse_handle(
    raw: str, country: str | None = None, default: IndicatorType | None = None
) -> list[Indicator]:
    """Indicators of one handle value ("telegram:@usdt_vip", "카톡 abc1", "t.me/abc12",
    "zalo.me/0912345678"). `default` is the platform assumed when the value names none."""
    return _parse(raw, country, default, canonical_phone)


def handle_values(raw: str, country: str | None = None) -> list[Indicator]:
    """parse_handle(raw, country) for free-text extraction: the same indicators (types and
    values, or the same InvalidIndicator), a phone number's display left as its E.164 value
    (extraction shows the text as written) and each number validated once however written."""
    return _parse(raw, country, None, phone_value)


def _parse(
    raw: str, country: str | None, default: IndicatorType | None, read: _PhoneReader
) -> list[Indicator]:
    text = _prepare(raw)
    if not text:
        raise InvalidIndicator("empty handle")
    linked = _from_link(text, read)
    if linked is not None:
        return linked
    found = _find(text)
    if found is not None:
        return _for_platform(found.platform, found.rest, country, read)
    if default is not None:
        return _for_platform(default.value, text, country, read)
    raise InvalidIndicator(
        f"{raw!r} names no messaging platform (write e.g. 'telegram:@name', 'LINE ID: name')"
    )
