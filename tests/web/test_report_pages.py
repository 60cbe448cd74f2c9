"""The report page, its review and language forms, its files, and the review queue; the upload
page's translated reasons and its reload."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from scamlink.config import Settings
from scamlink.reports.model import ReportSource, ReviewStatus
from scamlink.sharing.roles import Role
from scamlink.sharing.tlp import Tlp
from scamlink.store import audit as audit_rows
from scamlink.store.reports import store_reports
from scamlink.store.schema import report_campaigns, reports
from tests.web.support import add_user, client_for, csrf_from, report, sign_in

PHONE = "010-2345-6789"
WALLET = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
HOSTILE = "<script>window.pwned = 1</script>"


def _client(app: FastAPI, engine: Engine, email: str, agency: str, role: Role) -> TestClient:
    add_user(engine, email, agency, role)
    client = client_for(app)
    sign_in(client, email)
    return client


def _officer(app: FastAPI, engine: Engine) -> TestClient:
    return _client(app, engine, "analyst@knpa.test", "KNPA", Role.ANALYST)


def _post_report(client: TestClient, **fields: Any) -> int:
    body = {
        "victim_country": "KR",
        "scam_type": "investment",
        "tlp": "AMBER",
        "narrative": f"투자 상담사가 {PHONE} 로 연락했고 USDT를 {WALLET} 로 보냈습니다. {HOSTILE}",
        "phones": [PHONE],
        "loss_amount": "3500000",
        "loss_currency": "KRW",
        **fields,
    }
    token = csrf_from(client)
    response = client.post("/api/v1/reports", json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.text
    return int(response.json()["reports"][0]["id"])


def _attach(client: TestClient, report_id: int, content: bytes = b"chat export\n") -> str:
    token = csrf_from(client)
    response = client.post(
        f"/api/v1/reports/{report_id}/attachments",
        files={"file": ("chat.txt", content, "text/plain")},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["sha256"])


def _status(engine: Engine, report_id: int) -> tuple[str, str]:
    with engine.connect() as conn:
        row = conn.execute(
            select(reports.c.review_status, reports.c.language).where(reports.c.id == report_id)
        ).one()
    return row[0], row[1]


def test_the_report_page_shows_the_report_its_indicators_campaign_and_files(
    app: FastAPI, engine: Engine
) -> None:
    client = _officer(app, engine)
    report_id = _post_report(client)
    sha = _attach(client, report_id)
    page = client.get(f"/reports/{report_id}")
    assert page.status_code == 200
    text = page.text
    assert 'id="report-tlp">TLP:AMBER<' in text
    assert 'data-source="police"' in text
    assert 'data-status="unverified"' in text
    assert 'data-language="ko"' in text
    assert "&lt;script&gt;window.pwned" in text
    assert HOSTILE not in text
    # Indicators link to their pages, with the role they played.
    assert re.search(
        r'href="/indicators/\d+"><span class="code">[^<]*</span></a> '
        r'<small class="muted code">\+821023456789<',
        text,
    )
    assert "Contact phone" in text
    assert "Payment wallet" in text
    with engine.connect() as conn:
        campaign = conn.scalar(
            select(report_campaigns.c.campaign_id).where(report_campaigns.c.report_id == report_id)
        )
    assert f'id="report-campaign" href="/campaigns/{campaign}"' in text
    assert f'href="/reports/{report_id}/attachments/{sha}"' in text
    assert "3,500,000 KRW" in text
    # An officer of the owner may review it: the forms are there.
    assert 'id="review-form"' in text
    assert 'id="language-form"' in text
    korean = client.get(f"/reports/{report_id}?lang=ko")
    assert "검토" in korean.text


def test_the_campaign_page_links_to_its_reports(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    report_id = _post_report(client)
    with engine.connect() as conn:
        campaign = conn.scalar(
            select(report_campaigns.c.campaign_id).where(report_campaigns.c.report_id == report_id)
        )
    page = client.get(f"/campaigns/{campaign}")
    assert f'href="/reports/{report_id}"' in page.text
    graph = client.get(f"/api/v1/campaigns/{campaign}/graph").json()
    hrefs = [n["data"]["href"] for n in graph["nodes"] if n["data"]["kind"] == "report"]
    assert hrefs == [f"/reports/{report_id}"]


def test_a_hidden_report_is_the_same_404_as_an_absent_one(app: FastAPI, engine: Engine) -> None:
    owner = _officer(app, engine)
    report_id = _post_report(owner)  # AMBER without releases: KNPA only
    sha = _attach(owner, report_id)
    other = _client(app, engine, "analyst@rtp.test", "RTP", Role.ANALYST)
    assert other.get(f"/reports/{report_id}").status_code == 404
    assert other.get(f"/reports/{report_id}/attachments/{sha}").status_code == 404
    token = csrf_from(other)
    refused = other.post(
        f"/reports/{report_id}/review", data={"status": "verified", "csrf_token": token}
    )
    assert refused.status_code == 404
    assert _status(engine, report_id) == ("unverified", "ko")


def test_an_officer_verifies_and_rejects_from_the_page_and_it_is_audited(
    app: FastAPI, engine: Engine
) -> None:
    client = _officer(app, engine)
    report_id = _post_report(client)
    token = csrf_from(client)
    done = client.post(
        f"/reports/{report_id}/review",
        data={"status": "verified", "note": "called the victim back", "csrf_token": token},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/reports/{report_id}"
    assert _status(engine, report_id)[0] == "verified"
    page = client.get(f"/reports/{report_id}")
    assert 'data-status="verified"' in page.text
    rejected = client.post(
        f"/reports/{report_id}/review", data={"status": "rejected", "csrf_token": token}
    )
    assert rejected.status_code == 303
    assert _status(engine, report_id)[0] == "rejected"
    with engine.connect() as conn:
        entries = [
            e for e in audit_rows.latest_entries(conn, limit=50) if e.action == "report.reviewed"
        ]
    details = [json.loads(e.details) for e in entries]
    assert sorted((d["from"], d["to"]) for d in details) == [
        ("unverified", "verified"),
        ("verified", "rejected"),
    ]
    assert any(d.get("note") == "called the victim back" for d in details)


def test_a_wrong_status_or_language_is_shown_on_the_page(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    report_id = _post_report(client)
    token = csrf_from(client)
    bad = client.post(
        f"/reports/{report_id}/review", data={"status": "approve", "csrf_token": token}
    )
    assert bad.status_code == 400
    assert 'id="review-error"' in bad.text
    wrong = client.post(
        f"/reports/{report_id}/language?lang=ko", data={"language": "xx-nope", "csrf_token": token}
    )
    assert wrong.status_code == 400
    assert 'id="language-error"' in wrong.text
    assert "목록" in wrong.text
    assert _status(engine, report_id) == ("unverified", "ko")


def test_the_language_is_corrected_from_the_page_and_audited(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    report_id = _post_report(client)
    token = csrf_from(client)
    done = client.post(
        f"/reports/{report_id}/language", data={"language": "km", "csrf_token": token}
    )
    assert done.status_code == 303
    assert _status(engine, report_id)[1] == "km"
    with engine.connect() as conn:
        [entry] = [
            e
            for e in audit_rows.latest_entries(conn, limit=50)
            if e.action == "report.language_corrected"
        ]
    assert json.loads(entry.details) == {"from": "ko", "to": "km"}


def test_people_who_may_see_but_not_review_get_no_forms_and_a_403(
    app: FastAPI, engine: Engine
) -> None:
    owner = _officer(app, engine)
    report_id = _post_report(owner, tlp="GREEN")  # every member agency sees it
    others = [
        _client(app, engine, "analyst@rtp.test", "RTP", Role.ANALYST),
        _client(app, engine, "admin@knpa.test", "KNPA", Role.ADMIN),
    ]
    for client in others:
        page = client.get(f"/reports/{report_id}")
        assert page.status_code == 200
        assert 'id="review-form"' not in page.text
        token = csrf_from(client)
        for path, form in (("review", {"status": "verified"}), ("language", {"language": "en"})):
            response = client.post(
                f"/reports/{report_id}/{path}", data={**form, "csrf_token": token}
            )
            assert response.status_code == 403, path
    assert _status(engine, report_id) == ("unverified", "ko")


def test_an_attachment_downloads_as_a_file_through_the_policy(
    app: FastAPI, engine: Engine, settings: Settings
) -> None:
    client = _officer(app, engine)
    report_id = _post_report(client)
    content = "대화 내보내기 <b>bold</b>\n".encode()
    sha = _attach(client, report_id, content)
    response = client.get(f"/reports/{report_id}/attachments/{sha}")
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["content-disposition"].startswith('attachment; filename="chat.txt"')
    assert response.headers["x-content-type-options"] == "nosniff"
    # The file is where the settings say: one place for the attachments folder.
    assert (settings.attachments_dir / sha[:2] / sha[2:]).read_bytes() == content
    assert client.get(f"/reports/{report_id}/attachments/{'0' * 64}").status_code == 404
    assert client.get(f"/reports/{report_id}/attachments/..%2Fsecret_key").status_code == 404
    other_report = _post_report(client, external_id="KNPA-OTHER")
    assert client.get(f"/reports/{other_report}/attachments/{sha}").status_code == 404


# --- the review queue --------------------------------------------------------------------------


def _queue_world(engine: Engine) -> dict[str, int]:
    """KNPA: 3 public and 2 partner unverified reports, one verified public, one police, one
    RTP public; their ids by external id."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    batch = []
    plan = [
        ("KNPA", "pub-old", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, 0),
        ("KNPA", "pub-mid", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, 1),
        ("KNPA", "pub-new", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, 2),
        ("KNPA", "partner-old", ReportSource.PARTNER, ReviewStatus.UNVERIFIED, 5),
        ("KNPA", "partner-new", ReportSource.PARTNER, ReviewStatus.UNVERIFIED, 6),
        ("KNPA", "pub-done", ReportSource.PUBLIC, ReviewStatus.VERIFIED, 7),
        ("KNPA", "police", ReportSource.POLICE, ReviewStatus.UNVERIFIED, 8),
        ("RTP", "rtp-pub", ReportSource.PUBLIC, ReviewStatus.UNVERIFIED, 9),
    ]
    for agency, external_id, source, status, hours in plan:
        base = report(agency, Tlp.AMBER, hours, start + timedelta(hours=hours))
        batch.append(replace(base, external_id=external_id, source=source, review_status=status))
    with engine.begin() as conn:
        store_reports(conn, batch)
        rows = conn.execute(select(reports.c.external_id, reports.c.id)).all()
    return {row[0]: row[1] for row in rows}


