"""Ledger ingest at the storage layer: orders per second into SQLite (a file, WAL) and PostgreSQL.

Prints, per database and batch size:
1. new orders: batches of fresh orders (many workers, three industries, pilot and non-pilot provinces, a month of days)
   ingested one after another by `ingest_batch`, each batch its own transaction;
2. replayed batches: the same batches again (every order a duplicate: validated, fingerprinted, looked up, nothing
   written);
3. the peer: the first slice's ingest path (kept below, only here: per-order pydantic validation, SQLAlchemy
   multi-row INSERTs with RETURNING, postings summed per account group order by order), on the same orders in a
   database of its own;
4. where the time goes in new batches: each function of the ingest path timed (`STAGES`: validation, hashes and
   fingerprints, pricing and the rules in it, the duplicate lookup, workers, orders, postings; the rest)
   and, on a PostgreSQL server on this machine, its server process's CPU time a batch;
5. with `--writers N` (default 2): N processes ingesting distinct batches into one ledger at once, orders/s in all.

Before timing, a sample of batches (new, a repeat inside a batch, a replay) is ingested by both paths into two fresh
databases and the rows they wrote are compared (workers, orders with their amounts, postings, covered days, batches;
since migration 0008 the covered days are a view over the orders on both paths: the peer no longer writes them).

PostgreSQL: each run works in a schema of its own (`bench_ledger_<random>`) on the given database, dropped at the end.

Run: .venv/bin/python benchmarks/bench_ledger.py [--batch-sizes 1000,10000] [--orders 100000] [--peer-orders 20000]
     [--databases sqlite,postgresql] [--postgres postgresql://127.0.0.1:5432/test] [--writers 2]
     [--skip-peer] [--pg-foreign-keys (PostgreSQL: with the foreign keys migration 0004 leaves out, to measure them)]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, insert, select, text

import gigcover
from gigcover.ledger import ids, partitions
from gigcover.ledger.audit import record
from gigcover.ledger.contract import OrderIn, validate_batch
from gigcover.ledger.contributions import OUTPUTS, Compute, OrderAmounts, _fen
from gigcover.ledger.db import connect, migrate
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import UnknownPlatform, ingest_batch
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import Account, batches, orders, platforms, postgresql_metadata, postings, workers

NOW = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
HASHER = IdHasher(b"benchmark-key-not-a-secret-0123456789")
REGIONS = ("310000", "440300", "500000", "110000", "330100", "620000")  # 620000: not in the pilot in August 2025
INDUSTRIES = ("food_delivery", "ride_hailing", "intra_city_freight")
WORKERS = 20_000
FOREIGN_KEYS = [False]  # `--pg-foreign-keys`: put back on PostgreSQL the foreign keys migration 0004 leaves out
RESTORED_KEYS = (
    "ALTER TABLE orders ADD FOREIGN KEY (platform_id) REFERENCES platforms (id)",
    "ALTER TABLE orders ADD FOREIGN KEY (batch_id) REFERENCES batches (id)",
    "ALTER TABLE orders ADD FOREIGN KEY (worker_id) REFERENCES workers (id)",
    "ALTER TABLE postings ADD FOREIGN KEY (batch_id) REFERENCES batches (id)",
    "ALTER TABLE postings ADD FOREIGN KEY (platform_id) REFERENCES platforms (id)",
)


# -- the orders ---------------------------------------------------------------------------------------------------
def worker_numbers(count: int) -> list[str]:
    numbers = []
    for i in range(count):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=(i * 37) % 12_000)
        first17 = f"{('310115', '440304', '500103')[i % 3]}{born:%Y%m%d}{i % 1000:03d}"
        numbers.append(first17 + ids.check_char(first17))
    return numbers


def make_batches(total: int, size: int, seed: int = 7) -> list[list[dict[str, Any]]]:
    """`total` orders in batches of `size`: August 2025, random workers, places, industries and times."""
    rng = np.random.default_rng(seed)
    numbers = worker_numbers(WORKERS)
    start = dt.datetime(2025, 8, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    minutes = rng.integers(0, 31 * 24 * 60, total)
    durations = rng.integers(5, 90, total)
    who = rng.integers(0, WORKERS, total)
    where = rng.integers(0, len(REGIONS), total)
    what = rng.integers(0, len(INDUSTRIES), total)
    made = []
    for i in range(total):
        accepted = start + dt.timedelta(minutes=int(minutes[i]))
        made.append(
            {
                "order_id": f"O{seed}-{i:09d}",
                "worker_id_number": numbers[who[i]],
                "industry": INDUSTRIES[what[i]],
                "region": REGIONS[where[i]],
                "accepted_at": accepted.isoformat(),
                "completed_at": (accepted + dt.timedelta(minutes=int(durations[i]))).isoformat(),
            }
        )
    return [made[i : i + size] for i in range(0, total, size)]


# -- databases ----------------------------------------------------------------------------------------------------
@contextmanager
def database(kind: str, postgres_url: str) -> Iterator[Engine]:
    """A fresh, migrated ledger: a SQLite file in a temporary directory, or a PostgreSQL schema of its own."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = connect(f"sqlite:///{Path(folder) / 'ledger.db'}")
            migrate(engine)
            try:
                yield engine
            finally:
                engine.dispose()
        return
    admin = connect(postgres_url)
    schema = f"bench_ledger_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = connect(f"{postgres_url}?options=-csearch_path%3D{schema}")
    try:
        migrate(engine)
        if FOREIGN_KEYS[0]:
            with engine.begin() as connection:
                for statement in RESTORED_KEYS:
                    connection.exec_driver_sql(statement)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def snapshot(engine: Engine) -> dict[str, Any]:
    """What a path wrote, without surrogate keys: compared between the two paths."""
    with engine.connect() as connection:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted(tuple(str(v) for v in row) for row in connection.execute(text(sql)))

        payload, keys = "o.payload_hash", ""
        if engine.dialect.name == "postgresql":  # 0009: the fingerprint is kept in order_keys only
            payload = "k.payload_hash"
            keys = "JOIN order_keys k ON k.platform_id = o.platform_id AND k.order_id = o.order_id"

        return {
            "workers": rows("SELECT id_hash FROM workers"),
            "orders": rows(
                f"SELECT o.platform_id, o.order_id, {payload}, w.id_hash, o.industry, o.region, o.accepted_at,"
                " o.completed_at, o.cover_day, o.covered, o.levy_fen, o.platform_fen, o.worker_fen, o.government_fen"
                f" FROM orders o JOIN workers w ON w.id = o.worker_id {keys}"
            ),
            "postings": rows(
                "SELECT b.accepted, p.platform_id, p.province, p.industry, p.month, p.account, p.debit_fen, p.credit_fen"
                " FROM postings p JOIN batches b ON b.id = p.batch_id"
            ),
            "covered_days": rows(
                "SELECT w.id_hash, c.day, c.platform_id, c.orders FROM covered_days c JOIN workers w ON w.id = c.worker_id"
            ),
            "batches": rows("SELECT platform_id, accepted, duplicate FROM batches"),
            "audit": rows("SELECT actor, action FROM audit_log"),
        }


