"""The dossier (SQLite and PostgreSQL): JSON and PDF of what the exporting agency sees, text in
every script readable back from the PDF, HTML in notes printed as text, the export recorded in
each piece of evidence's custody log and in the audit log."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import Engine

from scamlink.cases import dossier, service
from scamlink.cases import evidence as ev
from scamlink.cases.model import CaseError, CaseKind, NewCase, NewReferral, PersonAtRisk, Status
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.attachments import BlobStore
from scamlink.store.audit import latest_entries

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
KNPA = Viewer("KNPA", Role.ANALYST, 1)
CNP = Viewer("CNP", Role.INVESTIGATOR, 2)
RTP = Viewer("RTP", Role.ANALYST, 3)

KOREAN = "피해자는 캄보디아 단지에 감금되어 있습니다"
THAI = "ผู้เสียหายถูกหลอกให้ลงทุน"
KHMER = "ជនរងគ្រោះត្រូវបានឃុំខ្លួន"
VIETNAMESE = "Nạn nhân bị lừa đảo đầu tư"
HOSTILE = '<script>alert("x")</script><img src="http://127.0.0.1:9/x.png"><b>bold</b>'


def _world(engine: Engine, blobs: BlobStore) -> tuple[int, int]:
    new = NewCase(
        kind=CaseKind.PERSON_AT_RISK,
        title=f"감금 피해 — {THAI}",
        summary=f"{KOREAN}\n{KHMER}\n{VIETNAMESE}",
        nationality="KR",
        country="KH",
        person=PersonAtRisk(province="Preah Sihanouk", compound="Golden Fortune"),
    )
    with engine.begin() as conn:
        case_id = service.create_case(conn, KNPA, new, NOW)
        service.add_note(conn, KNPA, case_id, HOSTILE, Tlp.AMBER, NOW)
        service.add_note(conn, KNPA, case_id, "KNPA only", Tlp.AMBER_STRICT, NOW)
        service.transition(conn, KNPA, case_id, Status.TRIAGED, NOW)
    added = ev.add_evidence(
        engine,
        blobs,
        KNPA,
        case_id,
        filename="통화녹음.png",
        declared="image/png",
        description=THAI,
        marking=Tlp.AMBER,
        chunks=[b"\x89PNG\r\n\x1a\n" + b"\x01" * 40],
        now=NOW,
    )
    return case_id, added.row.id


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_reads_back_in_every_script_with_html_as_text(
    engine: Engine, tmp_path: Path
) -> None:
    blobs = BlobStore(ev.evidence_dir(tmp_path))
    case_id, evidence_id = _world(engine, blobs)
    with engine.begin() as conn:
        content = dossier.export(conn, KNPA, case_id, "pdf", NOW)
    html = dossier.dossier_html(content)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert '<img src="http' not in html
    pdf = dossier.dossier_pdf(content)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    for expected in (KOREAN, THAI, KHMER, VIETNAMESE, "Golden Fortune", "KNPA only"):
        assert expected in text, expected
    # The note's markup is printed as it was written, never rendered.
    assert '<script>alert("x")</script>' in text
    assert "<b>bold</b>" in text
    sha = content.evidence[0].row.sha256
    assert sha in text.replace("\n", "")
    assert [c.action for c in content.evidence[0].custody] == ["uploaded", "exported"]
    assert content.evidence[0].row.id == evidence_id
    with engine.connect() as conn:
        assert latest_entries(conn, limit=1)[0].action == "case.dossier.export"


def test_the_json_has_the_case_the_evidence_and_its_custody(engine: Engine, tmp_path: Path) -> None:
    blobs = BlobStore(ev.evidence_dir(tmp_path))
    case_id, evidence_id = _world(engine, blobs)
    with engine.begin() as conn:
        body = dossier.dossier_json(dossier.export(conn, KNPA, case_id, "json", NOW))
    assert body["format"] == dossier.FORMAT
    assert body["generated_by"] == {"agency": "KNPA", "user_id": 1}
    assert body["case"]["id"] == case_id
    assert body["case"]["summary"].startswith(KOREAN)
    assert [n["body"] for n in body["case"]["notes"]] == [HOSTILE, "KNPA only"]
    assert "dossier" in [e["action"] for e in body["case"]["events"]]
    (item,) = body["evidence"]
    assert item["id"] == evidence_id
    assert item["filename"] == "통화녹음.png"
    assert len(item["sha256"]) == 64
    assert [c["action"] for c in item["custody"]] == ["uploaded", "exported"]
    assert item["custody"][1]["note"] == "dossier (json)"


def test_the_pdf_path_renders_first_and_records_after(engine: Engine, tmp_path: Path) -> None:
    blobs = BlobStore(ev.evidence_dir(tmp_path))
    case_id, _ = _world(engine, blobs)
    with engine.connect() as conn:
        pending = dossier.pending_export(conn, KNPA, case_id, "pdf", NOW)
    # The document lists its own export before anything is written …
    assert [c.action for c in pending.evidence[0].custody] == ["uploaded", "exported"]
    assert pending.view.events[-1].action == "dossier"
    assert "dossier (pdf)" in _text(dossier.dossier_pdf(pending))
    with engine.connect() as conn:
        (stored,) = ev.list_evidence(conn, KNPA, case_id)
    assert [c.action for c in stored.custody] == ["uploaded"]
    # … and the record written afterwards says the same.
    with engine.begin() as conn:
        dossier.record(conn, KNPA, pending, "pdf")
    with engine.connect() as conn:
        (stored,) = ev.list_evidence(conn, KNPA, case_id)
        assert latest_entries(conn, limit=1)[0].action == "case.dossier.export"
    assert [(c.action, c.note) for c in stored.custody] == [
        ("uploaded", stored.custody[0].note),
        ("exported", "dossier (pdf)"),
    ]


def test_a_recipient_exports_only_the_referred_part(engine: Engine, tmp_path: Path) -> None:
    blobs = BlobStore(ev.evidence_dir(tmp_path))
    case_id, _ = _world(engine, blobs)
    with engine.begin() as conn:
        referral_id = service.refer(
            conn,
            KNPA,
            case_id,
            NewReferral("CNP", KHMER, "km", Tlp.AMBER, include_details=False),
            NOW,
        )
        service.respond(conn, CNP, referral_id, accept=True, now=NOW)
    with engine.begin() as conn:
        content = dossier.export(conn, CNP, case_id, "pdf", NOW)
    text = _text(dossier.dossier_pdf(content))
    assert KOREAN not in text  # the summary was not referred
    assert "KNPA only" not in text
    assert '<script>alert("x")</script>' in text  # AMBER notes reach the case's agencies
    assert content.evidence == []  # nothing was handed over with the referral
    with engine.begin() as conn, pytest.raises(CaseError) as hidden:
        dossier.export(conn, RTP, case_id, "pdf", NOW)
    assert hidden.value.status == 404
