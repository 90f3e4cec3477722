"""The ingest path's bulk reads and writes, by each database's fastest route (issue 11, storage).

- SQLite: the batch's transaction takes the write lock at once (BEGIN IMMEDIATE), so the duplicate check and the writes
  see one ledger and concurrent writers queue (busy timeout) instead of racing; recorded orders are looked up by one
  query over a JSON array of ids (`json_each`); new orders are written with one `executemany`.
- PostgreSQL (psycopg 3): recorded orders by one query over an array of ids (`= ANY`) on `order_keys` (the
  unpartitioned idempotency key, migration 0004); new orders are copied (`COPY`) into a temporary staging table, their
  keys inserted into `order_keys`, and the orders moved into `orders` (partitioned by month, then province: 0005)
  by one INSERT … SELECT, which fills each order's `province` from its region.
  Two concurrent batches with the same new orders: the second waits on the unique index, then fails; `lost_a_race`
  tells the caller to try the batch again, when it finds the orders recorded.

Values are written as SQLAlchemy would write them (times as UTC, SQLite's text forms), so every other query reads
them as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from gigcover.ledger.contract import OrderColumns
from gigcover.ledger.contributions import OrderAmounts

RACE_SQLSTATES = frozenset({"23505", "40P01", "40001"})
"""PostgreSQL: unique violation (a concurrent batch recorded the same order or worker first), deadlock detected,
serialization failure. Each means: roll back and try the batch again."""

STAGING = "ingest_orders_staging"

_ORDER_COLUMNS = (
    "platform_id, order_id, payload_hash, batch_id, worker_id, industry, region, accepted_at, completed_at, "
    "cover_day, covered, levy_fen, platform_fen, worker_fen, government_fen, high_band, floating_ratio_bp, base_fen"
)


@dataclass(frozen=True)
class NewOrders:
    """A batch's new orders, ready to write: the columns, each worker's keyed hash, each payload's hash, the amounts."""

    platform_id: int
    batch_id: int
    columns: OrderColumns
    id_hash: list[str]
    payload_hash: list[str]
    amounts: OrderAmounts


def lost_a_race(error: DBAPIError) -> bool:
    """Whether a failed batch lost a race with a concurrent one (PostgreSQL) and should simply be tried again."""
    return getattr(error.orig, "sqlstate", None) in RACE_SQLSTATES


def begin_writing(connection: Connection) -> None:
    """SQLite: take the write lock now (the transaction's first statement), waiting for another writer if need be.
    PostgreSQL: no JIT compilation for this transaction (its statements are short; compiling them costs more than it
    saves)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("SET LOCAL jit = off")


def recorded_payloads(connection: Connection, platform_id: int, order_ids: list[str]) -> dict[str, str]:
    """order_id → payload hash of the given orders already recorded for the platform (one query)."""
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql(
            "SELECT order_id, payload_hash FROM order_keys WHERE platform_id = %s AND order_id = ANY(%s::text[])",
            (platform_id, order_ids),
        )
    else:
        rows = connection.exec_driver_sql(
            "SELECT order_id, payload_hash FROM orders "
            "WHERE platform_id = ? AND order_id IN (SELECT value FROM json_each(?))",
            (platform_id, json.dumps(order_ids)),
        )
    return {str(order_id): str(payload) for order_id, payload in rows}


def insert_orders(connection: Connection, new: NewOrders) -> None:
    """Register the workers seen for the first time (实名: one worker across platforms) and insert the orders, in the
    batch's order."""
    if connection.dialect.name == "postgresql":
        _insert_orders_postgresql(connection, new)
    else:
        _insert_orders_sqlite(connection, new)


# -- SQLite ---------------------------------------------------------------------------------------------------------
def _insert_orders_sqlite(connection: Connection, new: NewOrders) -> None:
    worker_ids = _worker_ids_sqlite(connection, sorted(set(new.id_hash)))
    columns, amounts = new.columns, new.amounts
    rows = zip(
        columns.order_id,
        new.payload_hash,
        [worker_ids[h] for h in new.id_hash],
        columns.industry,
        columns.region,
        _sqlite_datetimes(columns.accepted_at),
        _sqlite_datetimes(columns.completed_at),
        np.datetime_as_string(columns.cover_day, unit="D").tolist(),
        amounts.covered.astype(np.int64).tolist(),
        amounts.levy.tolist(),
        amounts.platform.tolist(),
        amounts.worker.tolist(),
        amounts.government.tolist(),
        amounts.high_band.astype(np.int64).tolist(),
        amounts.floating_ratio_bp.tolist(),
        amounts.base.tolist(),
        strict=True,
    )
    connection.exec_driver_sql(
        f"INSERT INTO orders ({_ORDER_COLUMNS}) "
        f"VALUES ({int(new.platform_id)}, ?, ?, {int(new.batch_id)}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        list(rows),
    )


def _worker_ids_sqlite(connection: Connection, id_hashes: list[str]) -> dict[str, int]:
    """id hash → worker id, inserting the hashes not yet known (two statements over a JSON array)."""
    hashes = json.dumps(id_hashes)
    connection.exec_driver_sql(
        "INSERT INTO workers (id_hash) SELECT value FROM json_each(?) WHERE true ON CONFLICT (id_hash) DO NOTHING",
        (hashes,),
    )
    rows = connection.exec_driver_sql(
        "SELECT id_hash, id FROM workers WHERE id_hash IN (SELECT value FROM json_each(?))", (hashes,)
    )
    return {str(id_hash): int(worker_id) for id_hash, worker_id in rows}


