"""Per-indicator figures for linking reports into campaigns (hubs, warninglisted values).

Revision ID: 0006_linking
Revises: 0005_intake_campaigns
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_linking"
down_revision = "0005_intake_campaigns"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "indicator_stats",
        sa.Column("indicator_id", Id, nullable=False),
        sa.Column("report_count", sa.Integer, nullable=False),
        sa.Column("agency_count", sa.Integer, nullable=False),
        sa.Column("agencies", sa.String(1000), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_hub", sa.Boolean, nullable=False),
        sa.Column("warninglist", sa.String(100)),
        sa.PrimaryKeyConstraint("indicator_id", name="pk_indicator_stats"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name="fk_indicator_stats_indicator_id_indicators",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("indicator_stats")