def _listed(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr id="queue-(\d+)"', page)]


def test_the_queue_lists_public_then_partner_reports_newest_first_in_pages(
    app: FastAPI, engine: Engine
) -> None:
    ids = _queue_world(engine)
    client = _officer(app, engine)
    page = client.get("/reports/review")
    assert page.status_code == 200
    expected = [ids[x] for x in ("pub-new", "pub-mid", "pub-old", "partner-new", "partner-old")]
    assert _listed(page.text) == expected
    assert 'id="waiting-public">3<' in page.text
    assert 'id="waiting-partner">2<' in page.text
    # Two at a time: the cursor crosses from public to partner reports.
    from scamlink.web import report_pages

    seen: list[int] = []
    url = "/reports/review"
    original = report_pages.QUEUE_PAGE_SIZE
    report_pages.QUEUE_PAGE_SIZE = 2
    try:
        while True:
            response = client.get(url)
            assert response.status_code == 200
            seen += _listed(response.text)
            more = re.search(r'id="queue-more" href="([^"]+)"', response.text)
            if more is None:
                break
            url = more.group(1).replace("&amp;", "&")
    finally:
        report_pages.QUEUE_PAGE_SIZE = original
    assert seen == expected
    assert client.get("/reports/review?after=nonsense").status_code == 400


def test_verifying_from_the_queue_with_htmx_swaps_the_row(app: FastAPI, engine: Engine) -> None:
    ids = _queue_world(engine)
    client = _officer(app, engine)
    token = csrf_from(client)
    target = ids["pub-new"]
    response = client.post(
        f"/reports/{target}/review",
        data={"status": "verified", "next": "queue"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert response.status_code == 200
    assert f'<tr id="queue-{target}"' in response.text
    assert 'data-status="verified"' in response.text
    assert _status(engine, target)[0] == "verified"
    # Without HTMX the same form goes back to the queue, where the report is gone.
    other = ids["partner-old"]
    back = client.post(
        f"/reports/{other}/review",
        data={"status": "rejected", "next": "queue", "csrf_token": token},
    )
    assert back.status_code == 303
    assert back.headers["location"] == "/reports/review"
    left = _listed(client.get("/reports/review").text)
    assert target not in left
    assert other not in left
    assert len(left) == 3


# --- the upload page (loose ends) ---------------------------------------------------------------


def test_an_upload_page_survives_a_reload_and_speaks_korean(app: FastAPI, engine: Engine) -> None:
    client = _officer(app, engine)
    header = (
        "external_id,received_at,incident_date,victim_country,language,scam_type,loss_amount,"
        "loss_currency,narrative,phones,urls,emails,wallets,bank_accounts,handles,tlp\n"
    )
    row = "R-1,yesterday,,KR,ko,investment,,,story,,,,,,,GREEN\n"
    form = {"csrf_token": csrf_from(client), "format": "csv", "encoding": ""}
    started = client.post(
        "/reports/upload", data=form, files={"file": ("r.csv", (header + row).encode(), "text/csv")}
    )
    assert started.status_code == 303
    job = started.headers["location"]
    deadline = time.monotonic() + 30
    while 'data-done="true"' not in (page := client.get(job + "?lang=ko")).text:
        assert time.monotonic() < deadline, "the upload did not finish"
        time.sleep(0.1)
    # A reload of the job's address shows the whole page again (not the HTMX fragment).
    assert page.status_code == 200
    assert "<html" in page.text
    assert 'id="upload-summary"' in page.text
    assert "ISO 8601 날짜" in page.text
    assert "&#39;yesterday&#39;" in page.text
    english = client.get(job + "?lang=en").text
    assert "not an ISO 8601 date-time: &#39;yesterday&#39;" in english
    fragment = client.get(job, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert 'id="upload-job"' in fragment.text
