from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from alembic import command
from tests import dbutil


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_on_postgres():
    url = dbutil.create_pg_database("ticketapp_mig")
    try:
        cfg = dbutil.alembic_config(url)
        command.upgrade(cfg, "head")
        expected = {t.name for t in SQLModel.metadata.sorted_tables}
        assert _tables(url) == expected
        command.downgrade(cfg, "base")
        assert _tables(url) == set()
        command.upgrade(cfg, "head")
        assert _tables(url) == expected
        engine = create_engine(url)
        index = {i["name"]: i for i in inspect(engine).get_indexes("ticket")}["uq_ticket_live_seat"]
        engine.dispose()
        assert index["unique"]
        assert "live" in str(index.get("dialect_options", {}).get("postgresql_where"))
    finally:
        dbutil.drop_pg_database(url)


def test_upgrade_on_empty_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    command.upgrade(dbutil.alembic_config(url), "head")
    assert _tables(url) == {t.name for t in SQLModel.metadata.sorted_tables}


def test_models_match_migrations(pg_url):
    """Autogenerate against the migrated database finds nothing to add: no drift."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(pg_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == []
