"""Languages of the interface: choosing one per request, and its gettext catalog (Babel).

The language comes from `?lang=` (which also sets the `lang` cookie), then the cookie, then the
browser's Accept-Language header, and is English otherwise.

Catalogs live in `locale/<lang>/LC_MESSAGES/messages.po`. The build compiles them to `.mo`
(`pybabel compile`); when a `.mo` is missing or older than its `.po`, it is compiled here, in
memory, and written next to the `.po` when the folder is writable, so a fresh checkout works
without the build step.
"""

from __future__ import annotations

import contextlib
import os
import threading
from io import BytesIO
from pathlib import Path

from babel import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SUPPORTED_LOCALES: tuple[str, ...] = ("en", "ko")
DEFAULT_LOCALE = "en"
# Each language is offered under its own name, which is never translated.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ko": "한국어"}

LANG_PARAM = "lang"
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 60 * 60

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def supported(value: str | None) -> str | None:
    """The supported locale `value` names (`ko`, `KO`), or None."""
    if value is None:
        return None
    cleaned = value.strip().lower()
    return cleaned if cleaned in SUPPORTED_LOCALES else None


def parse_accept_language(header: str) -> list[str]:
    """Language tags of an Accept-Language header, most wanted first; `q=0` and `*` dropped."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        tag = tag.strip()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for explicit in (query, cookie):
        chosen = supported(explicit)
        if chosen is not None:
            return chosen
    preferred = parse_accept_language(accept_language or "")
    found = negotiate_locale(preferred, list(SUPPORTED_LOCALES), sep="-")
    return supported(found) or DEFAULT_LOCALE


_catalogs: dict[str, Translations] = {}
_catalogs_lock = threading.Lock()


def translations(locale: str) -> Translations:
    """The catalog of a supported locale, loaded once per process."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    with _catalogs_lock:
        catalog = _catalogs.get(locale)
        if catalog is None:
            catalog = _load(locale)
            _catalogs[locale] = catalog
        return catalog


def _load(locale: str) -> Translations:
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    po_path = folder / f"{DOMAIN}.po"
    mo_path = folder / f"{DOMAIN}.mo"
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    compiled = compile_po(po_path, locale)
    # A read-only installation still works: the compiled catalog is used from memory.
    with contextlib.suppress(OSError):
        _write_atomically(mo_path, compiled)
    return Translations(BytesIO(compiled), domain=DOMAIN)


def compile_po(po_path: Path, locale: str) -> bytes:
    """What `pybabel compile` writes for this catalog (fuzzy entries left out)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def request_locale(connection: HTTPConnection) -> str:
    """The locale LocaleMiddleware chose for this request (English outside the middleware)."""
    chosen = connection.scope.get("state", {}).get("locale")
    return chosen if isinstance(chosen, str) and chosen in SUPPORTED_LOCALES else DEFAULT_LOCALE


class LocaleMiddleware:
    """Chooses the locale of each request and remembers an explicit `?lang=` in a cookie."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool = True) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        asked = supported(connection.query_params.get(LANG_PARAM))
        remembered = connection.cookies.get(LANG_COOKIE)
        locale = negotiate(asked, remembered, connection.headers.get("accept-language"))
        scope.setdefault("state", {})["locale"] = locale
        if asked is None or asked == remembered:
            await self.app(scope, receive, send)
            return
        cookie = (
            f"{LANG_COOKIE}={asked}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax"
        )
        if self.secure_cookies:
            cookie += "; Secure"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("Set-Cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)
