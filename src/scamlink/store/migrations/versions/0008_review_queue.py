"""The review queue's index: an agency's reports by review status and source, newest first.

Revision ID: 0008_review_queue
Revises: 0007_merge
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0008_review_queue"
down_revision = "0007_merge"
branch_labels = None
depends_on = None

INDEX = "ix_reports_agency_review_status_source_received_at_id"


def upgrade() -> None:
    op.create_index(INDEX, "reports", ["agency", "review_status", "source", "received_at", "id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="reports")
