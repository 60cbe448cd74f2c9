"""The intake API: reports in one by one or in batches, idempotency, review, language, files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from scamlink.config import Settings
from scamlink.reports.attachments import DEFAULT_MAX_BYTES
from scamlink.sharing.roles import Role
from scamlink.store import audit as audit_rows
from scamlink.store.schema import idempotency_keys, report_campaigns, reports, sightings
from tests.web.support import add_key, add_user, bearer, client_for, csrf_from, sign_in

PHONE = "010-2345-6789"
WALLET = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
REPORT: dict[str, Any] = {
    "external_id": "KNPA-2026-0001",
    "incident_date": "2026-11-20",
    "victim_country": "KR",
    "scam_type": "investment",
    "loss_amount": 3500000,
    "loss_currency": "krw",
    "narrative": f"투자 상담사가 {PHONE} 번호로 연락했고 USDT를 {WALLET} 로 보냈습니다.",
    "phones": [PHONE],
    "urls": ["hxxp://kbstar-secure[.]com/login"],
    "tlp": "GREEN",
}


def _client_with_key(app: FastAPI, engine: Engine, role: Role = Role.ANALYST) -> TestClient:
    email = f"{role.value}@knpa.test"
    add_user(engine, email, "KNPA", role)
    client = client_for(app)
    client.headers.update(bearer(add_key(engine, email, "report")))
    return client


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def test_one_report_is_stored_with_field_and_narrative_indicators(
    app: FastAPI, engine: Engine
) -> None:
    client = _client_with_key(app, engine)
    response = client.post("/api/v1/reports", json=REPORT)
    assert response.status_code == 201, response.text
    [stored] = response.json()["reports"]
    assert stored["status"] == "stored"
    assert stored["external_id"] == "KNPA-2026-0001"
    assert stored["language"] == "ko"  # detected
    found = {(i["type"], i["value"]): i["role"] for i in stored["indicators"]}
    # The phone given in a field and found in the narrative is one sighting, the field's role.
    assert found[("phone", "+821023456789")] == "contact_phone"
    assert found[("tron", WALLET)] == "payment_wallet"  # from the narrative only
    assert found[("url", "http://kbstar-secure.com/login")] == "phishing_link"
    assert found[("domain", "kbstar-secure.com")] == "phishing_link"
    with engine.connect() as conn:
        row = conn.execute(select(reports).where(reports.c.id == stored["id"])).one()
        count = conn.scalar(select(func.count()).where(sightings.c.report_id == stored["id"]))
    assert row.agency == "KNPA"
    assert row.source == "police"
    assert row.review_status == "unverified"
    assert row.loss_currency == "KRW"
    assert count == len(stored["indicators"])


def test_a_retry_with_the_same_external_id_is_a_duplicate(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    first = client.post("/api/v1/reports", json=REPORT).json()["reports"][0]
    again = client.post("/api/v1/reports", json=REPORT)
    assert again.status_code == 200
    assert again.json()["reports"][0] == {**first, "status": "duplicate"}
    assert _count(engine, reports) == 1


def test_an_external_id_is_generated_and_the_reporter_owns_the_report(
    app: FastAPI, engine: Engine
) -> None:
    client = _client_with_key(app, engine)
    body = {k: v for k, v in REPORT.items() if k != "external_id"}
    one = client.post("/api/v1/reports", json=body).json()["reports"][0]
    two = client.post("/api/v1/reports", json=body).json()["reports"][0]
    assert one["external_id"].startswith("KNPA-")
    assert one["external_id"] != two["external_id"]


def test_a_partner_files_as_a_partner_and_cannot_claim_to_be_police(
    app: FastAPI, engine: Engine
) -> None:
    client = _client_with_key(app, engine, Role.PARTNER)
    stored = client.post("/api/v1/reports", json=REPORT).json()["reports"][0]
    with engine.connect() as conn:
        assert conn.scalar(select(reports.c.source).where(reports.c.id == stored["id"])) == (
            "partner"
        )
    refused = client.post("/api/v1/reports", json={**REPORT, "source": "police"})
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["field"] == "source"


def test_problems_come_back_per_field_and_nothing_is_stored(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    bad = {
        **REPORT,
        "scam_type": "lottery",
        "loss_currency": "XXZ",
        "phones": ["12"],
        "tlp": "PURPLE",
        "colour": "red",
    }
    response = client.post("/api/v1/reports", json=bad)
    assert response.status_code == 422
    problems = {p["field"]: p["reason"] for p in response.json()["error"]["problems"]}
    assert set(problems) >= {"scam_type", "loss_currency", "tlp", "colour"}
    assert "lottery" in problems["scam_type"]
    assert _count(engine, reports) == 0


def test_an_invalid_indicator_field_names_the_value(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    response = client.post("/api/v1/reports", json={**REPORT, "wallets": ["0x1234", WALLET]})
    assert response.status_code == 422
    [problem] = response.json()["error"]["problems"]
    assert problem["field"] == "wallets[0]"
    assert "0x1234" in problem["reason"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", ""),
        (b"[1, 2]", ""),
        (json.dumps({**REPORT, "narrative": ["a"]}).encode(), "narrative"),
        (json.dumps({"reports": "many"}).encode(), "reports"),
        (json.dumps({"reports": []}).encode(), "reports"),
    ],
)
def test_malformed_bodies_are_422_with_the_place(
    app: FastAPI, engine: Engine, body: bytes, field: str
) -> None:
    client = _client_with_key(app, engine)
    response = client.post(
        "/api/v1/reports", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["problems"][0]["field"] == field


def test_a_batch_goes_in_whole_or_not_at_all(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    batch = [{**REPORT, "external_id": f"B-{n}"} for n in range(5)]
    batch[3]["victim_country"] = "Korea"
    refused = client.post("/api/v1/reports", json={"reports": batch})
    assert refused.status_code == 422
    [problem] = refused.json()["error"]["problems"]
    assert (problem["report"], problem["field"]) == (3, "victim_country")
    assert _count(engine, reports) == 0
    batch[3]["victim_country"] = "KR"
    batch.append({**REPORT, "external_id": "B-0"})  # the same report twice in one batch
    stored = client.post("/api/v1/reports", json={"reports": batch}).json()["reports"]
    assert [r["status"] for r in stored] == ["stored"] * 5 + ["duplicate"]
    assert stored[0]["id"] == stored[5]["id"]


def test_a_batch_over_the_limit_is_refused(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    response = client.post("/api/v1/reports", json={"reports": [REPORT] * 1001})
    assert response.status_code == 422
    assert "1001" in response.json()["error"]["problems"][0]["reason"]


def test_the_idempotency_key_replays_the_answer(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    body = {k: v for k, v in REPORT.items() if k != "external_id"}
    headers = {"Idempotency-Key": "retry-7f3a"}
    first = client.post("/api/v1/reports", json=body, headers=headers)
    again = client.post("/api/v1/reports", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(engine, reports) == 1  # no second report under a new generated id
    other = client.post("/api/v1/reports", json={**body, "scam_type": "romance"}, headers=headers)
    assert other.status_code == 422
    [problem] = other.json()["error"]["problems"]
    assert problem["field"] == "Idempotency-Key"
    assert "retry-7f3a" in problem["reason"]


def test_an_idempotency_key_expires_after_a_day(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    body = {k: v for k, v in REPORT.items() if k != "external_id"}
    headers = {"Idempotency-Key": "old-key"}
    client.post("/api/v1/reports", json=body, headers=headers)
    with engine.begin() as conn:
        conn.execute(
            update(idempotency_keys).values(
                created_at=datetime.now(UTC) - timedelta(hours=24, minutes=1)
            )
        )
    again = client.post("/api/v1/reports", json=body, headers=headers)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert _count(engine, reports) == 2
    assert _count(engine, idempotency_keys) == 1


def test_a_bad_idempotency_key_is_refused(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    response = client.post("/api/v1/reports", json=REPORT, headers={"Idempotency-Key": "a b"})
    assert response.status_code == 422
    assert _count(engine, reports) == 0


def test_keys_without_the_report_scope_and_the_public_are_refused(
    app: FastAPI, engine: Engine
) -> None:
    add_user(engine, "reader@knpa.test", "KNPA", Role.ANALYST)
    reader = client_for(app)
    reader.headers.update(bearer(add_key(engine, "reader@knpa.test", "read")))
    assert reader.post("/api/v1/reports", json=REPORT).status_code == 403
    public = client_for(app)
    token = csrf_from(public)
    response = public.post("/api/v1/reports", json=REPORT, headers={"X-CSRF-Token": token})
    assert response.status_code == 401
    assert _count(engine, reports) == 0


def test_a_signed_in_session_posts_with_its_csrf_token(app: FastAPI, engine: Engine) -> None:
    add_user(engine, "officer@rtp.test", "RTP", Role.INVESTIGATOR)
    client = client_for(app)
    sign_in(client, "officer@rtp.test")
    thai = {**REPORT, "phones": ["081 234 5678"], "narrative": "มิจฉาชีพโทรมาหลอกให้โอนเงิน"}
    assert client.post("/api/v1/reports", json=thai).status_code == 403
    token = csrf_from(client)
    response = client.post("/api/v1/reports", json=thai, headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.text
    [stored] = response.json()["reports"]
    assert stored["language"] == "th"
    assert ("phone", "+66812345678") in {(i["type"], i["value"]) for i in stored["indicators"]}
    with engine.connect() as conn:
        assert conn.scalar(select(reports.c.agency)) == "RTP"


def _stored(client: TestClient, **fields: Any) -> int:
    response = client.post("/api/v1/reports", json={**REPORT, **fields})
    assert response.status_code == 201, response.text
    return int(response.json()["reports"][0]["id"])


def _audited(engine: Engine, action: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        entries = audit_rows.latest_entries(conn, limit=50)
    return [json.loads(e.details) for e in entries if e.action == action]


def test_an_officer_of_the_owner_reviews_and_it_is_audited(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    report_id = _stored(client)
    response = client.post(
        f"/api/v1/reports/{report_id}/review", json={"status": "verified", "note": "bank confirmed"}
    )
    assert response.status_code == 200, response.text
    with engine.connect() as conn:
        status = conn.scalar(select(reports.c.review_status).where(reports.c.id == report_id))
    assert status == "verified"
    assert _audited(engine, "report.reviewed") == [
        {"from": "unverified", "to": "verified", "note": "bank confirmed"}
    ]
    bad = client.post(f"/api/v1/reports/{report_id}/review", json={"status": "maybe"})
    assert bad.status_code == 422
    assert bad.json()["error"]["problems"][0]["field"] == "status"


def test_others_may_not_review(app: FastAPI, engine: Engine) -> None:
    owner = _client_with_key(app, engine)
    green = _stored(owner)
    amber = _stored(owner, external_id="KNPA-amber", tlp="AMBER")
    add_user(engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    other = client_for(app)
    other.headers.update(bearer(add_key(engine, "analyst@rtp.test", "report")))
    verdict = {"status": "rejected"}
    # Seen but not theirs: 403. Not seen at all: the same 404 as a report that does not exist.
    assert other.post(f"/api/v1/reports/{green}/review", json=verdict).status_code == 403
    assert other.post(f"/api/v1/reports/{amber}/review", json=verdict).status_code == 404
    assert other.post("/api/v1/reports/999999/review", json=verdict).status_code == 404
    partner = _client_with_key(app, engine, Role.PARTNER)
    clear = _stored(owner, external_id="KNPA-clear", tlp="CLEAR")
    assert partner.post(f"/api/v1/reports/{clear}/review", json=verdict).status_code == 403
    assert _audited(engine, "report.reviewed") == []


def test_the_language_can_be_given_and_corrected(app: FastAPI, engine: Engine) -> None:
    client = _client_with_key(app, engine)
    stored = client.post("/api/v1/reports", json={**REPORT, "language": "EN"}).json()
    assert stored["reports"][0]["language"] == "en"  # the officer's word beats detection
    report_id = stored["reports"][0]["id"]
    response = client.patch(f"/api/v1/reports/{report_id}/language", json={"language": "ko"})
    assert response.status_code == 200
    with engine.connect() as conn:
        assert conn.scalar(select(reports.c.language).where(reports.c.id == report_id)) == "ko"
    assert _audited(engine, "report.language_corrected") == [{"from": "en", "to": "ko"}]
    bad = client.patch(f"/api/v1/reports/{report_id}/language", json={"language": "Korean!"})
    assert bad.status_code == 422


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_attachment_is_stored_once_by_content(
    app: FastAPI, engine: Engine, settings: Settings
) -> None:
    client = _client_with_key(app, engine)
    report_id = _stored(client)
    files = {"file": ("../../evil/screen.png", PNG, "image/png")}
    first = client.post(f"/api/v1/reports/{report_id}/attachments", files=files)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["media_type"] == "image/png"
    assert body["filename"] == "screen.png"
    path = settings.data_dir / "attachments" / body["sha256"][:2] / body["sha256"][2:]
    assert path.read_bytes() == PNG
    again = client.post(f"/api/v1/reports/{report_id}/attachments", files=files)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"


@pytest.mark.parametrize(
    ("content", "declared", "reason"),
    [
        (PNG, "application/pdf", "declared"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "application/octet-stream", "not a type"),
        (b"", "text/plain", "empty"),
    ],
)
def test_attachments_that_do_not_fit_are_refused(
    app: FastAPI, engine: Engine, settings: Settings, content: bytes, declared: str, reason: str
) -> None:
    client = _client_with_key(app, engine)
    report_id = _stored(client)
    files = {"file": ("x.bin", content, declared)}
    response = client.post(f"/api/v1/reports/{report_id}/attachments", files=files)
    assert response.status_code == 422
    assert reason in response.json()["error"]["problems"][0]["reason"]
    stored = settings.data_dir / "attachments"
    assert not [p for p in stored.rglob("*") if p.is_file()]


def test_an_attachment_over_the_limit_is_refused_before_reading(
    app: FastAPI, engine: Engine
) -> None:
    client = _client_with_key(app, engine)
    report_id = _stored(client)
    big = b"a" * (DEFAULT_MAX_BYTES + 128 * 1024)
    response = client.post(
        f"/api/v1/reports/{report_id}/attachments", files={"file": ("chat.txt", big, "text/plain")}
    )
    assert response.status_code == 422
    assert "limit" in response.json()["error"]["problems"][0]["reason"]


def test_attachments_to_other_agencies_reports_are_refused(app: FastAPI, engine: Engine) -> None:
    owner = _client_with_key(app, engine)
    report_id = _stored(owner)
    add_user(engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    other = client_for(app)
    other.headers.update(bearer(add_key(engine, "analyst@rtp.test", "report")))
    files = {"file": ("a.png", PNG, "image/png")}
    assert other.post(f"/api/v1/reports/{report_id}/attachments", files=files).status_code == 403


def test_reports_sharing_a_wallet_join_one_campaign_in_the_same_transaction(
    app: FastAPI, engine: Engine
) -> None:
    client = _client_with_key(app, engine)
    first = _stored(client, external_id="W-1", phones=[], urls=[])
    second = _stored(client, external_id="W-2", phones=[], urls=[], narrative=f"USDT {WALLET}")
    with engine.connect() as conn:
        query = select(report_campaigns.c.report_id, report_campaigns.c.campaign_id)
        campaigns = {row.report_id: row.campaign_id for row in conn.execute(query)}
    assert campaigns[first] == campaigns[second]
