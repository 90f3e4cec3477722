"""Advice and calc latency: in-process and over HTTP at a steady request rate on loopback.

Prints figures and ratios measured in this run:
1. one full advice in-process (p50/p99): one worker asked again and again; a stream of distinct workers (workers.py)
   after a warm-up on others; the same stream with each of the advisor's questions in a simulation of its own (the
   peer showing what asking one simulation per variant buys);
2. one calc question (Table 2 severity) per call (the comparison with openfisca-core is in bench_peers.py);
3. POST /v1/calculate and POST /v1/advice against `gigcover serve` on 127.0.0.1 at a fixed request rate (open loop:
   requests are sent on schedule whether or not earlier ones have returned), p50/p99; every advice request is a
   different worker.

Run: .venv/bin/python benchmarks/bench_advice.py [--rate 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx  # only to wait for the server to come up
from workers import advice_requests

from gigcover.advisor import _Asker, advise
from gigcover.advisor.model import default_model
from gigcover.engine.evaluate import Model, calculate

ROOT = Path(__file__).resolve().parent.parent
SLOW = 0.020  # the p99 target, seconds
WARM_UP = 500  # other workers advised before measuring (a running service has seen some)
ADVICE = {"date": "2025-09-01", "profile": {
    "monthly_income": 7000, "work_region": "310000", "hukou_region": "411600", "hukou_rural": True,
    "industry": "food_delivery", "platform": "meituan", "has_labor_contract": False, "platform_manages_work": True,
    "birth_date": "1995-03", "sex": "male", "monthly_orders": 900}}  # fmt: skip


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.99) - 1, 0)]


def table2_request(i: int) -> dict[str, Any]:
    inputs = {"has_labor_contract": i % 5 == 0, "hukou_local": i % 3 == 0, "hukou_rural": i % 2 == 0}
    return {"date": "2021-06-01", "region": "310000", "inputs": inputs, "outputs": ["table2_severity"]}


def timed_advice(model: Model, requests: list[dict[str, Any]]) -> list[float]:
    samples = []
    for request in requests:
        t0 = time.perf_counter()
        advise(model, request)
        samples.append(time.perf_counter() - t0)
    return samples


def in_process(calls: int) -> dict[str, float]:
    """Advice for one worker asked again and again, for a stream of distinct workers after a warm-up on others (the
    steady state of a service), and for the same stream with the peer: the advisor asking each question in a
    simulation of its own (no step shared between questions). Then one calc question per call."""
    model = default_model()
    advise(model, ADVICE)
    repeat = timed_advice(model, [ADVICE] * calls)
    timed_advice(model, advice_requests(WARM_UP, seed=99))
    distinct = timed_advice(model, advice_requests(calls))
    _Asker.shares_simulations = False
    try:
        unshared = timed_advice(model, advice_requests(calls))
    finally:
        _Asker.shares_simulations = True
    calc = []
    for i in range(calls):
        t0 = time.perf_counter()
        calculate(model, table2_request(i))
        calc.append(time.perf_counter() - t0)
    calc_p50, calc_p99 = percentiles(calc)
    return {
        **dict(zip(("repeat_p50", "repeat_p99"), percentiles(repeat), strict=True)),
        **dict(zip(("distinct_p50", "distinct_p99"), percentiles(distinct), strict=True)),
        **dict(zip(("unshared_p50", "unshared_p99"), percentiles(unshared), strict=True)),
        "calc_p50": calc_p50,
        "calc_p99": calc_p99,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def steady(url: str, bodies: list[dict[str, Any]], rate: float, seconds: float) -> tuple[list[float], int]:
    """Open-loop load: one request every 1/rate s for `seconds` (the bodies in turn); latency from the scheduled send
    time.

    A light client (raw HTTP/1.1 over a pool of keep-alive connections) so the load generator takes little of the two
    cores the server also needs; a request waits for a free connection, and that wait counts in its latency."""
    host, rest = url.removeprefix("http://").split("/", 1)
    name, port = host.split(":")
    messages = []
    for body in bodies:
        payload = json.dumps(body).encode()
        head = (
            f"POST /{rest} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode()
        messages.append(head + payload)
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(32):
        pool.put_nowait(await asyncio.open_connection(name, int(port)))
    latencies: list[float] = []
    failures = 0

    async def one(at: float, message: bytes) -> None:
        nonlocal failures
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        reader, writer = await pool.get()
        writer.write(message)
        await writer.drain()
        status = await reader.readline()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        pool.put_nowait((reader, writer))
        if b" 200 " not in status:
            failures += 1
        latencies.append(time.perf_counter() - at)

    start = time.perf_counter() + 0.05
    await asyncio.gather(*(one(start + i / rate, messages[i % len(messages)]) for i in range(int(rate * seconds))))
    while not pool.empty():
        pool.get_nowait()[1].close()
    return latencies, failures


def over_http(rate: float, seconds: float, advice_rate: float, workers: int) -> dict[str, Any]:
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gigcover"), "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        # warm every worker up, unrecorded, on other workers than those measured
        asyncio.run(steady(f"{base}/v1/calculate", [table2_request(i) for i in range(30)], 50, 2))
        asyncio.run(steady(f"{base}/v1/advice", advice_requests(WARM_UP, seed=99), 100, WARM_UP / 100))
        calls = [table2_request(i) for i in range(30)]
        calc, calc_failed = asyncio.run(steady(f"{base}/v1/calculate", calls, rate, seconds))
        stream = advice_requests(int(advice_rate * seconds))  # every request a different worker
        advice, advice_failed = asyncio.run(steady(f"{base}/v1/advice", stream, advice_rate, seconds))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "calc": (*percentiles(calc), max(calc), sum(x > SLOW for x in calc), calc_failed),
        "advice": (*percentiles(advice), max(advice), sum(x > SLOW for x in advice), advice_failed),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rate", type=float, default=200.0, help="requests/s for /v1/calculate")
    parser.add_argument("--advice-rate", type=float, default=200.0, help="requests/s for /v1/advice")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()
    ours = in_process(args.calls)
    for label, key in (
        ("one worker asked again", "repeat"),
        (f"{args.calls} distinct workers", "distinct"),
        (f"{args.calls} distinct workers, each question its own simulation (peer)", "unshared"),
    ):
        print(
            f"advice in-process, {label}: p50 {ours[key + '_p50'] * 1e3:.2f} ms, p99 {ours[key + '_p99'] * 1e3:.2f} ms"
        )
    print(
        f"one simulation per variant vs per question (p50): {ours['unshared_p50'] / ours['distinct_p50']:.2f}× faster"
    )
    print(
        f"calc (table2_severity, one worker): p50 {ours['calc_p50'] * 1e3:.3f} ms, p99 {ours['calc_p99'] * 1e3:.3f} ms "
        "(against openfisca-core: benchmarks/bench_peers.py)"
    )
    http = over_http(args.rate, args.seconds, args.advice_rate, args.workers)
    for name, rate in (("calc", args.rate), ("advice", args.advice_rate)):
        p50, p99, slowest, slow, failed = http[name]
        print(
            f"HTTP /v1/{'calculate' if name == 'calc' else 'advice'} at {rate:.0f} req/s for {args.seconds:.0f} s: "
            f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms, max {slowest * 1e3:.1f} ms, "
            f"over {SLOW * 1e3:.0f} ms: {slow}, non-200: {failed}"
        )


if __name__ == "__main__":
    main()
