"""An officer's judgement of a report and their correction of its language, for every shell.

The JSON API (`POST /api/v1/reports/{id}/review`, `PATCH …/language`) and the report page's
forms both call these functions, so who may act and what is recorded are decided once: the
officers (analysts, investigators, desk officers) of the agency that owns the report, never
partners or admins; each change is written with its audit entry in one transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from scamlink.reports.language import normalise_language
from scamlink.reports.model import ReviewStatus
from scamlink.sharing.audit import actor_of, record
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.intake import ReportHead, set_language, set_review_status
from scamlink.store.lookup import record_report_changes

# People who judge and correct a report: the owner agency's officers, not partners or admins.
OFFICERS = frozenset({Role.ANALYST, Role.INVESTIGATOR, Role.DESK_OFFICER})
REVIEWABLE = (ReviewStatus.VERIFIED, ReviewStatus.REJECTED)
MAX_NOTE = 1000


def may_review(viewer: Viewer, owner: str) -> bool:
    """Whether the viewer may verify, reject or correct the language of `owner`'s reports."""
    return viewer.agency == owner and viewer.role in OFFICERS


def reviewable_status(value: object) -> ReviewStatus | None:
    """`verified` or `rejected` (any case) as a status; None for anything else."""
    if not isinstance(value, str) or value.lower() not in {s.value for s in REVIEWABLE}:
        return None
    return ReviewStatus(value.lower())


def language_code(value: object) -> str | None:
    """The ISO 639 code an officer typed or chose, normalised; None when it is not one."""
    return normalise_language(value) if isinstance(value, str) else None


def review(
    engine: Engine, viewer: Viewer, head: ReportHead, status: ReviewStatus, note: Any = None
) -> None:
    """Mark the report verified or rejected, audited (`report.reviewed`, from → to, note).
    The caller has checked `may_review` on the report it was allowed to see."""
    details = {"from": head.review_status.value, "to": status.value}
    if isinstance(note, str) and note.strip():
        details["note"] = note.strip()[:MAX_NOTE]
    with engine.begin() as conn:
        set_review_status(conn, head.id, status)
        record_report_changes(conn, [head.id], "review")  # the lookup takes it in (~0.2 s)
        record(
            conn,
            actor_of(viewer),
            "report.reviewed",
            f"report:{head.id}",
            details,
            subject_agency=head.agency,
        )


def correct_language(engine: Engine, viewer: Viewer, head: ReportHead, language: str) -> None:
    """Set the narrative's language, audited (`report.language_corrected`, from → to)."""
    with engine.begin() as conn:
        set_language(conn, head.id, language)
        record(
            conn,
            actor_of(viewer),
            "report.language_corrected",
            f"report:{head.id}",
            {"from": head.language, "to": language},
            subject_agency=head.agency,
        )
