"""The ingest path's bulk reads and writes, by each database's fastest route (issue 11, storage).

Nothing just written is read back, and nothing is written twice: each order's amounts are on its own row, the
postings are per account group (0006), and a worker's covered days are a view over the orders (0008).

- SQLite: the batch's transaction takes the write lock at once (BEGIN IMMEDIATE), so the duplicate check and the writes
  see one ledger and concurrent writers queue (busy timeout) instead of racing; recorded orders are looked up by one
  query over a JSON array of ids (`json_each`); the orders are written with one `executemany`.
- PostgreSQL (psycopg 3): recorded orders by one query over an array of ids (`= ANY`) on `order_keys` (the
  unpartitioned idempotency key, migration 0004); the new orders' keys are copied (`COPY`) into `order_keys` first,
  then the orders straight into `orders` (partitioned by month, then province: 0005; COPY routes each row to its
  partition), both in COPY's binary format built column by column with numpy (`binary_copy_rows`: no per-row
  Python loop, and no text for the server to parse), in chunks. Two concurrent batches with the same new orders: the
  second waits on `order_keys`' unique index, then fails; `lost_a_race` tells the caller to try the batch again, when
  it finds the orders recorded. Arrays are sent in binary (`%b`): in text form psycopg quotes each element, ~3× the
  client's time for a batch's ids and hashes (measured); and they are laid out by numpy (`text_array`), not by
  psycopg's list dumper, which packs each element in Python.
- Both: the postings are a few rows a batch, one per account group (`postings_of`, migration 0006), summed with numpy
  and inserted by one statement; the rows read back in bulk (workers, recorded orders) are read by the driver
  (`_driver_rows`).

Values are written as SQLAlchemy would write them (times as UTC, SQLite's text forms), so every other query reads
them as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format
from sqlalchemy import Connection, insert
from sqlalchemy.exc import DBAPIError

from gigcover.ledger.contract import OrderColumns
from gigcover.ledger.contributions import OrderAmounts
from gigcover.ledger.schema import Account, postings

RACE_SQLSTATES = frozenset({"23505", "40P01", "40001"})
"""PostgreSQL: unique violation (a concurrent batch recorded the same order or worker first), deadlock detected,
serialization failure. Each means: roll back and try the batch again."""

LEG_ACCOUNTS = (Account.PLATFORM_PAYABLE, Account.WORKER_SHARE, Account.GOVERNMENT_SHARE, Account.FUND)
"""The legs of a group's postings, in the order they are written: the three payers' debits, then the fund's credit."""

_ORDER_COLUMNS = (
    "id, platform_id, order_id, payload_hash, batch_id, worker_id, industry, region, accepted_at, completed_at, "
    "cover_day, covered, levy_fen, platform_fen, worker_fen, government_fen, high_band, floating_ratio_bp, base_fen"
)
_ORDER_COLUMNS_POSTGRESQL = _ORDER_COLUMNS.replace(" payload_hash,", "")
"""PostgreSQL's orders leave the payload fingerprint NULL (0009): it is written once, in `order_keys`, first."""


@dataclass(frozen=True)
class NewOrders:
    """A batch's new orders, ready to write: the columns, each worker's keyed hash, each payload's hash, the amounts."""

    platform_id: int
    batch_id: int
    columns: OrderColumns
    id_hash: list[str]
    payload_hash: list[str]
    amounts: OrderAmounts


@dataclass(frozen=True)
class Postings:
    """A batch's postings, double entry per account group (0006): one row per (province, industry, month) of its
    covered orders and account with a sum other than zero, in that order (`LEG_ACCOUNTS` within a group)."""

    province: list[str]  # two digits of the orders' GB/T 2260 region
    industry: list[str]
    month: np.ndarray  # datetime64[D]: the first day of the orders' CST month
    leg: np.ndarray  # int64: index into LEG_ACCOUNTS
    debit_fen: np.ndarray  # int64: the group's sum of that payer's shares (0 on the fund's leg)
    credit_fen: np.ndarray  # int64: the group's sum of levies (the fund's leg; 0 on the payers')


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
        statement = (
            "SELECT order_id, payload_hash FROM order_keys WHERE platform_id = %s AND order_id = ANY(%b::text[])"
        )
        return dict(_driver_rows(connection, statement, (platform_id, text_array(order_ids))))
    statement = "SELECT order_id, payload_hash FROM orders WHERE platform_id = ? AND order_id IN (SELECT value FROM json_each(?))"
    return dict(_driver_rows(connection, statement, (platform_id, json.dumps(order_ids))))


