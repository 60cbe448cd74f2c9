from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from scamlink.config import Settings
from scamlink.sharing.keystore import KeyStore
from scamlink.sharing.personal_data import PersonalData
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.victims import AUDIT_READ, add_victim
from scamlink.store import audit as audit_rows
from tests.web.support import add_user, client_for, sign_in

PERSON = PersonalData(
    name="김민준", date_of_birth=date(1990, 1, 2), nationality="KR", phone="010-1234-5678"
)


def _victim(settings: Settings, engine: Engine) -> str:
    with engine.begin() as conn:
        return add_victim(
            conn, KeyStore(settings.data_dir), Viewer("KNPA", Role.ANALYST, 1), PERSON
        ).ref


def _reads(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        entries = audit_rows.latest_entries(conn, limit=20)
    return [e.target for e in entries if e.action == AUDIT_READ]


def test_the_owning_agency_reads_and_is_audited(
    app: FastAPI, settings: Settings, engine: Engine
) -> None:
    ref = _victim(settings, engine)
    add_user(engine, "inv@knpa.test", "KNPA", Role.INVESTIGATOR)
    client = client_for(app)
    sign_in(client, "inv@knpa.test")
    response = client.get(f"/api/v1/victims/{ref}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "김민준"
    assert body["date_of_birth"] == "1990-01-02"
    assert body["agency"] == "KNPA"
    assert body["address"] is None
    assert _reads(engine) == [f"victim:{ref}"]


@pytest.mark.parametrize(
    ("email", "agency", "role"),
    [
        ("analyst@cnp.test", "CNP", Role.ANALYST),
        ("partner@bank.test", "KNPA", Role.PARTNER),
        ("desk@kdesk.test", "KDESK", Role.DESK_OFFICER),
    ],
)
def test_anyone_else_gets_the_same_404_as_for_nothing(
    app: FastAPI, settings: Settings, engine: Engine, email: str, agency: str, role: Role
) -> None:
    ref = _victim(settings, engine)
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    hidden = client.get(f"/api/v1/victims/{ref}")
    absent = client.get("/api/v1/victims/00000000-0000-4000-8000-000000000000")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json()
    assert "김민준" not in hidden.text
    assert _reads(engine) == []


def test_the_public_must_sign_in(app: FastAPI, settings: Settings, engine: Engine) -> None:
    ref = _victim(settings, engine)
    assert client_for(app).get(f"/api/v1/victims/{ref}").status_code == 401
