"""Editing address labels: every change stored with its audit entry in one transaction.

Who may: reading labels — every agency's staff (not partners, not the public); adding, changing
and deleting — analysts and investigators, and only the labels their own agency created (the
operator's CLI may replace any, `replace_others`). A TagPack import is one audit entry with its
counts; a single edit is one entry naming the address and what it became.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection

from scamlink.sharing.audit import Actor, actor_of, record
from scamlink.sharing.roles import Role, Viewer
from scamlink.store.labels import LabelRow, UpsertCounts, delete_label, get_label, upsert_labels
from scamlink.tracing.model import Chain, Label

READ_ROLES = frozenset({Role.ADMIN, Role.ANALYST, Role.INVESTIGATOR, Role.DESK_OFFICER})
EDIT_ROLES = frozenset({Role.ANALYST, Role.INVESTIGATOR})


class LabelRefused(ValueError):
    """The viewer may not make this change; `status` is the HTTP answer it deserves."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


def may_read(viewer: Viewer) -> bool:
    return viewer.agency is not None and viewer.role in READ_ROLES


def may_edit(viewer: Viewer) -> bool:
    return viewer.agency is not None and viewer.role in EDIT_ROLES


def label_json(row: LabelRow) -> dict[str, object]:
    x = row.label
    return {
        "chain": x.chain.value,
        "address": x.address,
        "label": x.label,
        "category": x.category.value,
        "source": x.source,
        "confidence": x.confidence,
        "verified": x.verified,
        "is_service": x.is_service,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def import_labels(
    conn: Connection,
    labels: Sequence[Label],
    *,
    agency: str,
    actor: Actor,
    source_name: str,
    replace_others: bool = False,
    now: datetime | None = None,
) -> UpsertCounts:
    """Store a TagPack's labels for `agency` (in the caller's transaction), audited."""
    counts = upsert_labels(conn, labels, agency, now, replace_others=replace_others)
    record(
        conn,
        actor,
        "labels.import",
        f"tagpack:{source_name}",
        {
            "agency": agency,
            "tags": len(labels),
            "added": counts.added,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "refused": len(counts.refused),
        },
        subject_agency=agency,
    )
    return counts


def save_label(conn: Connection, viewer: Viewer, label: Label) -> tuple[LabelRow, bool]:
    """Add or change one label as `viewer`; the stored row and whether it is new."""
    if not may_edit(viewer) or viewer.agency is None:
        raise LabelRefused("only analysts and investigators of an agency may edit labels")
    old = get_label(conn, label.chain, label.address)
    if old is not None and old.created_by != viewer.agency:
        raise LabelRefused(f"this label belongs to {old.created_by}; only they may change it")
    now = datetime.now(UTC)
    upsert_labels(conn, [label], viewer.agency, now)
    row = get_label(conn, label.chain, label.address)
    assert row is not None
    record(
        conn,
        actor_of(viewer),
        "label.save",
        f"label:{label.chain.value}:{label.address}",
        {
            "new": old is None,
            "label": label.label,
            "category": label.category.value,
            "confidence": label.confidence,
            "verified": label.verified,
            "before": None if old is None else old.label.label,
        },
        subject_agency=viewer.agency,
    )
    return row, old is None


def remove_label(conn: Connection, viewer: Viewer, chain: Chain, address: str) -> LabelRow:
    if not may_edit(viewer) or viewer.agency is None:
        raise LabelRefused("only analysts and investigators of an agency may edit labels")
    old = get_label(conn, chain, address)
    if old is None:
        raise LabelRefused(f"no label for {address} on {chain.value}", status=404)
    if old.created_by != viewer.agency:
        raise LabelRefused(f"this label belongs to {old.created_by}; only they may delete it")
    delete_label(conn, chain, address)
    record(
        conn,
        actor_of(viewer),
        "label.delete",
        f"label:{chain.value}:{address}",
        {"label": old.label.label, "category": old.label.category.value},
        subject_agency=viewer.agency,
    )
    return old
