"""Evidence and the dossier over HTTP: the API and the case page's forms, errors naming their
field with nothing stored, custody entries for every access, referral visibility, the PDF."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from scamlink.cases import evidence as ev
from scamlink.config import Settings
from scamlink.sharing.roles import Role
from scamlink.store.schema import case_evidence, evidence_custody
from tests.web.support import add_key, add_user, bearer, client_for, csrf_from, sign_in

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 100
HELD = {
    "kind": "person_at_risk",
    "title": "감금 피해자 구조 요청",
    "summary": "ผู้เสียหายถูกหลอกให้ลงทุน",
    "nationality": "KR",
    "country": "KH",
}


def _officer(app: FastAPI, engine: Engine, email: str, agency: str, role: Role) -> TestClient:
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    client.headers["X-CSRF-Token"] = csrf_from(client)
    return client


@pytest.fixture
def clocked(app: FastAPI) -> FastAPI:
    app.state.clock = lambda: NOW
    return app


def _case(client: TestClient) -> int:
    created = client.post("/api/v1/cases", json=HELD)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _upload(
    client: TestClient,
    case_id: int,
    data: bytes = PNG,
    content_type: str = "image/png",
    **fields: str,
) -> Any:
    return client.post(
        f"/api/v1/cases/{case_id}/evidence",
        files={"file": ("통화.png", data, content_type)},
        data={"description": "chat", "tlp": "AMBER", **fields},
    )


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _stored(settings: Settings) -> list[Path]:
    root = ev.evidence_dir(settings.data_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_list_download_with_custody(
    clocked: FastAPI, engine: Engine, settings: Settings
) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    case_id = _case(knpa)
    added = _upload(knpa, case_id)
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert body["filename"] == "통화.png"
    assert body["tlp"] == "AMBER"
    again = _upload(knpa, case_id)
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "file"
    content = knpa.get(f"/api/v1/cases/{case_id}/evidence/{body['id']}/content")
    assert content.status_code == 200
    assert content.content == PNG
    assert content.headers["x-evidence-sha256"] == body["sha256"]
    assert content.headers["content-disposition"].startswith("attachment;")
    shown = knpa.get(f"/cases/{case_id}/evidence/{body['id']}")
    assert shown.status_code == 200
    assert shown.headers["content-disposition"].startswith("inline;")
    assert "sandbox" in shown.headers["content-security-policy"]
    listed = knpa.get(f"/api/v1/cases/{case_id}/evidence").json()["evidence"]
    assert [c["action"] for c in listed[0]["custody"]] == ["uploaded", "downloaded", "viewed"]
    assert _count(engine, evidence_custody) == 3
    page = knpa.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert body["sha256"] in page.text
    assert 'data-custody="downloaded"' in page.text
    assert f"/cases/{case_id}/dossier.pdf" in page.text
    assert f"/api/v1/cases/{case_id}/dossier" in page.text


@pytest.mark.parametrize(
    ("data", "content_type", "fields", "status", "field"),
    [
        (PNG, "application/pdf", {}, 422, "file"),  # the bytes are a PNG
        (b"MZ\x90\x00\x03\x00\x00\x00", "image/png", {}, 422, "file"),  # a program
        (PNG, "image/png", {"tlp": "RED"}, 422, "tlp"),
        (PNG, "image/png", {"tlp": "PURPLE"}, 422, "tlp"),
        (PNG, "image/png", {"description": "x" * 2001}, 422, "description"),
    ],
)
def test_bad_uploads_name_their_field_and_store_nothing(
    clocked: FastAPI,
    engine: Engine,
    settings: Settings,
    data: bytes,
    content_type: str,
    fields: dict[str, str],
    status: int,
    field: str,
) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    case_id = _case(knpa)
    refused = _upload(knpa, case_id, data, content_type, **fields)
    assert refused.status_code == status, refused.text
    assert refused.json()["error"]["field"] == field
    assert _count(engine, case_evidence) == 0
    assert _stored(settings) == []


def test_over_the_limit_is_413_before_and_while_reading(
    clocked: FastAPI, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    case_id = _case(knpa)
    monkeypatch.setattr(ev, "MAX_BYTES", 50)
    refused = _upload(knpa, case_id)  # 108 bytes, under the form's overhead allowance
    assert refused.status_code == 413
    assert refused.json()["error"]["field"] == "file"
    assert "50 bytes" in refused.json()["error"]["message"]
    big = _upload(knpa, case_id, PNG + b"\x00" * 200_000)  # refused from Content-Length
    assert big.status_code == 413
    assert _count(engine, case_evidence) == 0
    assert _stored(settings) == []
    # The page's form: the same refusal as an error page naming the field.
    page = knpa.post(
        f"/cases/{case_id}/evidence",
        files={"file": ("x.png", PNG, "image/png")},
        data={"tlp": "AMBER"},
    )
    assert page.status_code == 413
    assert "file:" in page.text


def test_referral_hands_over_evidence_and_the_recipient_sees_only_that(
    clocked: FastAPI, engine: Engine
) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    cnp = _officer(clocked, engine, "i@cnp.test", "CNP", Role.INVESTIGATOR)
    rtp = _officer(clocked, engine, "a@rtp.test", "RTP", Role.ANALYST)
    case_id = _case(knpa)
    shared = _upload(knpa, case_id).json()["id"]
    kept = _upload(knpa, case_id, b"kept chat log\n", "text/plain").json()["id"]
    knpa.post(f"/api/v1/cases/{case_id}/transition", json={"status": "triaged"})
    referred = knpa.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={"to_agency": "CNP", "message": "구조 요청", "language": "ko"},
    )
    referral_id = referred.json()["referrals"][0]["id"]
    handed = knpa.post(
        f"/api/v1/cases/{case_id}/evidence/{shared}/handover",
        json={"referral_id": referral_id, "note": "with the referral"},
    )
    assert handed.status_code == 201, handed.text
    assert handed.json()["to_agency"] == "CNP"
    unknown = knpa.post(
        f"/api/v1/cases/{case_id}/evidence/{kept}/handover", json={"bogus": 1, "note": "x"}
    )
    assert unknown.status_code == 422
    assert cnp.get(f"/api/v1/cases/{case_id}/evidence").status_code == 404  # pending
    assert cnp.post(f"/api/v1/referrals/{referral_id}/accept").status_code == 200
    seen = cnp.get(f"/api/v1/cases/{case_id}/evidence").json()["evidence"]
    assert [e["id"] for e in seen] == [shared]
    assert cnp.get(f"/api/v1/cases/{case_id}/evidence/{kept}/content").status_code == 404
    got = cnp.get(f"/api/v1/cases/{case_id}/evidence/{shared}/content")
    assert got.status_code == 200
    assert got.content == PNG
    assert rtp.get(f"/api/v1/cases/{case_id}/evidence/{shared}/content").status_code == 404
    assert rtp.get(f"/api/v1/cases/{case_id}/dossier").status_code == 404
    # The owner sees who downloaded its evidence.
    owner = knpa.get(f"/api/v1/cases/{case_id}/evidence").json()["evidence"]
    assert [(c["action"], c["actor_agency"]) for c in owner[0]["custody"]] == [
        ("uploaded", "KNPA"),
        ("handed_over", "KNPA"),
        ("downloaded", "CNP"),
    ]
    # CNP's dossier lists the handed-over evidence only.
    cnp_dossier = cnp.get(f"/api/v1/cases/{case_id}/dossier").json()
    assert [e["id"] for e in cnp_dossier["evidence"]] == [shared]
    assert cnp_dossier["case"]["access"] == "recipient"


def test_the_dossier_pdf_and_json_are_recorded(clocked: FastAPI, engine: Engine) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    case_id = _case(knpa)
    knpa.post(
        f"/api/v1/cases/{case_id}/notes",
        json={"body": "<script>alert(1)</script> 조사 중", "tlp": "AMBER"},
    )
    evidence_id = _upload(knpa, case_id).json()["id"]
    pdf = knpa.get(f"/cases/{case_id}/dossier.pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment;")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "감금 피해자 구조 요청" in text
    assert "ผู้เสียหายถูกหลอกให้ลงทุน" in text
    assert "<script>alert(1)</script> 조사 중" in text
    as_json = knpa.get(f"/api/v1/cases/{case_id}/dossier")
    assert as_json.status_code == 200
    custody = as_json.json()["evidence"][0]["custody"]
    assert [c["note"] for c in custody if c["action"] == "exported"] == [
        "dossier (pdf)",
        "dossier (json)",
    ]
    page = knpa.get(f"/cases/{case_id}").text
    assert 'data-action="dossier"' in page
    assert evidence_id > 0
    # In the reader's language: Korean labels, the same content.
    korean = knpa.get(f"/cases/{case_id}/dossier.pdf", headers={"Accept-Language": "ko"})
    assert korean.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(korean.content))
    korean_text = "\n".join(p.extract_text() for p in reader.pages)
    assert "사건 기록철" in korean_text
    assert "증거 관리 연속성" in korean_text
    assert "Chain of custody" not in korean_text
    assert "Chain of custody" in text


def test_the_page_forms_upload_and_hand_over(clocked: FastAPI, engine: Engine) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    case_id = _case(knpa)
    token = knpa.headers.pop("X-CSRF-Token")
    uploaded = knpa.post(
        f"/cases/{case_id}/evidence",
        files={"file": ("a.png", PNG, "image/png")},
        data={"csrf_token": token, "tlp": "AMBER", "description": "<i>screenshot</i>"},
    )
    assert uploaded.status_code == 303
    assert uploaded.headers["location"] == f"/cases/{case_id}#evidence"
    page = knpa.get(f"/cases/{case_id}").text
    assert "&lt;i&gt;screenshot&lt;/i&gt;" in page
    (item,) = knpa.get(f"/api/v1/cases/{case_id}/evidence").json()["evidence"]
    no_token = knpa.post(
        f"/cases/{case_id}/evidence/{item['id']}/handover", data={"to_person": "x", "note": "y"}
    )
    assert no_token.status_code == 403
    handed = knpa.post(
        f"/cases/{case_id}/evidence/{item['id']}/handover",
        data={"csrf_token": token, "to_person": "Prosecutor Kim", "note": "sealed bag 41"},
    )
    assert handed.status_code == 303
    missing = knpa.post(
        f"/cases/{case_id}/evidence/{item['id']}/handover",
        data={"csrf_token": token, "note": "to nobody"},
    )
    assert missing.status_code == 422
    assert "to_agency" in missing.text
    (after,) = knpa.get(f"/api/v1/cases/{case_id}/evidence").json()["evidence"]
    assert [c["action"] for c in after["custody"]] == ["uploaded", "handed_over"]
    assert after["custody"][1]["to_person"] == "Prosecutor Kim"


def test_api_keys_need_the_report_scope_to_add_and_read_to_download(
    clocked: FastAPI, engine: Engine
) -> None:
    knpa = _officer(clocked, engine, "a@knpa.test", "KNPA", Role.ANALYST)
    case_id = _case(knpa)
    writer = client_for(clocked)
    writer.headers.update(bearer(add_key(engine, "a@knpa.test", "report")))
    added = _upload(writer, case_id)
    assert added.status_code == 201, added.text
    reader = client_for(clocked)
    reader.headers.update(bearer(add_key(engine, "a@knpa.test", "read")))
    refused = _upload(reader, case_id, b"other bytes\n", "text/plain")
    assert refused.status_code == 403
    content = reader.get(f"/api/v1/cases/{case_id}/evidence/{added.json()['id']}/content")
    assert content.status_code == 200
    assert content.content == PNG
    assert _count(engine, case_evidence) == 1
