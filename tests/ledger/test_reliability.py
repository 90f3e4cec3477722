"""Reliability of the ingest path, with real processes, on SQLite and PostgreSQL.

- Crash: a child process ingesting batches is killed with SIGKILL at random points inside a batch, several times;
  after each kill every batch is wholly recorded or not at all and the invariants hold; then a run replays every
  batch to the end, and the ledger is exactly what the orders owe.
- Concurrency: several processes post overlapping batches at once, one of them batches that conflict with recorded
  orders; every order is recorded and accepted exactly once, with its postings once, and the conflicting batches
  are refused whole.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select

import gigcover
from gigcover.ledger.check import check
from gigcover.ledger.contract import CST
from gigcover.ledger.contributions import Compute
from gigcover.ledger.db import connect
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import ingest_batch
from gigcover.ledger.platforms import add_platform
from gigcover.ledger.schema import batches, covered_days, orders, postings, workers

from .ledger_cases import many_orders

CHILD = Path(__file__).with_name("ingest_child.py")
NOW = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
KILLS = 3
STARTUP_TIMEOUT = 60


def _spawn(url: str, platform: int, batches_file: Path, *, wait: bool = False) -> subprocess.Popen[str]:
    source = str(Path(gigcover.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, str(CHILD), url, str(platform), str(batches_file), *(["--wait"] if wait else [])]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)


def _read_until(child: subprocess.Popen[str], wanted: str) -> list[str]:
    """The child's lines up to and including `wanted` (fails if it ends first)."""
    assert child.stdout is not None
    lines = []
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        line = child.stdout.readline().strip()
        if not line:
            raise AssertionError(f"the child ended before {wanted!r} (exit {child.wait()})")
        lines.append(line)
        if line == wanted:
            return lines
    raise AssertionError(f"no {wanted!r} within {STARTUP_TIMEOUT} s")


def _owed(compute: Compute, every_order: list[dict[str, Any]]) -> dict[str, int]:
    """order id → the fen the rules say it owes (0 outside the pilot): asked of `gigcover.compute` directly."""
    accepted = [dt.datetime.fromisoformat(o["accepted_at"]).astimezone(CST).date() for o in every_order]
    found = compute(
        {"industry": np.asarray([o["industry"] for o in every_order], dtype=object), "platform": "meituan",
         "has_labor_relation": False, "monthly_orders": 1.0},
        ["occupational_injury_payers", "occupational_injury_monthly_levy"],
        date=np.asarray(accepted, dtype="datetime64[D]"),
        region=np.asarray([o["region"] for o in every_order], dtype=object),
        missing="nan",
    )  # fmt: skip
    return {
        o["order_id"]: round(float(levy) * 100) if payers else 0
        for o, payers, levy in zip(
            every_order, found["occupational_injury_payers"], found["occupational_injury_monthly_levy"], strict=True
        )
    }


def _expected_days(hasher: IdHasher, every_order: list[dict[str, Any]], owed: dict[str, int]) -> Counter[Any]:
    """(worker hash, CST day) → covered orders, counted from the orders themselves (one platform)."""
    return Counter(
        (hasher.hash(o["worker_id_number"]), dt.datetime.fromisoformat(o["accepted_at"]).astimezone(CST).date())
        for o in every_order
        if owed[o["order_id"]] > 0
    )


def _assert_ledger_is_exactly(
    engine: Engine, hasher: IdHasher, every_order: list[dict[str, Any]], owed: dict[str, int]
) -> None:
    with engine.connect() as connection:
        recorded = dict(connection.execute(select(orders.c.order_id, orders.c.levy_fen)).all())
        fund = connection.execute(select(func.coalesce(func.sum(postings.c.credit_fen), 0))).scalar_one()
        legs = (
            connection.execute(
                select(func.count())
                .select_from(postings)
                .group_by(
                    postings.c.batch_id, postings.c.province, postings.c.industry, postings.c.month, postings.c.account
                )
            )
            .scalars()
            .all()
        )
        days = Counter(
            {
                (row.id_hash, row.day): row.orders
                for row in connection.execute(
                    select(workers.c.id_hash, covered_days.c.day, covered_days.c.orders).join(
                        workers, workers.c.id == covered_days.c.worker_id
                    )
                )
            }
        )
    assert recorded == owed  # every order once, each with what the rules say it owes
    assert fund == sum(owed.values())
    assert set(legs) <= {1}  # no account group posted twice to an account (each order once: `check`)
    assert days == _expected_days(hasher, every_order, owed)
    assert check(engine) == []


# -- crash -------------------------------------------------------------------------------------------------------
def _time_one_batch(url: str, platform: int, batches_file: Path) -> float:
    """A child records the first two batches, undisturbed: how long a batch takes here (seconds), timed on the second
    (the first also creates the partitions of its months and provinces, which later batches find made)."""
    child = _spawn(url, platform, batches_file)
    _read_until(child, "start 1")
    started = time.monotonic()
    _read_until(child, "start 2")
    seconds = time.monotonic() - started
    child.send_signal(signal.SIGKILL)
    child.wait()
    return seconds


