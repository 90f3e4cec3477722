"""Advice latency by place of work: a Zhengzhou rider (no flexible-worker medical rule in the parameters, so the
advisor also asks the range other places' rates give: two more simulations) beside a Hangzhou rider (the rule on
file), each with distinct incomes so that no answer is reused across calls.

    .venv/bin/python benchmarks/bench_advice_places.py [--source PATH] [--calls 300]

`--source` puts another checkout's `src` first on the path (a worktree of an earlier commit): the figure before and
after a change, in fresh processes, alternating.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

PLACES = {"410100": "Zhengzhou (no rule on file)", "330100": "Hangzhou (rule on file)"}
RIDER = {
    "hukou_region": "411600", "hukou_rural": True, "industry": "food_delivery", "platform": "meituan",
    "has_labor_contract": False, "platform_manages_work": True, "birth_date": "1995-03", "sex": "male",
    "monthly_orders": 900,
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", help="a checkout's src folder to import gigcover from")
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    if args.source:
        sys.path.insert(0, args.source)
    from gigcover.advisor import advise
    from gigcover.advisor.model import default_model

    model = default_model()

    def ask(region: str, income: int) -> dict[str, Any]:
        profile = {**RIDER, "work_region": region, "monthly_income": income}
        return advise(model, {"date": "2026-06-01", "profile": profile})

    for region, name in PLACES.items():
        for income in range(6000, 6020):  # warm-up
            ask(region, income)
        times = []
        for income in range(7000, 7000 + args.calls):
            start = time.perf_counter()
            answer = ask(region, income)
            times.append(time.perf_counter() - start)
        times.sort()
        medical = next(item for item in answer["plan"] if item["item"] == "medical")
        estimated = "with an estimated range" if medical.get("cost_estimate") else "no estimate"
        p50, p99 = statistics.median(times) * 1000, times[int(0.99 * len(times))] * 1000
        print(f"{name:28} p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  ({estimated})")


if __name__ == "__main__":
    main()
