"""Jinja2 templates: autoescaped, translated per request, formatted for the reader's locale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from babel.support import Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from starlette.datastructures import URL

from scamlink.sharing.roles import Role
from scamlink.store.users import UserRecord
from scamlink.web.csrf import csrf_token
from scamlink.web.i18n import (
    LANG_PARAM,
    LANGUAGE_NAMES,
    SUPPORTED_LOCALES,
    request_locale,
    translations,
)
from scamlink.web.labels import ROLE_LABELS, agency_msgid
from scamlink.web.state import web_state

TEMPLATES_DIR = Path(__file__).parent / "templates"
MISSING = "—"


def _translations_of(context: Context) -> Translations:
    found = context.get("translations")
    if not isinstance(found, Translations):
        raise RuntimeError("templates are rendered through scamlink.web.rendering.render")
    return found


def _locale_of(context: Context) -> str:
    return str(context.get("locale", "en"))


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _translations_of(context).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _translations_of(context).ngettext(singular, plural, n)


@pass_context
def format_number(context: Context, value: int) -> str:
    return format_decimal(value, locale=_locale_of(context))


def as_utc(value: datetime) -> datetime:
    """Timestamps are stored in UTC; SQLite hands them back without a zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@pass_context
def format_timestamp(context: Context, value: datetime | None) -> str:
    if value is None:
        return MISSING
    moment = as_utc(value)
    locale = _locale_of(context)
    day = format_skeleton("yMMMd", moment, tzinfo=UTC, locale=locale)
    time = format_skeleton("Hm", moment, tzinfo=UTC, locale=locale)
    return f"{day} {time} UTC"


@pass_context
def country_name(context: Context, code: str) -> str:
    name = Locale.parse(_locale_of(context)).territories.get(code.upper())
    return str(name) if name else code


@pass_context
def agency_name(context: Context, code: str, stored_name: str) -> str:
    msgid = agency_msgid(code, stored_name)
    return stored_name if msgid is None else _translations_of(context).gettext(msgid)


@pass_context
def role_label(context: Context, role: Role) -> str:
    return _translations_of(context).gettext(ROLE_LABELS[role])


def build_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `{% trans %}` blocks are whitespace-normalised; babel.cfg extracts them the same way.
    environment.policies["ext.i18n.trimmed"] = True
    # Added by the i18n extension at run time, so invisible to the type checker.
    cast(Any, environment).install_gettext_callables(_gettext, _ngettext, newstyle=True)
    environment.filters.update(
        number=format_number,
        timestamp=format_timestamp,
        country=country_name,
        agency_name=agency_name,
        role_label=role_label,
    )
    return environment


@dataclass(frozen=True, slots=True)
class LanguageLink:
    code: str
    name: str
    href: str
    current: bool


def relative(url: URL) -> str:
    """Path and query only: links never name a host."""
    return f"{url.path}?{url.query}" if url.query else url.path


def language_links(request: Request, current: str) -> list[LanguageLink]:
    return [
        LanguageLink(
            code=code,
            name=LANGUAGE_NAMES[code],
            href=relative(request.url.include_query_params(**{LANG_PARAM: code})),
            current=code == current,
        )
        for code in SUPPORTED_LOCALES
    ]


def _static_url(request: Request) -> Callable[[str], str]:
    def static(path: str) -> str:
        return request.url_for("static", path=path).path

    return static


def _url(request: Request) -> Callable[..., str]:
    def url(name: str, **params: Any) -> str:
        return request.url_for(name, **params).path

    return url


def render(
    request: Request,
    template: str,
    *,
    user: UserRecord | None = None,
    status_code: int = 200,
    show_account: bool = True,
    **values: Any,
) -> HTMLResponse:
    """Render a page of the layout for this request's locale and signed-in user."""
    locale = request_locale(request)
    context: dict[str, Any] = {
        "request": request,
        "locale": locale,
        "translations": translations(locale),
        "user": user,
        "show_account": show_account,
        "csrf_token": lambda: csrf_token(request),
        "languages": language_links(request, locale),
        "static": _static_url(request),
        "url": _url(request),
        **values,
    }
    page = web_state(request).templates.get_template(template)
    return HTMLResponse(page.render(context), status_code=status_code)
