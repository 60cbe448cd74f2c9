"""Lookup: partners' blocklists imported as listings; the public query log (hash prefixes only).

Revision ID: 0008_lookup
Revises: 0007_merge
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_lookup"
down_revision = "0007_merge"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "indicator_listings",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("indicator_id", Id, nullable=False),
        sa.Column("list_source", sa.String(100), nullable=False),
        sa.Column("agency", sa.String(16), nullable=False),
        sa.Column("tlp", sa.String(12), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_indicator_listings"),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name="fk_indicator_listings_indicator_id_indicators",
        ),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name="fk_indicator_listings_agency_agencies"
        ),
        sa.UniqueConstraint(
            "indicator_id",
            "list_source",
            "agency",
            name="uq_indicator_listings_indicator_id_list_source_agency",
        ),
    )
    op.create_index("ix_indicator_listings_indicator_id", "indicator_listings", ["indicator_id"])
    op.create_index("ix_indicator_listings_listed_at", "indicator_listings", ["listed_at"])
    op.create_table(
        "lookup_query_log",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(5), nullable=False),
        sa.Column("verdict", sa.String(16)),
        sa.PrimaryKeyConstraint("id", name="pk_lookup_query_log"),
    )
    op.create_index("ix_lookup_query_log_at", "lookup_query_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_lookup_query_log_at", "lookup_query_log")
    op.drop_table("lookup_query_log")
    op.drop_index("ix_indicator_listings_listed_at", "indicator_listings")
    op.drop_index("ix_indicator_listings_indicator_id", "indicator_listings")
    op.drop_table("indicator_listings")