def _sqlite_datetimes(instants: np.ndarray) -> list[str]:
    """SQLAlchemy's storage format for a DateTime on SQLite ('YYYY-MM-DD HH:MM:SS.ffffff'), here in UTC."""
    return list(np.strings.replace(np.datetime_as_string(instants, unit="us"), "T", " ").tolist())


# -- PostgreSQL -----------------------------------------------------------------------------------------------------
_CREATE_STAGING = f"""CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (
    row_no integer NOT NULL, order_id text NOT NULL, payload_hash text NOT NULL, worker_id bigint NOT NULL,
    industry text NOT NULL, region text NOT NULL, accepted_at timestamptz NOT NULL, completed_at timestamptz NOT NULL,
    cover_day date NOT NULL, covered integer NOT NULL, levy_fen bigint NOT NULL, platform_fen bigint NOT NULL,
    worker_fen bigint NOT NULL, government_fen bigint NOT NULL, high_band integer NOT NULL,
    floating_ratio_bp integer NOT NULL, base_fen bigint NOT NULL
) ON COMMIT DELETE ROWS"""

_STAGING_COLUMNS = (
    "row_no, order_id, payload_hash, worker_id, industry, region, accepted_at, completed_at, cover_day, covered, "
    "levy_fen, platform_fen, worker_fen, government_fen, high_band, floating_ratio_bp, base_fen"
)

_NEW_WORKERS = """INSERT INTO workers (id_hash)
SELECT h FROM unnest(%s::text[]) AS h
WHERE NOT EXISTS (SELECT 1 FROM workers w WHERE w.id_hash = h)
ORDER BY h
ON CONFLICT (id_hash) DO NOTHING"""

_KEYS = f"""INSERT INTO order_keys (platform_id, order_id, payload_hash, cover_day)
SELECT %(platform_id)s, order_id, payload_hash, cover_day FROM {STAGING} ORDER BY row_no"""

_MOVE_ORDERS = f"""INSERT INTO orders ({_ORDER_COLUMNS}, province)
SELECT %(platform_id)s, order_id, payload_hash, %(batch_id)s, worker_id, industry, region, accepted_at, completed_at,
       cover_day, covered, levy_fen, platform_fen, worker_fen, government_fen, high_band, floating_ratio_bp, base_fen,
       left(region, 2)
FROM {STAGING}
ORDER BY row_no"""


def _insert_orders_postgresql(connection: Connection, new: NewOrders) -> None:
    worker_ids = _worker_ids_postgresql(connection, sorted(set(new.id_hash)))
    connection.exec_driver_sql(_CREATE_STAGING)
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {STAGING} ({_STAGING_COLUMNS}) FROM STDIN") as copy:
        copy.write(_copy_text(new, [worker_ids[h] for h in new.id_hash]))
    keys = {"platform_id": new.platform_id, "batch_id": new.batch_id}
    connection.exec_driver_sql(_KEYS, keys)  # the idempotency key: a concurrent batch's same order fails here (23505)
    moved = connection.exec_driver_sql(_MOVE_ORDERS, keys)
    if moved.rowcount != len(new.columns):
        raise RuntimeError(f"staged {len(new.columns)} orders but moved {moved.rowcount}")


def _worker_ids_postgresql(connection: Connection, id_hashes: list[str]) -> dict[str, int]:
    """id hash → worker id, inserting the hashes not yet known (two statements over an array: index lookups, whatever
    the size of the table). A hash a concurrent batch is inserting: this one waits for it, then finds it."""
    connection.exec_driver_sql(_NEW_WORKERS, (id_hashes,))
    rows = connection.exec_driver_sql("SELECT id_hash, id FROM workers WHERE id_hash = ANY(%s::text[])", (id_hashes,))
    return {str(id_hash): int(worker_id) for id_hash, worker_id in rows}


def _copy_text(new: NewOrders, worker_ids: list[int]) -> str:
    """The new orders in COPY's text format: tab-separated, one line each; a backslash (the only character of the
    order ids, hashes, codes, times and numbers that the format escapes) doubled."""
    columns, amounts = new.columns, new.amounts
    fields = zip(
        range(len(columns)),
        (order_id.replace("\\", "\\\\") for order_id in columns.order_id),
        new.payload_hash,
        worker_ids,
        columns.industry,
        columns.region,
        np.datetime_as_string(columns.accepted_at, unit="us").tolist(),
        np.datetime_as_string(columns.completed_at, unit="us").tolist(),
        np.datetime_as_string(columns.cover_day, unit="D").tolist(),
        amounts.covered.astype(np.int64).tolist(),
        amounts.levy.tolist(),
        amounts.platform.tolist(),
        amounts.worker.tolist(),
        amounts.government.tolist(),
        amounts.high_band.astype(np.int64).tolist(),
        amounts.floating_ratio_bp.tolist(),
        amounts.base.tolist(),
        strict=True,
    )
    return "".join(
        f"{row}\t{order_id}\t{payload}\t{worker}\t{industry}\t{region}\t{a}+00\t{c}+00\t{day}\t{covered}\t"
        f"{levy}\t{platform}\t{worker_fen}\t{government}\t{band}\t{ratio}\t{base}\n"
        for row, order_id, payload, worker, industry, region, a, c, day, covered, levy, platform, worker_fen, government, band, ratio, base in fields
    )
