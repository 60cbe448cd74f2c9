"""Markings: sharing groups, AMBER releases, RED recipients, partner caps, agency settings.

Revision ID: 0002_markings
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_markings"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sharing_groups",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_groups"),
        sa.UniqueConstraint("name", name="uq_sharing_groups_name"),
    )
    op.create_table(
        "sharing_group_members",
        sa.Column("group_id", sa.String(40), nullable=False),
        sa.Column("agency", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "agency", name="pk_sharing_group_members"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["sharing_groups.id"],
            name="fk_sharing_group_members_group_id_sharing_groups",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_sharing_group_members_agency_agencies"
        ),
    )
    op.create_index("ix_sharing_group_members_agency", "sharing_group_members", ["agency"])
    op.create_table(
        "report_agency_releases",
        sa.Column("report_id", Id, nullable=False),
        sa.Column("agency", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("report_id", "agency", name="pk_report_agency_releases"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_agency_releases_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_report_agency_releases_agency_agencies"
        ),
    )
    op.create_index("ix_report_agency_releases_agency", "report_agency_releases", ["agency"])
    op.create_table(
        "report_group_releases",
        sa.Column("report_id", Id, nullable=False),
        sa.Column("group_id", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("report_id", "group_id", name="pk_report_group_releases"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_group_releases_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["sharing_groups.id"],
            name="fk_report_group_releases_group_id_sharing_groups",
        ),
    )
    op.create_index("ix_report_group_releases_group_id", "report_group_releases", ["group_id"])
    op.create_table(
        "report_recipients",
        sa.Column("report_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("report_id", "user_id", name="pk_report_recipients"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_recipients_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_report_recipients_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_report_recipients_user_id", "report_recipients", ["user_id"])
    op.create_table(
        "partner_caps",
        sa.Column("owner", sa.String(16), nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("max_tlp", sa.String(12), nullable=False),
        sa.PrimaryKeyConstraint("owner", "user_id", name="pk_partner_caps"),
        sa.ForeignKeyConstraint(
            ["owner"], ["agencies.code"], name="fk_partner_caps_owner_agencies"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_partner_caps_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_partner_caps_user_id", "partner_caps", ["user_id"])
    op.create_table(
        "agency_settings",
        sa.Column("agency", sa.String(16), nullable=False),
        sa.Column("disclose_hidden_counts", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("agency", name="pk_agency_settings"),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_agency_settings_agency_agencies"
        ),
    )
    op.create_index("ix_reports_received_at_id", "reports", ["received_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_reports_received_at_id", table_name="reports")
    op.drop_table("agency_settings")
    op.drop_table("partner_caps")
    op.drop_table("report_recipients")
    op.drop_table("report_group_releases")
    op.drop_table("report_agency_releases")
    op.drop_table("sharing_group_members")
    op.drop_table("sharing_groups")
