"""Ingesting a platform's batch of orders: validated whole, priced by the rules, posted double-entry, atomically.

- Validation: the whole batch or nothing (`contract.validate_batch`).
- Contributions: one `compute` call for the batch, a day and place per order (`contributions.per_order_amounts`).
- Idempotent on (platform, order_id): the same order again is `duplicate`; the same id with another payload refuses the
  whole batch (`OrderConflict`) and writes nothing.
- Atomic: one transaction per batch — orders, postings, covered days and the audit entry are written together or not
  at all.
- Postings: for each covered order, each payer's share is debited to its account (platform payable 平台应缴, worker
  share 个人应缴, government share 财政补贴) and the levy credited to the occupational-injury fund (职业伤害保障基金).
- Covered days (按日参保): a worker is covered on each CST day on which they accepted a covered order on any platform;
  `covered_days` counts their orders per platform per day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Engine, Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from gigcover.ledger.audit import record
from gigcover.ledger.bands import bands_for_orders
from gigcover.ledger.contract import OrderIn, validate_batch
from gigcover.ledger.contributions import Compute, OrderAmounts, per_order_amounts
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.schema import Account, batches, covered_days, orders, platforms, postings, workers

LOOKUP_CHUNK = 1_000
"""Order ids looked up per query: well under every driver's limit on bound parameters."""


class UnknownPlatform(LookupError):
    """No platform has this id."""


class OrderConflict(ValueError):
    """An order id already recorded (or repeated in the batch) with a different payload (HTTP 409 later)."""

    def __init__(self, order_ids: list[str]) -> None:
        self.order_ids = order_ids
        super().__init__(f"orders already recorded with a different payload: {', '.join(order_ids)}")


@dataclass(frozen=True)
class OrderResult:
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
    """An order ready to write: validated, its ID number hashed, its payload fingerprinted."""

    order: OrderIn
    id_hash: str
    payload_hash: str


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
    prepared = _prepare(validate_batch(orders_in, clock), hasher)
    fresh_in_batch = _first_of_each(prepared)
    with engine.begin() as connection:
        rules_platform = _rules_platform(connection, platform_id)
        recorded = _recorded_payloads(connection, platform_id, [p.order.order_id for p in fresh_in_batch])
        _refuse_conflicts(prepared, recorded)
        new = [p for p in fresh_in_batch if p.order.order_id not in recorded]
        results = _results(prepared, {p.order.order_id for p in new})
        duplicate = len(prepared) - len(new)
        if not new:
            return BatchResult(None, 0, duplicate, results)
        amounts = _amounts(connection, platform_id, compute, new, rules_platform, overrides)
        batch_id = _write(connection, platform_id, new, amounts, duplicate, clock)
    return BatchResult(batch_id, len(new), duplicate, results)


def _prepare(valid: list[OrderIn], hasher: IdHasher) -> list[_Prepared]:
    prepared = []
    for order in valid:
        id_hash = hasher.hash(order.worker_id_number)
        prepared.append(_Prepared(order, id_hash, _payload_hash(order, id_hash)))
    return prepared


