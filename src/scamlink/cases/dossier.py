"""The dossier of a case (issue 7, item 7): what a prosecutor or a partner police force receives.

One content, two forms: JSON (`dossier_json`) and PDF (`dossier_pdf`, through
`interop.pdf.render_pdf`). The content is the case *as the exporting viewer sees it*
(`cases.service.view_case`, `cases.evidence.list_evidence`): its summary and person-at-risk
details when shared with the viewer, the people linked (victims and suspects by their reference;
personal data never enters a dossier), the timeline, linked reports, indicators and campaigns,
referrals, the notes the viewer may see, the evidence with SHA-256 hashes and each custody log.

The export itself is recorded — one `exported` custody entry per listed piece of evidence, a
timeline event and an audit entry — and the dossier's own custody log shows it: `export` writes
first and reads after (the JSON); `pending_export` reads with those entries added in memory and
`record` writes them after the slow PDF rendering, in a short transaction (no lock held while
typesetting; a PDF that fails is never recorded).

The PDF's HTML is rendered here, in the domain, from `cases/templates/dossier.html` with a
Jinja2 environment of its own (autoescape on, undefined names fail): the CLI and the web make
the same document, and nothing of the web's layout, scripts or session enters it. Every value
is escaped, so HTML written in a note prints as text; the PDF renderer fetches nothing.
Labels are translated by the `gettext` the caller passes (the web passes the reader's
catalog; the CLI English).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import jinja2
from sqlalchemy import Connection

from scamlink.cases import service
from scamlink.cases.evidence import Action, Evidence, list_evidence, record_export
from scamlink.cases.model import LinkKind
from scamlink.cases.records import case_json, time_json
from scamlink.interop.pdf import render_pdf
from scamlink.sharing.roles import Viewer
from scamlink.store.cases import Event
from scamlink.store.evidence import CustodyEntry

FORMAT = "scamlink-dossier/1"


@dataclass(frozen=True, slots=True)
class Dossier:
    generated_at: datetime
    agency: str | None
    user_id: int | None
    view: service.CaseView
    evidence: list[Evidence]


def build(conn: Connection, viewer: Viewer, case_id: int, now: datetime) -> Dossier:
    """The dossier's content, read only (CaseError 404 for a case the viewer does not see)."""
    view = service.view_case(conn, viewer, case_id, now)
    return Dossier(now, viewer.agency, viewer.user_id, view, list_evidence(conn, viewer, case_id))


def export(conn: Connection, viewer: Viewer, case_id: int, fmt: str, now: datetime) -> Dossier:
    """Record the export (custody, timeline, audit) in the caller's transaction, then read it."""
    listed = list_evidence(conn, viewer, case_id)
    record_export(conn, viewer, case_id, [e.row for e in listed], fmt, now)
    return build(conn, viewer, case_id, now)


def pending_export(
    conn: Connection, viewer: Viewer, case_id: int, fmt: str, now: datetime
) -> Dossier:
    """Read only: the dossier as it reads once its export is recorded (the `exported` custody
    entries and the timeline event added in memory, id 0), so a slow rendering (the PDF) runs
    before anything is written and holds no lock; then `record(…)` in a short transaction."""
    d = build(conn, viewer, case_id, now)
    note = f"dossier ({fmt})"
    evidence = [
        replace(
            e,
            custody=[
                *e.custody,
                CustodyEntry(
                    0,
                    e.row.id,
                    now,
                    viewer.user_id,
                    viewer.agency,
                    Action.EXPORTED.value,
                    None,
                    None,
                    None,
                    note,
                ),
            ],
        )
        for e in d.evidence
    ]
    event = Event(0, now, viewer.user_id, viewer.agency, "dossier", None, None, fmt, viewer.agency)
    view = replace(d.view, events=[*d.view.events, event])
    return replace(d, view=view, evidence=evidence)


def record(conn: Connection, viewer: Viewer, d: Dossier, fmt: str) -> None:
    """Record the export of a dossier made by `pending_export` (the evidence it lists)."""
    record_export(
        conn, viewer, d.view.record.head.id, [e.row for e in d.evidence], fmt, d.generated_at
    )


def _custody_json(e: Evidence) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "at": time_json(c.at),
            "action": c.action,
            "actor_user_id": c.actor_user_id,
            "actor_agency": c.actor_agency,
            "to_agency": c.to_agency,
            "to_person": c.to_person,
            "referral_id": c.referral_id,
            "note": c.note,
        }
        for c in e.custody
    ]


def evidence_json(e: Evidence) -> dict[str, Any]:
    r = e.row
    return {
        "id": r.id,
        "case_id": r.case_id,
        "sha256": r.sha256,
        "size": r.size,
        "media_type": r.media_type,
        "filename": r.filename,
        "description": r.description,
        "tlp": r.tlp.value,
        "agency": r.agency,
        "added_by": r.added_by,
        "added_at": time_json(r.added_at),
        "custody": _custody_json(e),
    }


def dossier_json(d: Dossier) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "generated_at": time_json(d.generated_at),
        "generated_by": {"agency": d.agency, "user_id": d.user_id},
        "case": case_json(d.view, d.generated_at),
        "evidence": [evidence_json(e) for e in d.evidence],
    }


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("scamlink.cases", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _when(at: datetime | None) -> str:
    if at is None:
        return ""
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.strftime("%Y-%m-%d %H:%M UTC")


def _identity(text: str) -> str:
    return text


def dossier_html(
    d: Dossier, gettext: Callable[[str], str] = _identity, language: str = "en"
) -> str:
    """The dossier as one HTML document for the PDF renderer (every value escaped)."""
    links = d.view.links
    return _ENV.get_template("dossier.html").render(
        d=d,
        rec=d.view.record,
        head=d.view.record.head,
        people=[x for x in links if x.kind is LinkKind.VICTIM],
        reports=[x for x in links if x.kind is LinkKind.REPORT],
        indicators=[x for x in links if x.kind is LinkKind.INDICATOR],
        campaigns=[x for x in links if x.kind is LinkKind.CAMPAIGN],
        when=_when,
        _=gettext,
        language=language,
        format=FORMAT,
    )


def dossier_pdf(
    d: Dossier, gettext: Callable[[str], str] = _identity, language: str = "en"
) -> bytes:
    return render_pdf(dossier_html(d, gettext, language))
