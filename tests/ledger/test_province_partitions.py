"""Province sub-partitions (migration 0005, PostgreSQL only): each month of `orders` and `postings` is partitioned again
by the order's province (the first two digits of its GB/T 2260 region); covered days are counted from the orders
(0008); the idempotency key (`order_keys`) still spans every partition; a batch over several months and provinces is
still one transaction; a ledger of 0004 is carried over. SQLite keeps one table each, so these skip there, as the monthly ones do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gigcover.ledger import ingest as ingest_module
from gigcover.ledger import partitions
from gigcover.ledger.check import check
from gigcover.ledger.contributions import Compute
from gigcover.ledger.db import migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import OrderConflict, ingest_batch
from gigcover.ledger.platforms import add_platform

from .conftest import postgres_ledger_at
from .ledger_cases import WORKER_B, order

NOW = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
AUGUST = {"accepted_at": "2025-08-20T10:00:00+08:00", "completed_at": "2025-08-20T10:30:00+08:00"}
SEPTEMBER = {"accepted_at": "2025-09-01T00:10:00+08:00", "completed_at": "2025-09-01T00:40:00+08:00"}
SHANGHAI, SHENZHEN, CHONGQING = "310000", "440300", "500000"  # provinces 31, 44, 50 (all in the pilot)
TABLES = ("batches", "orders", "postings", "covered_days", "order_keys", "audit_log")


def ingest(engine: Engine, platform: int, batch: list[dict[str, Any]], compute: Compute, hasher: IdHasher) -> Any:
    return ingest_batch(engine, platform, batch, compute=compute, hasher=hasher, now=NOW)


def only_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("province sub-partitions are PostgreSQL's (SQLite keeps one table each)")


def homes(engine: Engine, query: str) -> set[tuple[str, str]]:
    """(key, the leaf partition holding the row) for a query returning key and tableoid."""
    with engine.connect() as connection:
        return {(str(key), str(partition)) for key, partition in connection.execute(text(query))}


def parents(engine: Engine, table: str) -> dict[str, str]:
    """sub-partition → its month partition, for every sub-partition under `table` (pg_inherits)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT leaf.relname, month.relname FROM pg_inherits m JOIN pg_class month ON month.oid = m.inhrelid "
                "JOIN pg_inherits l ON l.inhparent = m.inhrelid JOIN pg_class leaf ON leaf.oid = l.inhrelid "
                "WHERE m.inhparent = CAST(:table AS regclass)"
            ),
            {"table": table},
        )
        return {str(leaf): str(month) for leaf, month in rows}


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}


def test_two_provinces_of_one_month_land_in_their_two_sub_partitions(
    engine: Engine, compute: Compute, hasher: IdHasher
) -> None:
    only_postgresql(engine)
    platform = add_platform(engine, "美团", "meituan").id
    batch = [order("SH", region=SHANGHAI, **AUGUST), order("SZ", region=SHENZHEN, worker_id_number=WORKER_B, **AUGUST)]
    ingest(engine, platform, batch, compute, hasher)
    assert homes(engine, "SELECT order_id, tableoid::regclass FROM orders") == {
        ("SH", "orders_y2025m08_p31"),
        ("SZ", "orders_y2025m08_p44"),
    }
    # each province's postings (0006: its account group's) sit in its own (month, province)
    posted = homes(engine, "SELECT province, tableoid::regclass FROM postings")
    assert posted == {("31", "postings_y2025m08_p31"), ("44", "postings_y2025m08_p44")}
    # only the provinces that appeared have sub-partitions, each under its month
    assert parents(engine, "orders") == {
        "orders_y2025m08_p31": "orders_y2025m08",
        "orders_y2025m08_p44": "orders_y2025m08",
    }
    assert parents(engine, "postings") == {
        "postings_y2025m08_p31": "postings_y2025m08",
        "postings_y2025m08_p44": "postings_y2025m08",
    }
    # covered days are the covered orders counted (0008: a view), whatever the partitions they sit in
    with engine.connect() as connection:
        days = connection.execute(text("SELECT day, orders FROM covered_days")).all()
    assert sorted(days) == [(dt.date(2025, 8, 20), 1), (dt.date(2025, 8, 20), 1)]  # two workers, one order each
    with engine.connect() as connection:
        assert partitions.existing_provinces(connection) == {(dt.date(2025, 8, 1), "31"), (dt.date(2025, 8, 1), "44")}
    assert check(engine) == []
    with engine.begin() as connection:  # Shanghai's postings misfiled under Guangdong: `ledger check` names both groups
        connection.execute(text("UPDATE postings SET province = '44' WHERE province = '31'"))
    misfiled = {b.detail.split(":")[0] for b in check(engine) if b.invariant == "order_postings"}
    assert {group.split(" province ")[1] for group in misfiled} == {
        "31 food_delivery 2025-08",
        "44 food_delivery 2025-08",
    }


