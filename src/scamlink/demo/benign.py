"""Widely shared benign values: they appear in many reports of many campaigns and must never link
them (banks' hotlines, emergency numbers, the big platforms, exchanges' hot wallets)."""

from __future__ import annotations

from scamlink.demo.rand import FastRandom

# Customer-service lines of major banks, as written locally (all valid numbers of the country).
BANK_HOTLINES: dict[str, tuple[str, ...]] = {
    "KR": ("1588-9999", "1599-8000", "1588-5000", "1599-1111"),
    "TH": ("02-888-8888", "02-777-7777", "02-111-1111"),
    "VN": ("1900 545413",),
    "ID": ("1500888",),
    "PH": ("(02) 8631-8000", "(02) 8891-0000"),
    "MY": ("1300 88 6688", "03-6204 7788"),
    "SG": ("1800 111 1111", "1800 363 3333", "1800 222 2121"),
    "KH": ("023 225 333",),
    "BN": ("223 8181",),
}

# Police emergency numbers (short codes: mentioned in narratives, never valid phone indicators).
EMERGENCY: dict[str, str] = {
    "KR": "112",
    "TH": "191",
    "VN": "113",
    "ID": "110",
    "PH": "911",
    "MY": "999",
    "SG": "999",
    "KH": "117",
    "LA": "1191",
    "MM": "199",
    "BN": "993",
}

# Where victims first met the scammer or saw the ad.
PLATFORMS: dict[str, tuple[str, ...]] = {
    "KR": ("instagram.com", "facebook.com", "youtube.com", "naver.com", "band.us"),
    "TH": ("facebook.com", "tiktok.com", "shopee.co.th", "lazada.co.th", "line.me"),
    "VN": ("facebook.com", "tiktok.com", "shopee.vn", "youtube.com"),
    "ID": ("instagram.com", "facebook.com", "tokopedia.com", "shopee.co.id", "tiktok.com"),
    "PH": ("facebook.com", "tiktok.com", "shopee.ph", "lazada.com.ph"),
    "MY": ("facebook.com", "instagram.com", "shopee.com.my", "mudah.my"),
    "SG": ("facebook.com", "instagram.com", "carousell.sg", "tiktok.com"),
    "KH": ("facebook.com", "tiktok.com", "youtube.com"),
    "LA": ("facebook.com", "tiktok.com"),
    "MM": ("facebook.com", "youtube.com"),
    "BN": ("facebook.com", "instagram.com"),
}
OFFICIAL_LINKS: tuple[str, ...] = (
    "https://t.me/telegram",
    "https://www.google.com/",
    "https://line.me/en/",
    "https://www.youtube.com/",
)
SHORTENERS: tuple[str, ...] = ("bit.ly", "tinyurl.com", "cutt.ly")

# Public hot wallets of large exchanges (victims list where they bought or sent from).
EXCHANGE_WALLETS: tuple[str, ...] = (
    "0x28C6c06298d514Db089934071355E5743bf21d60",
    "0x21a31Ee1afC51d94C2eFcCAa2092aD1028285549",
    "0xDFd5293D8e347dFe59E90eFd55b2956a1343963d",
    "0xF977814e90dA44bFA03b6295A0616a897441aceC",
    "TNXoiAJ3dct8Fjg4M9fkLFh9S2v9TXc32G",
    "TV6MuMXfmLbBqPZvBHdwFsDnQeVfnmiuSi",
    "TJDENsfBJs4RFETt1X1W8wMDc8M5XnJhCe",
    "TWd4WrZ9wn84f5x1hZhL4DHvk738ns5jwb",
    "34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo",
    "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h",
    "3LYJfcfHPXYJreMsASk2jkn69LWEYKzexb",
)

_CODE = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"


def platform_url(rng: FastRandom, country: str) -> str:
    """A benign link: a profile on a big platform, an official channel or a short link."""
    r = rng.random()
    if r < 0.45:
        return f"https://www.facebook.com/profile.php?id=1000{rng.below(10**11):011d}"
    if r < 0.65:
        return rng.choice(OFFICIAL_LINKS)
    if r < 0.85:
        return "https://" + rng.choice(PLATFORMS[country])
    code = "".join(rng.choice(_CODE) for _ in range(7))
    return f"https://{rng.choice(SHORTENERS)}/{code}"


def listing() -> list[tuple[str, str, str]]:
    """(kind, value as written, country) of every benign value, for the world's benign.csv."""
    rows: list[tuple[str, str, str]] = []
    for country, numbers in BANK_HOTLINES.items():
        rows.extend(("phones", n, country) for n in numbers)
    domains = sorted({d for ds in PLATFORMS.values() for d in ds})
    rows.extend(("urls", d, "") for d in domains)
    rows.extend(("urls", f"https://{d}", "") for d in domains)
    rows.extend(("urls", u, "") for u in OFFICIAL_LINKS)
    rows.extend(("urls", d, "") for d in SHORTENERS)
    rows.extend(("wallets", w, "") for w in EXCHANGE_WALLETS)
    return rows
