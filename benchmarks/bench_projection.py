"""Lifetime projection benchmark: one worker's history through `calculate`, against N histories in one vector call.

Run: .venv/bin/python benchmarks/bench_projection.py [--people 100000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from gigcover.engine.evaluate import calculate
from gigcover.rules.model import default_model

REGIONS = ["310000", "440300", "510100", "330100", "110000"]
HUKOU = ["511500", "411600", "510100", "320300"]


def history(rng: np.random.Generator) -> dict[str, object]:
    segments = []
    for _ in range(int(rng.integers(1, 5))):
        scheme = str(rng.choice(["employee", "employee", "resident", "none"]))
        segment: dict[str, object] = {"years": int(rng.integers(1, 10)), "scheme": scheme}
        if scheme == "employee":
            segment |= {"region": str(rng.choice(REGIONS)), "base_index": float(rng.choice([0.6, 0.8, 1.0]))}
        elif scheme == "resident":
            segment |= {"region": str(rng.choice(HUKOU)), "tier": 300}
        segments.append(segment)
    return {"start_year": int(rng.integers(2015, 2026)), "hukou_region": str(rng.choice(HUKOU)), "segments": segments}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    model, rng = default_model(), np.random.default_rng(11)
    outputs = ["pension_projection"]

    def request(inputs: dict[str, object]) -> dict[str, object]:
        return {"date": "2025-09-01", "region": "310000", "inputs": inputs, "outputs": outputs}

    timings = []
    for _ in range(args.calls):
        inputs = {"contribution_history": history(rng), "birth_date": "1990-05", "original_retirement_age": 60}
        t0 = time.perf_counter()
        calculate(model, request(inputs))
        timings.append(time.perf_counter() - t0)
    p50 = statistics.median(timings)

    histories = [history(rng) for _ in range(args.people)]
    births = [
        f"{y}-{m:02d}"
        for y, m in zip(rng.integers(1966, 2005, args.people), rng.integers(1, 13, args.people), strict=True)
    ]
    ages = rng.choice([60, 55, 50], args.people).tolist()
    t0 = time.perf_counter()
    answer = calculate(
        model, request({"contribution_history": histories, "birth_date": births, "original_retirement_age": ages})
    )
    seconds = time.perf_counter() - t0
    per_person = seconds / args.people
    assert len(answer["outputs"]["pension_projection"]["pension_monthly"]) == args.people
    print(f"one history via calculate (projection + 3 counterfactuals): p50 {p50 * 1e3:.1f} ms ({args.calls} calls)")
    print(
        f"{args.people:,} histories in one vector call: {seconds:.1f} s ({per_person * 1e6:.0f} µs per person, "
        "incl. validating every history)"
    )
    print(f"ratio scalar p50 / vector per person: {p50 / per_person:.0f}×")


if __name__ == "__main__":
    main()
