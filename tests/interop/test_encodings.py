"""Finding and decoding the encodings agencies' files come in."""

from __future__ import annotations

import io

import pytest

from scamlink.interop.encodings import (
    CP874,
    CP949,
    UTF8,
    UTF8_BOM,
    UTF16_BE,
    UTF16_LE,
    Encoding,
    EncodingProblem,
    decoded_lines,
    detect,
    named_encoding,
)

KOREAN = "external_id,narrative\nK-1,검찰 수사관이라며 전화가 왔습니다. 계좌로 송금했습니다.\n"
THAI = "external_id,narrative\nT-1,มีคนโทรมาอ้างว่าเป็นเจ้าหน้าที่ตำรวจ ให้โอนเงินเข้าบัญชี\n"
ENGLISH = "external_id,narrative\nE-1,A caller said he was from the bank.\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (ENGLISH.encode("ascii"), UTF8),
        (KOREAN.encode("utf-8"), UTF8),
        (b"\xef\xbb\xbf" + KOREAN.encode("utf-8"), UTF8_BOM),
        (KOREAN.encode("utf-16"), UTF16_LE),  # Python writes little-endian with a BOM
        (b"\xfe\xff" + KOREAN.encode("utf-16-be"), UTF16_BE),
        (KOREAN.encode("cp949"), CP949),
        (KOREAN.encode("euc-kr"), CP949),
        (THAI.encode("tis-620"), CP874),
        (THAI.encode("cp874"), CP874),
    ],
    ids=[
        "ascii",
        "utf-8",
        "utf-8-bom",
        "utf-16-le",
        "utf-16-be",
        "cp949",
        "euc-kr",
        "tis-620",
        "cp874",
    ],
)
def test_each_encoding_is_detected_and_the_text_comes_back(data: bytes, expected: Encoding) -> None:
    stream = io.BytesIO(data)
    found = detect(stream)
    assert found == expected
    assert stream.tell() == 0
    text = "".join(decoded_lines(stream, found))
    assert text in (KOREAN, THAI, ENGLISH)


def test_the_label_says_which_encoding_was_used() -> None:
    assert detect(io.BytesIO(KOREAN.encode("cp949"))).label == "CP949 (Korean, EUC-KR)"
    assert detect(io.BytesIO(THAI.encode("tis-620"))).label == "CP874 (Thai, TIS-620)"


def test_a_stray_byte_far_into_a_utf8_file_is_not_missed() -> None:
    # The first megabyte is valid UTF-8; the file as a whole is not, so it is not UTF-8.
    data = ("A,B\n" + "x" * 70 + "\n") * 20_000 + "K-9,"
    data_bytes = data.encode("utf-8") + "한국어 문장입니다".encode("cp949") + b"\n"
    assert detect(io.BytesIO(data_bytes)) == CP949


def test_bytes_that_do_not_decode_name_their_line() -> None:
    data = "a,b\n1,가나\n".encode("cp949") + b"2,\xff\xff\n"
    with pytest.raises(EncodingProblem, match=r"line 3: byte 3 is not valid CP949") as caught:
        list(decoded_lines(io.BytesIO(data), CP949))
    assert caught.value.line == 3


def test_utf16_without_a_byte_order_mark_is_refused_clearly() -> None:
    with pytest.raises(EncodingProblem, match="NUL bytes"):
        detect(io.BytesIO(KOREAN.encode("utf-16-le")))


def test_bytes_of_no_accepted_encoding_are_refused() -> None:
    with pytest.raises(EncodingProblem, match="neither UTF-8"):
        detect(io.BytesIO(b"a,b\n" + bytes(range(0x80, 0xA0)) * 4 + b"\n"))


def test_named_encodings_take_the_usual_spellings() -> None:
    assert named_encoding("EUC-KR") is CP949
    assert named_encoding(" tis-620 ") is CP874
    assert named_encoding("UTF-8") is UTF8
    with pytest.raises(EncodingProblem, match="unknown encoding 'latin-9'"):
        named_encoding("latin-9")


def test_lines_keep_their_endings_and_utf16_lines_split_on_characters() -> None:
    text = 'a,b\r\n1,"two\nlines"\n'
    stream = io.BytesIO(text.encode("utf-16"))
    assert list(decoded_lines(stream, detect(stream))) == ["a,b\r\n", '1,"two\n', 'lines"\n']
