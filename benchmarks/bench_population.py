"""Population benchmark: every coverage and contribution output for millions of workers spread over all 31 provinces,
a place of work and a month of one year per row, through `gigcover.compute` (chunked inside).

The peer is the same population asked the way a caller must without per-row places and dates: one `compute` call per
(province, month), each on its own rows. Both are checked equal on a sample before timing, then timed alternating.
Peak memory is each run's own, measured in a fresh process (ru_maxrss), beside the memory the population itself holds.

Run: .venv/bin/python benchmarks/bench_population.py [--people 10000000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

import gigcover
from gigcover.advisor.model import default_model
from gigcover.queries import CONTRIBUTION_OUTPUTS, COVERAGE_OUTPUTS
from gigcover.rules.coverage import Platform
from gigcover.rules.coverage.table2 import OUTSIDE_MAINLAND
from gigcover.rules.employment import Industry

OUTPUTS = [
    *COVERAGE_OUTPUTS,
    "hukou_local",
    *(o for o in CONTRIBUTION_OUTPUTS if o != "resident_pension_subsidy_annual"),
]
YEAR = 2025


def provinces() -> list[str]:
    """The 31 mainland provinces: Hong Kong, Macao and Taiwan are refused as places of work and hukou (issue 9)."""
    table = default_model().regions
    return sorted(
        code for code, region in table.by_code.items() if region.level == "province" and code not in OUTSIDE_MAINLAND
    )


def population(n: int, seed: int = 11) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """Inputs as a policy-lab population holds them (codes and indices), a place of work and a date per row."""
    rng = np.random.default_rng(seed)
    table = default_model().regions
    places = np.asarray([table.position[c] for c in provinces()], dtype=np.int16)
    work = places[rng.integers(0, len(places), n)]
    away = places[rng.integers(0, len(places), n)]
    local = rng.random(n) < 0.4
    months = np.arange(f"{YEAR}-01", f"{YEAR + 1}-01", dtype="datetime64[M]").astype("datetime64[D]")
    inputs = {
        "has_labor_contract": rng.random(n) < 0.15,
        "hukou_region": np.where(local, work, away),
        "hukou_rural": rng.random(n) < 0.6,
        "platform_manages_work": rng.random(n) < 0.8,
        "industry": rng.integers(0, len(Industry), n).astype(np.int8),
        "platform": rng.integers(0, len(Platform), n).astype(np.int8),
        "monthly_orders": rng.integers(0, 3000, n).astype(float),
    }
    return inputs, work, months[rng.integers(0, 12, n)]


def per_row(inputs: dict[str, Any], work: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    return gigcover.compute(inputs, OUTPUTS, date=days, region=work, decode=False, missing="nan")


def per_group(inputs: dict[str, Any], work: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    """The peer: one call per (province, month), its answers put back in row order."""
    key = work.astype(np.int64) * 100_000 + (days - days.min()).astype(np.int64)
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    out: dict[str, np.ndarray] = {}
    for rows in np.split(order, bounds):
        found = gigcover.compute(
            {k: v[rows] for k, v in inputs.items()},
            OUTPUTS,
            date=days[rows[0]],
            region=int(work[rows[0]]),
            decode=False,
            missing="nan",
        )
        for name, values in found.items():
            if name not in out:
                out[name] = np.empty(len(key), dtype=values.dtype)
            out[name][rows] = values
    return out


def same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    for name in OUTPUTS:
        if not np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"):
            raise SystemExit(f"peers disagree on {name}")


def one_run(kind: str, people: int) -> dict[str, float]:
    """Run in a fresh process: the population, then one timed call; peak memory of the process."""
    default_model()
    inputs, work, days = population(people)
    held = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    found = (per_row if kind == "per_row" else per_group)(inputs, work, days)
    seconds = time.perf_counter() - started
    assert len(found["table2_cell"]) == people
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "population_mb": held}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--one", choices=["per_row", "per_group"])
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.people)))
        return

    inputs, work, days = population(100_000, seed=3)
    same(per_row(inputs, work, days), per_group(inputs, work, days))
    found = gigcover.compute(inputs, OUTPUTS, date=days, region=work, missing="nan")
    nan_share = {o: float(np.isnan(found[o]).mean()) for o in OUTPUTS if found[o].dtype.kind == "f"}
    print(f"checked equal on 100,000 workers, {len(OUTPUTS)} outputs, 31 provinces × 12 months of {YEAR}")
    print("share of rows without a published figure (NaN): " + ", ".join(f"{k} {v:.0%}" for k, v in nan_share.items()))

    results: dict[str, list[dict[str, float]]] = {"per_row": [], "per_group": []}
    for _ in range(args.repeats):
        for kind in results:
            done = subprocess.run(
                [sys.executable, __file__, "--one", kind, "--people", str(args.people)],
                capture_output=True,
                text=True,
                check=True,
            )
            results[kind].append(json.loads(done.stdout))
    for kind, runs in results.items():
        seconds = [r["seconds"] for r in runs]
        print(
            f"{kind:9} {args.people:,} workers: {min(seconds):.2f}–{max(seconds):.2f} s; "
            f"peak RSS {max(r['peak_mb'] for r in runs):,.0f} MB (the population alone {runs[0]['population_mb']:,.0f} MB)"
        )
    best = {kind: min(r["seconds"] for r in runs) for kind, runs in results.items()}
    print(f"ratio per-row / per-group calls: {best['per_row'] / best['per_group']:.2f}")


if __name__ == "__main__":
    main()