def _driver_rows(connection: Connection, statement: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """A query's rows as the driver returns them (plain tuples of str and int), on the driver's cursor
    (`_driver_cursor`): thousands of rows a batch (its workers, its recorded orders) read through SQLAlchemy's `Row`
    objects cost ~0.6 µs each more than the driver's own tuples, built in C (measured on PostgreSQL, 6,600 known
    workers looked up: the client's CPU 11 → 7 ms, median of 15)."""
    with _driver_cursor(connection, statement, parameters) as cursor:
        cursor.execute(statement, parameters)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


@contextmanager
def _driver_cursor(connection: Connection, statement: str, parameters: tuple[Any, ...] | None = None) -> Iterator[Any]:
    """A cursor of the driver's own connection, in the connection's transaction, closed after use.

    What runs on it runs outside SQLAlchemy, so the driver's errors are raised as SQLAlchemy would raise them
    (`DBAPIError`, e.g. `IntegrityError` for a unique violation): the caller's retry of a batch that lost a race
    (`lost_a_race`) sees them like any other statement's."""
    driver = connection.connection.driver_connection
    assert driver is not None
    dbapi_error = connection.dialect.loaded_dbapi.Error
    cursor = driver.cursor()
    try:
        yield cursor
    except dbapi_error as error:
        raise DBAPIError.instance(statement, parameters, error, dbapi_error) from error
    finally:
        cursor.close()


def worker_ids(connection: Connection, id_hash: list[str]) -> np.ndarray:
    """Each order's worker id (int64, in the batch's order), registering the workers seen for the first time (实名:
    one worker across platforms).

    The known workers are looked up first and only the others inserted (most of a day's workers worked the day
    before: one index probe each instead of two). A worker a concurrent batch is registering: the insert waits for
    it and skips it, and the last lookup (a fresh snapshot) finds it."""
    postgresql = connection.dialect.name == "postgresql"
    lookup, insert = (
        (_KNOWN_WORKERS_POSTGRESQL, _NEW_WORKERS_POSTGRESQL)
        if postgresql
        else (_KNOWN_WORKERS_SQLITE, _NEW_WORKERS_SQLITE)
    )

    by_hash: dict[str, int] = {}

    def found(statement: str, hashes: list[str]) -> None:
        by_hash.update(_driver_rows(connection, statement, (text_array(hashes) if postgresql else json.dumps(hashes),)))

    found(lookup, sorted(set(id_hash)))
    missing = sorted(set(id_hash) - by_hash.keys())
    if missing:
        found(insert, missing)
        still = [h for h in missing if h not in by_hash]
        if still:
            found(lookup, still)
    return np.fromiter(map(by_hash.__getitem__, id_hash), np.int64, len(id_hash))


def insert_orders(connection: Connection, new: NewOrders, workers: np.ndarray) -> None:
    """Insert the orders, their row ids increasing in the batch's order."""
    if connection.dialect.name == "postgresql":
        _insert_orders_postgresql(connection, new, workers)
    else:
        _insert_orders_sqlite(connection, new, workers)


def insert_postings(connection: Connection, new: NewOrders) -> None:
    """Insert the batch's postings: a few rows per batch (`postings_of`), the same statement on both databases."""
    legs = postings_of(new.columns, new.amounts)
    if not len(legs.leg):
        return
    months: list[dt.date] = legs.month.tolist()
    connection.execute(
        insert(postings),
        [
            {
                "batch_id": new.batch_id,
                "platform_id": new.platform_id,
                "province": province,
                "industry": industry,
                "month": month,
                "account": LEG_ACCOUNTS[leg].value,
                "debit_fen": debit,
                "credit_fen": credit,
            }
            for province, industry, month, leg, debit, credit in zip(
                legs.province,
                legs.industry,
                months,
                legs.leg.tolist(),
                legs.debit_fen.tolist(),
                legs.credit_fen.tolist(),
                strict=True,
            )
        ],
    )


def postings_of(columns: OrderColumns, amounts: OrderAmounts) -> Postings:
    """Double entry per account group of the batch's covered orders with a levy: for each (province, industry, month)
    each payer's shares summed and debited (platform payable, worker share, government share), the levies summed and
    credited to the fund; legs summing to zero omitted. Groups in (province, industry, month) order."""
    rows = np.flatnonzero(amounts.covered & (amounts.levy != 0))
    legs = np.stack([amounts.platform, amounts.worker, amounts.government, amounts.levy], axis=1)[rows]
    province, province_code = np.unique(
        np.asarray([columns.region[i][:2] for i in rows], dtype=str), return_inverse=True
    )
    industry, industry_code = np.unique(np.asarray([columns.industry[i] for i in rows], dtype=str), return_inverse=True)
    month, month_code = np.unique(columns.cover_day[rows].astype("datetime64[M]"), return_inverse=True)
    key = (province_code * len(industry) + industry_code) * len(month) + month_code
    groups, group_of_row = np.unique(key, return_inverse=True)
    sums = np.zeros((len(groups), len(LEG_ACCOUNTS)), dtype=np.int64)
    np.add.at(sums, group_of_row, legs)
    group, leg = np.nonzero(sums)  # row-major: each group's legs together, in leg order
    amount = sums[group, leg]
    fund = leg == len(LEG_ACCOUNTS) - 1
    group_key = groups[group]
    return Postings(
        province[group_key // (len(industry) * len(month))].tolist(),
        industry[group_key // len(month) % len(industry)].tolist(),
        month[group_key % len(month)].astype("datetime64[D]"),
        leg.astype(np.int64),
        np.where(fund, 0, amount),
        np.where(fund, amount, 0),
    )


# -- SQLite ---------------------------------------------------------------------------------------------------------
def _insert_orders_sqlite(connection: Connection, new: NewOrders, workers: np.ndarray) -> None:
    """One `executemany`: SQLite gives the rows their rowids in the order they are inserted."""
    columns, amounts = new.columns, new.amounts
    rows = zip(
        columns.order_id,
        new.payload_hash,
        workers.tolist(),
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
        f"INSERT INTO orders ({_ORDER_COLUMNS.removeprefix('id, ')}) "
        f"VALUES ({int(new.platform_id)}, ?, ?, {int(new.batch_id)}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        list(rows),
    )


_KNOWN_WORKERS_SQLITE = "SELECT id_hash, id FROM workers WHERE id_hash IN (SELECT value FROM json_each(?))"
_NEW_WORKERS_SQLITE = """INSERT INTO workers (id_hash) SELECT value FROM json_each(?) WHERE true
ON CONFLICT (id_hash) DO NOTHING RETURNING id_hash, id"""


def _sqlite_datetimes(instants: np.ndarray) -> list[str]:
    """SQLAlchemy's storage format for a DateTime on SQLite ('YYYY-MM-DD HH:MM:SS.ffffff'), here in UTC."""
    return list(np.strings.replace(np.datetime_as_string(instants, unit="us"), "T", " ").tolist())


# -- PostgreSQL -----------------------------------------------------------------------------------------------------
_KNOWN_WORKERS_POSTGRESQL = "SELECT id_hash, id FROM workers WHERE id_hash = ANY(%b::text[])"
_NEW_WORKERS_POSTGRESQL = """INSERT INTO workers (id_hash) SELECT h FROM unnest(%b::text[]) AS h ORDER BY h
ON CONFLICT (id_hash) DO NOTHING RETURNING id_hash, id"""

_ORDER_REFS = "SELECT array_agg(nextval('orders_id_seq') ORDER BY n) FROM generate_series(1, %s) AS n"

COPY_CHUNK_ROWS = 1_000
"""Rows sent to the server at a time by a COPY: it inserts each chunk while the next one is being formatted."""

_PG_EPOCH_US = np.datetime64("2000-01-01T00:00:00", "us")
_PG_EPOCH_DAY = np.datetime64("2000-01-01", "D")
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags 0, no header extension
_BINARY_TRAILER = b"\xff\xff"  # a row of -1 fields: the end


@dataclass(frozen=True)
class BinaryColumn:
    """One column of a binary COPY: fixed-width big-endian values (`values`, one per row, of numpy `dtype`) or ASCII
    strings (`strings`, each any length)."""

    dtype: str  # ">i8" bigint, ">i4" integer or date (days since 2000-01-01), ">i8" timestamptz (µs since 2000)
    values: np.ndarray | None = None
    strings: list[str] | None = None


def binary_copy_rows(columns: list[BinaryColumn], rows: int) -> Iterator[bytes]:
    """The rows in PostgreSQL's binary COPY format (signature, rows, trailer), built column by column with numpy, in
    pieces of at most `COPY_CHUNK_ROWS` rows (the server inserts one while the next is built).

    Each row is a field count, then each field's length (int32) and bytes. Rows whose strings have the same lengths
    share one numpy record layout: each such group is filled column by column, so the rows go out grouped (row ids
    and every other value travel with their row; no query depends on the order of a table's rows)."""
    strings = [np.array(c.strings, dtype="S") if c.strings is not None else None for c in columns]
    lengths = [np.char.str_len(s) if s is not None else None for s in strings]
    key = np.zeros(rows, dtype=np.int64)
    for length in lengths:
        if length is not None and len(length) and length.min() != length.max():
            key = key * 256 + length  # every string here is at most 255 characters (the schema's widths)
    yield _BINARY_HEADER
    shapes, group_of_row = np.unique(key, return_inverse=True)
    for group in range(len(shapes)):
        members = np.flatnonzero(group_of_row == group) if len(shapes) > 1 else np.arange(rows)
        for start in range(0, len(members), COPY_CHUNK_ROWS):
            chunk = members[start : start + COPY_CHUNK_ROWS]
            widths = [int(length[chunk[0]]) if length is not None else None for length in lengths]
            yield _binary_records(columns, strings, widths, chunk)
    yield _BINARY_TRAILER


def _binary_records(
    columns: list[BinaryColumn], strings: list[np.ndarray | None], widths: list[int | None], rows: np.ndarray
) -> bytes:
    """The binary COPY records of `rows`, whose strings have the lengths `widths` (by column)."""
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for i, (column, width) in enumerate(zip(columns, widths, strict=True)):
        fields += [(f"n{i}", ">i4"), (f"v{i}", f"S{width}" if width is not None else column.dtype)]
    records = np.empty(len(rows), dtype=np.dtype(fields))
    records["count"] = len(columns)
    for i, (column, text, width) in enumerate(zip(columns, strings, widths, strict=True)):
        values = text if text is not None else column.values
        assert values is not None
        records[f"n{i}"] = width if width is not None else np.dtype(column.dtype).itemsize
        records[f"v{i}"] = values[rows]
    return records.tobytes()


def _copy(connection: Connection, statement: str, data: Iterable[bytes]) -> None:
    """`COPY … FROM STDIN` on the connection's own transaction, its data sent piece by piece (binary format:
    `binary_copy_rows`), on the driver's cursor (`_driver_cursor`)."""
    with _driver_cursor(connection, statement) as cursor, cursor.copy(statement) as copy:
        for piece in data:
            copy.write(piece)


def _insert_orders_postgresql(connection: Connection, new: NewOrders, workers: np.ndarray) -> None:
    """The idempotency keys first (a concurrent batch's same order fails there: 23505), then the orders, each with a
    row id drawn from the orders' sequence in the batch's order (one statement for the batch: COPY sends the rows
    grouped by layout, so ids left to the column's default would not follow the batch) and its province; both in
    COPY's binary format (no text for the server to parse: the numbers, times and days are sent as PostgreSQL stores
    them)."""
    drawn = connection.exec_driver_sql(_ORDER_REFS, (len(new.columns),)).scalar_one()
    refs = np.asarray(drawn, dtype=np.int64)
    n = len(new.columns)
    platform = np.full(n, new.platform_id, dtype=np.int64)
    order_id = BinaryColumn("S", strings=new.columns.order_id)
    payload = BinaryColumn("S", strings=new.payload_hash)
    day = BinaryColumn(">i4", (new.columns.cover_day - _PG_EPOCH_DAY).astype(np.int64))
    _copy(
        connection,
        "COPY order_keys (platform_id, order_id, payload_hash, cover_day) FROM STDIN (FORMAT BINARY)",
        binary_copy_rows([BinaryColumn(">i8", platform), order_id, payload, day], n),
    )
    _copy(
        connection,
        f"COPY orders ({_ORDER_COLUMNS_POSTGRESQL}, province) FROM STDIN (FORMAT BINARY)",
        binary_copy_rows(_order_columns(new, refs, workers, platform, order_id, day), n),
    )


def _order_columns(
    new: NewOrders,
    refs: np.ndarray,
    workers: np.ndarray,
    platform: np.ndarray,
    order_id: BinaryColumn,
    day: BinaryColumn,
) -> list[BinaryColumn]:
    """The orders' columns for a binary COPY, in `_ORDER_COLUMNS_POSTGRESQL` order then the province (two digits of the
    region); times as µs and days as days since 2000-01-01 (PostgreSQL's epoch), UTC."""
    columns, amounts = new.columns, new.amounts

    def bigint(values: np.ndarray) -> BinaryColumn:
        return BinaryColumn(">i8", values)

    def integer(values: np.ndarray) -> BinaryColumn:
        return BinaryColumn(">i4", values)

    return [
        bigint(refs),
        bigint(platform),
        order_id,
        bigint(np.full(len(refs), new.batch_id, dtype=np.int64)),
        bigint(workers),
        BinaryColumn("S", strings=columns.industry),
        BinaryColumn("S", strings=columns.region),
        bigint((columns.accepted_at - _PG_EPOCH_US).astype(np.int64)),
        bigint((columns.completed_at - _PG_EPOCH_US).astype(np.int64)),
        day,
        integer(amounts.covered),
        bigint(amounts.levy),
        bigint(amounts.platform),
        bigint(amounts.worker),
        bigint(amounts.government),
        integer(amounts.high_band),
        integer(amounts.floating_ratio_bp),
        bigint(amounts.base),
        BinaryColumn("S", strings=[region[:2] for region in columns.region]),
    ]


# -- PostgreSQL: a batch's arrays in binary, built with numpy ----------------------------------------------------
class TextArray:
    """A one-dimensional text[] already in PostgreSQL's binary form (`array_send`; built by `text_array`), sent by
    psycopg as it is: the elements laid out by numpy (psycopg's own list dumper packs them one by one in Python)."""

    __slots__ = ("data",)
    OID = 1009  # text[]
    ELEMENT_OID = 25

    def __init__(self, data: bytes) -> None:
        self.data = data


def text_array(strings: list[str]) -> TextArray:
    """The strings (ASCII: order ids and hex hashes, validated) as a text[] in binary form, for `= ANY(…)` and
    sorted inserts: grouped by length (one numpy record layout each), so their order in the array is not kept."""
    encoded = np.array(strings, dtype="S") if strings else np.array([], dtype="S1")
    lengths = np.char.str_len(encoded)
    parts = [_array_header(TextArray.ELEMENT_OID, len(strings))]
    for length in np.unique(lengths).tolist():
        chosen = encoded[lengths == length] if lengths.min() != lengths.max() else encoded
        elements = np.empty(len(chosen), dtype=[("n", ">i4"), ("v", f"S{max(length, 1)}")])
        elements["n"] = length
        elements["v"] = chosen
        parts.append(elements.tobytes() if length else np.ascontiguousarray(elements["n"]).tobytes())
    return TextArray(b"".join(parts))


def _array_header(element_oid: int, count: int) -> bytes:
    """`array_send`'s header: one dimension of `count` elements from 1, no nulls (none when empty)."""
    if not count:
        return np.array([0, 0, element_oid], dtype=">u4").tobytes()
    return np.array([1, 0, element_oid, count, 1], dtype=">u4").tobytes()


class _TextArrayDumper(Dumper):
    """psycopg: a `TextArray`, already in binary form, sent as it is."""

    format = Format.BINARY
    oid = TextArray.OID

    def dump(self, obj: TextArray) -> bytes:
        return obj.data


psycopg.adapters.register_dumper(TextArray, _TextArrayDumper)
