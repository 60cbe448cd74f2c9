"""How people write the values down: local and international phone formats, links with and without
scheme or defanged, bank names the way they say them, handles behind a platform label or as a
link, digits of their own script, and the occasional typo."""

from __future__ import annotations

from bisect import bisect
from functools import cache
from itertools import accumulate

from scamlink.demo.numbers import Phone
from scamlink.demo.pools import Account, Handle, Site, Wallet
from scamlink.demo.rand import FastRandom
from scamlink.indicators import InvalidIndicator, canonicalise
from scamlink.indicators.banks import bank_by_code
from scamlink.indicators.types import IndicatorType

FULL_WIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")
NON_LATIN = frozenset({"ko", "th", "km", "lo", "my", "zh"})

_TELEGRAM_LABELS: dict[str, tuple[str, ...]] = {
    "ko": ("텔레그램", "텔레", "텔레그램"),
    "th": ("เทเลแกรม", "Telegram"),
    "zh": ("飞机", "电报", "纸飞机", "Telegram"),
    "km": ("តេឡេក្រាម", "Telegram"),
    "lo": ("ເທເລແກຣມ", "Telegram"),
    "my": ("တယ်လီဂရမ်", "Telegram"),
}
_LINE_LABELS: dict[str, tuple[str, ...]] = {
    "ko": ("라인", "LINE"),
    "th": ("ไลน์", "ไอดีไลน์", "LINE"),
    "lo": ("ລາຍ", "LINE"),
}
_KAKAO_LABELS: dict[str, tuple[str, ...]] = {
    "ko": ("카톡", "카카오톡", "카톡"),
}
_WECHAT_LABELS: dict[str, tuple[str, ...]] = {
    "zh": ("微信", "微信", "vx"),
    "ko": ("위챗",),
}
_WHATSAPP_LABELS: dict[str, tuple[str, ...]] = {
    "ko": ("왓츠앱", "WhatsApp"),
    "th": ("วอทส์แอป", "WhatsApp"),
}
_DEFAULT_LABELS = {
    "telegram": ("Telegram", "telegram", "TG", "Tele"),
    "line": ("LINE", "Line"),
    "kakao": ("KakaoTalk", "Kakao"),
    "wechat": ("WeChat", "wechat"),
    "whatsapp": ("WhatsApp", "WA", "Whatsapp"),
    "zalo": ("Zalo", "zalo"),
}
_LABELS = {
    "telegram": _TELEGRAM_LABELS,
    "line": _LINE_LABELS,
    "kakao": _KAKAO_LABELS,
    "wechat": _WECHAT_LABELS,
    "whatsapp": _WHATSAPP_LABELS,
    "zalo": {},
}


