"""Ledger ingest end to end through HTTP: orders per second a platform gets from `POST /v1/orders:batch`.

What is timed is the whole of what a platform does and waits for: each batch serialized to JSON by the client, POSTed
over a keep-alive connection to a real uvicorn server process (`gigcover.api.create_app`, the service `gigcover
serve` runs, access log off), read, authenticated, validated, priced by the rules, written in one transaction, and
the per-order response built, serialized, sent and parsed by the client. Several client connections post at once
(threads, each with its own connection), taking batches from one queue; every batch is new (fresh orders).

The peer is the storage layer: the same batches through `ingest_batch` called in-process (no HTTP) into a fresh
database of the same kind, timed in the same run; the ratio HTTP / storage is what the service costs on top.
Before anything is timed, both paths record the same sample (new batches, a batch replayed with a repeat inside it)
into two fresh ledgers of each database, and the run stops unless they hold the same: each batch's accepted and
duplicate counts, the levy in fen per platform × province × industry (orders and the fund's postings), and the
covered days (worker, day, platform, orders).

`--profile`: a second server, with one connection posting one batch at a time, whose stages are timed inside the
server process (wall time per stage, summed over the batches): the body's JSON parsing, authentication, validation
(`validate_columns`), keyed hashes and fingerprints, the rules' pricing (bands lookup and `compute`), storage (the
duplicate lookup, the writes, the commit), the per-order response objects and their serialization; the rest is
uvicorn, Starlette and FastAPI (HTTP parsing, reading the body, routing, dependencies, the thread-pool hop). The
client's own JSON encoding and decoding are timed too.

Run: .venv/bin/python benchmarks/bench_ledger_http.py [--orders 50000] [--batch-size 1000] [--connections 4]
     [--server-workers 1,2] [--databases sqlite,postgresql] [--postgres postgresql://127.0.0.1:5432/test] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from bench_ledger import database, ingest_new, make_batches, timed
from sqlalchemy import Engine, text

from gigcover.ledger.platforms import add_platform

HASH_KEY = "benchmark-key-not-a-secret-0123456789"  # the same key as bench_ledger's HASHER
STARTUP_TIMEOUT = 90.0
STAGE_REPORT = "stages.json"
RESET_PATH = "/bench/reset-stages"


# -- the server ---------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, workers: int, profile_to: Path | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """A uvicorn server process on a free port serving the ledger at `url`; returns once it answers."""
    port = _free_port()
    env = {**os.environ, "GIGCOVER_ID_HASH_KEY": HASH_KEY, "GIGCOVER_DATABASE_URL": url}
    command = [sys.executable, __file__, "--serve", str(port), "--server-workers", str(workers)]
    if profile_to is not None:
        command += ["--stages-to", str(profile_to)]
    server = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not answer within {STARTUP_TIMEOUT:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(2)  # SIGINT: uvicorn shuts down cleanly (and the profiled server writes its stages)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def serve(port: int, workers: int, stages_to: str | None) -> None:
    """The server process (`--serve`): the service's app under uvicorn, as `gigcover serve` runs it."""
    import uvicorn

    from gigcover.api import create_app

    if workers > 1:
        uvicorn.run(
            "gigcover.api:create_app", factory=True, host="127.0.0.1", port=port, workers=workers, access_log=False
        )
        return
    if stages_to is None:
        uvicorn.run(create_app(), host="127.0.0.1", port=port, access_log=False, log_level="warning")
        return
    totals = _instrument()
    uvicorn.run(_timed_app(create_app(), totals), host="127.0.0.1", port=port, access_log=False, log_level="warning")
    Path(stages_to).write_text(json.dumps(totals), encoding="utf-8")


