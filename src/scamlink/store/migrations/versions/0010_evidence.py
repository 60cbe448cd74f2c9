"""Evidence of cases: the files' rows (written once), the evidence handed over with referrals and
the chain of custody (append-only: the database refuses to change or remove an entry).

Revision ID: 0010_evidence
Revises: 0009_merge
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_evidence"
down_revision = "0009_merge"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER evidence_written_once BEFORE UPDATE ON case_evidence BEGIN
        SELECT RAISE(ABORT, 'case_evidence rows are written once');
    END
    """,
    """
    CREATE TRIGGER evidence_custody_no_update BEFORE UPDATE ON evidence_custody BEGIN
        SELECT RAISE(ABORT, 'evidence_custody is append-only');
    END
    """,
    """
    CREATE TRIGGER evidence_custody_no_delete BEFORE DELETE ON evidence_custody BEGIN
        SELECT RAISE(ABORT, 'evidence_custody is append-only');
    END
    """,
)
# TRUNCATE (the tests' emptying between tests) fires no row trigger.
_POSTGRES_TRIGGERS = (
    """
    CREATE FUNCTION evidence_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
    END
    $$
    """,
    """
    CREATE TRIGGER evidence_written_once BEFORE UPDATE ON case_evidence
    FOR EACH ROW EXECUTE FUNCTION evidence_refuse_change()
    """,
    """
    CREATE TRIGGER evidence_custody_append_only BEFORE UPDATE OR DELETE ON evidence_custody
    FOR EACH ROW EXECUTE FUNCTION evidence_refuse_change()
    """,
)


def upgrade() -> None:
    op.create_table(
        "case_evidence",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("case_id", Id, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tlp", sa.String(length=12), nullable=False),
        sa.Column("agency", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency"], ["agencies.code"], name=op.f("fk_case_evidence_agency_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_evidence_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_evidence")),
        sa.UniqueConstraint("case_id", "sha256", name=op.f("uq_case_evidence_case_id_sha256")),
    )
    op.create_table(
        "referral_evidence",
        sa.Column("referral_id", Id, nullable=False),
        sa.Column("evidence_id", Id, nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["case_evidence.id"],
            name=op.f("fk_referral_evidence_evidence_id_case_evidence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_evidence_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "evidence_id", name=op.f("pk_referral_evidence")),
    )
    op.create_index(
        op.f("ix_referral_evidence_evidence_id"),
        "referral_evidence",
        ["evidence_id"],
        unique=False,
    )
    op.create_table(
        "evidence_custody",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("evidence_id", Id, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_agency", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("to_agency", sa.String(length=16), nullable=True),
        sa.Column("to_person", sa.String(length=200), nullable=True),
        sa.Column("referral_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["case_evidence.id"],
            name=op.f("fk_evidence_custody_evidence_id_case_evidence"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_custody")),
    )
    op.create_index(
        op.f("ix_evidence_custody_evidence_id_id"),
        "evidence_custody",
        ["evidence_id", "id"],
        unique=False,
    )
    triggers = (
        _POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS
    )
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evidence_custody_append_only ON evidence_custody")
        op.execute("DROP TRIGGER IF EXISTS evidence_written_once ON case_evidence")
        op.execute("DROP FUNCTION IF EXISTS evidence_refuse_change()")
    else:
        for name in ("evidence_custody_no_delete", "evidence_custody_no_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TRIGGER IF EXISTS evidence_written_once")
    op.drop_index(op.f("ix_evidence_custody_evidence_id_id"), table_name="evidence_custody")
    op.drop_table("evidence_custody")
    op.drop_index(op.f("ix_referral_evidence_evidence_id"), table_name="referral_evidence")
    op.drop_table("referral_evidence")
    op.drop_table("case_evidence")
