"""`simulate` end to end, as a user runs it (issue 12, item 8): a population Parquet file generated (or given), read,
the five built-in scenarios run, summary.csv, detail.parquet and report.html written — for 1 M and 10 M workers —
with the wall and CPU time, the peak memory (RSS) and the share of time in the rules, the projection, behaviour,
the groups, aggregation and the fund (policylab/timing.py, switched on here); the lifetime projection for 1 M
workers; the fund's Monte Carlo at 1,000 replications; and the same run on a local two-process Dask cluster.

Each run is a fresh process (its peak RSS is its own). Peers, checked equal before the ratios are printed:
- single pass (`simulate`, the CLI's `--backend local` up to 1 M rows) vs chunks in one process
  (`simulate_chunked(backend="local")`): every value within 1e-11 relative, or 1e-13 absolute for the changes against
  the baseline (sums of a million terms differ only in the order of additions: 4e-12 at 1 M);
- above `--single-max`, what the CLI's local backend runs (`local-file`: chunks in this process, each reading its own
  rows of the file, detail.parquet from the chunks' parts) vs the one pass (`--one-pass-peer`): the same tolerance;
- Dask (`--backend dask`: a LocalCluster of 2 processes × 1 thread started for the run, as the CLI does: each chunk
  reads its own Parquet row groups, detail.parquet written from the chunks' parts) vs the chunks in one process:
  equal within 1e-11 (the chunks hold other rows: the lab orders the rows it holds by place); `dask-file` (the same
  without detail.parquet) vs `dask-shipped` (the driver reads every row and ships the chunks, as before): the same
  work, bit for bit against the chunks in one process when shipped;
- the fund's Monte Carlo (one array operation) vs a loop over the groups drawing the same numbers: equal;
- `--parts places`: the places of a province computed together (what `compute(explain=False)` does) vs one
  simulation per place (the engine's grouping switched off in the peer's process): summary.csv equal bit for bit.

The run mirrors `gigcover simulate` (cli/simulate.py _run: `read_population` — chunked, `PopulationFile` and its
overview —, the scenarios resolved, `simulate` or `simulate_chunked`, `to_csv`, `write_detail`, `render`) without the progress bar. The load average is printed with
each figure: the machine's two cores may be shared.

Run: .venv/bin/python benchmarks/bench_simulate.py --sizes 1000000 10000000 [--folder DIR] [--parts ...]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

SCENARIOS = ["baseline-2021", "law-2026", "paper-package", "formalization", "universal"]
PARTS = ("e2e", "peers", "projection", "fund", "dask", "places")


def _usage() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu_s": own.ru_utime + own.ru_stime,
        "peak_mb": own.ru_maxrss / 1024,
        "children_cpu_s": children.ru_utime + children.ru_stime,
        "children_peak_mb": children.ru_maxrss / 1024,
    }


def generate(size: int, path: Path, chunk_rows: int) -> dict[str, float]:
    """The population for seed 2026, in row groups of the runs' chunk size (a Dask chunk then reads one group)."""
    from gigcover.policylab.population import write_population

    start = time.perf_counter()
    write_population(path, size, seed=2026, chunk_rows=chunk_rows)
    return {"generate_s": time.perf_counter() - start, **_usage()}


