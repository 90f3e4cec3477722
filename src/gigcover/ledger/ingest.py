"""Ingesting a platform's batch of orders: validated whole, priced by the rules, posted double-entry, atomically.

- Validation: the whole batch or nothing (`contract.validate_columns`: numpy over the batch's columns, the reference
  model's verdict and messages for any row it does not accept outright).
- Contributions: one `compute` call for the batch, a day and place per order (`contributions.per_order_amounts`).
- Idempotent on (platform, order_id): the same order again is `duplicate`; the same id with another payload refuses the
  whole batch (`OrderConflict`) and writes nothing. Recorded orders are found by one set-based query.
- Atomic: one transaction per batch — orders, postings and the audit entry are written together or not
  at all (a crash at any moment leaves the batch wholly recorded or not at all). On SQLite the transaction takes the
  write lock first (BEGIN IMMEDIATE), so the duplicate check and the writes see the same ledger; on PostgreSQL a
  batch that loses a race to a concurrent batch with the same new orders (or a deadlock) is retried from the start,
  where it finds them recorded.
- Bulk writes (`store`), nothing just written read back. SQLite: the orders by one `executemany`. PostgreSQL: `COPY`
  straight into `order_keys` and `orders` (partitioned; COPY routes the rows).
- Postings (migration 0006): each order's amounts are recorded once, on its `orders` row; double entry is per batch
  and account group — for each (province, industry, month) of the batch's covered orders, each payer's shares summed
  and debited to its account (platform payable 平台应缴, worker share 个人应缴, government share 财政补贴) and the
  levies summed and credited to the occupational-injury fund (职业伤害保障基金). `ledger check` holds each group's
  postings to its orders' amounts, to the fen.
- Covered days (按日参保): a worker is covered on each CST day on which they accepted a covered order on any platform;
  `covered_days` counts their orders per platform per day — a view over `orders` (migration 0008), so a batch writes
  nothing more for them and they cannot disagree with the orders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat
from json.encoder import encode_basestring_ascii
from operator import methodcaller
from typing import Any, Literal

import numpy as np
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import DBAPIError

from gigcover.ledger import partitions, store
from gigcover.ledger.audit import record
from gigcover.ledger.bands import bands_for_orders
from gigcover.ledger.contract import OrderColumns, validate_columns
from gigcover.ledger.contributions import Compute, OrderAmounts, per_order_amounts
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.schema import batches, platforms

MAX_ATTEMPTS = 5
"""Times a batch is tried when it loses a race with a concurrent batch (PostgreSQL); then the error is raised."""


class UnknownPlatform(LookupError):
    """No platform has this id."""


class OrderConflict(ValueError):
    """An order id already recorded (or repeated in the batch) with a different payload (HTTP 409 later)."""

    def __init__(self, order_ids: list[str]) -> None:
        self.order_ids = order_ids
        super().__init__(f"orders already recorded with a different payload: {', '.join(order_ids)}")


@dataclass(slots=True)
class OrderResult:
    """One order's outcome (a plain slotted class: a batch makes 10,000 of them, and a frozen dataclass's checked
    attribute writes cost three times as much — measured)."""

    order_id: str
    status: Literal["accepted", "duplicate"]


@dataclass(frozen=True)
class BatchResult:
    batch_id: int | None  # None when every order was a duplicate (nothing written)
    accepted: int
    duplicate: int
    results: list[OrderResult]


@dataclass(frozen=True)
class _Prepared:
    """A valid batch with each order's worker as its keyed hash and its payload fingerprinted."""

    columns: OrderColumns
    id_hash: list[str]
    payload_hash: list[str]
    first: list[int]  # the row of each order id's first occurrence, in the batch's order