# -- the two paths ------------------------------------------------------------------------------------------------
def ingest_new(engine: Engine, platform: int, batch: list[dict[str, Any]]) -> Any:
    return ingest_batch(engine, platform, batch, compute=gigcover.compute, hasher=HASHER, now=NOW)


def ingest_previous(engine: Engine, platform: int, batch: list[dict[str, Any]]) -> Any:
    return previous_ingest_batch(engine, platform, batch, compute=gigcover.compute, hasher=HASHER, now=NOW)


PATHS = {"new": ingest_new, "previous": ingest_previous}


def check_same_rows(kind: str, postgres_url: str) -> None:
    sample = make_batches(1_200, 400, seed=3)
    sample.append(sample[0][:50] + sample[0][:10])  # a replay, with a repeat inside the batch
    sample.append(make_batches(300, 300, seed=4)[0])
    found = {}
    for name, path in PATHS.items():
        with database(kind, postgres_url) as engine:
            platform = add_platform(engine, "美团", "meituan").id
            for batch in sample:
                path(engine, platform, batch)
            found[name] = snapshot(engine)
    for table in found["new"]:
        if found["new"][table] != found["previous"][table]:
            raise SystemExit(f"{kind}: the two paths wrote different {table} rows")
    print(
        f"  {kind}: both paths wrote the same rows on a sample of {sum(map(len, sample))} orders "
        f"({len(found['new']['orders'])} orders, {len(found['new']['postings'])} postings)"
    )