def _payload_hash(order: OrderIn, id_hash: str) -> str:
    """SHA-256 of the order's contract fields, times in UTC (the same instant in another offset is the same order) and
    the worker as its keyed hash (a hash of the raw number could be reversed by trying every valid number)."""
    fields = {
        "order_id": order.order_id,
        "worker": id_hash,
        "industry": order.industry,
        "region": order.region,
        "accepted_at": order.accepted_at.astimezone(dt.UTC).isoformat(),
        "completed_at": order.completed_at.astimezone(dt.UTC).isoformat(),
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def _first_of_each(prepared: list[_Prepared]) -> list[_Prepared]:
    """Each order id's first occurrence in the batch (a repeat inside one batch is a duplicate or a conflict too)."""
    seen: dict[str, _Prepared] = {}
    for item in prepared:
        seen.setdefault(item.order.order_id, item)
    return list(seen.values())


def _results(prepared: list[_Prepared], new_ids: set[str]) -> list[OrderResult]:
    """Per order in the batch's order: `accepted` for the first occurrence of a new id, else `duplicate`."""
    seen: set[str] = set()
    results = []
    for item in prepared:
        order_id = item.order.order_id
        results.append(
            OrderResult(order_id, "accepted" if order_id in new_ids and order_id not in seen else "duplicate")
        )
        seen.add(order_id)
    return results


def _rules_platform(connection: Connection, platform_id: int) -> str:
    found = connection.execute(select(platforms.c.rules_platform).where(platforms.c.id == platform_id)).scalar()
    if found is None:
        raise UnknownPlatform(f"platform {platform_id} is not registered")
    return str(found)


def _recorded_payloads(connection: Connection, platform_id: int, order_ids: Sequence[str]) -> dict[str, str]:
    """order_id → payload hash of the orders of this batch already recorded for the platform."""
    found: dict[str, str] = {}
    for start in range(0, len(order_ids), LOOKUP_CHUNK):
        chunk = order_ids[start : start + LOOKUP_CHUNK]
        rows = connection.execute(
            select(orders.c.order_id, orders.c.payload_hash).where(
                orders.c.platform_id == platform_id, orders.c.order_id.in_(chunk)
            )
        )
        found.update({row.order_id: row.payload_hash for row in rows})
    return found


def _refuse_conflicts(prepared: list[_Prepared], recorded: dict[str, str]) -> None:
    """`OrderConflict` listing every id whose payload differs from the recorded one or from its first in the batch."""
    first = {p.order.order_id: p.payload_hash for p in reversed(prepared)}
    conflicting = {
        p.order.order_id for p in prepared if recorded.get(p.order.order_id, first[p.order.order_id]) != p.payload_hash
    }
    if conflicting:
        raise OrderConflict(sorted(conflicting))


def _amounts(
    connection: Connection,
    platform_id: int,
    compute: Compute,
    new: list[_Prepared],
    rules_platform: str,
    overrides: Mapping[str, Any] | None,
) -> OrderAmounts:
    """Each order priced by the rules in the platform's band and floating ratio at its province and day."""
    days = [p.order.cover_day for p in new]
    regions = [p.order.region for p in new]
    high_band, ratio_bp = bands_for_orders(connection, platform_id, regions, days)
    return per_order_amounts(
        compute,
        industries=[p.order.industry for p in new],
        days=days,
        regions=regions,
        rules_platform=rules_platform,
        overrides=overrides,
        high_band=high_band,
        floating_ratio_bp=ratio_bp,
    )


def _write(
    connection: Connection,
    platform_id: int,
    new: list[_Prepared],
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
    worker_ids = _worker_ids(connection, sorted({p.id_hash for p in new}))
    order_refs = _insert_orders(connection, platform_id, batch_id, new, amounts, worker_ids)
    _insert_postings(connection, batch_id, order_refs, amounts)
    _add_covered_days(connection, platform_id, new, amounts, worker_ids)
    record(
        connection,
        f"platform:{platform_id}",
        "orders.batch",
        {"batch_id": batch_id, "accepted": len(new), "duplicate": duplicate, "levy_fen": int(amounts.levy.sum())},
    )
    return batch_id


def _insert_many(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows; their ids in the order given. With RETURNING, SQLAlchemy sends the rows as multi-row INSERTs
    ("insertmanyvalues", about 1,000 rows a statement) instead of one statement per row."""
    inserted = connection.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [int(row_id) for row_id in inserted.scalars()]


def _worker_ids(connection: Connection, id_hashes: list[str]) -> dict[str, int]:
    """id hash → worker id, registering workers seen for the first time (实名: one worker across platforms)."""
    known: dict[str, int] = {}
    for start in range(0, len(id_hashes), LOOKUP_CHUNK):
        chunk = id_hashes[start : start + LOOKUP_CHUNK]
        rows = connection.execute(select(workers.c.id_hash, workers.c.id).where(workers.c.id_hash.in_(chunk)))
        known.update({row.id_hash: int(row.id) for row in rows})
    missing = [h for h in id_hashes if h not in known]
    if missing:
        _insert_many(connection, workers, [{"id_hash": h} for h in missing])
        for start in range(0, len(missing), LOOKUP_CHUNK):
            chunk = missing[start : start + LOOKUP_CHUNK]
            rows = connection.execute(select(workers.c.id_hash, workers.c.id).where(workers.c.id_hash.in_(chunk)))
            known.update({row.id_hash: int(row.id) for row in rows})
    return known


def _insert_orders(
    connection: Connection,
    platform_id: int,
    batch_id: int,
    new: list[_Prepared],
    amounts: OrderAmounts,
    worker_ids: dict[str, int],
) -> list[int]:
    """Insert the batch's new orders; their row ids in the order of `new`."""
    rows = [
        {
            "platform_id": platform_id,
            "order_id": p.order.order_id,
            "payload_hash": p.payload_hash,
            "batch_id": batch_id,
            "worker_id": worker_ids[p.id_hash],
            "industry": p.order.industry,
            "region": p.order.region,
            "accepted_at": p.order.accepted_at,
            "completed_at": p.order.completed_at,
            "cover_day": p.order.cover_day,
            "covered": int(amounts.covered[i]),
            "levy_fen": int(amounts.levy[i]),
            "platform_fen": int(amounts.platform[i]),
            "worker_fen": int(amounts.worker[i]),
            "government_fen": int(amounts.government[i]),
            "high_band": int(amounts.high_band[i]),
            "floating_ratio_bp": int(amounts.floating_ratio_bp[i]),
            "base_fen": int(amounts.base[i]),
        }
        for i, p in enumerate(new)
    ]
    return _insert_many(connection, orders, rows)


def _insert_postings(connection: Connection, batch_id: int, order_refs: list[int], amounts: OrderAmounts) -> None:
    """Double entry per covered order: each payer's share debited, the levy credited to the fund (zero legs omitted)."""
    rows: list[dict[str, Any]] = []
    for i, ref in enumerate(order_refs):
        if not amounts.covered[i] or amounts.levy[i] == 0:
            continue
        legs = (
            (Account.PLATFORM_PAYABLE, int(amounts.platform[i]), 0),
            (Account.WORKER_SHARE, int(amounts.worker[i]), 0),
            (Account.GOVERNMENT_SHARE, int(amounts.government[i]), 0),
            (Account.FUND, 0, int(amounts.levy[i])),
        )
        rows.extend(
            _posting(batch_id, ref, account, debit, credit) for account, debit, credit in legs if debit or credit
        )
    if rows:
        _insert_many(connection, postings, rows)


def _posting(batch_id: int, order_ref: int, account: Account, debit: int, credit: int) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "order_ref": order_ref,
        "account": account.value,
        "debit_fen": debit,
        "credit_fen": credit,
    }


def _add_covered_days(
    connection: Connection,
    platform_id: int,
    new: list[_Prepared],
    amounts: OrderAmounts,
    worker_ids: dict[str, int],
) -> None:
    """Count the batch's covered orders per worker and CST day into `covered_days` (按日参保)."""
    counts = Counter((worker_ids[p.id_hash], p.order.cover_day) for i, p in enumerate(new) if amounts.covered[i])
    if counts:
        _upsert_days(connection, platform_id, counts.items())


def _upsert_days(connection: Connection, platform_id: int, counts: Iterable[tuple[tuple[int, dt.date], int]]) -> None:
    """Insert each (worker, day, platform) or add to its order count."""
    rows = [{"worker_id": w, "day": d, "platform_id": platform_id, "orders": n} for (w, d), n in counts]
    statement = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(covered_days)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["worker_id", "day", "platform_id"],
            set_={"orders": covered_days.c.orders + statement.excluded.orders},
        ).returning(covered_days.c.worker_id),
        rows,
    )
