"""Join the lookup, cases and review-queue branches developed side by side.

Revision ID: 0009_merge
Revises: 0008_lookup, 0008_cases, 0008_review_queue
Create Date: 2026-11-29
"""

from __future__ import annotations

revision = "0009_merge"
down_revision = ("0008_lookup", "0008_cases", "0008_review_queue")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