def timed_run(kind: str, postgres_url: str, path: str, batch_list: list[list[dict[str, Any]]]) -> tuple[float, float]:
    """Orders per second: new batches, then the same batches replayed."""
    with database(kind, postgres_url) as engine:
        platform = add_platform(engine, "美团", "meituan").id
        ingest_new(engine, platform, make_batches(200, 200, seed=99)[0])  # warm the connection, caches and the model
        total = sum(map(len, batch_list))
        t0 = time.perf_counter()
        for batch in batch_list:
            PATHS[path](engine, platform, batch)
        new_rate = total / (time.perf_counter() - t0)
        if kind == "postgresql" and path == "new":
            print(f"           on disk: {bytes_per_order(engine):,.0f} bytes an order (tables and indexes)")
        t0 = time.perf_counter()
        for batch in batch_list:
            result = PATHS[path](engine, platform, batch)
            assert result.accepted == 0
        replay_rate = total / (time.perf_counter() - t0)
    return new_rate, replay_rate


def bytes_per_order(engine: Engine) -> float:
    """PostgreSQL: the ledger's tables with their indexes (every partition), per order recorded."""
    with engine.connect() as connection:
        size = connection.execute(
            text(
                "SELECT sum(pg_total_relation_size(oid)) FROM pg_class "
                "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
            )
        ).scalar_one()
        recorded = connection.execute(text("SELECT count(*) FROM orders")).scalar_one()
    return float(size) / max(int(recorded), 1)


STAGES = {  # stage: (module, function) of the ingest path, each timed around its calls
    "validate": ("ingest", "validate_columns"),
    "hash": ("ingest", "_prepare"),
    "pricing": ("ingest", "_amounts"),
    "rules": ("ingest", "per_order_amounts"),  # inside pricing
    "lookup": ("store", "recorded_payloads"),
    "workers": ("store", "worker_ids"),
    "orders": ("store", "insert_orders"),
    "postings": ("store", "insert_postings"),
}


