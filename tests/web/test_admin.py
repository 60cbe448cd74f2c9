"""The audit page: admins only, their agency's entries, the chain's last check, in two languages."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.audit import Actor, record, verify_and_checkpoint
from scamlink.sharing.checkpoints import signing_key
from scamlink.sharing.roles import Role
from tests.web.support import add_user, client_for, sign_in


def test_an_admin_sees_their_agencys_entries_only(app: FastAPI, engine: Engine) -> None:
    with engine.begin() as conn:
        record(conn, Actor("kim@knpa.test", 5, "KNPA"), "report.export", "report:1")
        record(conn, Actor("cli:ops"), "user.create", "user:9", subject_agency="KNPA")
        record(conn, Actor("lek@rtp.test", 6, "RTP"), "report.export", "report:secret-rtp")
    add_user(engine, "admin@knpa.test", "KNPA", Role.ADMIN)
    client = client_for(app)
    sign_in(client, "admin@knpa.test")
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "report:1" in page.text
    assert "user:9" in page.text
    assert "report:secret-rtp" not in page.text
    assert "login.success" in page.text  # the admin's own sign-in
    assert "Chain not checked yet" in page.text
    assert 'href="/admin/audit"' in page.text


def test_the_page_shows_the_last_intact_check_in_korean(
    app: FastAPI, engine: Engine, settings: Settings
) -> None:
    add_user(engine, "admin@knpa.test", "KNPA", Role.ADMIN)
    client = client_for(app)
    sign_in(client, "admin@knpa.test")
    with engine.begin() as conn:
        assert verify_and_checkpoint(conn, signing_key(settings.data_dir)).intact
    english = client.get("/admin/audit")
    assert "Chain intact as of" in english.text
    assert 'data-intact="1"' in english.text
    korean = client.get("/admin/audit?lang=ko")
    assert "체인 무결성 확인 시각" in korean.text
    assert "감사 로그" in korean.text


def test_a_checkpoint_of_another_key_is_not_shown_as_intact(
    app: FastAPI, engine: Engine, settings: Settings
) -> None:
    other = settings.data_dir / "other"
    other.mkdir()
    add_user(engine, "admin@knpa.test", "KNPA", Role.ADMIN)
    with engine.begin() as conn:
        verify_and_checkpoint(conn, signing_key(other))
    client = client_for(app)
    sign_in(client, "admin@knpa.test")
    assert "Chain not checked yet" in client.get("/admin/audit").text


def test_other_roles_get_no_link_and_403(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "analyst@knpa.test", "KNPA", Role.ANALYST)
    client = client_for(app)
    sign_in(client, "analyst@knpa.test")
    assert 'href="/admin/audit"' not in client.get("/").text
    refused = client.get("/admin/audit")
    assert refused.status_code == 403
    assert "administrators" in refused.text
