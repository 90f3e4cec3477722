"""The migrations build exactly the tables `gigcover.ledger.schema` declares, on SQLite and PostgreSQL; 0008's covered
days view and 0009's fingerprint written once, up and down."""

from __future__ import annotations

import datetime as dt
from importlib import resources

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
from gigcover.ledger.ingest import OrderConflict, ingest_batch
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import metadata, postgresql_metadata

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
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0009"


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
    engine: Engine, compute: Compute, hasher: IdHasher
) -> None:
    """The view counts the covered orders (Gansu, 620000, is outside the pilot in September 2025: no day); the
    downgrade to 0007 rebuilds the table (partitioned by month on PostgreSQL) with the same days; 0008 again makes it
    the view, `check` clean."""
    platform = add_platform(engine, "美团", "meituan").id
    batch = [order("A1"), order("A2"), order("B1", worker_id_number=WORKER_B), order("G1", region="620000")]
    ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)
    recorded = _days(engine)
    assert recorded == [("2025-09-01", 1), ("2025-09-01", 2)]
    _downgrade(engine, "0007")
    assert _days(engine) == recorded
    with engine.connect() as connection:
        assert "covered_days" in inspect(connection).get_table_names()
    migrate(engine)
    assert _days(engine) == recorded
    with engine.connect() as connection:
        assert "covered_days" in inspect(connection).get_view_names()
    assert check(engine) == []


def _fingerprints(engine: Engine) -> tuple[dict[str, str | None], dict[str, str]]:
    """order id → the fingerprint on its `orders` row, and (PostgreSQL) → the one in `order_keys`."""
    with engine.connect() as connection:
        on_rows = {str(o): h for o, h in connection.execute(text("SELECT order_id, payload_hash FROM orders"))}
        keys = {}
        if engine.dialect.name == "postgresql":
            keys = {
                str(o): str(h) for o, h in connection.execute(text("SELECT order_id, payload_hash FROM order_keys"))
            }
    return on_rows, keys


def test_an_orders_fingerprint_is_written_once_and_0009_goes_both_ways(
    engine: Engine, compute: Compute, hasher: IdHasher
) -> None:
    """0009: on PostgreSQL the payload fingerprint is written to `order_keys` only (the order's row leaves it NULL);
    a changed payload is still a conflict; the downgrade fills the rows from the keys, and `check` holds a row's
    fingerprint, where there is one, to its key's. SQLite keeps it on the order's row (its key is there)."""
    platform = add_platform(engine, "美团", "meituan").id
    batch = [order("A1"), order("B1", worker_id_number=WORKER_B)]
    ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)
    with pytest.raises(OrderConflict):
        ingest_batch(engine, platform, [order("A1", region="500000")], compute=compute, hasher=hasher, now=NOW)
    on_rows, keys = _fingerprints(engine)
    if engine.dialect.name == "sqlite":
        assert all(len(str(h)) == 64 for h in on_rows.values()) and keys == {}
        return
    assert on_rows == {"A1": None, "B1": None} and all(len(h) == 64 for h in keys.values())
    _downgrade(engine, "0008")
    assert _fingerprints(engine) == (dict(keys), keys)
    migrate(engine)
    assert check(engine) == []
    with engine.begin() as connection:  # a row's fingerprint that disagrees with its key is named
        connection.exec_driver_sql("UPDATE orders SET payload_hash = repeat('0', 64) WHERE order_id = 'B1'")
    assert {b.detail for b in check(engine)} == {f"order without its idempotency key: {platform} B1"}
