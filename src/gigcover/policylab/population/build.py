"""Generating a population: in chunks of any size (memory bounded by the chunk), the same rows whatever the chunks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from gigcover.engine import InputValueError
from gigcover.policylab.population import storage
from gigcover.policylab.population.calibration import Calibration, default_calibration
from gigcover.policylab.population.generator import BLOCK_ROWS, Model, draw_block
from gigcover.policylab.population.storage import EngineInputs, Population

DEFAULT_CHUNK_ROWS = 500_000
"""Workers per written chunk (one Parquet row group): about 0.3 GB of arrays while a chunk is drawn."""

MAX_SIZE = 100_000_000
"""The most rows one call draws (the 84 million fit; a national run is better laid out as chunks on a cluster)."""


def check_arguments(size: Any, seed: Any, chunk_rows: Any) -> None:
    for name, value, low, high in (("size", size, 1, MAX_SIZE), ("seed", seed, 0, 2**63 - 1),
                                   ("chunk_rows", chunk_rows, 1, MAX_SIZE)):  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise InputValueError(f"{name}: expected a whole number, got {value!r}", field=name)
        if not low <= value <= high:
            raise InputValueError(f"{name}: {value:,} is out of range ({low:,}–{high:,})", field=name)


def metadata(size: int, seed: int, calibration: Calibration) -> dict[str, str]:
    """What a file records about how it was made (no clock time: the same call writes the same bytes)."""
    digest = hashlib.sha256(calibration.model_dump_json().encode()).hexdigest()
    return {
        "gigcover.population": "1",
        "size": str(size),
        "seed": str(seed),
        "block_rows": str(BLOCK_ROWS),
        "reference_date": calibration.reference_date.isoformat(),
        "total": str(calibration.total.value),
        "calibration_sha256": digest,
    }


def generate_chunks(
    size: int, seed: int, *, chunk_rows: int = DEFAULT_CHUNK_ROWS, calibration: Calibration | None = None
) -> Iterator[Population]:
    """The population of `size` workers for `seed`, as chunks of `chunk_rows` workers (the last may be shorter).

    The rows are the same whatever `chunk_rows` is: each fixed block of rows draws from its own seed."""
    check_arguments(size, seed, chunk_rows)
    calibration = calibration or default_calibration()
    model = Model.of(calibration)
    info = metadata(size, seed, calibration)
    people_schema, segments_schema = storage.people_schema(info), storage.segments_schema(info)
    weight = calibration.total.value / size
    pending: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = []
    held = 0
    for block in range(-(-size // BLOCK_ROWS)):
        rows = min(BLOCK_ROWS, size - block * BLOCK_ROWS)
        people, segments = draw_block(model, seed, block, rows)
        people["weight"] = np.full(rows, weight)
        pending.append((people, segments))
        held += rows
        while held >= chunk_rows or (held and block * BLOCK_ROWS + rows == size):
            take = min(chunk_rows, held)
            chunk, pending = _split(pending, take)
            held -= take
            yield Population(storage.to_table(chunk[0], people_schema), storage.to_table(chunk[1], segments_schema))


def _split(
    pending: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]], take: int
) -> tuple[
    tuple[dict[str, np.ndarray], dict[str, np.ndarray]], list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]]
]:
    """The first `take` workers of the pending blocks (with their segments), and what is left."""
    first: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = []
    rest: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = []
    for people, segments in pending:
        rows = len(people["person_id"])
        if take >= rows:
            first.append((people, segments))
            take -= rows
        elif take == 0:
            rest.append((people, segments))
        else:
            cut = int(np.searchsorted(segments["person"], people["person_id"][take]))
            first.append(({k: v[:take] for k, v in people.items()}, {k: v[:cut] for k, v in segments.items()}))
            rest.append(({k: v[take:] for k, v in people.items()}, {k: v[cut:] for k, v in segments.items()}))
            take = 0
    joined = tuple({k: np.concatenate([part[i][k] for part in first]) for k in first[0][i]} for i in (0, 1))
    return (joined[0], joined[1]), rest


def generate(size: int, seed: int, *, calibration: Calibration | None = None) -> Population:
    """The whole population in memory: `.people` (one row a worker) and `.segments` (their history), Arrow tables."""
    chunks = list(generate_chunks(size, seed, chunk_rows=size, calibration=calibration))
    return Population(pa.concat_tables([c.people for c in chunks]), pa.concat_tables([c.segments for c in chunks]))


def write_population(
    path: Path, size: int, seed: int, *, chunk_rows: int = DEFAULT_CHUNK_ROWS, calibration: Calibration | None = None
) -> int:
    """Generate and write `path` (workers) and its `.segments.parquet` beside it, chunk by chunk."""
    check_arguments(size, seed, chunk_rows)
    calibration = calibration or default_calibration()
    chunks = generate_chunks(size, seed, chunk_rows=chunk_rows, calibration=calibration)
    return storage.write(chunks, Path(path), metadata(size, seed, calibration))


def read_population(path: Path | str, *, date: Any = None, histories: bool = False) -> EngineInputs:
    """A population file as `gigcover.compute` takes it (codes and region indices, a place of work per row):

        pop = read_population("pop.parquet")
        found = gigcover.compute(pop.inputs, ["table2_cell"], date=pop.date, region=pop.region, decode=False)

    `histories=True` adds `contribution_history` (the segments) for the lifetime projection."""
    population = storage.read(Path(path), segments=histories)
    return storage.engine_inputs(population, date=date, histories=histories)
