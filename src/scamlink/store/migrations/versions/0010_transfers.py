"""Tracing: on-chain transfers (TRON, Ethereum, Bitcoin outputs) and Bitcoin inputs.

Amounts are exact: NUMERIC on PostgreSQL, the decimal's text on SQLite (SQLite's NUMERIC
affinity would turn them into binary floats). Timestamps are UTC.

Revision ID: 0010_transfers
Revises: 0009_merge
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_transfers"
down_revision = "0009_merge"
branch_labels = None
depends_on = None

Amount = sa.Numeric().with_variant(sa.Text(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "transfers",
        sa.Column("chain", sa.String(8), nullable=False),
        sa.Column("tx_hash", sa.String(100), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("block", sa.BigInteger()),
        sa.Column("from_address", sa.String(100), nullable=False),
        sa.Column("to_address", sa.String(100), nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("token_contract", sa.String(100), nullable=False),
        sa.Column("amount", Amount, nullable=False),
        sa.PrimaryKeyConstraint("chain", "tx_hash", "idx", name="pk_transfers"),
    )
    op.create_index(
        "ix_transfers_chain_from_address_token_ts",
        "transfers",
        ["chain", "from_address", "token", "ts"],
    )
    op.create_index(
        "ix_transfers_chain_to_address_token_ts",
        "transfers",
        ["chain", "to_address", "token", "ts"],
    )
    op.create_table(
        "btc_inputs",
        sa.Column("tx_hash", sa.String(100), nullable=False),
        sa.Column("vin", sa.Integer(), nullable=False),
        sa.Column("prev_tx", sa.String(100), nullable=False),
        sa.Column("prev_index", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("value", Amount, nullable=False),
        sa.PrimaryKeyConstraint("tx_hash", "vin", name="pk_btc_inputs"),
    )
    op.create_index("ix_btc_inputs_prev_tx_prev_index", "btc_inputs", ["prev_tx", "prev_index"])


def downgrade() -> None:
    op.drop_index("ix_btc_inputs_prev_tx_prev_index", "btc_inputs")
    op.drop_table("btc_inputs")
    op.drop_index("ix_transfers_chain_to_address_token_ts", "transfers")
    op.drop_index("ix_transfers_chain_from_address_token_ts", "transfers")
    op.drop_table("transfers")
