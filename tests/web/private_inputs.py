"""A table of varied values for comparing the browser's canonical keys with the server's.

Phones of all 11 countries written many ways (separators, dialling prefixes, full-width digits and
the digits of Thai, Khmer, Lao, Burmese…), links (defanged, IDN, ports, paths, queries, IPs),
wallets (valid, with broken checksums, in other cases), and values that must be refused.
"""

from __future__ import annotations

import hashlib
import random

import phonenumbers

from scamlink.indicators import InvalidIndicator, parse_field
from scamlink.indicators.codecs import base58check_encode, bech32_encode, eip55

COUNTRIES = ("KR", "KH", "TH", "VN", "ID", "PH", "MY", "SG", "LA", "MM", "BN")
# Zero of each script whose digits people type: full-width, Thai, Lao, Khmer, Burmese,
# Arabic-Indic, Devanagari, Bengali, Mathematical bold.
ZEROS = (0xFF10, 0x0E50, 0x0ED0, 0x17E0, 0x1040, 0x0660, 0x0966, 0x09E6, 0x1D7CE)

Row = tuple[str, str, str]  # kind ("phone", "link", "wallet"), value as written, country


def in_script(text: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


def _phones() -> list[Row]:
    rows: list[Row] = []
    rng = random.Random(6)
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
    for n, country in enumerate(COUNTRIES):
        for kind in kinds:
            example = phonenumbers.example_number_for_type(country, kind)
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            intl = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            digits = "".join(c for c in national if c.isdigit())
            cc = str(example.country_code)
            nsn = phonenumbers.national_significant_number(example)
            forms = [
                e164,
                intl,
                national,
                digits,
                national.replace(" ", "-"),
                national.replace(" ", "."),
                intl.replace(" ", ""),
                f"00{cc}{nsn}",
                f"{cc} {nsn}",
                f"+{cc} ({nsn[:2]}) {nsn[2:]}",
                f"Tel: {national}",
                f"{national} (call me)",
                in_script(national, ZEROS[n % len(ZEROS)]),
                in_script(e164, ZEROS[(n + 3) % len(ZEROS)]),
                in_script(digits, 0xFF10),
                intl.replace(" ", "\u00a0"),
                intl.replace(" ", "\u2013"),
                digits[:-1],  # one digit short
                digits + "9",  # one digit long
            ]
            rows += [("phone", form, country) for form in forms]
            # The same number asked from another country: only the +form means it.
            other = COUNTRIES[(n + 1) % len(COUNTRIES)]
            rows += [("phone", e164, other), ("phone", national, other), ("phone", e164, "")]
        # Random subscriber numbers: valid ones and not.
        for _ in range(4):
            rows.append(
                ("phone", "0" + "".join(rng.choice("0123456789") for _ in range(9)), country)
            )
    rows += [
        ("phone", "112", "KR"),
        ("phone", "119", "KR"),
        ("phone", "191", "TH"),
        ("phone", "1588-9999", "KR"),
        ("phone", "999", "MY"),
        ("phone", "2024-03-15", "KR"),
        ("phone", "15/03/2024", "TH"),
        ("phone", "1,500,000", "VN"),
        ("phone", "010-1234-5678 / 010-8765-4321", "KR"),
        ("phone", "phone", "KR"),
        ("phone", "   ", "KR"),
        ("phone", "+", "KR"),
        ("phone", "+82 10 1234 5678", ""),
        ("phone", "010 1234 5678", ""),
        ("phone", "＋８２ １０ １２３４ ５６７８", "TH"),
        ("phone", "+1 202 555 0143", "KR"),
        ("phone", "+44 20 7946 0958", "SG"),
        ("phone", "0082-10-1234-5678", "KR"),
        ("phone", "001-82-10-1234-5678", "KR"),
        ("phone", "8210-1234-5678", "KR"),
        ("phone", "66812345678", "KR"),
        ("phone", "+66 (0) 81 234 5678", "TH"),
        ("phone", "+855 12 345 678", "KH"),
        ("phone", "(02) 123-4567", "PH"),
        ("phone", "0917 123 4567", "PH"),
        ("phone", "+63 917 123 4567", "ID"),
        ("phone", "08123456789", "ID"),
        ("phone", "+62 812-3456-789", "MY"),
        ("phone", "012-345 6789", "MY"),
        ("phone", "9123 4567", "SG"),
        ("phone", "+65 6123 4567", "SG"),
        ("phone", "020 5555 1234", "LA"),
        ("phone", "09 123 456 789", "MM"),
        ("phone", "+673 712 3456", "BN"),
        ("phone", "091 234 56 78", "VN"),
        ("phone", "+84 91 234 5678", "VN"),
    ]
    return rows


def _links() -> list[Row]:
    hosts = [
        "kbstar-secure.com",
        "www.kbstar-secure.com",
        "login.kbstar-secure.co.kr",
        "x.blogspot.com",
        "a.b.github.io",
        "shop.example.co.th",
        "한국은행-보안.com",
        "ธนาคาร.ไทย",
        "xn--3e0b707e",
        "пример.рф",
        "bücher.de",
        "ＫＢＳＴＡＲ．ＣＯＭ",
        "kbstar。com",
        "WWW.Example.COM",
        "例え.テスト",
        "münchen.de",
        "xn--mnchen-3ya.de",
        "xn--zz.com",
        "xn--wgv71a119e.jp",
        "xn--d1acufc5f.xn--p1ai",
        "XN--3E0B707E.xn--3e0b707e",
        "xn--abc-.com",
        "faß.de",
        "ﬁnance.com",
        "abc.onion",
        "bank.pdf",
        "localhost",
        "exa_mple.com",
        "-bad.com",
        "a..b.com",
        "203.0.113.7",
        "[2001:db8::1]",
        "[2001:0db8:0000:0000:0000:0000:0000:0001]",
        "256.1.1.1",
        "01.2.3.4",
        "www.co.kr",
        "co.kr",
        "bit.ly",
        "t.me",
        "😀.com",
        "ex ample.com",
        "例子.中国",
        "ไปรษณีย์ไทย.com",
        "gov.kh",
        "tiếng-việt.vn",
    ]
    rows: list[Row] = []
    for host in hosts:
        rows += [
            ("link", host, ""),
            ("link", f"https://{host}/", ""),
            ("link", f"http://{host}/login?id=3&next=/home", ""),
        ]
    rows += [
        ("link", "hxxp://kbstar-secure[.]com/login", ""),
        ("link", "hxxps://kbstar-secure(.)com/login?id=1", ""),
        ("link", "kbstar-secure[dot]com", ""),
        ("link", "kbstar-secure dot com", ""),
        ("link", "https[:]//kbstar-secure.com/a", ""),
        ("link", "http[://]kbstar-secure.com/", ""),
        ("link", "hXXps://www[.]kbstar-secure{.}com/path/%7euser/", ""),
        ("link", "HTTP://KBSTAR-SECURE.COM:80/Login", ""),
        ("link", "https://kbstar-secure.com:443", ""),
        ("link", "https://kbstar-secure.com:8443/x", ""),
        ("link", "https://kbstar-secure.com:99999/x", ""),
        ("link", "https://kbstar-secure.com/path#fragment", ""),
        ("link", "https://kbstar-secure.com/경로?q=검색", ""),
        ("link", "https://kbstar-secure.com/a b?c d", ""),
        ("link", "https://kbstar-secure.com/%e2%82%ac", ""),
        ("link", "https://user:pw@kbstar-secure.com/", ""),
        ("link", "//kbstar-secure.com/x", ""),
        ("link", "<https://kbstar-secure.com/x>", ""),
        ("link", "ftp://files.kbstar-secure.com/a.zip", ""),
        ("link", "fxp://files.kbstar-secure.com/", ""),
        ("link", "mailto:help@kbstar.com", ""),
        ("link", "javascript:alert(1)", ""),
        ("link", "gopher://x.com/", ""),
        ("link", "https://", ""),
        ("link", "", ""),
        ("link", "https://kbstar-secure.com?x=1", ""),
        ("link", "kbstar-secure.com/", ""),
        ("link", "kbstar-secure.com/?", ""),
        ("link", "https://203.0.113.7:8080/admin", ""),
        ("link", "http://[::ffff:192.0.2.1]/", ""),
        ("link", "http://[2001:db8::1", ""),
        ("link", "https://ｋｂｓｔａｒ．ｃｏｍ／ｌｏｇｉｎ", ""),
        ("link", "https://xn--80ak6aa92e.com/", ""),
        ("link", "https://аррӏе.com/", ""),
        ("link", "https://bit.ly/3xYz", ""),
        ("link", "https://t.me/usdt_vip", ""),
        ("link", "https://www.facebook.com/", ""),
        ("link", "https://m.facebook.com/profile.php?id=1", ""),
        ("link", "  https://kbstar-secure.com/x  ", ""),
        ("link", "https://kbstar-secure.com/x'y(z)*", ""),
        ("link", "https://kbstar-secure.com./", ""),
        ("link", "https://kbstar-secure.com:/", ""),
        ("link", "https://kbstar-secure.com:0080/", ""),
    ]
    return rows


def _wallets() -> list[Row]:
    rows: list[Row] = []
    for n in range(10):
        body = hashlib.sha256(f"wallet {n}".encode()).digest()
        tron = base58check_encode(b"\x41" + body[:20])
        p2pkh = base58check_encode(b"\x00" + body[:20])
        p2sh = base58check_encode(b"\x05" + body[:20])
        v0 = bech32_encode("bc", 0, body[:20])
        v0_32 = bech32_encode("bc", 0, body)
        taproot = bech32_encode("bc", 1, body)
        eth = "0x" + body[:20].hex()
        checksummed = eip55(eth)
        broken = checksummed[:-1] + (
            checksummed[-1].swapcase() if checksummed[-1].isalpha() else "a"
        )
        for value in (
            tron,
            p2pkh,
            p2sh,
            v0,
            v0_32,
            taproot,
            v0.upper(),
            eth,
            eth.upper().replace("0X", "0x"),
            checksummed,
            broken,
            "41" + body[:20].hex(),
            f"USDT TRC20: {tron}",
            f"ERC-20 {checksummed}",
            tron[:-1] + ("A" if tron[-1] != "A" else "B"),  # checksum broken
            p2pkh[:-2] + p2pkh[-1] + p2pkh[-2],  # two characters swapped
            v0[:-1] + ("q" if v0[-1] != "q" else "p"),
            f"{tron} {eth}",
        ):
            rows.append(("wallet", value, ""))
    wrong_kind = base58check_encode(b"\x6f" + b"\x01" * 20)  # testnet
    rows += [
        ("wallet", wrong_kind, ""),
        ("wallet", bech32_encode("tb", 0, b"\x02" * 20), ""),
        ("wallet", "0x" + "g" * 40, ""),
        ("wallet", "not a wallet", ""),
        ("wallet", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", ""),
        ("wallet", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", ""),
        ("wallet", "0x52908400098527886E0F7030069857D2E4169EE7", ""),
        ("wallet", "0x52908400098527886E0F7030069857D2E4169Ee7", ""),
        ("wallet", "  0x8617E340B3D01FA5F11F306F4090FD50E238070D  ", ""),
    ]
    return rows


INPUTS: list[Row] = _phones() + _links() + _wallets()
_FIELDS = {"phone": "phones", "link": "urls", "wallet": "wallets"}


def server_keys(kind: str, raw: str, country: str) -> list[str] | None:
    """What the server makes of the value: its canonical keys, None when it is refused."""
    try:
        found = parse_field(_FIELDS[kind], raw, country)  # type: ignore[arg-type]
    except InvalidIndicator:
        return None
    return [indicator.value for indicator in found]
