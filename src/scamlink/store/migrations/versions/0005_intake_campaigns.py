"""Report source and review status; campaigns as a persisted union-find.

Revision ID: 0005_intake_campaigns
Revises: 0004_web_sessions
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_intake_campaigns"
down_revision = "0004_web_sessions"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(
            sa.Column("source", sa.String(12), nullable=False, server_default="police")
        )
        batch.add_column(
            sa.Column("review_status", sa.String(12), nullable=False, server_default="unverified")
        )
    op.create_table(
        "campaigns",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("report_count", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
    )
    op.create_index("ix_campaigns_report_count", "campaigns", ["report_count"])
    op.create_table(
        "report_campaigns",
        sa.Column("report_id", Id, nullable=False),
        sa.Column("campaign_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("report_id", name="pk_report_campaigns"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_campaigns_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name="fk_report_campaigns_campaign_id_campaigns"
        ),
    )
    op.create_index("ix_report_campaigns_campaign_id", "report_campaigns", ["campaign_id"])
    op.create_table(
        "campaign_redirects",
        sa.Column("old_id", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("new_id", sa.BigInteger, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("old_id", name="pk_campaign_redirects"),
    )
    op.create_index("ix_campaign_redirects_new_id", "campaign_redirects", ["new_id"])


def downgrade() -> None:
    op.drop_table("campaign_redirects")
    op.drop_table("report_campaigns")
    op.drop_table("campaigns")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("review_status")
        batch.drop_column("source")
