"""Advice and calc latency: in-process, over HTTP at a steady request rate on loopback, and against openfisca-core.

Prints figures and ratios measured in this run:
1. one full advice in-process (p50/p99): one worker asked again and again; a stream of distinct workers (workers.py)
   after a warm-up on others; the same stream with the result memo off (the peer showing what the memo buys);
2. the calc subset (Table 2 severity) in gigcover vs the same computation in openfisca-core (one situation, and
   1,000,000 people), the peer running in its own venv (.venv-peer, from benchmarks/requirements-peer.txt);
3. POST /v1/calculate and POST /v1/advice against `gigcover serve` on 127.0.0.1 at a fixed request rate (open loop:
   requests are sent on schedule whether or not earlier ones have returned), p50/p99; every advice request is a
   different worker.

Run: .venv/bin/python benchmarks/bench_advice.py [--rate 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx  # only to wait for the server to come up
import numpy as np
from workers import advice_requests

from gigcover.advisor import advise
from gigcover.engine.evaluate import Model, Simulation, calculate
from gigcover.engine.memo import BoundedCache
from gigcover.rules.model import default_model

ROOT = Path(__file__).resolve().parent.parent
SLOW = 0.020  # the p99 target, seconds
WARM_UP = 500  # other workers advised before measuring (a running service has seen some)
PEER_VENV = ROOT / ".venv-peer"
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


def in_process(calls: int, people: int) -> dict[str, float]:
    """Advice for one worker asked again and again (the memo answers most of it), for a stream of distinct workers
    after a warm-up on other workers (the steady state of a service), and for the same stream with the memo off."""
    model = default_model()
    advise(model, ADVICE)
    repeat = timed_advice(model, [ADVICE] * calls)
    timed_advice(model, advice_requests(WARM_UP, seed=99))  # other workers: categorical facts and tables cached
    distinct = timed_advice(model, advice_requests(calls))
    no_memo = dataclasses.replace(model, results=BoundedCache(0))
    timed_advice(no_memo, advice_requests(WARM_UP, seed=99))
    unmemoised = timed_advice(no_memo, advice_requests(calls))
    calc, calc_no_memo = [], []
    for i in range(calls):  # 30 distinct questions: after the first round, the memo answers
        t0 = time.perf_counter()
        calculate(model, table2_request(i))
        calc.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        calculate(no_memo, table2_request(i))  # every formula run, as OpenFisca does
        calc_no_memo.append(time.perf_counter() - t0)
    rng = np.random.default_rng(7)
    inputs = {
        "has_labor_contract": rng.random(people) < 0.2,
        "hukou_local": rng.random(people) < 0.35,
        "hukou_rural": rng.random(people) < 0.6,
    }
    t0 = time.perf_counter()
    Simulation(model, __import__("datetime").date(2021, 6, 1), "310000", inputs).compute("table2_severity")
    vector = time.perf_counter() - t0
    calc_p50, calc_p99 = percentiles(calc)
    return {
        **dict(zip(("repeat_p50", "repeat_p99"), percentiles(repeat), strict=True)),
        **dict(zip(("distinct_p50", "distinct_p99"), percentiles(distinct), strict=True)),
        **dict(zip(("no_memo_p50", "no_memo_p99"), percentiles(unmemoised), strict=True)),
        "calc_p50": calc_p50,
        "calc_no_memo_p50": percentiles(calc_no_memo)[0],
        "calc_p99": calc_p99,
        "vector_seconds": vector,
    }


def peer(calls: int, people: int) -> dict[str, float] | None:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(ROOT / "benchmarks" / "requirements-peer.txt")],
            check=True,
        )
    done = subprocess.run(
        [str(python), str(ROOT / "benchmarks" / "openfisca_peer.py"), str(calls), str(people)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"openfisca-core peer failed: {done.stderr.strip()[-300:]}")
        return None
    return json.loads(done.stdout)  # type: ignore[no-any-return]


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
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=200.0, help="requests/s for /v1/calculate")
    parser.add_argument("--advice-rate", type=float, default=40.0, help="requests/s for /v1/advice")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()
    ours = in_process(args.calls, args.people)
    for label, key in (
        ("one worker asked again", "repeat"),
        (f"{args.calls} distinct workers", "distinct"),
        (f"{args.calls} distinct workers, memo off", "no_memo"),
    ):
        print(
            f"advice in-process, {label}: p50 {ours[key + '_p50'] * 1e3:.2f} ms, p99 {ours[key + '_p99'] * 1e3:.2f} ms"
        )
    print(f"memo gain on distinct workers (memo off ÷ on, p50): {ours['no_memo_p50'] / ours['distinct_p50']:.2f}×")
    print(
        f"calc (table2_severity, one worker): p50 {ours['calc_p50'] * 1e3:.3f} ms, p99 {ours['calc_p99'] * 1e3:.3f} ms"
    )
    print(f"calc core on {args.people:,} people: {ours['vector_seconds'] * 1e3:.1f} ms")
    theirs = peer(args.calls, args.people)
    if theirs:
        print(
            f"openfisca-core, same question, one situation: p50 {theirs['scalar_p50'] * 1e3:.3f} ms "
            f"(gigcover ÷ openfisca = {ours['calc_p50'] / theirs['scalar_p50']:.2f}×; with the memo off "
            f"{ours['calc_no_memo_p50'] * 1e3:.3f} ms, {ours['calc_no_memo_p50'] / theirs['scalar_p50']:.2f}×)"
        )
        print(
            f"openfisca-core, {theirs['people']:,} people: {theirs['vector_seconds'] * 1e3:.1f} ms "
            f"(gigcover ÷ openfisca = {ours['vector_seconds'] / theirs['vector_seconds']:.2f}×)"
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
