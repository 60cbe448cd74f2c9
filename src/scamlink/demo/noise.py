"""The noisy world's extra noise: what makes linking hard without changing who did what.

`generate(..., profile="noisy")` (`scamlink demo generate --noise`) passes every value of the
structured columns through `Noise.disturb` and lets `Noise.to_desk` send more victims to a
second agency. The default world never draws from here, so its bytes stay what they were.

Kinds of noise, each drawn from a random stream of its own (``<seed>:noise``), so the same seed
gives the same noisy world:

* **Format variants of the same value** (a linker must fold them): phone separators changed
  (spaces, dots, hyphens, none), full-width digits from an IME, the international dialling
  prefix instead of "+" ("001 82 10…"), a domestic number written without its country code;
  links with the host in mixed case or defanged ("[.]", "(.)", "{.}", "[dot]", "hxxp");
  e-mail addresses in mixed case or defanged ("[at]", "[@]"); ETH and bech32 addresses in
  upper case and wallets behind a network label ("USDT-TRC20: T…"); account numbers regrouped
  or in full-width digits; handles in mixed case (never a Kakao open-chat code, whose case
  counts).
* **Typos that break a value** (a linker must NOT link on them): one digit of a phone or
  account number changed (a different number, or none at all), one character of a wallet
  changed (its checksum fails: not an indicator; a lower-case ETH address has no checksum and
  becomes another address), one letter of a domain, e-mail or handle changed.
* **Shared benign values** sprinkled across campaigns, taken from the warninglists themselves:
  banks' hotlines, platform, bank, government and shortener domains, the platforms' official
  accounts, exchange hot wallets.
* **Victims reporting twice**: besides the world's own second reports (abroad and at home, or a
  follow-up), Korean victims of Cambodian compounds report to KNPA and to the Korea Desk in
  Phnom Penh (KDESK), in Korean. truth.csv gives both reports the same victim and campaign.
"""

from __future__ import annotations

import re

import phonenumbers

from scamlink.demo.rand import FastRandom
from scamlink.indicators.warninglists import WARNINGLISTS

VARIANT_RATE = 0.3  # of values written in another format
BREAK_RATE = 0.03  # of values with a typo that breaks them
BENIGN_RATE = 0.3  # of reports with a warninglisted value added
DESK_RATE = 0.35  # of Korean victims of Cambodian compounds who also go to the Korea Desk
DESK = "KDESK"
DESK_LANGUAGE = "ko"

FULL_WIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")
# The literal international prefix people dial in each country (phonenumbers has the patterns).
_IDD = {
    "KR": "001",
    "TH": "001",
    "VN": "00",
    "ID": "008",
    "PH": "00",
    "MY": "00",
    "SG": "001",
    "KH": "001",
    "LA": "00",
    "MM": "00",
    "BN": "00",
}
_SEPARATORS = ("-", " ", ".", "", " - ")
_ACCOUNT_SEPARATORS = ("-", " ", ".", "")  # the account reader takes no spaced hyphen
_DOT_DEFANGS = ("[.]", "(.)", "{.}", "[dot]")
_AT_DEFANGS = ("[at]", "[@]", " [at] ")
_WALLET_LABELS = {
    "tron": ("USDT-TRC20: ", "TRC20 ", "USDT (TRC20) "),
    "eth": ("ERC20: ", "ETH ", "USDT ERC20 "),
    "btc": ("BTC: ", "bitcoin "),
}
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_DIGIT_RUN = re.compile(r"\d(?:[\s.\-]*\d)*")
_SCHEME_HOST = re.compile(r"^(\s*<?(?:[a-zA-Z]+://)?(?:www\.)?)([^/?#\s>]+)")


def _warninglisted(name: str) -> tuple[str, ...]:
    return tuple(sorted(next(w.values for w in WARNINGLISTS if w.name == name)))


def _hotlines_by_country() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for number in _warninglisted("bank-hotlines"):
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number)) or ""
        found.setdefault(region, []).append(number)
    return {region: tuple(numbers) for region, numbers in found.items()}


_HOTLINES = _hotlines_by_country()
_DOMAINS = (
    *_warninglisted("platform-domains"),
    *_warninglisted("url-shorteners"),
    *_warninglisted("bank-domains"),
    *_warninglisted("government-police-domains"),
)
_OFFICIAL = _warninglisted("platform-official")
_OFFICIAL_URLS = tuple(v for v in _OFFICIAL if "://" in v)
_OFFICIAL_TELEGRAM = tuple(v.partition(":")[2] for v in _OFFICIAL if v.startswith("telegram:"))
_EXCHANGE_WALLETS = _warninglisted("exchange-hot-wallets")


