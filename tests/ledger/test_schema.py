"""The migrations build exactly the tables `gigcover.ledger.schema` declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from gigcover.ledger.db import migrate
from gigcover.ledger.schema import metadata, postgresql_metadata


def test_the_migrated_database_matches_the_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        expected = postgresql_metadata() if engine.dialect.name == "postgresql" else metadata
        differences = compare_metadata(context, expected)
    assert differences == []


def test_migrating_again_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0007"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's journal mode and pragmas only")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_postgresql_orders_carry_only_the_indexes_queries_read(engine: Engine) -> None:
    """0007: no primary key on `orders` (no query finds an order by row id); the two indexes the levy statements,
    workers' views and claims read stay, and (platform, order id) stays unique through `order_keys`' key."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's partitioned orders only (SQLite's key is the rowid)")
    with engine.connect() as connection:
        indexes = connection.execute(
            text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :t"),
            {"t": "orders"},
        ).scalars()
        keys = connection.execute(
            text(
                "SELECT conrelid::regclass::text, contype FROM pg_constraint "
                "WHERE connamespace = current_schema()::regnamespace AND contype IN ('p', 'u') "
                "AND conrelid::regclass::text IN ('orders', 'order_keys')"
            )
        ).all()
    assert sorted(indexes) == ["ix_orders_platform_day", "ix_orders_worker_id"]
    assert [tuple(key) for key in keys] == [("order_keys", "p")]
