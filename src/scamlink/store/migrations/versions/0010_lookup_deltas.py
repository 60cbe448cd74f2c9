"""Lookup: the log of changes the report and listing ids cannot show (review decisions, withdrawn
listings), so the live index and the blocklist's deltas take them in by a range scan.

Revision ID: 0010_lookup_deltas
Revises: 0009_merge
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_lookup_deltas"
down_revision = "0009_merge"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "lookup_changes",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("indicator_id", Id, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cause", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lookup_changes"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name="fk_lookup_changes_indicator_id_indicators",
        ),
    )
    op.create_index("ix_lookup_changes_at", "lookup_changes", ["at"])


def downgrade() -> None:
    op.drop_index("ix_lookup_changes_at", "lookup_changes")
    op.drop_table("lookup_changes")
