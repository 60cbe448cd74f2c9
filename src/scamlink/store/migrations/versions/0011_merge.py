"""Join the evidence, labels, lookup-deltas, notifications and transfers branches.

Revision ID: 0011_merge
Revises: 0010_evidence, 0010_labels, 0010_lookup_deltas, 0010_notifications, 0010_transfers
Create Date: 2026-11-29
"""

from __future__ import annotations

revision = "0011_merge"
down_revision = (
    "0010_evidence",
    "0010_labels",
    "0010_lookup_deltas",
    "0010_notifications",
    "0010_transfers",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