@cache
def bank_names(
    country: str, code: str, length: int, agency_country: str, lang: str
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The names of a bank that a report to `agency_country` can use and still be read back as
    that bank (a shared alias such as "KBank" or "Maybank" must not drift to another country's
    bank), weighted towards the script of the report's language."""
    bank = bank_by_code(country, code)
    assert bank is not None
    sample = "1" * length
    names: list[str] = []
    weights: list[float] = []
    native = lang in NON_LATIN
    for name in dict.fromkeys((*bank.names, bank.name, bank.code)):
        if any(ch.isdigit() for ch in name):
            continue
        try:
            found = canonicalise(IndicatorType.BANK_ACCOUNT, f"{name} {sample}", agency_country)
        except InvalidIndicator:
            continue
        if found.value == f"{country}:{code}:{sample}":
            names.append(name)
            if name == bank.code:  # "KB 123456-78-901234", "SCB 123-4-56789-0"
                weights.append(0.7)
            else:
                weights.append(3.0 if (not name.isascii()) == native else 1.0)
    if not names:  # always readable with the explicit country prefix
        names.append(f"{country} {bank.name}")
        weights.append(1.0)
    return tuple(names), tuple(accumulate(weights))


class Scribe:
    """Writes values the way victims do; one per generator (it carries the report stream's RNG)."""

    def __init__(self, rng: FastRandom, *, noisy: bool) -> None:
        self.rng = rng
        self.noisy = noisy
        self.typo_rate = 0.04 if noisy else 0.002
        self.script_rate = 0.1 if noisy else 0.04

    # --- digits and typos ----------------------------------------------------------------

    def script(self, text: str, lang: str, digits: str | None, rate: float) -> str:
        """Now and then, digits of the writer's own script (or full-width from an IME)."""
        if self.rng.random() >= rate:
            return text
        if digits is not None:
            return text.translate(str.maketrans("0123456789", digits))
        if lang in ("ko", "zh"):
            return text.translate(FULL_WIDTH)
        return text

    def typo(self, text: str) -> str:
        if self.rng.random() >= self.typo_rate or len(text) < 4:
            return text
        rng = self.rng
        i = 1 + rng.below(len(text) - 2)
        op = rng.below(4)
        if op == 0:
            return text[:i] + text[i + 1 :]
        if op == 1:
            return text[:i] + text[i] + text[i:]
        if op == 2:
            return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
        if text[i].isdigit():
            return text[:i] + str((int(text[i]) + 1 + rng.below(9)) % 10) + text[i + 1 :]
        return text[:i] + text[i].swapcase() + text[i + 1 :]

    # --- values ----------------------------------------------------------------------------

    def phone(self, p: Phone, agency_country: str) -> str:
        text = self.plain_phone(p, agency_country)
        if self.noisy and self.rng.random() < 0.08:
            text = self.rng.choice((f"Tel: {text}", f"{text} (mobile)", p.e164[1:], f"☎ {text}"))
        return text

    def plain_phone(self, p: Phone, agency_country: str) -> str:
        rng = self.rng
        if p.country == agency_country and rng.random() < 0.85:
            forms = p.local
            i = 0 if rng.random() < 0.55 else rng.below(len(forms))
        else:
            forms = p.international
            i = 0 if rng.random() < 0.45 else rng.below(len(forms))
        return forms[i]

    def url(self, site: Site, path_chance: float = 0.6) -> str:
        rng = self.rng
        d = site.domain
        path = rng.choice(site.paths) if rng.random() < path_chance else ""
        r = rng.random()
        if r < 0.3:
            text = f"https://{d}{path}"
        elif r < 0.4:
            text = f"http://{d}{path}"
        elif r < 0.55:
            text = f"{d}{path}"
        elif r < 0.68:
            text = d
        elif r < 0.76:
            text = f"https://{d}"
        elif r < 0.81:
            text = f"www.{d}"
        elif r < 0.88:
            text = f"hxxps://{d.replace('.', '[.]')}{path}"
        elif r < 0.93:
            text = d.replace(".", "[.]")
        else:
            text = f"https://www.{d}{path}"
        if self.noisy and rng.random() < 0.1:
            text = rng.choice((text.upper(), text.replace(".", " . "), f"{text} ", f"<{text}>"))
        return text

    def email(self, address: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.08:
            return address[0].upper() + address[1:]
        if r < 0.11:
            return address.replace("@", "[@]").replace(".", "[.]")
        if self.noisy and r < 0.2:
            return rng.choice((address.upper(), address.replace("@", " at "), f"mailto:{address}"))
        return address

    def wallet(self, w: Wallet) -> str:
        rng = self.rng
        text = w.forms[0] if len(w.forms) == 1 or rng.random() < 0.5 else w.forms[1]
        if rng.random() < 0.08:
            label = {"tron": "TRC20", "eth": "ERC20", "btc": "BTC"}[w.chain]
            text = f"{label}: {text}"
        return text

    def account(self, a: Account, agency_country: str, lang: str) -> str:
        rng = self.rng
        names, cum = bank_names(a.bank.country, a.bank.code, len(a.digits), agency_country, lang)
        name = names[bisect(cum, rng.random() * cum[-1])]
        if a.bank.country != agency_country and rng.random() < 0.25:
            name = f"{a.bank.country} {name}"
        number = a.grouped if rng.random() < 0.6 else a.digits
        r = rng.random()
        if r < 0.85:
            text = f"{name} {number}"
        elif r < 0.95:
            text = f"{number} ({name})"
        else:
            text = f"{name}: {number}"
        if a.holder is not None and rng.random() < 0.3:
            text = f"{text} {a.holder}"
        return text

    def handle(self, h: Handle, agency_country: str, lang: str) -> str:
        rng = self.rng
        labels = _LABELS[h.platform].get(lang) or _DEFAULT_LABELS[h.platform]
        label = rng.choice(labels)
        if h.phone is not None:
            p = h.phone
            digits = p.e164[1:]
            if rng.random() < 0.3:
                if h.platform == "zalo":
                    national = "".join(ch for ch in p.local[0] if ch.isdigit())
                    return f"zalo.me/{national if p.country == 'VN' else digits}"
                return rng.choice((f"wa.me/{digits}", f"https://wa.me/{digits}"))
            return f"{label} {self.plain_phone(p, agency_country)}"
        name = h.name
        if h.platform == "kakao" and name.startswith("o/"):
            return rng.choice((f"https://open.kakao.com/{name}", f"open.kakao.com/{name}"))
        r = rng.random()
        if self.noisy and r < 0.05:
            return f"@{name}"  # no platform named: unreadable as an indicator
        if h.platform == "telegram":
            if r < 0.25:
                return f"t.me/{name}"
            if r < 0.35:
                return f"https://t.me/{name}"
            return rng.choice((f"{label} @{name}", f"{label}: @{name}", f"{label}: {name}"))
        if h.platform == "line" and r < 0.15:
            return f"line.me/ti/p/~{name}"
        return rng.choice((f"{label}: {name}", f"{label} {name}", f"{label} ID: {name}"))
