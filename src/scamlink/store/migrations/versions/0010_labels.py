"""Tracing: address labels (GraphSense-style tags; services stop a trace).

Revision ID: 0010_labels
Revises: 0009_merge
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_labels"
down_revision = "0009_merge"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "address_labels",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("chain", sa.String(8), nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_address_labels"),
        sa.ForeignKeyConstraint(
            ["created_by"], ["agencies.code"], name="fk_address_labels_created_by_agencies"
        ),
        sa.UniqueConstraint("chain", "address", name="uq_address_labels_chain_address"),
    )


def downgrade() -> None:
    op.drop_table("address_labels")
