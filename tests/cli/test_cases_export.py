"""`scamlink cases export ID --pdf FILE | --json`: the dossier from the command line, recorded in
the evidence's custody log; refusals as one line and exit 2."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pypdf
from sqlalchemy import Engine

from scamlink.cases import evidence as ev
from scamlink.cases import service
from scamlink.cases.model import CaseKind, NewCase
from scamlink.config import Settings
from scamlink.sharing.roles import Role, Viewer
from scamlink.sharing.tlp import Tlp
from scamlink.store.attachments import BlobStore
from tests.cli.conftest import Invoke
from tests.factories import add_user

NOW = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def _case(engine: Engine, settings: Settings) -> int:
    user_id = add_user(engine, "a@knpa.test", "KNPA", Role.ANALYST)
    add_user(engine, "a@rtp.test", "RTP", Role.ANALYST)
    viewer = Viewer("KNPA", Role.ANALYST, user_id)
    with engine.begin() as conn:
        case_id = service.create_case(
            conn,
            viewer,
            NewCase(kind=CaseKind.FINANCIAL_LOSS, title="투자 사기 — การหลอกลงทุน"),
            NOW,
        )
    ev.add_evidence(
        engine,
        BlobStore(ev.evidence_dir(settings.data_dir)),
        viewer,
        case_id,
        filename="receipt.pdf",
        declared="application/pdf",
        description="",
        marking=Tlp.AMBER,
        chunks=[b"%PDF-1.4\n% receipt\n"],
        now=NOW,
    )
    return case_id


def test_export_pdf_and_json(
    invoke: Invoke, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    case_id = str(_case(engine, settings))
    target = tmp_path / "dossier.pdf"
    made = invoke("cases", "export", case_id, "--as", "a@knpa.test", "--pdf", str(target))
    assert made.exit_code == 0, made.output
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "투자 사기 — การหลอกลงทุน" in text
    assert "receipt.pdf" in text
    printed = invoke("cases", "export", case_id, "--as", "a@knpa.test", "--json")
    assert printed.exit_code == 0, printed.output
    body = json.loads(printed.stdout)
    (item,) = body["evidence"]
    assert [c["note"] for c in item["custody"] if c["action"] == "exported"] == [
        "dossier (pdf)",
        "dossier (json)",
    ]


def test_refusals_are_one_line(invoke: Invoke, engine: Engine, settings: Settings) -> None:
    case_id = str(_case(engine, settings))
    both = invoke("cases", "export", case_id, "--as", "a@knpa.test")
    assert both.exit_code == 2
    assert "choose one of --pdf FILE or --json" in both.stderr
    hidden = invoke("cases", "export", case_id, "--as", "a@rtp.test", "--json")
    assert hidden.exit_code == 2
    assert hidden.stderr.strip() == "error: no such case"
    unwritable = invoke(
        "cases", "export", case_id, "--as", "a@knpa.test", "--pdf", "/nonexistent/dir/x.pdf"
    )
    assert unwritable.exit_code == 2
    assert "--pdf: cannot write" in unwritable.stderr
    # Nothing left the system: no export was recorded.
    printed = invoke("cases", "export", case_id, "--as", "a@knpa.test", "--json")
    (item,) = json.loads(printed.stdout)["evidence"]
    assert [c["note"] for c in item["custody"] if c["action"] == "exported"] == ["dossier (json)"]
