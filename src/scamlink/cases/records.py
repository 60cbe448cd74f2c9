"""Cases as JSON: what the API answers and `scamlink cases … ` prints (one shape for both)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scamlink.cases.deadlines import is_overdue
from scamlink.cases.model import CaseHead
from scamlink.cases.service import CaseView
from scamlink.store.cases import Referral


def as_utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def time_json(at: datetime | None) -> str | None:
    aware = as_utc(at)
    return None if aware is None else aware.isoformat()


def head_json(head: CaseHead, now: datetime) -> dict[str, Any]:
    return {
        "id": head.id,
        "kind": head.kind.value,
        "title": head.title,
        "owner_agency": head.owner_agency,
        "priority": head.priority.value,
        "status": head.status.value,
        "tlp": head.tlp.value,
        "nationality": head.nationality,
        "country": head.country,
        "next_due": time_json(head.next_due),
        "overdue": is_overdue(head.next_due, now),
    }


def referral_json(r: Referral) -> dict[str, Any]:
    return {
        "id": r.id,
        "case_id": r.case_id,
        "from_agency": r.from_agency,
        "to_agency": r.to_agency,
        "message": r.message,
        "language": r.language,
        "translation": r.translation,
        "translation_language": r.translation_language,
        "tlp": r.tlp.value,
        "include_details": r.include_details,
        "link_ids": sorted(r.link_ids),
        "status": r.status.value,
        "reason": r.reason,
        "created_at": time_json(r.created_at),
        "respond_by": time_json(r.respond_by),
        "responded_at": time_json(r.responded_at),
    }


def case_json(view: CaseView, now: datetime) -> dict[str, Any]:
    rec = view.record
    p = rec.person
    return {
        **head_json(rec.head, now),
        "access": view.access.value,
        "summary": rec.summary,
        "details_shared": view.details,
        "person": {
            "province": p.province,
            "compound": p.compound,
            "latitude": None if p.latitude is None else str(p.latitude),
            "longitude": None if p.longitude is None else str(p.longitude),
            "last_contact_at": time_json(p.last_contact_at),
            "recruitment": p.recruitment,
        },
        "target": rec.target,
        "assignee_user_id": rec.assignee_user_id,
        "created_at": time_json(rec.created_at),
        "first_response_due": time_json(rec.first_response_due),
        "first_response_at": time_json(rec.first_response_at),
        "next_update_due": time_json(rec.next_update_due),
        "moves": [s.value for s in view.moves],
        "links": [
            {
                "id": link.id,
                "kind": link.kind.value,
                "target_id": link.target_id,
                "role": link.role.value,
                "label": link.label,
            }
            for link in view.links
        ],
        "events": [
            {
                "id": e.id,
                "at": time_json(e.at),
                "actor_user_id": e.actor_user_id,
                "actor_agency": e.actor_agency,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "message": e.message,
            }
            for e in view.events
        ],
        "referrals": [referral_json(r) for r in view.referrals],
        "notes": [
            {
                "id": n.id,
                "agency": n.agency,
                "author_user_id": n.author_user_id,
                "tlp": n.tlp.value,
                "body": n.body,
                "created_at": time_json(n.created_at),
            }
            for n in view.notes
        ],
        "tasks": [
            {
                "id": t.id,
                "title": t.title,
                "due_at": time_json(t.due_at),
                "done_at": time_json(t.done_at),
            }
            for t in view.tasks
        ],
    }
