"""The policy lab's what-if run in the service (`/lab`, `POST /v1/lab/runs`) against its peer, the same computation
as `gigcover simulate` does it (`simulate` on the same sample, no charts, no HTTP).

Per sample size: the peer (simulate alone), the run (`whatif.run`: the edits as an overlay, simulate, the report's
charts) and the HTTP request (a fresh app each time, so nothing comes from the cache: the pool hop, JSON), the best of
`--repeat`; the ratios to the peer say what the service adds. Also the number of distinct places of work in the
sample: the rules' work grows with the places (row groups), far more than with the rows.
Run: .venv/bin/python benchmarks/bench_lab_web.py [--sizes 1000,5000,20000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np

import gigcover
from gigcover.api import create_app
from gigcover.policylab import whatif
from gigcover.policylab.report import charts
from gigcover.policylab.simulate import simulate
from gigcover.rules.model import default_model

PICKED = ["law-2026", "paper-package"]  # with baseline-2021: three scenarios


def best(repeat: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def http_run(body: dict[str, Any]) -> None:
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    app = create_app()  # a fresh app: an empty results cache

    async def post() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            answer = await http.post("/v1/lab/runs", json=body, timeout=900)
            assert answer.status_code == 200, answer.text

    asyncio.run(post())


def row(size: int, repeat: int, model: Any) -> str:
    population = whatif.sample(size)
    request = whatif.LabRunRequest(scenarios=PICKED, per_order_amount=0.1, size=size)
    scenarios = whatif.prepare(request, whatif.LabLimits(), model)
    simulate(population, scenarios[:1], compute=gigcover.compute, model=model, compare_to=None)  # warm

    def peer_work() -> Any:
        return simulate(
            population, scenarios, compute=gigcover.compute, model=model, replications=whatif.REPLICATIONS,
            seed=whatif.SEED, projection=False,
        )  # fmt: skip

    peer = best(repeat, peer_work)
    summary = peer_work()
    drawn = best(repeat, lambda: charts(summary))
    run = best(repeat, lambda: whatif.run(request, scenarios, compute=gigcover.compute, model=model))
    http = best(repeat, lambda: http_run({"scenarios": PICKED, "per_order_amount": 0.1, "size": size}))
    places = len(np.unique(population.region))
    return (
        f"| {size:,} | {places} | {peer:.1f} s | {drawn:.2f} s | {run:.1f} s | {http:.1f} s | {run / peer:.2f} "
        f"| {http / peer:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    model = default_model()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print(
        "| rows | places | peer: simulate | charts alone | run: whatif.run | HTTP: POST /v1/lab/runs | run ÷ peer "
        "| HTTP ÷ peer |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in (int(s) for s in args.sizes.split(",")):
        print(row(size, args.repeat, model), flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
