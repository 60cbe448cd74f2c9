"""Templates: autoescaped, no inline script or style (CSP), locale-aware formatting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi import FastAPI
from jinja2 import Template
from sqlalchemy import Engine

from scamlink.sharing.roles import Role
from scamlink.web.i18n import translations
from scamlink.web.rendering import TEMPLATES_DIR, as_utc, build_environment
from tests.web.support import add_user, client_for, sign_in


def _render(source: str, locale: str = "en", **values: object) -> str:
    template: Template = build_environment().from_string(source)
    return template.render(locale=locale, translations=translations(locale), **values)


def test_values_are_escaped(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "x@knpa.test", "KNPA", Role.ANALYST, name="<img src=x onerror=alert(1)>")
    client = client_for(app)
    sign_in(client, "x@knpa.test")
    page = client.get("/").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_autoescape_is_on_for_every_template() -> None:
    assert _render("{{ v }}", v="<b>") == "&lt;b&gt;"


@pytest.mark.parametrize("path", sorted(TEMPLATES_DIR.glob("*.html")), ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_style(path: Path) -> None:
    source = path.read_text()
    for tag in re.findall(r"<script\b[^>]*>", source):
        assert "src=" in tag, f"inline script in {path}: {tag}"
    assert "<style" not in source
    assert not re.search(r"\sstyle=", source), f"style attribute in {path}"
    assert not re.search(r"\son[a-z]+=", source), f"event handler attribute in {path}"
    assert "javascript:" not in source
    assert not re.search(r"(src|href)=\"(https?:)?//", source), f"external resource in {path}"


def test_numbers_follow_the_locale() -> None:
    assert _render("{{ 1234567 | number }}") == "1,234,567"
    assert _render("{{ 1234567 | number }}", "ko") == "1,234,567"


def test_timestamps_are_shown_in_utc() -> None:
    seoul = timezone(timedelta(hours=9))
    moment = datetime(2025, 1, 6, 0, 4, tzinfo=seoul)  # 2025-01-05 15:04 UTC
    assert _render("{{ t | timestamp }}", t=moment) == "Jan 5, 2025 15:04 UTC"
    assert _render("{{ t | timestamp }}", "ko", t=moment) == "2025년 1월 5일 15:04 UTC"
    assert _render("{{ t | timestamp }}", t=None) == "—"


def test_naive_timestamps_from_sqlite_are_utc() -> None:
    assert as_utc(datetime(2025, 1, 5, 15, 4)) == datetime(2025, 1, 5, 15, 4, tzinfo=UTC)


def test_countries_are_named_in_the_readers_language() -> None:
    assert _render("{{ 'KH' | country }}") == "Cambodia"
    assert _render("{{ 'KH' | country }}", "ko") == "캄보디아"
    assert _render("{{ 'XX' | country }}") == "XX"


def test_reference_agencies_are_named_in_the_readers_language() -> None:
    source = "{{ 'KNPA' | agency_name('Korean National Police Agency') }}"
    assert _render(source, "ko") == "경찰청"
    assert _render(source) == "Korean National Police Agency"
    renamed = "{{ 'KNPA' | agency_name('KNPA (renamed)') }}"
    assert _render(renamed, "ko") == "KNPA (renamed)"


def test_roles_are_labelled() -> None:
    assert _render("{{ role | role_label }}", "ko", role=Role.ANALYST) == "분석관"
    assert _render("{{ role | role_label }}", role=Role.DESK_OFFICER) == "Desk officer"


def test_language_links_keep_the_rest_of_the_query(app: FastAPI) -> None:
    page = client_for(app).get("/login?next=x&lang=en").text
    assert 'href="/login?next=x&amp;lang=ko"' in page
    assert 'href="/login?next=x&amp;lang=en"' in page
