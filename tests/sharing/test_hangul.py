from __future__ import annotations

import pytest

from scamlink.sharing.hangul import decompose, family_name, is_syllable, romanise, split_name


def test_decompose_by_arithmetic() -> None:
    assert decompose("가") == (0, 0, 0)
    assert decompose("힣") == (18, 20, 27)
    assert decompose("김") == (0, 20, 16)  # ㄱ ㅣ ㅁ
    with pytest.raises(ValueError, match="not a Hangul syllable"):
        decompose("a")
    assert is_syllable("한")
    assert not is_syllable("ㄱ")


@pytest.mark.parametrize(
    ("hangul", "latin"),
    [
        ("민준", "minjun"),
        ("서연", "seoyeon"),
        ("지훈", "jihun"),
        ("복남", "boknam"),  # names keep each syllable's sound (no assimilation)
        ("설리", "seolli"),  # but ㄹㄹ is ll
        ("한국", "hanguk"),
        ("의", "ui"),
        ("꽃", "kkot"),
        ("쌍", "ssang"),
        ("왜", "wae"),
        ("김 a", "gim a"),  # other characters are kept
    ],
)
def test_revised_romanization(hangul: str, latin: str) -> None:
    assert romanise(hangul) == latin


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("김민준", ("김", "민준")),
        ("김 민준", ("김", "민준")),
        ("남궁민", ("남궁", "민")),
        ("황보 혜정", ("황보", "혜정")),
        ("남궁", ("남", "궁")),  # two syllables: a one-syllable family name and a given name
        ("최", ("최", "")),
    ],
)
def test_split_family_and_given_name(name: str, parts: tuple[str, str]) -> None:
    assert split_name(name) == parts


@pytest.mark.parametrize(
    ("written", "customary"),
    [("gim", "kim"), ("i", "lee"), ("yi", "lee"), ("rhee", "lee"), ("bak", "park"),
     ("choe", "choi"), ("jeong", "jung"), ("smith", "smith")],
)  # fmt: skip
def test_customary_family_names(written: str, customary: str) -> None:
    assert family_name(written) == customary
