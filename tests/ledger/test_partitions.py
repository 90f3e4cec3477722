"""Monthly partitions (migration 0004): on PostgreSQL a month's orders and postings land in that month's partitions
(covered days, a view over the orders since 0008, with them), created by the ingest path; the idempotency key holds across months on both databases; `ledger check`
verifies the references the partitioned tables no longer enforce; a ledger of 0003 is carried over whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from gigcover.ledger import partitions
from gigcover.ledger.check import check
from gigcover.ledger.contributions import Compute
from gigcover.ledger.db import migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import OrderConflict, ingest_batch
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import batches, covered_days, orders, postings

from .conftest import ledger_at
from .ledger_cases import WORKER_B, order

NOW = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
AUGUST = {"accepted_at": "2025-08-31T23:50:00+08:00", "completed_at": "2025-09-01T00:20:00+08:00"}
SEPTEMBER = {"accepted_at": "2025-09-01T00:10:00+08:00", "completed_at": "2025-09-01T00:40:00+08:00"}
NOVEMBER = {"accepted_at": "2025-11-03T09:00:00+08:00", "completed_at": "2025-11-03T09:30:00+08:00"}


def ingest(engine: Engine, platform: int, batch: list[dict[str, Any]], compute: Compute, hasher: IdHasher) -> Any:
    return ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)


def only_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("partitions are PostgreSQL's (SQLite keeps one table each)")


def homes(engine: Engine, table: str, key: str) -> dict[str, str]:
    """key value → the partition holding the row."""
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {key}, tableoid::regclass::text FROM {table}"))
        return {str(value): str(partition) for value, partition in rows}


def test_a_months_orders_land_in_that_months_partitions(engine: Engine, compute: Compute, hasher: IdHasher) -> None:
    only_postgresql(engine)
    platform = add_platform(engine, "美团", "meituan").id
    # the CST day decides: 23:50 on 31 August CST is August, 00:10 on 1 September CST (16:10 UTC on 31 August) is
    # September; the November partition does not exist until its first order arrives
    ingest(engine, platform, [order("AUG", **AUGUST), order("SEP", **SEPTEMBER)], compute, hasher)
    assert homes(engine, "orders", "order_id") == {"AUG": "orders_y2025m08_p31", "SEP": "orders_y2025m09_p31"}
    with engine.connect() as connection:
        assert partitions.existing_months(connection) == {dt.date(2025, 8, 1), dt.date(2025, 9, 1)}
    ingest(engine, platform, [order("NOV", **NOVEMBER)], compute, hasher)
    assert homes(engine, "orders", "order_id")["NOV"] == "orders_y2025m11_p31"
    with engine.connect() as connection:
        posted = connection.execute(text("SELECT month, tableoid::regclass::text FROM postings")).all()
        days = connection.execute(text("SELECT day FROM covered_days")).scalars().all()
    assert {(str(month), p) for month, p in posted} == {  # each month's postings (0006: a group's) in its month
        ("2025-08-01", "postings_y2025m08_p31"),
        ("2025-09-01", "postings_y2025m09_p31"),
        ("2025-11-01", "postings_y2025m11_p31"),
    }
    assert sorted(map(str, days)) == ["2025-08-31", "2025-09-01", "2025-11-03"]  # the orders' CST days
    assert check(engine) == []


def test_an_order_id_resent_in_another_month_is_a_conflict_and_nothing_is_written(
    engine: Engine, compute: Compute, hasher: IdHasher
) -> None:
    platform = add_platform(engine, "美团", "meituan").id
    ingest(engine, platform, [order("A1", **AUGUST)], compute, hasher)
    before = _counts(engine)
    # the same id with a September date (another partition on PostgreSQL), beside a new order: the whole batch refused
    with pytest.raises(OrderConflict) as refused:
        ingest(engine, platform, [order("B1", **NOVEMBER), order("A1", **SEPTEMBER)], compute, hasher)
    assert refused.value.order_ids == ["A1"]
    assert _counts(engine) == before
    # the same order again is a duplicate, whatever else its batch holds
    again = ingest(engine, platform, [order("A1", **AUGUST), order("B1", **NOVEMBER)], compute, hasher)
    assert (again.accepted, again.duplicate) == (1, 1)
    # another platform may use the same order id (the key is platform and order id)
    other = add_platform(engine, "滴滴", "didi").id
    assert ingest(engine, other, [order("A1", **SEPTEMBER)], compute, hasher).accepted == 1
    assert check(engine) == []


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (batches, orders, postings, covered_days)
        }


def test_check_names_each_broken_reference(engine: Engine, compute: Compute, hasher: IdHasher) -> None:
    platform = add_platform(engine, "美团", "meituan").id
    ingest(engine, platform, [order("A1"), order("A2", worker_id_number=WORKER_B)], compute, hasher)
    assert check(engine) == []
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":  # SQLite's own foreign keys would refuse these: planted without them
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.execute(text("UPDATE orders SET worker_id = 999999 WHERE order_id = 'A2'"))
        connection.execute(text("UPDATE postings SET batch_id = 888888"))
        connection.commit()
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
    details = {b.detail for b in check(engine) if b.invariant == "references"}
    assert f"order without its worker: {platform} A2" in details
    assert any(d.startswith("posting without its batch (of its platform): ") for d in details)


def test_check_finds_an_order_without_its_idempotency_key(engine: Engine, compute: Compute, hasher: IdHasher) -> None:
    only_postgresql(engine)
    platform = add_platform(engine, "美团", "meituan").id
    ingest(engine, platform, [order("A1"), order("A2")], compute, hasher)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM order_keys WHERE order_id = 'A2'"))
        connection.execute(text("UPDATE order_keys SET order_id = 'ZZ' WHERE order_id = 'A1'"))
    details = sorted(b.detail for b in check(engine) if b.invariant == "references")
    assert details == [
        f"idempotency key without its order: {platform} ZZ",
        f"order without its idempotency key: {platform} A1",
        f"order without its idempotency key: {platform} A2",
    ]


@pytest.fixture
def ledger_0003(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A ledger migrated to 0003 only, on the fixture's database (a file beside it, or a schema beside it)."""
    with ledger_at(database_url, tmp_path, "0003") as engine:
        yield engine


