from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest

from scamlink.indicators.banks import (
    BANKS,
    Bank,
    bank_by_code,
    banks_of,
    find_bank,
    find_banks,
    normalise_name,
)

COUNTRIES = ["KR", "KH", "TH", "VN", "ID", "PH", "MY", "SG", "LA", "MM", "BN"]


def test_registry_covers_korea_and_asean() -> None:
    for country in COUNTRIES:
        assert len(banks_of(country)) >= 5, country
    assert len(banks_of("KR")) >= 10
    assert {b.code for b in banks_of("KR")} >= {
        "KB",
        "SHINHAN",
        "WOORI",
        "HANA",
        "NH",
        "IBK",
        "KAKAO",
        "TOSS",
        "KBANK",
        "SC",
    }
    assert banks_of("kr") == banks_of("KR")
    assert banks_of("FR") == ()


def test_registry_is_well_formed() -> None:
    for bank in BANKS:
        assert bank.country in COUNTRIES
        assert bank.code == bank.code.upper()
        assert bank.code.isascii()
        assert bank.code.replace("_", "").isalnum()
        assert len(bank.code) <= 10
        assert bank.name
        assert bank.names
        assert bank.account_lengths == tuple(sorted(set(bank.account_lengths)))
        assert all(6 <= n <= 20 for n in bank.account_lengths)
    codes = Counter((b.country, b.code) for b in BANKS)
    assert [k for k, n in codes.items() if n > 1] == []


def test_no_alias_names_two_banks_of_one_country() -> None:
    seen: dict[tuple[str, str], str] = {}
    for bank in BANKS:
        for alias in (bank.code, bank.name, *bank.names):
            key = (bank.country, normalise_name(alias).replace(" ", ""))
            assert seen.setdefault(key, bank.code) == bank.code, (alias, seen[key], bank.code)


def test_data_file_is_the_registry() -> None:
    raw = json.loads(
        resources.files("scamlink.indicators").joinpath("data/banks.json").read_text("utf-8")
    )
    assert len(raw["banks"]) == len(BANKS)