def _instrument() -> dict[str, float]:
    """Wrap the ingest path's stages with timers (seconds summed per stage; `calls` counts batches)."""
    import fastapi.routing
    import starlette.responses

    from gigcover.api import ledger_routes
    from gigcover.ledger import ingest, store

    totals: dict[str, float] = defaultdict(float)

    def timed_async(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                totals[stage] += time.perf_counter() - t0

        return wrapper

    ledger_routes._orders_of = timed(totals, "json_parse", ledger_routes._orders_of)
    ledger_routes.authenticate = timed(totals, "authenticate", ledger_routes.authenticate)
    ledger_routes.OrderResultOut = timed(totals, "response_objects", ledger_routes.OrderResultOut)  # type: ignore[misc]
    ledger_routes.BatchOut = timed(totals, "response_objects", ledger_routes.BatchOut)  # type: ignore[misc]
    ingest.validate_columns = timed(totals, "validation", ingest.validate_columns)
    ingest._prepare = timed(totals, "hashes_and_fingerprints", ingest._prepare)
    ingest._amounts = timed(totals, "pricing", ingest._amounts)
    ingest.per_order_amounts = timed(totals, "pricing_rules_compute", ingest.per_order_amounts)
    ingest._ingest_once = timed(totals, "transaction", ingest._ingest_once)
    store.recorded_payloads = timed(totals, "storage_duplicate_lookup", store.recorded_payloads)
    fastapi.routing.serialize_response = timed_async("response_serialize", fastapi.routing.serialize_response)
    starlette.responses.JSONResponse.render = timed(  # type: ignore[method-assign]
        totals, "response_serialize", starlette.responses.JSONResponse.render
    )
    return totals


def _timed_app(app: Any, totals: dict[str, float]) -> Any:
    """The whole request in the server, from the first byte read by the app to the last byte sent."""

    async def timed(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == RESET_PATH:  # after the warm-up: start counting
            totals.clear()
        if scope["type"] != "http" or scope["path"] != "/v1/orders:batch":
            await app(scope, receive, send)
            return
        t0 = time.perf_counter()
        await app(scope, receive, send)
        totals["request"] += time.perf_counter() - t0
        totals["calls"] += 1

    return timed


# -- the clients --------------------------------------------------------------------------------------------------
def post_all(base: str, key: str, batch_list: list[list[dict[str, Any]]], connections: int) -> tuple[float, float]:
    """Post every batch over `connections` keep-alive connections at once; (seconds, client JSON seconds)."""
    work: queue.Queue[list[dict[str, Any]]] = queue.Queue()
    for batch in batch_list:
        work.put(batch)
    failures: list[str] = []
    client_json = [0.0] * connections

    def client(number: int) -> None:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        with httpx.Client(base_url=base, headers=headers, timeout=300) as http:
            while True:
                try:
                    batch = work.get_nowait()
                except queue.Empty:
                    return
                t0 = time.perf_counter()
                body = json.dumps({"orders": batch}).encode()
                t1 = time.perf_counter()
                response = http.post("/v1/orders:batch", content=body)
                t2 = time.perf_counter()
                answer = response.json()
                client_json[number] += (t1 - t0) + (time.perf_counter() - t2)
                if response.status_code != 200 or answer["accepted"] != len(batch):
                    failures.append(f"{response.status_code}: {response.text[:200]}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t0
    if failures:
        raise SystemExit(f"{len(failures)} batches failed, e.g. {failures[0]}")
    return elapsed, sum(client_json)


def http_run(kind: str, postgres: str, batch_list: list[list[dict[str, Any]]], connections: int, workers: int) -> float:
    """Orders per second through HTTP into a fresh ledger."""
    with database(kind, postgres) as engine:
        platform = add_platform(engine, "美团", "meituan")
        server, base = start_server(engine.url.render_as_string(hide_password=False), workers)
        try:
            post_all(base, platform.key, make_batches(400, 200, seed=99), min(connections, 2))  # warm every worker
            elapsed, _ = post_all(base, platform.key, batch_list, connections)
        finally:
            stop_server(server)
    return sum(map(len, batch_list)) / elapsed


def storage_run(kind: str, postgres: str, batch_list: list[list[dict[str, Any]]]) -> float:
    """The peer: the same batches through `ingest_batch` in this process, one after another."""
    with database(kind, postgres) as engine:
        platform = add_platform(engine, "美团", "meituan").id
        ingest_new(engine, platform, make_batches(200, 200, seed=99)[0])
        t0 = time.perf_counter()
        for batch in batch_list:
            ingest_new(engine, platform, batch)
        return sum(map(len, batch_list)) / (time.perf_counter() - t0)


# -- the peer computes the same ---------------------------------------------------------------------------------
def ledger_summary(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """What a ledger holds, in terms both paths share (no surrogate keys): levies and covered days."""
    queries = {
        "levy by platform, province, industry (orders)": (
            "SELECT p.name, substr(o.region, 1, 2), o.industry, count(*), sum(o.levy_fen), sum(o.platform_fen),"
            " sum(o.worker_fen), sum(o.government_fen) FROM orders o JOIN platforms p ON p.id = o.platform_id"
            " WHERE o.covered = 1 GROUP BY p.name, substr(o.region, 1, 2), o.industry"
        ),
        "fund credits by platform, province, industry (postings)": (
            "SELECT p.name, s.province, s.industry, sum(s.credit_fen) FROM postings s"
            " JOIN platforms p ON p.id = s.platform_id"
            " WHERE s.account = 'occupational_injury_fund' GROUP BY p.name, s.province, s.industry"
        ),
        "covered days": (
            "SELECT w.id_hash, c.day, p.name, c.orders FROM covered_days c JOIN workers w ON w.id = c.worker_id"
            " JOIN platforms p ON p.id = c.platform_id"
        ),
        "orders not covered": "SELECT count(*) FROM orders WHERE covered = 0",
    }
    with engine.connect() as connection:
        return {
            name: sorted(tuple(str(value) for value in row) for row in connection.execute(text(sql)))
            for name, sql in queries.items()
        }


def check_same_ledger(kind: str, postgres: str) -> None:
    """The HTTP path and the storage path record a sample into two fresh ledgers; stop unless they hold the same."""
    sample = make_batches(2_500, 1_000, seed=41)
    sample.append(sample[0][:300] + sample[0][:20] + make_batches(30, 30, seed=42)[0])  # a replay, repeats, new
    counts: dict[str, list[tuple[int, int]]] = {}
    held: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    with database(kind, postgres) as engine:
        platform = add_platform(engine, "美团", "meituan")
        server, base = start_server(engine.url.render_as_string(hide_password=False), 1)
        try:
            headers = {"Authorization": f"Bearer {platform.key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=300) as http:
                answers = [http.post("/v1/orders:batch", json={"orders": batch}) for batch in sample]
        finally:
            stop_server(server)
        if any(answer.status_code != 200 for answer in answers):
            raise SystemExit(
                f"{kind}: the sample through HTTP failed: {answers[0].status_code} {answers[0].text[:200]}"
            )
        counts["http"] = [(answer.json()["accepted"], answer.json()["duplicate"]) for answer in answers]
        held["http"] = ledger_summary(engine)
    with database(kind, postgres) as engine:
        platform_id = add_platform(engine, "美团", "meituan").id
        results = [ingest_new(engine, platform_id, batch) for batch in sample]
        counts["storage"] = [(result.accepted, result.duplicate) for result in results]
        held["storage"] = ledger_summary(engine)
    if counts["http"] != counts["storage"]:
        raise SystemExit(f"{kind}: accepted/duplicate differ: HTTP {counts['http']}, storage {counts['storage']}")
    for name, rows in held["storage"].items():
        if held["http"][name] != rows:
            raise SystemExit(f"{kind}: the HTTP path and the storage path recorded different {name}")
    levy = sum(int(row[4]) for row in held["storage"]["levy by platform, province, industry (orders)"])
    print(
        f"  {kind}: HTTP and storage recorded the same ledger for {sum(map(len, sample)):,d} orders "
        f"(accepted/duplicate {counts['storage']}, levy {levy:,d} fen, "
        f"{len(held['storage']['covered days']):,d} covered days)"
    )


def profile_run(kind: str, postgres: str, batch_list: list[list[dict[str, Any]]], folder: Path) -> None:
    """One connection, one batch at a time, stages timed inside the server: ms per batch and shares."""
    stages_file = folder / f"{kind}-{STAGE_REPORT}"
    with database(kind, postgres) as engine:
        platform = add_platform(engine, "美团", "meituan")
        server, base = start_server(engine.url.render_as_string(hide_password=False), 1, stages_file)
        try:
            post_all(base, platform.key, make_batches(400, 200, seed=99), 1)
            httpx.get(base + RESET_PATH)  # the stages of the warm-up batches are dropped
            wall, client_json = post_all(base, platform.key, batch_list, 1)
        finally:
            stop_server(server)
    totals = json.loads(stages_file.read_text(encoding="utf-8"))
    if totals.pop("calls") != len(batch_list):
        raise SystemExit("the profiled server counted another number of batches")
    per = {stage: seconds * 1000 / len(batch_list) for stage, seconds in totals.items()}
    storage = per["transaction"] - per["pricing"]
    rows = {
        "client: JSON encode + decode": client_json * 1000 / len(batch_list),
        "server: JSON parse of the body": per["json_parse"],
        "server: authentication": per.get("authenticate", 0.0),
        "server: validation (validate_columns)": per["validation"],
        "server: keyed hashes + fingerprints": per["hashes_and_fingerprints"],
        "server: pricing — bands lookup": per["pricing"] - per["pricing_rules_compute"],
        "server: pricing — the rules (compute)": per["pricing_rules_compute"],
        "server: storage (lookup, writes, commit)": storage,
        "server: response objects (pydantic)": per.get("response_objects", 0.0),
        "server: response serialization": per.get("response_serialize", 0.0),
    }
    named = sum(v for k, v in rows.items() if k.startswith("server"))
    rows["server: the rest (uvicorn, Starlette, FastAPI, thread hop)"] = per["request"] - named
    whole = wall * 1000 / len(batch_list)
    rows["network, client HTTP, waits (the rest of the wall time)"] = (
        whole - per["request"] - rows["client: JSON encode + decode"]
    )
    print(f"  profile {kind}, one connection, {len(batch_list)} batches: {whole:.1f} ms a batch")
    for name, ms in rows.items():
        print(f"    {name:62s} {ms:7.1f} ms  {100 * ms / whole:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orders", type=int, default=50_000, help="new orders per run")
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument("--connections", default="4", help="client connections posting at once (list: 1,4)")
    parser.add_argument("--server-workers", default="1,2", help="uvicorn worker processes (list)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best is reported")
    parser.add_argument("--profile", action="store_true", help="also time the stages inside the server")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server process: its port
    parser.add_argument("--stages-to", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, int(options.server_workers), options.stages_to)
        return
    import tempfile

    size = options.batch_size
    print("checking that the HTTP path and the storage path record the same ledger:")
    for kind in options.databases.split(","):
        check_same_ledger(kind, options.postgres)
    for kind in options.databases.split(","):
        batch_list = make_batches(options.orders, size, seed=21)
        storage = max(storage_run(kind, options.postgres, batch_list) for _ in range(options.repeat))
        print(f"{kind:10s} batch {size:,d}: storage layer (in-process peer) {storage:>8,.0f} orders/s")
        for workers in (int(w) for w in options.server_workers.split(",")):
            for connections in (int(c) for c in options.connections.split(",")):
                runs = [
                    http_run(kind, options.postgres, batch_list, connections, workers) for _ in range(options.repeat)
                ]
                best = max(runs)
                print(
                    f"{kind:10s} batch {size:,d}: HTTP, {workers} server process(es), {connections} connection(s): "
                    f"{best:>8,.0f} orders/s (runs {', '.join(f'{r:,.0f}' for r in runs)}); "
                    f"{best / storage:.2f}× the storage layer; target 20,000: {'met' if best >= 20_000 else 'not met'}"
                )
        if options.profile:
            with tempfile.TemporaryDirectory() as folder:
                profile_run(
                    kind, options.postgres, make_batches(min(options.orders, 20_000), size, seed=31), Path(folder)
                )


if __name__ == "__main__":
    main()