def listing() -> list[tuple[str, str, str]]:
    """(kind, value, country) of the warninglisted values the noise sprinkles, for benign.csv."""
    rows = [("phones", n, c) for c, numbers in sorted(_HOTLINES.items()) for n in numbers]
    rows.extend(("urls", d, "") for d in _DOMAINS)
    rows.extend(("urls", u, "") for u in _OFFICIAL_URLS)
    rows.extend(("handles", f"Telegram @{h}", "") for h in _OFFICIAL_TELEGRAM)
    rows.extend(("wallets", w, "") for w in _EXCHANGE_WALLETS)
    return rows


class Noise:
    """The noise of one noisy world (its own random stream, so it is the same for a seed)."""

    def __init__(self, seed: int) -> None:
        self.rng = FastRandom(f"{seed}:noise")

    def to_desk(self, victim_country: str, compound_country: str) -> bool:
        """Whether this victim also reports to the Korea Desk."""
        return victim_country == "KR" and compound_country == "KH" and self.rng.random() < DESK_RATE

    def disturb(
        self,
        country: str,
        phones: list[str],
        urls: list[str],
        emails: list[str],
        wallets: list[str],
        accounts: list[str],
        handles: list[str],
    ) -> None:
        """Rewrite, break and add values of one report's columns in place; `country` is the
        reporting agency's."""
        for values, variant, broken in (
            (phones, lambda t: self.phone(t, country), self.break_digits),
            (urls, self.url, self.break_host),
            (emails, self.email, self.break_name),
            (wallets, self.wallet, self.break_wallet),
            (accounts, self.account, self.break_digits),
            (handles, self.handle, self.break_name),
        ):
            for i, text in enumerate(values):
                r = self.rng.random()
                if r < BREAK_RATE:
                    values[i] = broken(text)
                elif r < BREAK_RATE + VARIANT_RATE:
                    values[i] = variant(text)
        if self.rng.random() < BENIGN_RATE:
            self.sprinkle(country, phones, urls, wallets, handles)

    # --- format variants of the same value -------------------------------------------------

    def phone(self, text: str, country: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            return self._regroup(text)
        if r < 0.6:
            return text.translate(FULL_WIDTH)
        if not text.startswith("+"):
            return self._regroup(text)
        try:
            number = phonenumbers.parse(text)
        except phonenumbers.NumberParseException:
            return text
        region = phonenumbers.region_code_for_number(number)
        if r < 0.8 and region == country:
            # Written at home without the country code: the national form, trunk prefix included.
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            return self._regroup(national)
        idd = _IDD.get(country)
        if idd is None:
            return text
        return f"{idd} {text[1:]}" if rng.random() < 0.5 else f"{idd}{text[1:].replace(' ', '')}"

    def _regroup(self, text: str, separators: tuple[str, ...] = _SEPARATORS) -> str:
        separator = self.rng.choice(separators)
        return _DIGIT_RUN.sub(lambda m: re.sub(r"[\s.\-]+", separator, m.group(0)), text)

    def url(self, text: str) -> str:
        match = _SCHEME_HOST.match(text)
        if match is None:
            return text
        head, host = match.groups()
        rest = text[match.end() :]
        rng = self.rng
        if rng.random() < 0.5 or any(c in host for c in "[({"):  # already defanged
            host = self._mixed_case(host)
        else:
            host = host.replace(".", rng.choice(_DOT_DEFANGS))
            head = head.replace("http", "hxxp", 1)
        return f"{head}{host}{rest}"

    def email(self, text: str) -> str:
        rng = self.rng
        if "@" not in text or "[@]" in text or rng.random() < 0.5:  # or already defanged
            return self._mixed_case(text)
        local, _, domain = text.partition("@")
        if rng.random() < 0.5:
            domain = domain.replace(".", rng.choice(_DOT_DEFANGS))
        return f"{local}{rng.choice(_AT_DEFANGS)}{domain}"

    def wallet(self, text: str) -> str:
        address = text.rpartition(" ")[2]
        lowered = address.lower()
        if lowered.startswith("0x"):
            chain = "eth"
        elif lowered.startswith("bc1"):
            chain = "btc"
        elif address.startswith("T"):
            chain = "tron"
        else:
            chain = "btc"
        rng = self.rng
        if chain == "eth" and rng.random() < 0.5:
            address = "0x" + address[2:].upper()  # all upper: no checksum to pass
        elif lowered.startswith("bc1") and rng.random() < 0.5:
            address = address.upper()  # bech32 allows one case, either
        return rng.choice(_WALLET_LABELS[chain]) + address

    def account(self, text: str) -> str:
        if self.rng.random() < 0.7:
            return self._regroup(text, _ACCOUNT_SEPARATORS)
        return text.translate(FULL_WIDTH)

    def handle(self, text: str) -> str:
        lowered = text.lower()
        if "kakao.com/o/" in lowered or "wa.me" in lowered or "zalo.me" in lowered:
            return text
        token_start = max(text.rfind(" "), text.rfind("/"), text.rfind("@"), text.rfind("~"))
        name = text[token_start + 1 :]
        if not any(ch.isalpha() for ch in name):
            return text  # a phone number behind a platform label
        return text[: token_start + 1] + self._mixed_case(name)

    def _mixed_case(self, text: str) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return text.upper()
        return "".join(ch.upper() if rng.random() < 0.35 else ch for ch in text)

    # --- typos that break a value ----------------------------------------------------------

    def break_digits(self, text: str) -> str:
        """One of the last four ASCII digits changed: another number, or no valid one."""
        places = [i for i, ch in enumerate(text) if "0" <= ch <= "9"]
        if len(places) < 6:
            return text
        i = places[-1 - self.rng.below(4)]
        digit = (int(text[i]) + 1 + self.rng.below(9)) % 10
        return f"{text[:i]}{digit}{text[i + 1 :]}"

    def break_wallet(self, text: str) -> str:
        """One character of the address changed: its checksum fails (a lower-case ETH
        address has none, so it becomes another address)."""
        label, _, address = text.rpartition(" ")
        prefix = f"{label} " if label else ""
        if len(address) < 20:
            return text
        rng = self.rng
        if address.lower().startswith("0x"):
            digits = address[2:]
            if digits not in (digits.lower(), digits.upper()):  # EIP-55: one letter's case
                i = rng.choice([j for j in range(2, len(address)) if address[j].isalpha()])
                return prefix + address[:i] + address[i].swapcase() + address[i + 1 :]
            i = 2 + rng.below(len(digits))
            alphabet = "0123456789abcdef" if digits == digits.lower() else "0123456789ABCDEF"
        elif address.lower().startswith("bc1"):
            i = 4 + rng.below(len(address) - 4)
            alphabet = _BECH32 if address.islower() else _BECH32.upper()
        else:
            i = 1 + rng.below(len(address) - 1)
            alphabet = _BASE58
        others = alphabet.replace(address[i], "")
        return prefix + address[:i] + rng.choice(others) + address[i + 1 :]

    def break_host(self, text: str) -> str:
        """One letter of a link's host changed: another domain (a path or fragment typo could
        leave every indicator as it was)."""
        match = _SCHEME_HOST.match(text)
        if match is None:
            return text
        head, host = match.groups()
        return f"{head}{self.break_name(host)}{text[match.end() :]}"

    def break_name(self, text: str) -> str:
        """One lower-case letter changed: another domain, address or handle."""
        lowered = text.lower()
        if "kakao.com/o/" in lowered:
            return text
        places = [i for i, ch in enumerate(text) if "a" <= ch <= "z"]
        if len(places) < 4:
            return text
        # Not the scheme or the top-level domain: somewhere in the middle of the name.
        i = places[len(places) // 4 + self.rng.below(max(1, len(places) // 2))]
        letter = chr(ord("a") + (ord(text[i]) - ord("a") + 1 + self.rng.below(25)) % 26)
        return f"{text[:i]}{letter}{text[i + 1 :]}"

    # --- shared benign values --------------------------------------------------------------

    def sprinkle(
        self,
        country: str,
        phones: list[str],
        urls: list[str],
        wallets: list[str],
        handles: list[str],
    ) -> None:
        rng = self.rng
        r = rng.random()
        hotlines = _HOTLINES.get(country)
        if r < 0.25 and hotlines:
            phones.append(rng.choice(hotlines))
        elif r < 0.65:
            domain = rng.choice(_DOMAINS)
            urls.append(rng.choice((domain, f"https://{domain}", f"https://www.{domain}/")))
        elif r < 0.75:
            urls.append(rng.choice(_OFFICIAL_URLS))
        elif r < 0.85:
            handles.append(f"Telegram @{rng.choice(_OFFICIAL_TELEGRAM)}")
        else:
            wallets.append(rng.choice(_EXCHANGE_WALLETS))