def test_an_order_resent_with_another_region_is_a_conflict_and_nothing_is_written(
    engine: Engine, compute: Compute, hasher: IdHasher
) -> None:
    only_postgresql(engine)
    platform = add_platform(engine, "美团", "meituan").id
    ingest(engine, platform, [order("A1", region=SHANGHAI, **AUGUST)], compute, hasher)
    before = counts(engine)
    # the same id in Chongqing (another sub-partition, not yet created), beside a new order: the whole batch refused
    with pytest.raises(OrderConflict) as refused:
        ingest(
            engine,
            platform,
            [order("B1", region=SHENZHEN, **AUGUST), order("A1", region=CHONGQING, **AUGUST)],
            compute,
            hasher,
        )
    assert refused.value.order_ids == ["A1"]
    assert counts(engine) == before
    assert homes(engine, "SELECT order_id, tableoid::regclass FROM orders") == {("A1", "orders_y2025m08_p31")}
    # the same order as first sent is still a duplicate
    again = ingest(engine, platform, [order("A1", region=SHANGHAI, **AUGUST)], compute, hasher)
    assert (again.accepted, again.duplicate) == (0, 1)
    assert check(engine) == []


class _Crash(RuntimeError):
    pass


def test_a_batch_over_two_months_and_three_provinces_is_atomic(
    engine: Engine, compute: Compute, hasher: IdHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_postgresql(engine)
    platform = add_platform(engine, "美团", "meituan").id
    batch = [
        order("SH8", region=SHANGHAI, **AUGUST),
        order("SZ8", region=SHENZHEN, **AUGUST),
        order("CQ9", region=CHONGQING, worker_id_number=WORKER_B, **SEPTEMBER),
        order("SH9", region=SHANGHAI, **SEPTEMBER),
    ]
    before = counts(engine)

    def crash(*_: Any) -> None:  # after the orders and postings of every sub-partition are written, before the audit
        raise _Crash("the process dies here")

    monkeypatch.setattr(ingest_module, "record", crash)
    with pytest.raises(_Crash):
        ingest(engine, platform, batch, compute, hasher)
    assert counts(engine) == before  # nothing in any partition, nor the keys, the batch or its audit entry
    monkeypatch.undo()
    # the sub-partitions were made in their own transactions before the batch's (they stay, empty); the batch again
    result = ingest(engine, platform, batch, compute, hasher)
    assert (result.accepted, result.duplicate) == (4, 0)
    assert homes(engine, "SELECT order_id, tableoid::regclass FROM orders") == {
        ("SH8", "orders_y2025m08_p31"),
        ("SZ8", "orders_y2025m08_p44"),
        ("CQ9", "orders_y2025m09_p50"),
        ("SH9", "orders_y2025m09_p31"),
    }
    assert check(engine) == []


@pytest.fixture
def ledger_0004(database_url: str) -> Iterator[Engine]:
    """A ledger migrated to 0004 only, in a PostgreSQL schema beside the fixture's."""
    if database_url.startswith("sqlite"):
        pytest.skip("0005 changes nothing on SQLite")
    with postgres_ledger_at(database_url, "0004", "_0004") as engine:
        yield engine


_ROWS_0004 = (  # order id, region, CST day, levy fen: two months, three provinces
    ("o1", SHANGHAI, "2025-08-20", 7),
    ("o2", SHENZHEN, "2025-08-20", 11),
    ("o3", CHONGQING, "2025-09-01", 18),
    ("o4", SHANGHAI, "2025-09-01", 5),
)


def _write_0004(engine: Engine, platform: int) -> None:
    """0004's ingest path, as far as these rows go: written by hand into 0004's monthly partitions."""
    with engine.begin() as connection:
        for table in ("orders", "postings", "covered_days"):
            for month, end in (("2025-08-01", "2025-09-01"), ("2025-09-01", "2025-10-01")):
                connection.execute(
                    text(
                        f"CREATE TABLE {table}_y{month[:4]}m{month[5:7]} PARTITION OF {table} "
                        f"FOR VALUES FROM ('{month}') TO ('{end}')"
                    )
                )
        connection.execute(text("INSERT INTO batches (platform_id, received_at, accepted, duplicate) "
                                "VALUES (:p, '2025-09-02 00:00:00+00', 4, 0)"), {"p": platform})  # fmt: skip
        connection.execute(text("INSERT INTO workers (id_hash) VALUES ('w1')"))
        for order_id, region, day, fen in _ROWS_0004:
            values = {"p": platform, "o": order_id, "r": region, "at": f"{day} 04:00:00+00", "day": day, "fen": fen}
            connection.execute(
                text(
                    "INSERT INTO orders (platform_id, order_id, payload_hash, batch_id, worker_id, industry, "
                    "region, accepted_at, completed_at, cover_day, covered, levy_fen, platform_fen, worker_fen, "
                    "government_fen, base_fen) SELECT :p, :o, 'h', b.id, w.id, 'food_delivery', :r, "
                    ":at, :at, :day, 1, :fen, :fen, 0, 0, :fen FROM batches b, workers w"
                ),
                values,
            )
            connection.execute(
                text("INSERT INTO order_keys VALUES (:p, :o, 'h', :day)"), {"p": platform, "o": order_id, "day": day}
            )
        connection.execute(
            text(
                "INSERT INTO postings (batch_id, order_ref, account, debit_fen, credit_fen, cover_day) "
                "SELECT batch_id, id, a.account, CASE a.account WHEN 'platform_payable' THEN levy_fen ELSE 0 END, "
                "CASE a.account WHEN 'occupational_injury_fund' THEN levy_fen ELSE 0 END, cover_day FROM orders, "
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


def test_a_ledger_of_0004_is_moved_into_province_sub_partitions(
    ledger_0004: Engine, compute: Compute, hasher: IdHasher
) -> None:
    engine = ledger_0004
    platform = add_platform(engine, "美团", "meituan").id
    _write_0004(engine, platform)
    with engine.connect() as connection:
        fund_0004 = connection.execute(text("SELECT sum(credit_fen) FROM postings")).scalar_one()
    before = counts(engine)
    migrate(engine, "0005")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0005"
        assert connection.execute(text("SELECT sum(credit_fen) FROM postings")).scalar_one() == fund_0004 == 41
    assert counts(engine) == before
    assert homes(engine, "SELECT order_id, tableoid::regclass FROM orders") == {
        ("o1", "orders_y2025m08_p31"),
        ("o2", "orders_y2025m08_p44"),
        ("o3", "orders_y2025m09_p50"),
        ("o4", "orders_y2025m09_p31"),
    }
    posted = homes(
        engine, "SELECT o.order_id, p.tableoid::regclass FROM postings p JOIN orders o ON o.id = p.order_ref"
    )
    assert posted == {
        ("o1", "postings_y2025m08_p31"),
        ("o2", "postings_y2025m08_p44"),
        ("o3", "postings_y2025m09_p50"),
        ("o4", "postings_y2025m09_p31"),
    }
    migrate(engine)  # 0006: one order per account group here, so as many postings, each in its (month, province)
    assert counts(engine) == before
    assert homes(
        engine, "SELECT province || ':' || credit_fen, tableoid::regclass FROM postings WHERE credit_fen > 0"
    ) == {
        ("31:7", "postings_y2025m08_p31"),
        ("44:11", "postings_y2025m08_p44"),
        ("50:18", "postings_y2025m09_p50"),
        ("31:5", "postings_y2025m09_p31"),
    }
    with engine.connect() as connection:  # 0008: the covered days 0004 recorded, now counted from the orders
        days = connection.execute(text("SELECT day, orders FROM covered_days ORDER BY day")).all()
    assert [(str(day), n) for day, n in days] == [("2025-08-20", 2), ("2025-09-01", 2)]
    assert check(engine) == []
    # the migrated keys still refuse the same id with another region, and new orders go on being recorded
    with pytest.raises(OrderConflict):
        ingest(engine, platform, [order("o1", region=CHONGQING, **AUGUST)], compute, hasher)
    result = ingest(engine, platform, [order("N1", region=SHENZHEN, **SEPTEMBER)], compute, hasher)
    assert (result.accepted, result.duplicate) == (1, 0)
    assert homes(engine, "SELECT order_id, tableoid::regclass FROM orders WHERE order_id = 'N1'") == {
        ("N1", "orders_y2025m09_p44")
    }
    assert check(engine) == []
