from __future__ import annotations

from sqlalchemy import Engine, UniqueConstraint, inspect

from scamlink.sharing.agencies import REFERENCE_AGENCIES
from scamlink.store.agencies import list_agencies
from scamlink.store.migrate import head_revision, is_current, upgrade
from scamlink.store.schema import metadata


def test_upgrade_creates_every_table_of_the_schema(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    assert is_current(engine)


def test_migrated_columns_match_the_schema(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        migrated = {c["name"] for c in inspector.get_columns(table.name)}
        assert migrated == set(table.columns.keys()), table.name


def test_migrated_indexes_match_the_schema(engine: Engine) -> None:
    # An index the schema no longer declares would still cost every write of a migrated store.
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        unique = {
            tuple(c.name for c in u.columns)
            for u in table.constraints
            if isinstance(u, UniqueConstraint)
        }
        migrated = {tuple(i["column_names"]) for i in inspector.get_indexes(table.name)}
        declared = {tuple(c.name for c in i.columns) for i in table.indexes}
        assert migrated - unique == declared, table.name


def test_reference_agencies_exist_after_upgrade(engine: Engine) -> None:
    with engine.connect() as conn:
        codes = [a.code for a in list_agencies(conn)]
    assert sorted(codes) == sorted(a.code for a in REFERENCE_AGENCIES)
    assert "KDESK" in codes
    assert "ASEANAPOL" in codes


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    assert upgrade(engine) == head_revision()
    with engine.connect() as conn:
        assert len(list_agencies(conn)) == len(REFERENCE_AGENCIES)
