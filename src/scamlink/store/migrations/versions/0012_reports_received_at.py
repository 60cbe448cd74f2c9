"""Reports: drop the index on received_at alone. Every query on received_at (ranges, newest
first) is served as well by ix_reports_received_at_id, on (received_at, id), and each stored
report paid for both.

Revision ID: 0012_reports_received_at
Revises: 0011_merge
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0012_reports_received_at"
down_revision = "0011_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_reports_received_at", table_name="reports")


def downgrade() -> None:
    op.create_index("ix_reports_received_at", "reports", ["received_at"])