def timed(totals: MutableMapping[str, float], stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, adding the seconds of each call to `totals[stage]` (the profiles of both ledger benchmarks)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[stage] += time.perf_counter() - t0

    return wrapper


def where_the_time_goes(kind: str, postgres_url: str, size: int) -> dict[str, float]:
    """New batches, stage by stage: ms a batch of each function of the ingest path (`STAGES`, timed around its
    calls), `rest` (the batch row, audit entry, results, commit), `client_cpu` (this process's CPU time a batch), and on
    PostgreSQL `server_cpu`: the CPU time of the batch's server process, read from /proc when the server runs on this
    machine (else absent), and `wal_bytes_an_order`: the server's WAL written meanwhile (by every session), an order."""
    from gigcover.ledger import ingest, store

    modules = {"ingest": ingest, "store": store}
    batch_list = make_batches(size * 5, size, seed=11)
    totals: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    originals = {stage: getattr(modules[m], f) for stage, (m, f) in STAGES.items()}

    with database(kind, postgres_url) as engine:
        platform = add_platform(engine, "美团", "meituan").id
        ingest_new(engine, platform, make_batches(200, 200, seed=99)[0])
        backend = _server_stat(engine)
        cpu_before = _cpu_seconds(backend)
        wal_before = _wal_position(engine)
        for stage, (module, function) in STAGES.items():
            setattr(modules[module], function, timed(totals, stage, originals[stage]))
        try:
            t0, cpu0 = time.perf_counter(), time.process_time()
            for batch in batch_list:
                ingest_new(engine, platform, batch)
            whole, client_cpu = time.perf_counter() - t0, time.process_time() - cpu0
        finally:
            for stage, (module, function) in STAGES.items():
                setattr(modules[module], function, originals[stage])
        cpu_after = _cpu_seconds(backend)
        wal_after = _wal_position(engine)
    named = sum(seconds for stage, seconds in totals.items() if stage != "rules")
    found = {stage: seconds * 1000 / len(batch_list) for stage, seconds in totals.items()}
    found["rest"] = (whole - named) * 1000 / len(batch_list)
    found["batch"] = whole * 1000 / len(batch_list)
    found["client_cpu"] = client_cpu * 1000 / len(batch_list)
    if cpu_before is not None and cpu_after is not None:
        found["server_cpu"] = (cpu_after - cpu_before) * 1000 / len(batch_list)
    if wal_before is not None and wal_after is not None:
        found["wal_bytes_an_order"] = (wal_after - wal_before) / sum(map(len, batch_list))
    return found


def _wal_position(engine: Engine) -> int | None:
    """PostgreSQL: the server's current WAL position in bytes (None on SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn").scalar_one())


def _server_stat(engine: Engine) -> Path | None:
    """PostgreSQL on this machine: /proc's file of the server process the engine's (one, reused) connection has."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        stat = Path(f"/proc/{connection.exec_driver_sql('SELECT pg_backend_pid()').scalar_one()}/stat")
    return stat if stat.exists() else None


def _cpu_seconds(stat: Path | None) -> float | None:
    """User + system CPU seconds of a process from its /proc stat file (fields 14 and 15)."""
    if stat is None or not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _writer(url: str, platform: int, batch_list: list[list[dict[str, Any]]], start: Any) -> None:
    """One writer process: its own engine, its own batches, ingested one after another once all writers are ready."""
    engine = connect(url)
    ingest_new(engine, platform, make_batches(50, 50, seed=1000 + os.getpid())[0])  # connect, load the rules
    start.wait()
    for batch in batch_list:
        ingest_new(engine, platform, batch)
    engine.dispose()


def writers_run(kind: str, postgres_url: str, writers: int, batch_list: list[list[dict[str, Any]]]) -> float:
    """Orders per second with `writers` processes ingesting distinct batches into one ledger at once (a service with
    several workers). SQLite queues them on its one write lock; PostgreSQL runs them side by side."""
    with database(kind, postgres_url) as engine:
        platform = add_platform(engine, "美团", "meituan").id
        context = multiprocessing.get_context("spawn")
        start = context.Barrier(writers + 1)
        shares = [batch_list[i::writers] for i in range(writers)]
        processes = [
            context.Process(
                target=_writer, args=(engine.url.render_as_string(hide_password=False), platform, share, start)
            )
            for share in shares
        ]
        for process in processes:
            process.start()
        start.wait()
        t0 = time.perf_counter()
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - t0
        assert all(process.exitcode == 0 for process in processes)
        with engine.connect() as connection:
            recorded = connection.execute(text("SELECT count(*) FROM orders")).scalar_one()
        assert recorded == sum(map(len, batch_list)) + 50 * writers
    return sum(map(len, batch_list)) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", default="1000,10000")
    parser.add_argument("--orders", type=int, default=100_000, help="new orders per database and batch size")
    parser.add_argument("--peer-orders", type=int, default=20_000, help="orders for the previous path (it is slow)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the new path; the best is reported")
    parser.add_argument(
        "--writers", type=int, default=2, help="processes writing at once for the last figure (0: none)"
    )
    parser.add_argument(
        "--pg-foreign-keys", action="store_true", help="PostgreSQL: with the foreign keys 0004 leaves out (to measure)"
    )
    parser.add_argument("--skip-peer", action="store_true", help="no previous path, no row comparison")
    options = parser.parse_args()
    FOREIGN_KEYS[0] = options.pg_foreign_keys
    kinds = options.databases.split(",")
    if not options.skip_peer:
        print("checking that both paths write the same rows:")
        for kind in kinds:
            check_same_rows(kind, options.postgres)
    for kind in kinds:
        for size in (int(s) for s in options.batch_sizes.split(",")):
            runs = [
                timed_run(kind, options.postgres, "new", make_batches(options.orders, size))
                for _ in range(options.repeat)
            ]
            new_rate = max(r[0] for r in runs)
            replay_rate = max(r[1] for r in runs)
            peer_new, peer_replay = (
                (float("nan"), float("nan"))
                if options.skip_peer
                else timed_run(kind, options.postgres, "previous", make_batches(options.peer_orders, size))
            )
            stages = where_the_time_goes(kind, options.postgres, size)
            print(
                f"{kind:10s} batch {size:>6,d}: new {new_rate:>9,.0f} orders/s (runs {', '.join(f'{r[0]:,.0f}' for r in runs)}),"
                f" replayed {replay_rate:>9,.0f}/s | previous path: new {peer_new:>8,.0f}/s, replayed {peer_replay:>8,.0f}/s"
                f" | ×{new_rate / peer_new:.1f} new, ×{replay_rate / peer_replay:.1f} replayed"
            )
            print("           a new batch (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
            if options.writers > 1:
                together = writers_run(
                    kind, options.postgres, options.writers, make_batches(options.orders, size, seed=5)
                )
                print(f"           {options.writers} writer processes at once: {together:,.0f} orders/s in all")


# -- the first slice's ingest path, kept only as the peer -----------------------------------------------------------
# (gigcover/ledger/ingest.py before the bulk path: the same contract, one order at a time)
LOOKUP_CHUNK = 1_000
PG_TABLES = MetaData()
for _table in (orders,):  # 0005: on PostgreSQL with the province each month is sub-partitioned by
    Table(_table.name, PG_TABLES, *(Column(c.name, c.type, primary_key=c.primary_key) for c in _table.columns),
          Column("province", String(2)))  # fmt: skip
ORDER_KEYS = postgresql_metadata().tables["order_keys"]


@dataclass(frozen=True)
class _OrderResult:
    order_id: str
    status: Literal["accepted", "duplicate"]


@dataclass(frozen=True)
class _BatchResult:
    batch_id: int | None
    accepted: int
    duplicate: int
    results: list[_OrderResult]


@dataclass(frozen=True)
class _Prepared:
    order: OrderIn
    id_hash: str
    payload_hash: str


class _Conflict(ValueError):
    pass


def previous_ingest_batch(
    engine: Engine,
    platform_id: int,
    orders_in: list[dict[str, Any]],
    *,
    compute: Compute,
    hasher: IdHasher,
    overrides: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> _BatchResult:
    clock = now or dt.datetime.now(dt.UTC)
    prepared = _prev_prepare(validate_batch(orders_in, clock), hasher)
    fresh_in_batch = _first_of_each(prepared)
    # 0004's months and 0005's provinces (PostgreSQL)
    partitions.ensure_months(engine, [(p.order.cover_day, p.order.region[:2]) for p in prepared])
    with engine.begin() as connection:
        rules_platform = _rules_platform(connection, platform_id)
        recorded = _recorded_payloads(connection, platform_id, [p.order.order_id for p in fresh_in_batch])
        _refuse_conflicts(prepared, recorded)
        new = [p for p in fresh_in_batch if p.order.order_id not in recorded]
        results = _results(prepared, {p.order.order_id for p in new})
        duplicate = len(prepared) - len(new)
        if not new:
            return _BatchResult(None, 0, duplicate, results)
        amounts = _amounts(compute, new, rules_platform, overrides)
        batch_id = _write(connection, platform_id, new, amounts, duplicate, clock)
    return _BatchResult(batch_id, len(new), duplicate, results)


def _previous_per_order_amounts(
    compute: Compute,
    *,
    industries: Sequence[str],
    days: Sequence[dt.date],
    regions: Sequence[str],
    rules_platform: str,
    overrides: Mapping[str, Any] | None = None,
) -> OrderAmounts:
    found = compute(
        {
            "industry": np.asarray(industries, dtype=object),
            "platform": rules_platform,
            "has_labor_relation": False,
            "monthly_orders": 1.0,
        },
        list(OUTPUTS),
        date=np.asarray(days, dtype="datetime64[D]"),
        region=np.asarray(regions, dtype=object),
        overrides=overrides,
        missing="nan",
    )
    covered = np.fromiter((len(payers) > 0 for payers in found["occupational_injury_payers"]), bool, len(industries))
    amounts = {
        name: _fen(found[f"occupational_injury_{name}"], covered, name)
        for name in ("monthly_levy", "platform_monthly", "worker_monthly", "government_monthly")
    }
    return OrderAmounts(  # the standard band, no floating ratio: the base amount is the levy
        covered,
        amounts["monthly_levy"],
        amounts["monthly_levy"],
        amounts["platform_monthly"],
        amounts["worker_monthly"],
        amounts["government_monthly"],
        np.zeros(len(industries), bool),
        np.zeros(len(industries), np.int64),
    )


def _prev_prepare(valid: list[OrderIn], hasher: IdHasher) -> list[_Prepared]:
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


def _results(prepared: list[_Prepared], new_ids: set[str]) -> list[_OrderResult]:
    """Per order in the batch's order: `accepted` for the first occurrence of a new id, else `duplicate`."""
    seen: set[str] = set()
    results = []
    for item in prepared:
        order_id = item.order.order_id
        results.append(
            _OrderResult(order_id, "accepted" if order_id in new_ids and order_id not in seen else "duplicate")
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
    keys = ORDER_KEYS if connection.dialect.name == "postgresql" else orders  # 0009: PostgreSQL's are in order_keys
    for start in range(0, len(order_ids), LOOKUP_CHUNK):
        chunk = order_ids[start : start + LOOKUP_CHUNK]
        rows = connection.execute(
            select(keys.c.order_id, keys.c.payload_hash).where(
                keys.c.platform_id == platform_id, keys.c.order_id.in_(chunk)
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
        raise _Conflict(sorted(conflicting))


def _amounts(
    compute: Compute, new: list[_Prepared], rules_platform: str, overrides: Mapping[str, Any] | None
) -> OrderAmounts:
    return _previous_per_order_amounts(
        compute,
        industries=[p.order.industry for p in new],
        days=[p.order.cover_day for p in new],
        regions=[p.order.region for p in new],
        rules_platform=rules_platform,
        overrides=overrides,
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
    _insert_orders(connection, platform_id, batch_id, new, amounts, worker_ids)
    if connection.dialect.name == "postgresql":  # 0004: the idempotency key beside the partitioned orders
        keys = [{"platform_id": platform_id, "order_id": p.order.order_id, "payload_hash": p.payload_hash,
                 "cover_day": p.order.cover_day} for p in new]  # fmt: skip
        connection.execute(
            text("INSERT INTO order_keys VALUES (:platform_id, :order_id, :payload_hash, :cover_day)"), keys
        )
    _insert_postings(connection, platform_id, batch_id, new, amounts)
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
        }
        for i, p in enumerate(new)
    ]
    if connection.dialect.name == "postgresql":  # 0005: the province each month is sub-partitioned by; 0009: no
        for row in rows:  # fingerprint on PostgreSQL's orders (it is in order_keys)
            row["province"] = row["region"][:2]
            del row["payload_hash"]
        return _insert_many(connection, PG_TABLES.tables["orders"], rows)
    return _insert_many(connection, orders, rows)


def _insert_postings(
    connection: Connection, platform_id: int, batch_id: int, new: list[_Prepared], amounts: OrderAmounts
) -> None:
    """Double entry per account group (0006), read order by order: each covered order's payers' shares added to its
    group's debits and its levy to the group's credit to the fund; zero sums omitted."""
    groups: dict[tuple[str, str, dt.date], list[int]] = {}
    for i, p in enumerate(new):
        if not amounts.covered[i] or amounts.levy[i] == 0:
            continue
        group = groups.setdefault((p.order.region[:2], p.order.industry, p.order.cover_day.replace(day=1)), [0] * 4)
        for leg, fen in enumerate((amounts.platform[i], amounts.worker[i], amounts.government[i], amounts.levy[i])):
            group[leg] += int(fen)
    accounts = (Account.PLATFORM_PAYABLE, Account.WORKER_SHARE, Account.GOVERNMENT_SHARE, Account.FUND)
    rows = [
        {
            "batch_id": batch_id,
            "platform_id": platform_id,
            "province": province,
            "industry": industry,
            "month": month,
            "account": account.value,
            "debit_fen": 0 if account is Account.FUND else fen,
            "credit_fen": fen if account is Account.FUND else 0,
        }
        for (province, industry, month), sums in sorted(groups.items())
        for account, fen in zip(accounts, sums, strict=True)
        if fen
    ]
    if rows:
        _insert_many(connection, postings, rows)


if __name__ == "__main__":
    main()
