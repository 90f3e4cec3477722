"""Advice latency by place of work: a Zhengzhou rider (no flexible-worker medical rule in the parameters, so the
advisor also asks the range other places' rates give: two more simulations) beside a Hangzhou rider (the rule on
file), each with distinct incomes so that no answer is reused across calls.

    .venv/bin/python benchmarks/bench_advice_places.py [--source PATH] [--calls 300] [--answers FILE]

`--source` puts another checkout's `src` first on the path (a worktree of an earlier commit): the figure before and
after a change, in fresh processes, alternating. `--answers FILE` first writes the answers of 15 advices (five
capitals × three incomes) without the estimate's own fields and wording, so that two versions' files can be compared
(`cmp`) before their times are: the same advice, timed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
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
    parser.add_argument("--answers", help="write the sample's answers (JSON) here before timing")
    args = parser.parse_args()
    if args.source:
        sys.path.insert(0, args.source)
    from gigcover.advisor import advise
    from gigcover.advisor.model import default_model

    model = default_model()

    def ask(region: str, income: int) -> dict[str, Any]:
        profile = {**RIDER, "work_region": region, "monthly_income": income}
        return advise(model, {"date": "2026-06-01", "profile": profile})

    if args.answers:
        write_answers(ask, args.answers)
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


ESTIMATE_WORDING = ("cost_estimate", "reason_zh", "reason_en", "data_gaps")  # what the estimate adds or words anew


def write_answers(ask: Callable[[str, int], dict[str, Any]], path: str) -> None:
    """The advices of five capitals (two without a medical rule on file) at three incomes, without what the estimate
    adds: equal files mean the two versions advise alike apart from it."""
    answers = {}
    for region in ("410100", "330100", "310000", "510100", "130100"):
        for income in (3000, 7000, 12000):
            answer = ask(region, income)
            for item in answer["plan"]:
                for key in ESTIMATE_WORDING:
                    item.pop(key, None)
            for key in ("message_zh", "message_en", "worker_monthly_total_with_estimates_high"):
                answer["affordability"].pop(key, None)
            answer.pop("data_gaps", None)
            answers[f"{region}-{income}"] = answer
    with open(path, "w", encoding="utf-8") as out:
        json.dump(answers, out, sort_keys=True, default=str, ensure_ascii=False)


if __name__ == "__main__":
    main()
