"""Join the three branches developed side by side: identity/audit, markings, victims.

Revision ID: 0003_merge
Revises: 0002_identity_audit, 0002_markings, 0002_victims
Create Date: 2026-11-28
"""

from __future__ import annotations

revision = "0003_merge"
down_revision = ("0002_identity_audit", "0002_markings", "0002_victims")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