def ingest_batch(
    engine: Engine,
    platform_id: int,
    orders_in: list[dict[str, Any]],
    *,
    compute: Compute,
    hasher: IdHasher,
    overrides: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> BatchResult:
    """Record a platform's batch; see the module's docstring for the contract.

    `compute` is `gigcover.compute` (passed in by the interface that calls the ledger); `overrides` a scenario's
    parameter overrides (e.g. a worker share), as in `compute`; `now` the ledger's clock (for the future check)."""
    clock = now or dt.datetime.now(dt.UTC)
    prepared = _prepare(validate_columns(orders_in, clock), hasher)
    partitions.ensure_months(engine, _months_and_provinces(prepared.columns))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return _ingest_once(engine, platform_id, prepared, compute, overrides, clock)
        except DBAPIError as error:
            if attempt == MAX_ATTEMPTS or not store.lost_a_race(error):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _ingest_once(
    engine: Engine,
    platform_id: int,
    prepared: _Prepared,
    compute: Compute,
    overrides: Mapping[str, Any] | None,
    clock: dt.datetime,
) -> BatchResult:
    with engine.begin() as connection:
        store.begin_writing(connection)
        rules_platform = _rules_platform(connection, platform_id)
        order_ids = prepared.columns.order_id
        recorded = store.recorded_payloads(connection, platform_id, [order_ids[i] for i in prepared.first])
        _refuse_conflicts(prepared, recorded)
        new = [i for i in prepared.first if order_ids[i] not in recorded]
        results = _results(order_ids, {order_ids[i] for i in new})
        duplicate = len(order_ids) - len(new)
        if not new:
            return BatchResult(None, 0, duplicate, results)
        columns = prepared.columns.take(new)
        amounts = _amounts(connection, platform_id, compute, columns, rules_platform, overrides)
        batch_id = _write(connection, platform_id, prepared, new, columns, amounts, duplicate, clock)
    return BatchResult(batch_id, len(new), duplicate, results)


def _prepare(columns: OrderColumns, hasher: IdHasher) -> _Prepared:
    """Hash each distinct worker once; fingerprint each order."""
    distinct = list(dict.fromkeys(columns.worker_id_number))
    by_number = dict(zip(distinct, hasher.hash_canonical(distinct), strict=True))
    id_hash = list(map(by_number.__getitem__, columns.worker_id_number))
    n = len(columns)
    # each id's first row: walking backwards, an earlier row overwrites a later one's entry
    first = dict(zip(reversed(columns.order_id), range(n - 1, -1, -1), strict=True))
    rows = list(range(n)) if len(first) == n else sorted(first.values())  # no repeats (the common case): every row
    return _Prepared(columns, id_hash, payload_hashes(columns, id_hash), rows)


def payload_hashes(columns: OrderColumns, id_hash: list[str]) -> list[str]:
    """Each order's SHA-256 fingerprint: of its contract fields as sorted-key JSON (`json.dumps(…, sort_keys=True)`),
    times in UTC (the same instant in another offset is the same order) and the worker as its keyed hash (a hash of
    the raw number could be reversed by trying every valid number). The bytes hashed are the same as the first
    slice's, so orders recorded by it are recognised."""
    texts = [
        f'{{"accepted_at": "{a}+00:00", "completed_at": "{c}+00:00", "industry": "{industry}", '
        f'"order_id": {order_id}, "region": "{region}", "worker": "{worker}"}}'
        for a, c, industry, order_id, region, worker in zip(
            _iso_utc(columns.accepted_at),
            _iso_utc(columns.completed_at),
            columns.industry,
            map(encode_basestring_ascii, columns.order_id),
            columns.region,
            id_hash,
            strict=True,
        )
    ]
    return list(map(_HEXDIGEST, map(hashlib.sha256, map(str.encode, texts))))


_HEXDIGEST = methodcaller("hexdigest")


def _iso_utc(instants: np.ndarray) -> list[str]:
    """`datetime.isoformat()` without its offset: seconds, and microseconds only when there are any (platforms mostly
    send whole seconds: then the whole column is written to the second, without a loop over it)."""
    if not (instants.astype(np.int64) % 1_000_000).any():
        whole: list[str] = np.datetime_as_string(instants, unit="s").tolist()
        return whole
    exact: list[str] = np.datetime_as_string(instants, unit="us").tolist()
    return [text[:19] if text.endswith(".000000") else text for text in exact]


def _months_and_provinces(columns: OrderColumns) -> set[tuple[dt.date, str]]:
    """Each (first day of the month, province) the batch's orders fall in: their CST day's month and the first two
    digits of their region."""
    months: list[dt.date] = columns.cover_day.astype("datetime64[M]").astype("datetime64[D]").tolist()
    return set(zip(months, (region[:2] for region in columns.region), strict=True))


def _results(order_ids: list[str], new_ids: set[str]) -> list[OrderResult]:
    """Per order in the batch's order: `accepted` for the first occurrence of a new id, else `duplicate`."""
    if len(new_ids) == len(order_ids):  # every order new (so no repeats): the common case, without a loop
        accepted: Literal["accepted"] = "accepted"
        return list(map(OrderResult, order_ids, repeat(accepted)))
    seen: set[str] = set()
    results = []
    for order_id in order_ids:
        results.append(
            OrderResult(order_id, "accepted" if order_id in new_ids and order_id not in seen else "duplicate")
        )
        seen.add(order_id)
    return results


def _rules_platform(connection: Connection, platform_id: int) -> str:
    """The platform's name in the rules; on PostgreSQL its row is held shared until the batch commits, so a band
    setting (which locks it: bands.set_band) waits for the batches being priced, and they for it."""
    shared = select(platforms.c.rules_platform).where(platforms.c.id == platform_id).with_for_update(read=True)
    found = connection.execute(shared).scalar()
    if found is None:
        raise UnknownPlatform(f"platform {platform_id} is not registered")
    return str(found)


def _refuse_conflicts(prepared: _Prepared, recorded: dict[str, str]) -> None:
    """`OrderConflict` listing every id whose payload differs from the recorded one or from its first in the batch."""
    order_ids, payloads = prepared.columns.order_id, prepared.payload_hash
    first = {order_ids[row]: payloads[row] for row in prepared.first}
    conflicting = {
        order_id
        for order_id, payload in zip(order_ids, payloads, strict=True)
        if recorded.get(order_id, first[order_id]) != payload
    }
    if conflicting:
        raise OrderConflict(sorted(conflicting))


def _amounts(
    connection: Connection,
    platform_id: int,
    compute: Compute,
    columns: OrderColumns,
    rules_platform: str,
    overrides: Mapping[str, Any] | None,
) -> OrderAmounts:
    """Each order priced by the rules in the platform's band and floating ratio at its province and day."""
    high_band, ratio_bp = bands_for_orders(connection, platform_id, columns.region, columns.cover_day.tolist())
    return per_order_amounts(
        compute,
        industries=columns.industry,
        days=columns.cover_day,
        regions=columns.region,
        rules_platform=rules_platform,
        overrides=overrides,
        high_band=high_band,
        floating_ratio_bp=ratio_bp,
    )


def _write(
    connection: Connection,
    platform_id: int,
    prepared: _Prepared,
    new: list[int],
    columns: OrderColumns,
    amounts: OrderAmounts,
    duplicate: int,
    clock: dt.datetime,
) -> int:
    """Everything the batch changes, in the caller's transaction."""
    batch_id = int(
        connection.execute(
            insert(batches)
            .values(platform_id=platform_id, received_at=clock, accepted=len(new), duplicate=duplicate)
            .returning(batches.c.id)
        ).scalar_one()
    )
    new_orders = store.NewOrders(
        platform_id,
        batch_id,
        columns,
        [prepared.id_hash[i] for i in new],
        [prepared.payload_hash[i] for i in new],
        amounts,
    )
    workers = store.worker_ids(connection, new_orders.id_hash)
    store.insert_orders(connection, new_orders, workers)
    store.insert_postings(connection, new_orders)
    record(
        connection,
        f"platform:{platform_id}",
        "orders.batch",
        {"batch_id": batch_id, "accepted": len(new), "duplicate": duplicate, "levy_fen": int(amounts.levy.sum())},
    )
    return batch_id