def test_a_ledger_of_0003_is_carried_over_into_partitions(
    ledger_0003: Engine, compute: Compute, hasher: IdHasher
) -> None:
    engine = ledger_0003
    platform = add_platform(engine, "美团", "meituan").id
    with engine.begin() as connection:  # 0003's ingest path, as far as these rows go: written by hand
        connection.execute(text("INSERT INTO batches (platform_id, received_at, accepted, duplicate) "
                                "VALUES (:p, '2025-09-02 00:00:00+00', 2, 0)"), {"p": platform})  # fmt: skip
        connection.execute(text("INSERT INTO workers (id_hash) VALUES ('w1')"))
        for ref, (day, fen) in enumerate((("2025-08-31", 7), ("2025-09-01", 18)), start=1):
            connection.execute(
                text(
                    "INSERT INTO orders (platform_id, order_id, payload_hash, batch_id, worker_id, industry, "
                    "region, accepted_at, completed_at, cover_day, covered, levy_fen, platform_fen, worker_fen, "
                    "government_fen, base_fen) SELECT :p, :o, 'h', b.id, w.id, 'food_delivery', '310000', "
                    ":at, :at, :day, 1, :fen, :fen, 0, 0, :fen FROM batches b, workers w"
                ),
                {"p": platform, "o": f"o{ref}", "at": f"{day} 04:00:00+00", "day": day, "fen": fen},
            )
        connection.execute(
            text(
                "INSERT INTO postings (batch_id, order_ref, account, debit_fen, credit_fen) "
                "SELECT batch_id, id, a.account, CASE a.account WHEN 'platform_payable' THEN levy_fen ELSE 0 END, "
                "CASE a.account WHEN 'occupational_injury_fund' THEN levy_fen ELSE 0 END FROM orders, "
                "(SELECT 'platform_payable' AS account UNION ALL SELECT 'occupational_injury_fund') a"
            )
        )
        connection.execute(
            text(
                "INSERT INTO covered_days (worker_id, day, platform_id, orders) "
                "SELECT worker_id, cover_day, platform_id, count(*) FROM orders "
                "GROUP BY worker_id, cover_day, platform_id"
            )
        )
    migrate(engine, "0005")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0005"
        got = connection.execute(text("SELECT o.order_id, p.cover_day FROM postings p JOIN orders o "
                                      "ON o.id = p.order_ref AND o.cover_day = p.cover_day")).all()  # fmt: skip
    assert sorted((o, str(d)) for o, d in got) == [
        ("o1", "2025-08-31"), ("o1", "2025-08-31"), ("o2", "2025-09-01"), ("o2", "2025-09-01"),
    ]  # fmt: skip
    migrate(engine)  # 0006: the postings summed per batch, province, industry, month and account
    with engine.connect() as connection:
        groups = connection.execute(text("SELECT batch_id, platform_id, province, industry, month, account, "
                                         "debit_fen, credit_fen FROM postings ORDER BY month, account")).all()  # fmt: skip
    batch = groups[0][0]
    assert [(*row[1:4], str(row[4]), *row[5:]) for row in groups] == [
        (platform, "31", "food_delivery", "2025-08-01", "occupational_injury_fund", 0, 7),
        (platform, "31", "food_delivery", "2025-08-01", "platform_payable", 7, 0),
        (platform, "31", "food_delivery", "2025-09-01", "occupational_injury_fund", 0, 18),
        (platform, "31", "food_delivery", "2025-09-01", "platform_payable", 18, 0),
    ]
    assert {row[0] for row in groups} == {batch}
    assert check(engine) == []
    if engine.dialect.name == "postgresql":
        assert homes(engine, "orders", "order_id") == {"o1": "orders_y2025m08_p31", "o2": "orders_y2025m09_p31"}
    # ingest goes on after the migration: the same order is a duplicate, a new one is recorded
    result = ingest(engine, platform, [order("N1")], compute, hasher)
    assert (result.accepted, result.duplicate) == (1, 0)
    assert check(engine) == []