def test_bank_is_frozen() -> None:
    bank = BANKS[0]
    with pytest.raises(AttributeError):
        bank.code = "X"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        # Korean
        ("국민은행", None, ("KR", "KB")),
        ("KB국민은행", None, ("KR", "KB")),
        ("KB 국민은행", None, ("KR", "KB")),
        ("국민 은행", None, ("KR", "KB")),
        ("Kookmin", None, ("KR", "KB")),
        ("kb", None, ("KR", "KB")),
        ("신한은행", None, ("KR", "SHINHAN")),
        ("NH농협", None, ("KR", "NH")),
        ("농협", None, ("KR", "NH")),
        ("카카오뱅크", None, ("KR", "KAKAO")),
        ("카뱅", None, ("KR", "KAKAO")),
        ("토스뱅크", None, ("KR", "TOSS")),
        ("케이뱅크", None, ("KR", "KBANK")),
        ("SC제일은행", None, ("KR", "SC")),
        ("우체국", None, ("KR", "POST")),
        ("ＫＢ국민은행", None, ("KR", "KB")),  # full-width Latin
        # Thai
        ("กสิกรไทย", None, ("TH", "KBANK")),
        ("ธนาคารกสิกรไทย", None, ("TH", "KBANK")),
        ("Kasikorn", None, ("TH", "KBANK")),
        ("KASIKORNBANK", None, ("TH", "KBANK")),
        ("ธนาคารกรุงเทพ", None, ("TH", "BBL")),
        ("Bangkok Bank", None, ("TH", "BBL")),
        ("bangkok-bank", None, ("TH", "BBL")),
        ("BBL", None, ("TH", "BBL")),
        ("ไทยพาณิชย์", None, ("TH", "SCB")),
        ("กรุงศรี", None, ("TH", "BAY")),
        ("ธ.ก.ส.", None, ("TH", "BAAC")),
        ("ออมสิน", None, ("TH", "GSB")),
        # Khmer / Cambodia
        ("ACLEDA", None, ("KH", "ACLEDA")),
        ("អេស៊ីលីដា", None, ("KH", "ACLEDA")),
        ("ធនាគារ អេស៊ីលីដា", None, ("KH", "ACLEDA")),
        ("ABA", None, ("KH", "ABA")),
        ("ABA Bank", None, ("KH", "ABA")),
        ("Wing", None, ("KH", "WING")),
        ("Huione Pay", None, ("KH", "HUIONE")),
        # Vietnamese, with and without diacritics
        ("Vietcombank", None, ("VN", "VCB")),
        ("VCB", None, ("VN", "VCB")),
        ("Ngân hàng Ngoại thương", None, ("VN", "VCB")),
        ("ngan hang ngoai thuong", None, ("VN", "VCB")),
        ("Ngân hàng Đầu tư và Phát triển", None, ("VN", "BIDV")),
        ("ngan hang dau tu va phat trien", None, ("VN", "BIDV")),
        ("MB Bank", None, ("VN", "MB")),
        ("Techcombank", None, ("VN", "TCB")),
        # Indonesian
        ("BCA", None, ("ID", "BCA")),
        ("Bank Central Asia", None, ("ID", "BCA")),
        ("BCA a.n. Budi Santoso", None, ("ID", "BCA")),
        ("Bank Mandiri", None, ("ID", "MANDIRI")),
        ("BRI", None, ("ID", "BRI")),
        # Philippines, Malaysia, Singapore, Laos, Myanmar, Brunei
        ("BDO", None, ("PH", "BDO")),
        ("GCash", None, ("PH", "GCASH")),
        ("Maybank", None, ("MY", "MBB")),
        ("Maybank2u", None, ("MY", "MBB")),
        ("Public Bank", None, ("MY", "PBB")),
        ("POSB", None, ("SG", "DBS")),
        ("华侨银行", None, ("SG", "OCBC")),
        ("BCEL", None, ("LA", "BCEL")),
        ("ທະນາຄານການຄ້າຕ່າງປະເທດລາວ", None, ("LA", "BCEL")),
        ("KBZ", None, ("MM", "KBZ")),
        ("ကမ္ဘောဇဘဏ်", None, ("MM", "KBZ")),
        ("BIBD", None, ("BN", "BIBD")),
        ("Baiduri Bank", None, ("BN", "BAIDURI")),
        # shared names: the country argument decides, else registry order
        ("KBank", "TH", ("TH", "KBANK")),
        ("KBank", "KR", ("KR", "KBANK")),
        ("KBank", None, ("KR", "KBANK")),
        ("Maybank", "SG", ("SG", "MBB")),
        ("Maybank", "BN", ("BN", "MBB")),
        ("Maybank", "VN", ("MY", "MBB")),
        ("Standard Chartered", "SG", ("SG", "SCB")),
        ("Standard Chartered", "KR", ("KR", "SC")),
        ("CIMB", "ID", ("ID", "CIMB")),
        ("CIMB", "MY", ("MY", "CIMB")),
        ("Citibank", "SG", ("SG", "CITI")),
    ],
)
def test_find_bank(text: str, country: str | None, expected: tuple[str, str]) -> None:
    bank = find_bank(text, country)
    assert bank is not None, text
    assert (bank.country, bank.code) == expected


@pytest.mark.parametrize(
    "text",
    ["", "Foo Bank", "KBANKX", "abkb", "123456", "Bank", "은행", "ธนาคาร", "xyz"],
)
def test_find_bank_none(text: str) -> None:
    assert find_bank(text) is None


def test_find_banks_lists_every_country_of_a_shared_name() -> None:
    assert {b.country for b in find_banks("Maybank")} == {"MY", "SG", "BN"}
    assert [b.country for b in find_banks("Vietcombank")] == ["VN"]


def test_bank_by_code() -> None:
    bank = bank_by_code("th", "kbank")
    assert isinstance(bank, Bank)
    assert bank.name == "Kasikornbank"
    assert bank_by_code("TH", "NOPE") is None


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: f"{b.country}:{b.code}")
def test_every_alias_finds_its_bank(bank: Bank) -> None:
    for alias in (bank.code, bank.name, *bank.names):
        assert find_bank(alias, bank.country) == bank, alias
