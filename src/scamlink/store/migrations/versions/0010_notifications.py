"""Notifications of cases (webhooks and e-mail, an outbox written with the case change) and the
board's counts per agency and per desk (kept by triggers in the transaction of every case
change).

Revision ID: 0010_notifications
Revises: 0009_merge
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_notifications"
down_revision = "0009_merge"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The counts of store/case_board.py: one row per (owner, status, priority, kind), changed by the
# database itself whenever a case is inserted, moved, re-prioritised or deleted, so that no
# writer (the service, a bulk load, a fix by hand) can leave them behind.
_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER case_counts_insert AFTER INSERT ON cases BEGIN
        INSERT INTO case_status_counts (owner_agency, status, priority, kind, cases)
        VALUES (NEW.owner_agency, NEW.status, NEW.priority, NEW.kind, 1)
        ON CONFLICT (owner_agency, status, priority, kind) DO UPDATE SET cases = cases + 1;
    END
    """,
    """
    CREATE TRIGGER case_counts_update
    AFTER UPDATE OF owner_agency, status, priority, kind ON cases
    WHEN OLD.owner_agency IS NOT NEW.owner_agency OR OLD.status IS NOT NEW.status
        OR OLD.priority IS NOT NEW.priority OR OLD.kind IS NOT NEW.kind
    BEGIN
        UPDATE case_status_counts SET cases = cases - 1
        WHERE owner_agency = OLD.owner_agency AND status = OLD.status
            AND priority = OLD.priority AND kind = OLD.kind;
        INSERT INTO case_status_counts (owner_agency, status, priority, kind, cases)
        VALUES (NEW.owner_agency, NEW.status, NEW.priority, NEW.kind, 1)
        ON CONFLICT (owner_agency, status, priority, kind) DO UPDATE SET cases = cases + 1;
    END
    """,
    """
    CREATE TRIGGER case_counts_delete AFTER DELETE ON cases BEGIN
        UPDATE case_status_counts SET cases = cases - 1
        WHERE owner_agency = OLD.owner_agency AND status = OLD.status
            AND priority = OLD.priority AND kind = OLD.kind;
    END
    """,
)
# The desk's counts: cases per nationality, country, marking, owner and status (a desk officer
# sees its nationals' cases in its host country, by marking; store/case_board.py), for the
# cases that name both a nationality and a country.
_SQLITE_DESK_TRIGGERS = (
    """
    CREATE TRIGGER case_desk_counts_insert AFTER INSERT ON cases
    WHEN NEW.nationality IS NOT NULL AND NEW.country IS NOT NULL BEGIN
        INSERT INTO case_desk_counts (nationality, country, tlp, owner_agency, status, cases)
        VALUES (NEW.nationality, NEW.country, NEW.tlp, NEW.owner_agency, NEW.status, 1)
        ON CONFLICT (nationality, country, tlp, owner_agency, status)
        DO UPDATE SET cases = cases + 1;
    END
    """,
    """
    CREATE TRIGGER case_desk_counts_update_old
    AFTER UPDATE OF nationality, country, tlp, owner_agency, status ON cases
    WHEN OLD.nationality IS NOT NULL AND OLD.country IS NOT NULL BEGIN
        UPDATE case_desk_counts SET cases = cases - 1
        WHERE nationality = OLD.nationality AND country = OLD.country AND tlp = OLD.tlp
            AND owner_agency = OLD.owner_agency AND status = OLD.status;
    END
    """,
    """
    CREATE TRIGGER case_desk_counts_update_new
    AFTER UPDATE OF nationality, country, tlp, owner_agency, status ON cases
    WHEN NEW.nationality IS NOT NULL AND NEW.country IS NOT NULL BEGIN
        INSERT INTO case_desk_counts (nationality, country, tlp, owner_agency, status, cases)
        VALUES (NEW.nationality, NEW.country, NEW.tlp, NEW.owner_agency, NEW.status, 1)
        ON CONFLICT (nationality, country, tlp, owner_agency, status)
        DO UPDATE SET cases = cases + 1;
    END
    """,
    """
    CREATE TRIGGER case_desk_counts_delete AFTER DELETE ON cases
    WHEN OLD.nationality IS NOT NULL AND OLD.country IS NOT NULL BEGIN
        UPDATE case_desk_counts SET cases = cases - 1
        WHERE nationality = OLD.nationality AND country = OLD.country AND tlp = OLD.tlp
            AND owner_agency = OLD.owner_agency AND status = OLD.status;
    END
    """,
)
_POSTGRES_DESK_TRIGGERS = (
    """
    CREATE FUNCTION case_desk_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE')
            AND OLD.nationality IS NOT NULL AND OLD.country IS NOT NULL THEN
            UPDATE case_desk_counts SET cases = cases - 1
            WHERE nationality = OLD.nationality AND country = OLD.country AND tlp = OLD.tlp
                AND owner_agency = OLD.owner_agency AND status = OLD.status;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT')
            AND NEW.nationality IS NOT NULL AND NEW.country IS NOT NULL THEN
            INSERT INTO case_desk_counts (nationality, country, tlp, owner_agency, status, cases)
            VALUES (NEW.nationality, NEW.country, NEW.tlp, NEW.owner_agency, NEW.status, 1)
            ON CONFLICT (nationality, country, tlp, owner_agency, status)
            DO UPDATE SET cases = case_desk_counts.cases + 1;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER case_desk_counts_insert_delete AFTER INSERT OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION case_desk_counts_change()
    """,
    """
    CREATE TRIGGER case_desk_counts_update
    AFTER UPDATE OF nationality, country, tlp, owner_agency, status ON cases FOR EACH ROW
    WHEN (OLD.nationality IS DISTINCT FROM NEW.nationality
        OR OLD.country IS DISTINCT FROM NEW.country OR OLD.tlp IS DISTINCT FROM NEW.tlp
        OR OLD.owner_agency IS DISTINCT FROM NEW.owner_agency
        OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION case_desk_counts_change()
    """,
)
_POSTGRES_TRIGGERS = (
    """
    CREATE FUNCTION case_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE case_status_counts SET cases = cases - 1
            WHERE owner_agency = OLD.owner_agency AND status = OLD.status
                AND priority = OLD.priority AND kind = OLD.kind;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO case_status_counts (owner_agency, status, priority, kind, cases)
            VALUES (NEW.owner_agency, NEW.status, NEW.priority, NEW.kind, 1)
            ON CONFLICT (owner_agency, status, priority, kind)
            DO UPDATE SET cases = case_status_counts.cases + 1;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER case_counts_insert_delete AFTER INSERT OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION case_counts_change()
    """,
    """
    CREATE TRIGGER case_counts_update AFTER UPDATE OF owner_agency, status, priority, kind
    ON cases FOR EACH ROW
    WHEN (OLD.owner_agency IS DISTINCT FROM NEW.owner_agency
        OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION case_counts_change()
    """,
    # TRUNCATE skips row triggers: emptying the cases empties their counts too.
    """
    CREATE FUNCTION case_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM case_status_counts;
        DELETE FROM case_desk_counts;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER case_counts_truncate AFTER TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION case_counts_truncate()
    """,
)


