"""Idempotency keys of API calls; attachments stored by content.

Revision ID: 0006_intake_api
Revises: 0005_intake_campaigns
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_intake_api"
down_revision = "0005_intake_campaigns"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("agency", sa.String(16), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency", "key", name="pk_idempotency_keys"),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_idempotency_keys_agency_agencies"
        ),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_attachments"),
    )
    op.create_table(
        "report_attachments",
        sa.Column("report_id", Id, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("report_id", "sha256", name="pk_report_attachments"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_attachments_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["attachments.sha256"], name="fk_report_attachments_sha256_attachments"
        ),
    )
    op.create_index("ix_report_attachments_sha256", "report_attachments", ["sha256"])


def downgrade() -> None:
    op.drop_table("report_attachments")
    op.drop_table("attachments")
    op.drop_table("idempotency_keys")
