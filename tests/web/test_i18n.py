"""English and Korean: catalogs complete and current, negotiation, the `lang` cookie."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from scamlink.web import i18n
from scamlink.web.i18n import (
    LANG_COOKIE,
    LOCALE_DIR,
    SUPPORTED_LOCALES,
    negotiate,
    parse_accept_language,
)
from tests.web.support import add_user, client_for, sign_in

WEB_DIR = Path(i18n.__file__).parent
TEMPLATE = LOCALE_DIR / "messages.pot"
HANGUL = range(0xAC00, 0xD7A4)
# Babel's mapping parser has no annotations.
_parse_mapping = cast(
    Callable[[IO[str]], tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]],
    parse_mapping_cfg,
)


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog: Catalog) -> set[str]:
    return {str(m.id) for m in catalog if m.id}


def _hangul(text: str) -> int:
    return sum(1 for ch in text if ord(ch) in HANGUL)


def test_every_message_has_a_korean_translation() -> None:
    korean = _read(LOCALE_DIR / "ko" / "LC_MESSAGES" / "messages.po", "ko")
    missing = []
    for msgid in sorted(_ids(_read(TEMPLATE))):
        message = korean.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(msgid)
        elif _hangul(str(message.string)) == 0:
            missing.append(f"{msgid} (no Korean in {message.string!r})")
    assert not missing, "untranslated in ko: " + "; ".join(missing)


def test_every_catalog_has_exactly_the_template_messages() -> None:
    expected = _ids(_read(TEMPLATE))
    for locale in SUPPORTED_LOCALES:
        catalog = _read(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
        assert _ids(catalog) == expected, f"run pybabel update for {locale}"


def test_the_template_holds_every_string_of_the_sources() -> None:
    with (WEB_DIR / "babel.cfg").open() as handle:
        method_map, options_map = _parse_mapping(handle)
    extracted = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(WEB_DIR, method_map, options_map)
    }
    assert extracted == _ids(_read(TEMPLATE)), (
        "the catalog template is stale: run pybabel extract (see web/babel.cfg)"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", ["ko-KR", "ko", "en-US", "en"]),
        ("en;q=0.5, ko", ["ko", "en"]),
        ("fr, *;q=0.1", ["fr"]),
        ("ko;q=0, en", ["en"]),
        ("ko;q=abc, en;q=0.2", ["en"]),
        ("", []),
    ],
)
def test_accept_language_is_ranked_by_quality(header: str, expected: list[str]) -> None:
    assert parse_accept_language(header) == expected


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "en"),
        (None, None, "ko-KR,ko;q=0.9", "ko"),
        (None, None, "fr-FR, de", "en"),
        (None, None, "fr, ko;q=0.5", "ko"),
        (None, "ko", "en", "ko"),
        ("en", "ko", "ko", "en"),
        ("KO", None, None, "ko"),
        ("xx", "ko", "en", "ko"),
        (None, "xx", "ko", "ko"),
    ],
)
def test_locale_is_query_then_cookie_then_header_then_english(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(query, cookie, header) == expected


def test_lang_parameter_sets_a_cookie_that_later_pages_follow(app: FastAPI) -> None:
    client = client_for(app)
    response = client.get("/login?lang=ko")
    assert '<html lang="ko">' in response.text
    assert "로그인" in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{LANG_COOKIE}=ko;")
    assert "SameSite=Lax" in cookie
    assert client.cookies[LANG_COOKIE] == "ko"
    assert '<html lang="ko">' in client.get("/login").text
    # Asked again, nothing new to remember.
    assert LANG_COOKIE not in client.get("/login?lang=ko").headers.get("set-cookie", "")
    assert '<html lang="en">' in client.get("/login?lang=en").text
    assert '<html lang="en">' in client.get("/login").text


def test_accept_language_chooses_korean(app: FastAPI) -> None:
    client = client_for(app)
    page = client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"}).text
    assert '<html lang="ko">' in page
    assert "로그인" in page
    english = client.get("/", headers={"Accept-Language": "th-TH,th"}).text
    assert '<html lang="en">' in english
    assert "Sign in" in english


def test_the_dashboard_in_korean(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    page = client.get("/?lang=ko").text
    for korean in ("대시보드", "기관", "신고", "로그아웃", "경찰청", "대한민국", "캄보디아"):
        assert korean in page, korean
    assert "Dashboard" not in page


def test_api_error_messages_follow_the_language(app: FastAPI) -> None:
    response = client_for(app).get("/api/v1/stats/agencies?lang=ko")
    assert response.json()["error"]["message"] == "계속하려면 로그인하세요."


def test_catalogs_compile_on_the_fly_when_mo_files_are_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    monkeypatch.setattr(i18n, "_catalogs", {})
    korean = i18n.translations("ko")
    assert korean.gettext("Sign in") == "로그인"
    mo = copy / "ko" / "LC_MESSAGES" / "messages.mo"
    assert mo.exists()
    assert mo.read_bytes() == i18n.compile_po(mo.with_suffix(".po"), "ko")


def test_a_stale_mo_file_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    folder = copy / "ko" / "LC_MESSAGES"
    (folder / "messages.mo").write_bytes(
        i18n.compile_po(LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po", "en")
    )
    po_time = (folder / "messages.po").stat().st_mtime
    os.utime(folder / "messages.mo", (po_time - 60, po_time - 60))
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.translations("ko").gettext("Sign out") == "로그아웃"


def test_a_read_only_locale_folder_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    folder = copy / "ko" / "LC_MESSAGES"

    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    monkeypatch.setattr(i18n, "_catalogs", {})
    monkeypatch.setattr(i18n, "_write_atomically", refuse)
    assert i18n.translations("ko").gettext("Password") == "비밀번호"
    assert not (folder / "messages.mo").exists()


def test_a_compiled_catalog_alone_is_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "locale"
    folder = copy / "ko" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    source = LOCALE_DIR / "ko" / "LC_MESSAGES" / "messages.po"
    (folder / "messages.mo").write_bytes(i18n.compile_po(source, "ko"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.translations("ko").gettext("Dashboard") == "대시보드"


def test_unsupported_locales_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported locale"):
        i18n.translations("fr")