def upgrade() -> None:
    op.create_table(
        "case_status_counts",
        sa.Column("owner_agency", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "owner_agency", "status", "priority", "kind", name=op.f("pk_case_status_counts")
        ),
    )
    op.execute(
        "INSERT INTO case_status_counts (owner_agency, status, priority, kind, cases) "
        "SELECT owner_agency, status, priority, kind, count(*) FROM cases "
        "GROUP BY owner_agency, status, priority, kind"
    )
    op.create_table(
        "case_desk_counts",
        sa.Column("nationality", sa.String(length=2), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("tlp", sa.String(length=12), nullable=False),
        sa.Column("owner_agency", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "nationality",
            "country",
            "tlp",
            "owner_agency",
            "status",
            name=op.f("pk_case_desk_counts"),
        ),
    )
    op.execute(
        "INSERT INTO case_desk_counts (nationality, country, tlp, owner_agency, status, cases) "
        "SELECT nationality, country, tlp, owner_agency, status, count(*) FROM cases "
        "WHERE nationality IS NOT NULL AND country IS NOT NULL "
        "GROUP BY nationality, country, tlp, owner_agency, status"
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_TRIGGERS if postgres else _SQLITE_TRIGGERS:
        op.execute(statement)
    for statement in _POSTGRES_DESK_TRIGGERS if postgres else _SQLITE_DESK_TRIGGERS:
        op.execute(statement)
    # The deadline check reads the cases whose next deadline passed since its last round.
    op.create_index(op.f("ix_cases_next_due"), "cases", ["next_due"], unique=False)

    op.create_table(
        "notification_subscriptions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("agency", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("target", sa.String(length=2048), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=True),
        sa.Column("events", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency"],
            ["agencies.code"],
            name=op.f("fk_notification_subscriptions_agency_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_subscriptions")),
    )
    op.create_index(
        op.f("ix_notification_subscriptions_agency"),
        "notification_subscriptions",
        ["agency"],
        unique=False,
    )
    op.create_table(
        "notification_outbox",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("subscription_id", Id, nullable=False),
        sa.Column("agency", sa.String(length=16), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["notification_subscriptions.id"],
            name=op.f("fk_notification_outbox_subscription_id_notification_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
    )
    op.create_index(
        op.f("ix_notification_outbox_status_next_attempt_at"),
        "notification_outbox",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_notification_outbox_subscription_id_id"),
        "notification_outbox",
        ["subscription_id", "id"],
        unique=False,
    )
    op.create_table(
        "notification_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_notification_state")),
    )


def downgrade() -> None:
    op.drop_table("notification_state")
    op.drop_index(
        op.f("ix_notification_outbox_subscription_id_id"), table_name="notification_outbox"
    )
    op.drop_index(
        op.f("ix_notification_outbox_status_next_attempt_at"), table_name="notification_outbox"
    )
    op.drop_table("notification_outbox")
    op.drop_index(
        op.f("ix_notification_subscriptions_agency"), table_name="notification_subscriptions"
    )
    op.drop_table("notification_subscriptions")
    op.drop_index(op.f("ix_cases_next_due"), table_name="cases")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_desk_counts_update ON cases")
        op.execute("DROP TRIGGER IF EXISTS case_desk_counts_insert_delete ON cases")
        op.execute("DROP FUNCTION IF EXISTS case_desk_counts_change()")
        op.execute("DROP TRIGGER IF EXISTS case_counts_truncate ON cases")
        op.execute("DROP TRIGGER IF EXISTS case_counts_update ON cases")
        op.execute("DROP TRIGGER IF EXISTS case_counts_insert_delete ON cases")
        op.execute("DROP FUNCTION IF EXISTS case_counts_truncate()")
        op.execute("DROP FUNCTION IF EXISTS case_counts_change()")
    else:
        for name in (
            "case_counts_insert",
            "case_counts_update",
            "case_counts_delete",
            "case_desk_counts_insert",
            "case_desk_counts_update_old",
            "case_desk_counts_update_new",
            "case_desk_counts_delete",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("case_desk_counts")
    op.drop_table("case_status_counts")
