"""Rules-core benchmark: one worker's Table 2 + scheme access through `calculate`, against the same rules on arrays.

Prints figures and the ratio between the two peers measured in this run (per-person cost, scalar ÷ vector).
Run: .venv/bin/python benchmarks/bench_rules.py [--people 1000000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from gigcover.advisor.model import default_model, load_model
from gigcover.engine.evaluate import Model, calculate
from gigcover.queries import COVERAGE_OUTPUTS

INDUSTRIES = ["food_delivery", "ride_hailing", "courier", "livestreaming", "intra_city_freight"]
PLATFORMS = ["meituan", "eleme", "didi", "other"]


def one_worker(i: int) -> dict[str, object]:
    return {
        "has_labor_contract": i % 5 == 0,
        "hukou_local": i % 3 == 0,
        "hukou_rural": i % 2 == 0,
        "platform_manages_work": i % 4 != 0,
        "industry": INDUSTRIES[i % len(INDUSTRIES)],
        "platform": PLATFORMS[i % len(PLATFORMS)],
    }


def population(n: int, seed: int = 7) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    return {
        "has_labor_contract": (rng.random(n) < 0.2).tolist(),
        "hukou_local": (rng.random(n) < 0.35).tolist(),
        "hukou_rural": (rng.random(n) < 0.6).tolist(),
        "platform_manages_work": (rng.random(n) < 0.8).tolist(),
        "industry": rng.choice(INDUSTRIES, n).tolist(),
        "platform": rng.choice(PLATFORMS, n).tolist(),
    }


def scalar_calls(model: Model, calls: int, outputs: list[str]) -> tuple[float, float]:
    timings = []
    for i in range(calls):
        request = {"date": "2025-09-01", "region": "310000", "inputs": one_worker(i), "outputs": outputs}
        t0 = time.perf_counter()
        calculate(model, request)
        timings.append(time.perf_counter() - t0)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=2_000)
    args = parser.parse_args()

    started = time.perf_counter()
    load_model()
    load_seconds = time.perf_counter() - started
    model = default_model()
    outputs = list(COVERAGE_OUTPUTS)

    p50, p99 = scalar_calls(model, args.calls, outputs)

    inputs = population(args.people)
    t0 = time.perf_counter()
    answer = calculate(model, {"date": "2025-09-01", "region": "310000", "inputs": inputs, "outputs": outputs})
    vector_seconds = time.perf_counter() - t0
    assert len(answer["outputs"]["table2_cell"]) == args.people
    per_person_vector = vector_seconds / args.people

    print(
        f"model load (fresh, {len(model.variables)} variables, {len(model.store.parameters)} parameters): "
        f"{load_seconds * 1000:.1f} ms"
    )
    print(
        f"one worker, {len(outputs)} outputs via calculate: p50 {p50 * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms "
        f"({args.calls} calls over 60 kinds of worker)"
    )
    print(
        f"{args.people:,} workers in one vector call: {vector_seconds:.2f} s "
        f"({per_person_vector * 1e6:.2f} µs per worker, incl. input validation and JSON conversion)"
    )
    print(f"ratio scalar p50 / vector per worker: {p50 / per_person_vector:.0f}×")


if __name__ == "__main__":
    main()
