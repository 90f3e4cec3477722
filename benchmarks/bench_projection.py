"""Lifetime projection at population scale: contribution histories as columns through `gigcover.compute` (chunked),
against the same histories as JSON records through `calculate` (the per-person path), and one history's latency.

Histories cover about 45 years each (a start year 1992–2005, 2–5 segments across ten provinces and four hukou places,
employee, resident and gap years) for workers born 1968–1985, projected to the statutory retirement date, with the
comparison without moves or switches behind `portability_loss_monthly` (the only comparison these outputs need: the
projection runs twice, not four times). The two paths are checked identical on a sample before timing; peak memory is
the process's (VmHWM, reset before the run; Linux).

Run: .venv/bin/python benchmarks/bench_projection.py [--people 1000000] [--peer 20000] [--chunk 50000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

import gigcover
from gigcover.advisor.model import default_model
from gigcover.engine.evaluate import calculate
from gigcover.rules.projection import HistoryColumns

REGIONS = np.array(["310000", "440300", "510100", "330100", "110000", "420100", "500000", "610100", "370100", "410100"])
HUKOU = np.array(["511500", "411600", "510100", "320300"])
OUTPUTS = [
    "projected_pension_monthly",
    "projected_employee_contribution_years",
    "projected_account_balance",
    "portability_loss_monthly",
    "portability_pooled_transfer",
]


def population(n: int, seed: int = 11) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """People (one row each), segments (one row each) and the other inputs, as numpy columns."""
    rng = np.random.default_rng(seed)
    count = rng.integers(2, 6, n)
    person = np.repeat(np.arange(n), count)
    m = len(person)
    scheme = rng.choice(np.array(["employee", "employee", "employee", "resident", "none"]), m)
    years = np.maximum(1, np.round(45 / count[person] * rng.uniform(0.6, 1.4, m)).astype(int))
    region = np.where(scheme == "resident", rng.choice(HUKOU, m), rng.choice(REGIONS, m))
    people = {"start_year": rng.integers(1992, 2006, n), "hukou_region": rng.choice(HUKOU, n)}
    segments = {
        "person": person,
        "years": years,
        "scheme": scheme,
        "region": np.where(scheme == "none", "", region),
        "base_index": rng.choice(np.array([0.6, 0.8, 1.0, 1.5]), m),
        "tier": np.where(scheme == "resident", 300.0, 0.0),
    }
    births = np.char.add(
        np.char.add(rng.integers(1968, 1986, n).astype(str), "-"), np.char.zfill(rng.integers(1, 13, n).astype(str), 2)
    )
    others = {"birth_date": births, "original_retirement_age": rng.choice(np.array([60, 55, 50]), n)}
    return people, segments, others


def as_json(people: dict[str, Any], segments: dict[str, Any], i: int) -> dict[str, Any]:
    rows = np.flatnonzero(segments["person"] == i)
    items = []
    for r in rows:
        item: dict[str, Any] = {"years": int(segments["years"][r]), "scheme": str(segments["scheme"][r])}
        if item["scheme"] != "none":
            item |= {"region": str(segments["region"][r]), "base_index": float(segments["base_index"][r])}
            item |= {"tier": float(segments["tier"][r])}
        items.append(item)
    return {
        "start_year": int(people["start_year"][i]),
        "hukou_region": str(people["hukou_region"][i]),
        "segments": items,
    }


def by_columns(people: dict[str, Any], segments: dict[str, Any], others: dict[str, Any], chunk: int) -> dict[str, Any]:
    histories = HistoryColumns.of(people, segments, default_model().regions)
    inputs = {"contribution_history": histories, **others}
    return gigcover.compute(inputs, OUTPUTS, date="2025-09-01", region="310000", chunk_rows=chunk)


def json_request(people: dict[str, Any], segments: dict[str, Any], others: dict[str, Any], n: int) -> dict[str, Any]:
    """The same histories as the JSON records a caller of the calc contract holds (built before any timing)."""
    inputs = {
        "contribution_history": [as_json(people, segments, i) for i in range(n)],
        "birth_date": others["birth_date"][:n].tolist(),
        "original_retirement_age": others["original_retirement_age"][:n].tolist(),
    }
    return {"date": "2025-09-01", "region": "310000", "inputs": inputs, "outputs": OUTPUTS}


def by_json(request: dict[str, Any]) -> dict[str, Any]:
    return dict(calculate(default_model(), request)["outputs"])


def sub(people: dict[str, Any], segments: dict[str, Any], others: dict[str, Any], n: int) -> tuple[Any, Any, Any]:
    keep = segments["person"] < n
    return (
        {k: v[:n] for k, v in people.items()},
        {k: v[keep] for k, v in segments.items()},
        {k: v[:n] for k, v in others.items()},
    )


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--peer", type=int, default=20_000, help="people for the JSON peer")
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    default_model()
    people, segments, others = population(args.people)

    small = sub(people, segments, others, 2_000)
    cols, recs = by_columns(*small, chunk=args.chunk), by_json(json_request(*small, n=2_000))
    for name in OUTPUTS:
        assert np.array_equal(np.asarray(cols[name], dtype=float), np.asarray(recs[name], dtype=float)), name
    print(f"checked identical on 2,000 workers, {len(OUTPUTS)} outputs (columns vs JSON records)")

    timings = []
    for i in range(args.calls):
        one = {
            "contribution_history": as_json(people, segments, i),
            "birth_date": str(others["birth_date"][i]),
            "original_retirement_age": int(others["original_retirement_age"][i]),
        }
        t0 = time.perf_counter()
        calculate(default_model(), {"date": "2025-09-01", "region": "310000", "inputs": one, "outputs": OUTPUTS})
        timings.append(time.perf_counter() - t0)
    print(f"one history via calculate (projection + 1 comparison): p50 {statistics.median(timings) * 1e3:.1f} ms")

    peer = sub(people, segments, others, args.peer)
    request = json_request(*peer, n=args.peer)
    t0 = time.perf_counter()
    by_json(request)
    json_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    by_columns(*peer, chunk=args.chunk)
    cols_seconds = time.perf_counter() - t0
    print(
        f"{args.peer:,} workers: JSON records {json_seconds:.2f} s ({json_seconds / args.peer * 1e6:.0f} µs each), "
        f"columns {cols_seconds:.2f} s ({cols_seconds / args.peer * 1e6:.1f} µs each): {json_seconds / cols_seconds:.1f}×"
    )

    Path("/proc/self/clear_refs").write_text("5")
    years = int(np.bincount(segments["person"], weights=segments["years"]).mean())
    t0, cpu0 = time.perf_counter(), time.process_time()
    found = by_columns(people, segments, others, args.chunk)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert len(found["projected_pension_monthly"]) == args.people
    print(
        f"{args.people:,} workers × ~{years} years of history, columns, chunks of {args.chunk:,}: {seconds:.1f} s "
        f"({seconds / args.people * 1e6:.1f} µs each; process CPU {cpu:.1f} s, which on a shared machine says how "
        f"much of the wall time was spent waiting); peak RSS {peak_mb():,.0f} MB"
    )


if __name__ == "__main__":
    main()
