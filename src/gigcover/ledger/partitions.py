"""Monthly partitions of the tables that grow with orders, sub-partitioned by province, on PostgreSQL (issue 11,
storage; migrations 0004 and 0005).

`orders` and `postings` are range-partitioned by the order's CST day (`cover_day`), one partition a month:
`orders_y2025m08` holds the orders accepted in August 2025 (China Standard Time). Each month is list-partitioned
again by province (`province`: the first two digits of the order's GB/T 2260 region, a stored column since 0005 —
PostgreSQL's primary key on a partitioned table must contain the partition key's columns, which an expression cannot
be): `orders_y2025m08_p31` holds August's orders in Shanghai (310000). A posting carries its orders' province (0006:
one posting per batch, province, industry, month and account), so it sits in the same (month, province) as they do.

Covered days (按日参保) are a view over `orders` since 0008 (0004–0007 kept them in a table partitioned by month).

Partitions are created when the first batch with an order of their month (and province) arrives (`ensure_months`,
each (month, province) in a short transaction of its own before the batch's, so concurrent batches wait on it once a
month and province, not once a batch); the migrations create those already recorded. There is no default partition:
a row of a month or province without its partition cannot be written, so none can be misfiled.

Idempotency across partitions: PostgreSQL enforces a unique constraint on a partitioned table only when it contains
the partition key, and (platform, order id) must be unique whatever the order's month or region — the same order id
re-sent with another date or region must still be found and refused (409). So the key lives in a small unpartitioned
table, `order_keys` (platform, order id, payload hash, month day), one row per order, written in the batch's
transaction before its orders; its primary key is what makes a concurrent duplicate fail and the batch retry.

On one server, the province sub-partitions keep each (month, province) small and let a province's levy statement or a
province's ledger be detached, archived or moved whole; the scale-out (README, "Scaling out") goes further and gives
each province its own ledger or shard.

SQLite keeps one table each (the embedded default holds a province or a test, not the nation).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

PARTITIONED = ("orders", "postings")
"""The tables that grow with orders, each partitioned by month on PostgreSQL."""

BY_PROVINCE = ("orders", "postings")
"""The partitioned tables whose months are sub-partitioned by province (0005)."""

_known: weakref.WeakKeyDictionary[Engine, set[tuple[dt.date, str]]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_ATTEMPTS = 3
"""Tries at creating one (month, province) when concurrent batches race to create it (PostgreSQL)."""


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def province_of(region: str) -> str:
    """'31' for 310000 (上海市) or 310115: the province's two digits of a GB/T 2260 code."""
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"not a GB/T 2260 region code: {region!r}")
    return region[:2]


def partition_name(table: str, month: dt.date) -> str:
    """`orders_y2025m08`: the partition of `table` for the month."""
    if table not in PARTITIONED:
        raise ValueError(f"{table} is not partitioned")
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def province_partition_name(table: str, month: dt.date, province: str) -> str:
    """`orders_y2025m08_p31`: the sub-partition of `table` for the month and province."""
    if table not in BY_PROVINCE:
        raise ValueError(f"{table} is not sub-partitioned by province")
    if len(province) != 2 or not province.isdigit():
        raise ValueError(f"not a province code (two digits of GB/T 2260): {province!r}")
    return f"{partition_name(table, month)}_p{province}"


def create_month(connection: Connection, month: dt.date) -> None:
    """Create the month's partition of each partitioned table, if it does not exist (PostgreSQL): those of `orders`
    and `postings` partitioned again by province, without any province yet."""
    start, end = month_of(month), next_month(month_of(month))
    for table in PARTITIONED:
        by_province = " PARTITION BY LIST (province)" if table in BY_PROVINCE else ""
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {partition_name(table, start)} PARTITION OF {table} "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}'){by_province}"
        )


def create_province(connection: Connection, month: dt.date, province: str) -> None:
    """Create the month's partitions (if need be) and their sub-partitions for the province, if they do not exist
    (PostgreSQL)."""
    create_month(connection, month)
    start = month_of(month)
    for table in BY_PROVINCE:
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {province_partition_name(table, start, province)} "
            f"PARTITION OF {partition_name(table, start)} FOR VALUES IN ('{province}')"
        )


def _month_of_name(name: str, table: str) -> dt.date:
    suffix = name.removeprefix(f"{table}_")  # y2025m08
    return dt.date(int(suffix[1:5]), int(suffix[6:8]), 1)


def existing_months(connection: Connection) -> set[dt.date]:
    """The months that have partitions of `orders` in the connection's schema (PostgreSQL)."""
    rows = connection.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'orders'::regclass"
    )
    return {_month_of_name(str(name), "orders") for (name,) in rows}


def existing_provinces(connection: Connection) -> set[tuple[dt.date, str]]:
    """The (month, province) pairs that have sub-partitions of `orders` in the connection's schema (PostgreSQL)."""
    rows = connection.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits m JOIN pg_inherits i ON i.inhparent = m.inhrelid "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE m.inhparent = 'orders'::regclass"
    )
    found = set()
    for (name,) in rows:
        month_name, province = str(name).rsplit("_p", 1)  # orders_y2025m08, 31
        found.add((_month_of_name(month_name, "orders"), province))
    return found


def ensure_months(engine: Engine, keys: Iterable[tuple[dt.date, str]]) -> None:
    """Make sure each (day, province) has its month's partitions and their province's sub-partitions (PostgreSQL;
    nothing on SQLite). Known pairs are remembered per engine, so a batch of known months and provinces costs no
    query; a new pair costs one short transaction."""
    if engine.dialect.name != "postgresql":
        return
    wanted = {(month_of(day), province) for day, province in keys}
    with _lock:
        known = _known.setdefault(engine, set())
        missing = wanted - known
    if not missing:
        return
    with engine.connect() as connection:
        present = existing_provinces(connection)
        connection.rollback()
        for month, province in sorted(missing - present):
            _create_once(connection, month, province)
    with _lock:
        known.update(wanted)


def _create_once(connection: Connection, month: dt.date, province: str) -> None:
    """Create a (month, province) in its own transaction; when another process creates the same tables at the same
    moment, this one fails once it commits, and the next try finds them."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with connection.begin():
                create_province(connection, month, province)
            return
        except DBAPIError as error:
            if attempt == _ATTEMPTS or getattr(error.orig, "sqlstate", None) not in {"42P07", "23505"}:
                raise
