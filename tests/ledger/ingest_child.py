"""A separate process ingesting batches, for the crash and concurrency tests (not a test module).

Usage: python ingest_child.py DATABASE_URL PLATFORM_ID BATCHES_JSON [--wait]

Prints one line per event, flushed at once so the parent can act on it: `ready`, then for each batch `start I` and
a JSON line with the outcome (`{"batch": I, "accepted": …, "duplicate": …}` or `{"batch": I, "conflict": [ids]}`),
then `finished`. With `--wait` it waits for a line on stdin after `ready` (so several children start together).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import gigcover
from gigcover.ledger.db import connect
from gigcover.ledger.ids import IdHasher
from gigcover.ledger.ingest import OrderConflict, ingest_batch

NOW = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
HASHER = IdHasher(b"test-only-key-not-a-secret-0123456789")


def main(url: str, platform_id: int, batches_file: str, wait: bool) -> None:
    batches = json.loads(Path(batches_file).read_text(encoding="utf-8"))
    engine = connect(url)
    gigcover.compute(
        {"industry": "food_delivery", "platform": "meituan", "has_labor_relation": False, "monthly_orders": 1.0},
        ["occupational_injury_monthly_levy"],
        date="2025-09-01",
        region="310000",
    )  # load the rules before saying ready
    print("ready", flush=True)
    if wait:
        sys.stdin.readline()
    for index, batch in enumerate(batches):
        print(f"start {index}", flush=True)
        try:
            result = ingest_batch(engine, platform_id, batch, compute=gigcover.compute, hasher=HASHER, now=NOW)
        except OrderConflict as conflict:
            print(json.dumps({"batch": index, "conflict": conflict.order_ids}), flush=True)
            continue
        print(json.dumps({"batch": index, "accepted": result.accepted, "duplicate": result.duplicate}), flush=True)
    engine.dispose()
    print("finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], "--wait" in sys.argv[4:])
