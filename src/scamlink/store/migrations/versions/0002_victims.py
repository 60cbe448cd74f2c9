"""Victims: encrypted personal data, links to reports, keyed pseudonyms.

Revision ID: 0002_victims
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_victims"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PERSONAL_FIELDS = (
    "name",
    "date_of_birth",
    "nationality",
    "id_number",
    "phone",
    "address",
    "family_contact",
)


def upgrade() -> None:
    op.create_table(
        "victims",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("ref", sa.String(36), nullable=False),
        sa.Column("agency", sa.String(16), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *(sa.Column(name, sa.LargeBinary()) for name in PERSONAL_FIELDS),
        sa.PrimaryKeyConstraint("id", name="pk_victims"),
        sa.UniqueConstraint("ref", name="uq_victims_ref"),
        sa.ForeignKeyConstraint(["agency"], ["agencies.code"], name="fk_victims_agency_agencies"),
    )
    op.create_index("ix_victims_agency_key_version", "victims", ["agency", "key_version"])
    op.create_table(
        "report_victims",
        sa.Column("report_id", Id, nullable=False),
        sa.Column("victim_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("report_id", "victim_id", name="pk_report_victims"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_victims_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name="fk_report_victims_victim_id_victims",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_report_victims_victim_id", "report_victims", ["victim_id"])
    op.create_table(
        "victim_pseudonyms",
        sa.Column("victim_id", Id, nullable=False),
        sa.Column("sharing_group", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint(
            "victim_id", "sharing_group", "kind", "token", name="pk_victim_pseudonyms"
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name="fk_victim_pseudonyms_victim_id_victims",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_victim_pseudonyms_agency_agencies"
        ),
    )
    op.create_index("ix_victim_pseudonyms_token", "victim_pseudonyms", ["token"])


def downgrade() -> None:
    op.drop_table("victim_pseudonyms")
    op.drop_table("report_victims")
    op.drop_table("victims")