def run(path: Path, out: Path, mode: str, projection: bool, chunk_rows: int, lean: bool = False) -> dict[str, Any]:
    """One run as `gigcover simulate` does it; mode: single (one pass), local-file (what the CLI's local backend
    runs above --chunk-rows: chunks in this process, each reading its rows of the file, detail.parquet from the
    chunks' parts), chunked (chunks of the population read whole: the Dask runs' peer) or dask. `lean`:
    without the projection, the histories are not read (`read_population(histories=False)`, as
    `gigcover simulate --no-projection` does)."""
    import gigcover
    from gigcover.advisor.model import default_model as full_model
    from gigcover.cli.simulate import _places
    from gigcover.policylab import timing
    from gigcover.policylab.chunked import PopulationFile, simulate_chunked
    from gigcover.policylab.report import ReportContext, render
    from gigcover.policylab.scenarios import resolve
    from gigcover.policylab.simulate import read_population, simulate
    from gigcover.rules.model import default_model

    if mode.endswith("-alone"):  # the peer of `--parts places`: one simulation per place, as before the grouping
        import functools

        import gigcover.public
        from gigcover.engine.evaluate import evaluate_rows

        setattr(gigcover.public, "evaluate_rows", functools.partial(evaluate_rows, together=False))  # noqa: B010
        mode = mode.removesuffix("-alone")
    timing.enable()
    phases: dict[str, float] = {}
    start = time.perf_counter()
    model = default_model()
    chosen = [resolve(name, model) for name in SCENARIOS]
    phases["start_s"] = time.perf_counter() - start
    mark = time.perf_counter()
    histories = projection or not lean
    source = PopulationFile(path, histories=histories)
    # dask (as the CLI): the driver reads the overview, each chunk its own row groups; dask-shipped (its peer, the
    # way before): the driver reads every row and ships each chunk to the workers
    # (dask-file: as dask without writing detail.parquet — the like-for-like comparison with dask-shipped)
    from_file = mode in ("dask", "dask-file", "local-file")
    people = source.overview(model)[0] if from_file else read_population(path, model, histories=histories)
    phases["read_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    if mode == "single":
        summary = simulate(people, chosen, compute=gigcover.compute, model=model, projection=projection)
    else:
        summary = simulate_chunked(
            source if from_file else people, chosen, compute=gigcover.compute, model=model,
            backend="local" if mode in ("chunked", "local-file") else "dask", chunk_rows=chunk_rows,
            projection=projection, detail=out / "detail.parquet" if mode in ("dask", "local-file") else None,
        )  # fmt: skip
    phases["run_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    summary.to_csv(out / "summary.csv")
    if summary.details:
        summary.write_detail(out / "detail.parquet")
    phases["write_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    context = ReportContext(chosen, len(people.weight), _places(people.region, model), full_model())
    (out / "report.html").write_text(render(summary, context), encoding="utf-8")
    phases["report_s"] = time.perf_counter() - mark
    phases["total_s"] = time.perf_counter() - start
    return {**phases, "stages": timing.totals(), **_usage(), "load": os.getloadavg()[0]}


def projection(path: Path, rows: int, peer_rows: int) -> dict[str, Any]:
    """The lab's projection outputs for the first `rows` workers of the file at law-2026's date, as `evaluate` asks
    for them (`projection_chunk_rows`: all at once unless a place has more than 250,000 workers; `explain=False`);
    the peer, on the first `peer_rows`: the same call with the default `explain=True` (the walk back to what decided
    each value: warnings, verification), checked equal."""
    import gigcover
    from gigcover.policylab.chunked import chunk_of
    from gigcover.policylab.measures import PROJECTION, projection_chunk_rows
    from gigcover.policylab.simulate import prepared, read_population
    from gigcover.rules.model import default_model

    model = default_model()
    people = prepared(read_population(path, model), model)

    def project(count: int, explain: bool) -> tuple[float, Any]:
        part = chunk_of(people, 0, count)
        start = time.perf_counter()
        found = gigcover.compute(
            dict(part.inputs), list(PROJECTION), date="2026-12-01", region=part.region, decode=True, missing="nan",
            chunk_rows=projection_chunk_rows(part.region, count), explain=explain,
        )  # fmt: skip
        return time.perf_counter() - start, found

    project(200, False)  # warm
    seconds, _ = project(rows, False)
    usage = _usage()
    lab_s, lab = project(peer_rows, False)
    peer_s, peer = project(peer_rows, True)
    same = all(
        np.array_equal(np.asarray(lab[k]), np.asarray(peer[k])) for k in PROJECTION if k != "statutory_retirement_date"
    )
    same = same and np.array_equal(lab["statutory_retirement_date"], peer["statutory_retirement_date"])
    chunk = projection_chunk_rows(chunk_of(people, 0, rows).region, rows)
    return {"projection_s": seconds, "rows": rows, "chunk_rows": chunk, "peer_rows": peer_rows, "lab_s": lab_s, "peer_s": peer_s,
            "same": bool(same), **usage, "load": os.getloadavg()[0]}  # fmt: skip


def fund(replications: int, groups: int = 40) -> dict[str, Any]:
    """The fund's Monte Carlo for a run's groups (`all` and ~40 labels), vectorised vs a loop over the groups that
    draws the same numbers (checked equal)."""
    from gigcover.policylab.fund import FundPrior, simulate_fund

    rng = np.random.default_rng(5)
    exposure = rng.uniform(1e4, 3e6, groups)
    premium = exposure * rng.uniform(100, 600, groups)
    orders = exposure * 6000
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        result = simulate_fund(exposure, premium, orders, replications=replications)
        best = min(best, time.perf_counter() - start)
    prior = FundPrior()
    peer_best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        generator = np.random.default_rng(2026)
        rate = prior.claims_per_fte_year * np.exp(prior.claim_rate_log_sd * generator.standard_normal(replications))
        case = prior.cost_per_claim * np.exp(prior.cost_log_sd * generator.standard_normal(replications))
        break_even, deficit = [], []
        for g in range(groups):  # row by row: the same draws as the matrix, in the same order
            cost = generator.poisson(exposure[g] * rate) * case
            break_even.append(cost.mean() / orders[g])
            deficit.append((cost > premium[g]).mean())
        peer_best = min(peer_best, time.perf_counter() - start)
    same = np.array_equal(result.break_even_per_order, break_even) and np.array_equal(
        result.deficit_probability, deficit
    )
    return {"fund_s": best, "peer_s": peer_best, "same": same, "groups": groups, "load": os.getloadavg()[0]}


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--one", *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _records(folder: Path) -> dict[tuple[str, str, str], float]:
    with (folder / "summary.csv").open(encoding="utf-8") as handle:
        return {(r["scenario"], r["group"], r["measure"]): float(r["value"] or "nan") for r in csv.DictReader(handle)}


def compare(a: Path, b: Path) -> tuple[bool, float, int]:
    """(same keys and every value within 1e-11 relative — or 1e-13 absolute: a change against the baseline is a
    difference of two near sums, whose relative error is larger —, the largest relative difference, values
    differing)."""
    left, right = _records(a), _records(b)
    if left.keys() != right.keys():
        return False, math.inf, len(left.keys() ^ right.keys())
    worst, differing, within = 0.0, 0, True
    for key, x in left.items():
        y = right[key]
        if (math.isnan(x) and math.isnan(y)) or x == y:
            continue
        differing += 1
        relative = abs(x - y) / max(abs(x), abs(y))
        worst = max(worst, relative)
        within = within and (relative <= 1e-11 or abs(x - y) <= 1e-13)
    return within, worst, differing


def _shares(result: dict[str, Any]) -> str:
    stages = result["stages"]
    run = result["run_s"]
    shown = ", ".join(f"{name} {seconds:.1f} s ({seconds / run:.0%})" for name, seconds in stages.items())
    other = run - sum(stages.values())
    return f"{shown}, other {other:.1f} s ({other / run:.0%})"


def _line(label: str, r: dict[str, Any]) -> str:
    return (
        f"{label}: total {r['total_s']:.1f} s (read {r['read_s']:.1f}, run {r['run_s']:.1f}, write {r['write_s']:.1f}, "
        f"report {r['report_s']:.1f}); CPU {r['cpu_s']:.1f} s (+ workers {r['children_cpu_s']:.1f} s); peak RSS "
        f"{r['peak_mb']:,.0f} MB (workers {r['children_peak_mb']:,.0f} MB); load {r['load']:.1f}\n"
        f"    stages of the run: {_shares(r)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--folder", type=Path, help="keep the populations and outputs here (default: a temp dir)")
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    parser.add_argument("--single-max", type=int, default=1_000_000, help="largest size run in one pass")
    parser.add_argument(
        "--one-pass-peer", action="store_true", help="sizes above --single-max: also the one pass, as a peer"
    )
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS)
    parser.add_argument("--dask-max", type=int, default=1_000_000, help="largest size also run on Dask")
    parser.add_argument("--projection-rows", type=int, default=1_000_000)
    parser.add_argument("--projection-peer-rows", type=int, default=100_000)
    parser.add_argument("--with-projection", action="store_true", help="e2e with the projection too (1 M only)")
    parser.add_argument(
        "--lean", action="store_true", help="e2e also without reading the histories; Dask runs without them"
    )
    parser.add_argument("--dask-modes", nargs="+", default=["dask", "dask-file", "dask-shipped"])
    parser.add_argument("--one", nargs="+")
    args = parser.parse_args()
    if args.one:
        kind, *rest = args.one
        if kind == "generate":
            result: dict[str, Any] = generate(int(rest[0]), Path(rest[1]), int(rest[2]))
        elif kind == "run":
            result = run(Path(rest[0]), Path(rest[1]), rest[2], rest[3] == "1", int(rest[4]), rest[5:] == ["lean"])
        elif kind == "projection":
            result = projection(Path(rest[0]), int(rest[1]), int(rest[2]))
        else:
            result = fund(int(rest[0]))
        print(json.dumps(result))
        return
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-simulate-"))
    folder.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        path = folder / f"pop-{size}.parquet"
        if not path.is_file():
            made = _child("generate", str(size), str(path), str(args.chunk_rows))
            print(f"{size:,} workers generated: {made['generate_s']:.1f} s, peak RSS {made['peak_mb']:,.0f} MB")
        chunked = size > args.single_max
        mode = "local-file" if chunked else "single"  # what `gigcover simulate` runs (local: chunks above 1 M)
        if "e2e" in args.parts:
            out = folder / f"out-{size}-{mode}"
            r = _child("run", str(path), str(out), mode, "0", str(args.chunk_rows))
            print(_line(f"{size:,} workers × 5 scenarios, one year's rules and measures, {mode}", r))
            if args.lean:
                r = _child("run", str(path), str(out) + "-lean", mode, "0", str(args.chunk_rows), "lean")
                print(_line("  the same without reading the histories (read_population(histories=False))", r))
            if chunked and args.one_pass_peer:
                peer_out = folder / f"out-{size}-single-lean"
                lean = ["lean"] * args.lean
                p = _child("run", str(path), str(peer_out), "single", "0", str(args.chunk_rows), *lean)
                mine = Path(str(out) + "-lean") if args.lean else out
                same, worst, differing = compare(mine, peer_out)
                print(_line("  peer: the same in one pass (the CLI's local run before it chunked)", p))
                print(f"    equal within 1e-11 (1e-13 absolute): {same} ({differing} values not bit for bit, largest "
                      f"relative difference {worst:.1e})")  # fmt: skip
            if args.with_projection and not chunked:
                r = _child("run", str(path), str(folder / f"out-{size}-projected"), mode, "1", str(args.chunk_rows))
                print(_line(f"{size:,} workers × 5 scenarios with the lifetime projection, {mode}", r))
        if "peers" in args.parts and not chunked:
            single = folder / f"out-{size}-single"
            peer_out = folder / f"out-{size}-chunked"
            if not (single / "summary.csv").is_file():
                _child("run", str(path), str(single), "single", "0", str(args.chunk_rows))
            p = _child("run", str(path), str(peer_out), "chunked", "0", str(args.chunk_rows))
            same, worst, differing = compare(single, peer_out)
            print(_line(f"  peer: the same in chunks of {args.chunk_rows:,} in one process", p))
            print(f"    equal to the single pass within 1e-11: {same} (largest relative difference {worst:.1e}, "
                  f"{differing} values not bit for bit)")  # fmt: skip
        if "dask" in args.parts and size <= args.dask_max:
            local = folder / f"out-{size}-chunked"
            if not (local / "summary.csv").is_file():
                r = _child("run", str(path), str(local), "chunked", "0", str(args.chunk_rows), *(["lean"] * args.lean))
                print(_line(f"  the chunks of {args.chunk_rows:,} in one process (the Dask runs' peer)", r))
            for dask_mode, said in (("dask", "each chunk reads its row groups, detail.parquet written"),
                                    ("dask-file", "each chunk reads its row groups, no detail.parquet"),
                                    ("dask-shipped", "peer: the driver reads every row and ships the chunks")):  # fmt: skip
                if dask_mode not in args.dask_modes:
                    continue
                out = folder / f"out-{size}-{dask_mode}"
                d = _child("run", str(path), str(out), dask_mode, "0", str(args.chunk_rows), *(["lean"] * args.lean))
                same, worst, differing = compare(local, out)
                print(_line(f"  Dask, LocalCluster 2 × 1 thread, chunks of {args.chunk_rows:,} ({said})", d))
                print(f"    equal to the chunks in one process within 1e-11: {same} ({differing} values not bit for "
                      f"bit, largest relative difference {worst:.1e})")  # fmt: skip
        if "places" in args.parts:
            together = folder / f"out-{size}-{mode}-together"
            alone = folder / f"out-{size}-{mode}-alone"
            r = _child("run", str(path), str(together), mode, "0", str(args.chunk_rows))
            a = _child("run", str(path), str(alone), f"{mode}-alone", "0", str(args.chunk_rows))
            same, worst, differing = compare(together, alone)
            if differing:  # a peer must compute the same thing: no ratio for different answers
                raise SystemExit(
                    f"the places together differ from one per place: {differing} values, up to {worst:.1e}"
                )
            print(_line(f"{size:,} workers × 5 scenarios, the places of a province together, {mode}", r))
            print(_line("  peer: one simulation per place", a))
            print(
                f"    summary.csv bit for bit: {differing == 0} ({differing} values differ, largest {worst:.1e}); "
                f"run {a['run_s'] / r['run_s']:.2f}× faster together, total {a['total_s'] / r['total_s']:.2f}×"
            )
    if "projection" in args.parts:
        size = min([s for s in args.sizes if s >= args.projection_rows] or [max(args.sizes)])
        path = folder / f"pop-{size}.parquet"
        p = _child("projection", str(path), str(args.projection_rows), str(args.projection_peer_rows))
        print(
            f"projection of {p['rows']:,} workers (the lab's four outputs, chunks of {p['chunk_rows']:,}): "
            f"{p['projection_s']:.1f} s; "
            f"CPU {p['cpu_s']:.1f} s; peak RSS {p['peak_mb']:,.0f} MB; load {p['load']:.1f}\n"
            f"    {p['peer_rows']:,} workers: explain=False (the lab) {p['lab_s']:.1f} s vs explain=True (the default) "
            f"{p['peer_s']:.1f} s, {p['peer_s'] / p['lab_s']:.2f}×; equal: {p['same']}"
        )
    if "fund" in args.parts:
        for replications in (1000, 10_000):
            f = _child("fund", str(replications))
            print(
                f"fund Monte Carlo, {replications:,} replications × {f['groups']} groups: {f['fund_s'] * 1000:.1f} ms; "
                f"peer (a loop over the groups, the same draws) {f['peer_s'] * 1000:.1f} ms, "
                f"{f['peer_s'] / f['fund_s']:.1f}×; equal: {f['same']}; load {f['load']:.1f}"
            )


if __name__ == "__main__":
    main()
