"""Domain model v1: agencies, users, reports, indicators, sightings.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("languages", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_agencies"),
    )
    op.create_table(
        "users",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("agency", sa.String(16), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.ForeignKeyConstraint(["agency"], ["agencies.code"], name="fk_users_agency_agencies"),
    )
    op.create_table(
        "reports",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("agency", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("incident_date", sa.Date()),
        sa.Column("victim_country", sa.String(2), nullable=False),
        sa.Column("language", sa.String(12), nullable=False),
        sa.Column("scam_type", sa.String(32), nullable=False),
        sa.Column("loss_amount", sa.Numeric(24, 6)),
        sa.Column("loss_currency", sa.String(8)),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("tlp", sa.String(12), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("agency", "external_id", name="uq_reports_agency_external_id"),
        sa.ForeignKeyConstraint(["agency"], ["agencies.code"], name="fk_reports_agency_agencies"),
    )
    op.create_index("ix_reports_agency_tlp", "reports", ["agency", "tlp"])
    op.create_index("ix_reports_received_at", "reports", ["received_at"])
    op.create_table(
        "indicators",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("value", sa.String(2048), nullable=False),
        sa.Column("display", sa.String(2048), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_indicators"),
        sa.UniqueConstraint("type", "value", name="uq_indicators_type_value"),
    )
    op.create_table(
        "sightings",
        sa.Column("report_id", Id, nullable=False),
        sa.Column("indicator_id", Id, nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.PrimaryKeyConstraint("report_id", "indicator_id", name="pk_sightings"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_sightings_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name="fk_sightings_indicator_id_indicators"
        ),
    )
    op.create_index("ix_sightings_indicator_id", "sightings", ["indicator_id"])


def downgrade() -> None:
    op.drop_table("sightings")
    op.drop_table("indicators")
    op.drop_table("reports")
    op.drop_table("users")
    op.drop_table("agencies")
