from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.indicators import IndicatorType, InvalidIndicator, canonicalise, parse_field
from scamlink.indicators.accounts import canonical_bank_account
from scamlink.indicators.banks import BANKS, Bank


@pytest.mark.parametrize(
    ("raw", "country", "value"),
    [
        ("국민은행 123456-78-901234", "KR", "KR:KB:12345678901234"),
        ("KB 123-456-789012", "KR", "KR:KB:123456789012"),
        ("KB국민은행 123456-78-901234 (예금주 홍길동)", "KR", "KR:KB:12345678901234"),
        ("신한은행 110-123-456789", "KR", "KR:SHINHAN:110123456789"),
        ("카카오뱅크 3333-01-1234567", "KR", "KR:KAKAO:3333011234567"),
        ("토스뱅크 1000-1234-5678", "TH", "KR:TOSS:100012345678"),
        ("국민은행 1234 5678 9012 34", "KR", "KR:KB:12345678901234"),
        ("국민은행 １２３４５６７８９０１２３４", "KR", "KR:KB:12345678901234"),  # full-width
        ("Kasikorn 123-4-56789-0", "TH", "TH:KBANK:1234567890"),
        ("กสิกรไทย 1234567890", "TH", "TH:KBANK:1234567890"),
        ("กสิกรไทย ๑๒๓-๔-๕๖๗๘๙-๐", "TH", "TH:KBANK:1234567890"),  # Thai digits
        ("กสิกรไทย1234567890", "TH", "TH:KBANK:1234567890"),  # no space
        ("ธนาคารกรุงเทพ 123-4-56789-0", "KR", "TH:BBL:1234567890"),
        ("Vietcombank 0123456789", "VN", "VN:VCB:0123456789"),
        ("Ngân hàng Ngoại thương 0011001234567", "KR", "VN:VCB:0011001234567"),
        ("BCA 1234567890", "ID", "ID:BCA:1234567890"),
        ("BCA 1234567890 a.n. Budi Santoso", "ID", "ID:BCA:1234567890"),
        ("Bank Mandiri 123-00-1234567-8", "ID", "ID:MANDIRI:1230012345678"),
        ("Maybank 1122-3344-5566", "MY", "MY:MBB:112233445566"),
        ("Maybank2u 112233445566", "MY", "MY:MBB:112233445566"),
        ("ACLEDA 0001-01-123456-1-1", "KH", "KH:ACLEDA:00010112345611"),
        ("ABA 000 123 456", "KH", "KH:ABA:000123456"),
        ("អេស៊ីលីដា ០០០១០១១២៣៤៥៦", "KH", "KH:ACLEDA:000101123456"),  # Khmer digits
        ("BCEL ໐໑໐໑໒໐໐໑໒໓໔໕໖໗", "LA", "LA:BCEL:01012001234567"),  # Lao digits,
        ("KBZ ၀၁၂၃၄၅၆၇၈၉၀၁၂", "MM", "MM:KBZ:0123456789012"),  # Burmese digits
        ("GCash 0917 123 4567", "PH", "PH:GCASH:09171234567"),
        ("DBS 123-456789-0", "SG", "SG:DBS:1234567890"),
        # a country prefix or the canonical key
        ("TH KBank 1234567890", "KR", "TH:KBANK:1234567890"),
        ("TH: KBank 1234567890", "KR", "TH:KBANK:1234567890"),
        ("[TH] KBank 1234567890", "KR", "TH:KBANK:1234567890"),
        ("KR:KB:12345678901234", "TH", "KR:KB:12345678901234"),
        ("kr:kb:12345678901234", "TH", "KR:KB:12345678901234"),
        # shared names: the country decides, else the bank whose lengths fit
        ("KBank 100-123-456789", "KR", "KR:KBANK:100123456789"),
        ("KBank 123-4-56789-0", "TH", "TH:KBANK:1234567890"),
        ("KBank 123-4-56789-0", "KR", "TH:KBANK:1234567890"),  # 10 digits cannot be K Bank
        ("Maybank 1122-3344-5566", "SG", "MY:MBB:112233445566"),
        ("Maybank 112-33445-566", "SG", "SG:MBB:11233445566"),
    ],
)
def test_bank_accounts(raw: str, country: str, value: str) -> None:
    [indicator] = parse_field("bank_accounts", raw, country)
    assert indicator.type is IndicatorType.BANK_ACCOUNT
    assert indicator.value == value
    assert canonicalise(IndicatorType.BANK_ACCOUNT, value).value == value


def test_display_names_the_bank() -> None:
    indicator = canonical_bank_account("Kasikorn 123-4-56789-0", "TH")
    assert indicator.display == "Kasikornbank 123-4-56789-0"


@pytest.mark.parametrize(
    ("raw", "country", "why"),
    [
        ("Foo Bank 1234567890", "KR", "no known bank named 'Foo Bank'"),
        ("1234567890", "KR", "no bank named"),
        ("국민은행", "KR", "no account number"),
        ("국민은행 12345", "KR", "5 digits is impossible"),
        ("Kasikorn 123-4-56789", "TH", "9 digits is impossible"),
        ("BCA 12345678901", "ID", "11 digits is impossible"),
        ("5,000,000", "KR", "more than one number"),
        ("2024-01-15", "KR", "no bank named"),
        ("국민은행 123456-78-901234 / 010-1234-5678", "KR", "more than one number"),
        ("TH 국민은행 12345678901234", "KR", "no known bank named '국민은행' in TH"),
        ("KR:NOPE:123456789012", "KR", "no known bank NOPE in KR"),
        ("KR:KB:123", "KR", "impossible"),
    ],
)
def test_bank_accounts_refused(raw: str, country: str, why: str) -> None:
    with pytest.raises(InvalidIndicator, match=why):
        parse_field("bank_accounts", raw, country)


@given(st.sampled_from(BANKS), st.data())
def test_every_registered_bank_round_trips(b: Bank, data: st.DataObject) -> None:
    length = data.draw(st.sampled_from(b.account_lengths))
    digits = data.draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    indicator = canonical_bank_account(f"{b.name} {digits}", b.country)
    assert indicator.value == f"{b.country}:{b.code}:{digits}"
    assert canonical_bank_account(indicator.value).value == indicator.value
