"""Join the intake API and linking branches developed side by side.

Revision ID: 0007_merge
Revises: 0006_intake_api, 0006_linking
Create Date: 2026-11-28
"""

from __future__ import annotations

revision = "0007_merge"
down_revision = ("0006_intake_api", "0006_linking")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
