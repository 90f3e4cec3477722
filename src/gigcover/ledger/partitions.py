"""Monthly partitions of the tables that grow with orders, on PostgreSQL (issue 11, storage; migration 0004).

`orders`, `postings` and `covered_days` are range-partitioned by the order's CST day (`cover_day`; a covered day's
`day`), one partition a month: `orders_y2025m08` holds the orders accepted in August 2025 (China Standard Time).
A partition is created when the first batch with an order of its month arrives (`ensure_months`, in a short
transaction of its own before the batch's, so concurrent batches wait on it once a month, not once a batch); the
migration creates those of the months already recorded. There is no default partition: a row of a month without its
partition cannot be written, so none can be misfiled.

Idempotency across partitions: PostgreSQL enforces a unique constraint on a partitioned table only when it contains
the partition key, and (platform, order id) must be unique whatever the order's month — the same order id re-sent
with another date must still be found and refused (409). So the key lives in a small unpartitioned table,
`order_keys` (platform, order id, payload hash, month day), one row per order, written in the batch's transaction
before its orders; its primary key is what makes a concurrent duplicate fail and the batch retry.

Not sub-partitioned by province: `covered_days` has no province (a worker's covered day spans the provinces of
their orders), and the scale-out (README, "Scaling out") gives each province its own ledger or shard, where a
province sub-partition would hold everything.

SQLite keeps one table each (the embedded default holds a province or a test, not the nation).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

PARTITIONED = ("orders", "postings", "covered_days")
"""The tables that grow with orders, each partitioned by month on PostgreSQL."""

_known: weakref.WeakKeyDictionary[Engine, set[dt.date]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(table: str, month: dt.date) -> str:
    """`orders_y2025m08`: the partition of `table` for the month."""
    if table not in PARTITIONED:
        raise ValueError(f"{table} is not partitioned")
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def create_month(connection: Connection, month: dt.date) -> None:
    """Create the month's partition of each partitioned table, if it does not exist (PostgreSQL)."""
    start, end = month_of(month), next_month(month_of(month))
    for table in PARTITIONED:
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {partition_name(table, start)} PARTITION OF {table} "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )


def existing_months(connection: Connection) -> set[dt.date]:
    """The months that have partitions of `orders` in the connection's schema (PostgreSQL)."""
    rows = connection.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'orders'::regclass"
    )
    months = set()
    for (name,) in rows:
        suffix = str(name).removeprefix("orders_")  # y2025m08
        months.add(dt.date(int(suffix[1:5]), int(suffix[6:8]), 1))
    return months


def ensure_months(engine: Engine, days: Iterable[dt.date]) -> None:
    """Make sure each day's month has its partitions (PostgreSQL; nothing on SQLite). Known months are remembered
    per engine, so a batch of known months costs no query; a new month costs one short transaction."""
    if engine.dialect.name != "postgresql":
        return
    wanted = {month_of(day) for day in days}
    with _lock:
        known = _known.setdefault(engine, set())
        missing = wanted - known
    if not missing:
        return
    with engine.connect() as connection:
        present = existing_months(connection)
        connection.rollback()
        for month in sorted(missing - present):
            try:
                with connection.begin():
                    create_month(connection, month)
            except DBAPIError as error:  # another process created it at the same moment: it exists now
                if getattr(error.orig, "sqlstate", None) not in {"42P07", "23505"}:
                    raise
    with _lock:
        known.update(wanted)