def test_a_killed_ingest_leaves_whole_batches_and_a_replay_completes_the_ledger(
    database_url: str, tmp_path: Path, compute: Compute, hasher: IdHasher
) -> None:
    engine = connect(database_url)
    platform = add_platform(engine, "美团", "meituan").id
    batch_list = [many_orders(f"K{b}-", 1_200, seed=b) for b in range(8)]
    batches_file = tmp_path / "batches.json"
    batches_file.write_text(json.dumps(batch_list), encoding="utf-8")
    rng = random.Random(20251201)
    batch_seconds, recorded_batches, interrupted = _time_one_batch(database_url, platform, batches_file), 2, 0
    for _ in range(KILLS):
        target = min(recorded_batches + rng.randrange(2), len(batch_list) - 1)  # a batch not yet recorded
        child = _spawn(database_url, platform, batches_file)
        _read_until(child, "ready")
        lines = _read_until(child, f"start {target}")
        time.sleep(rng.uniform(0.1, 0.8) * batch_seconds)  # inside the batch: validating, pricing or writing it
        child.send_signal(signal.SIGKILL)
        child.wait()
        with engine.connect() as connection:
            recorded = Counter(
                order_id.split("-")[0] for order_id in connection.execute(select(orders.c.order_id)).scalars()
            )
            batch_rows = connection.execute(select(func.count()).select_from(batches)).scalar_one()
        assert all(recorded[f"K{b}"] in (0, len(batch)) for b, batch in enumerate(batch_list))  # whole or nothing
        assert batch_rows == len(recorded)
        assert sum(1 for line in lines if line.startswith("{")) == target  # the batches before it: all reported
        assert len(recorded) in (target, target + 1)  # the target: rolled back, or committed just before the kill
        assert check(engine) == []
        interrupted += len(recorded) == target
        recorded_batches = len(recorded)
    assert interrupted > 0  # at least one kill landed inside a batch's transaction and it left no trace
    child = _spawn(database_url, platform, batches_file)
    output, _ = child.communicate(timeout=120)
    assert child.returncode == 0 and output.rstrip().endswith("finished")
    every_order = [o for batch in batch_list for o in batch]
    _assert_ledger_is_exactly(engine, hasher, every_order, _owed(compute, every_order))
    engine.dispose()


# -- concurrency ---------------------------------------------------------------------------------------------------
def test_concurrent_overlapping_batches_record_each_order_once(
    database_url: str, tmp_path: Path, compute: Compute, hasher: IdHasher
) -> None:
    engine = connect(database_url)
    platform = add_platform(engine, "美团", "meituan").id
    recorded_first = many_orders("S-", 200, seed=1)
    ingest_batch(engine, platform, recorded_first, compute=compute, hasher=hasher, now=NOW)
    pool = many_orders("P-", 2_000, seed=2)
    plans = [
        [pool[start : start + 600] for start in range(offset, 2_000, 400)]  # overlapping windows
        for offset in (0, 100, 250, 300)
    ]
    plans[3] = [list(reversed(window)) for window in reversed(plans[3])]  # another order: lock waits both ways
    changed = [{**o, "region": "440300" if o["region"] != "440300" else "310000"} for o in recorded_first[:20]]
    conflicting = [changed + many_orders(f"C{i}-", 300, seed=10 + i) for i in range(3)]
    plans.append([window for pair in zip(conflicting, plans[0][:3], strict=True) for window in pair])
    children = []
    for number, plan in enumerate(plans):
        batches_file = tmp_path / f"plan{number}.json"
        batches_file.write_text(json.dumps(plan), encoding="utf-8")
        children.append(_spawn(database_url, platform, batches_file, wait=True))
    for child in children:
        _read_until(child, "ready")
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outcomes = []
    for child in children:
        output, _ = child.communicate(timeout=120)
        assert child.returncode == 0, output
        outcomes.append([json.loads(line) for line in output.splitlines() if line.startswith("{")])
    posted = [o for plan in plans[:4] for window in plan for o in window]
    distinct = {o["order_id"] for o in posted}
    assert sum(r.get("accepted", 0) for results in outcomes for r in results) == len(distinct)  # each once
    refused = [r for r in outcomes[4] if "conflict" in r]
    assert len(refused) == 3
    assert all(r["conflict"] == sorted(o["order_id"] for o in changed) for r in refused)  # refused whole
    every_order = recorded_first + list({o["order_id"]: o for o in posted}.values())
    _assert_ledger_is_exactly(engine, hasher, every_order, _owed(compute, every_order))  # no C… order written
    engine.dispose()
