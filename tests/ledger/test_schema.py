"""The migrations build exactly the tables `gigcover.ledger.schema` declares, on SQLite and PostgreSQL; 0008's covered
days view, up and down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from gigcover.ledger.check import check
from gigcover.ledger.contributions import Compute
from gigcover.ledger.db import migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import ingest_batch
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import metadata, postgresql_metadata

from .conftest import ledger_at
from .ledger_cases import WORKER_B, order

NOW = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)


def test_the_migrated_database_matches_the_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        expected = postgresql_metadata() if engine.dialect.name == "postgresql" else metadata
        differences = compare_metadata(context, expected)
    assert differences == []


def test_migrating_again_changes_nothing(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0008"


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


@pytest.fixture
def ledger_0007(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A ledger migrated to 0007 only (covered days still a table), on the fixture's database."""
    with ledger_at(database_url, tmp_path, "0007") as engine:
        yield engine


def _downgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(resources.files("gigcover.ledger") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _days(engine: Engine) -> list[tuple[str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT day, orders FROM covered_days ORDER BY day, orders")).all()
    return [(str(day), int(n)) for day, n in rows]


def test_0008_makes_the_covered_days_a_view_of_the_orders_and_its_downgrade_a_table_again(
    ledger_0007: Engine, compute: Compute, hasher: IdHasher
) -> None:
    engine = ledger_0007
    platform = add_platform(engine, "美团", "meituan").id
    batch = [order("A1"), order("A2"), order("B1", worker_id_number=WORKER_B), order("G1", region="620000")]
    ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)
    with engine.begin() as connection:  # what 0007's ingest path also wrote: the covered orders counted into the table
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "CREATE TABLE covered_days_y2025m09 PARTITION OF covered_days "
                "FOR VALUES FROM ('2025-09-01') TO ('2025-10-01')"
            )
        connection.exec_driver_sql(
            "INSERT INTO covered_days (worker_id, day, platform_id, orders) SELECT worker_id, cover_day, "
            "platform_id, count(*) FROM orders WHERE covered = 1 GROUP BY worker_id, cover_day, platform_id"
        )
    recorded = _days(engine)
    assert recorded == [("2025-09-01", 1), ("2025-09-01", 2)]  # Gansu (620000) is outside the pilot: no day
    migrate(engine)
    assert _days(engine) == recorded
    with engine.connect() as connection:
        assert "covered_days" in inspect(connection).get_view_names()
    _downgrade(engine, "0007")
    assert _days(engine) == recorded
    with engine.connect() as connection:
        assert "covered_days" in inspect(connection).get_table_names()
    migrate(engine)
    assert check(engine) == []
