"""Tables (SQLAlchemy Core). Migrations in `store/migrations` create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Id = BigInteger().with_variant(Integer(), "sqlite")

agencies = Table(
    "agencies",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("languages", String(100), nullable=False),  # space-separated BCP 47 codes
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("agency", String(16), ForeignKey("agencies.code"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agency", String(16), ForeignKey("agencies.code"), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("incident_date", Date),
    Column("victim_country", String(2), nullable=False),
    Column("language", String(12), nullable=False),
    Column("scam_type", String(32), nullable=False),
    Column("loss_amount", Numeric(24, 6)),
    Column("loss_currency", String(8)),
    Column("narrative", Text, nullable=False),
    Column("tlp", String(12), nullable=False),
    UniqueConstraint("agency", "external_id"),
    Index(None, "agency", "tlp"),
    Index(None, "received_at"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("type", String(16), nullable=False),
    Column("value", String(2048), nullable=False),
    Column("display", String(2048), nullable=False),
    UniqueConstraint("type", "value"),
)

sightings = Table(
    "sightings",
    metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id"), primary_key=True),
    Column("role", String(24), nullable=False),
    Index(None, "indicator_id"),
)
