"""The policy lab's chunk function: time, added peak memory and transfer sizes of one chunk, all five scenarios.

The figures behind the README's layout of a national run on Dask. The population is the tests' mixed synthetic one
(tests/policylab/conftest_lab.py), with contribution histories of one to three segments when `--histories`.
Run: .venv/bin/python benchmarks/bench_lab_chunk.py [--rows 100000] [--histories]
(one measurement per process: peak memory is the process's high-water mark)
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

import gigcover
from gigcover.policylab.chunked import Plan, _fixed_chunk, chunk_aggregates, chunk_of, layout, whole_population_groups
from gigcover.policylab.measures import LabPopulation
from gigcover.policylab.simulate import setup
from gigcover.rules.model import default_model
from gigcover.rules.projection.columns import HistoryColumns

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from policylab.conftest_lab import random_population

SCENARIOS = ["baseline-2021", "law-2026", "paper-package", "formalization", "universal"]


def with_histories(base: LabPopulation, seed: int = 17) -> LabPopulation:
    n = len(base.weight)
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(n), rng.integers(1, 4, n))
    places = np.array(["310000", "440300", "411600", "510100"])
    scheme = np.where(rng.random(len(person)) < 0.7, "employee", "resident")
    segments = {
        "person": person,
        "years": rng.integers(3, 15, len(person)),
        "scheme": scheme,
        "region": places[rng.integers(0, len(places), len(person))],
        "base_index": np.where(scheme == "employee", 0.6, 0.0),
        "tier": np.where(scheme == "resident", 500.0, 0.0),
    }
    people = {"start_year": rng.integers(2005, 2020, n), "hukou_region": np.asarray(base.inputs["hukou_region"])}
    inputs: dict[str, Any] = dict(base.inputs)
    inputs["contribution_history"] = HistoryColumns.of(people, segments, default_model().regions)
    return LabPopulation(inputs=inputs, region=base.region, weight=base.weight, columns=base.columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--histories", action="store_true")
    args = parser.parse_args()
    population = random_population(args.rows, seed=1)
    if args.histories:
        population = with_histories(population)
    prepared, chosen, _ = setup(population, SCENARIOS, default_model(), None, True)
    fixed = whole_population_groups(prepared)
    plan = Plan(tuple(chosen), None, layout(prepared, chosen, fixed), True)
    chunk_aggregates(chunk_of(prepared, 0, 100), _fixed_chunk(fixed, 0, 100), plan, gigcover.compute)  # warm
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chunk, groups = chunk_of(prepared, 0, args.rows), _fixed_chunk(fixed, 0, args.rows)
    start = time.perf_counter()
    parts = chunk_aggregates(chunk, groups, plan, gigcover.compute)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sent = len(pickle.dumps((chunk, groups))) / 1e6
    returned = len(pickle.dumps(parts)) / 1e6
    print(
        f"{args.rows:,} rows{' with histories' if args.histories else ''}, {len(SCENARIOS)} scenarios: "
        f"{elapsed:.2f} s; peak memory {before:.0f} → {after:.0f} MB (+{after - before:.0f}); "
        f"chunk sent {sent:.1f} MB; aggregates returned {returned:.3f} MB"
    )


if __name__ == "__main__":
    main()
