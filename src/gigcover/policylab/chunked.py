"""The policy lab in chunks (分块运行), on one machine or a Dask cluster: `simulate_chunked(population, scenarios,
backend="local" | "dask", ...) -> Summary`.

The population is split into chunks of `chunk_rows` rows; one function, `chunk_aggregates`, evaluates every
scenario on a chunk (the same `evaluate` as `simulate`) and returns its additive aggregates (simulate.Aggregates:
row counts and weighted sums per scenario × group × measure, and the replacement rates gathered whole for the
median). The aggregates are added in chunk order, whatever order the chunks finish in; the measures and the
injury fund's Monte Carlo then run once, on the combined sums.

Equality: the `local` and `dask` backends run the same chunks and add them in the same order, so their results
are equal bit for bit. Against `simulate` (one pass over all rows) every count, median and fund figure is equal,
and the sums are equal up to the reordering of floating-point additions (within 1e-12 relative in the tests; with
one chunk, bit for bit). The median is exact: the replacement rates are gathered (value, weight, group codes) rather than
sketched, which costs 26 bytes per projected worker and scenario on the machine that combines (1.3 GB for 10
million workers × 5 scenarios; a national run of 84 million rows would want a mergeable sketch instead — README).

Groups that depend on the whole population — the weighted income deciles and the intensity labels — are fixed
before the split, so a chunk's worker lands in the same group as in a single pass.

A population file (`PopulationFile`, what `gigcover simulate --backend dask` gives) is not read by the driver: it
reads the few columns the whole-population groups need (`population_overview`), and each chunk reads its own rows
from the Parquet row groups that hold them (and, for a generated file, their segments) where it runs — on a
cluster, every worker must see the file at the same path. With `detail`, every chunk's rows of `detail.parquet`
are appended to it in chunk order (chunk by chunk, scenario by scenario within a chunk: `simulate`'s rows in
another order, each with its `scenario` and `row`): in this process as they come, so nothing is written twice (at
10 M workers parts joined after took 50 s of a 90 s run); on Dask each chunk writes its parts (one per scenario,
beside the file) where it runs, and the driver appends them while later chunks still run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from gigcover.engine import InputValueError, Model
from gigcover.policylab.behaviour import Behaviour
from gigcover.policylab.fund import FundPrior
from gigcover.policylab.measures import (
    Compute,
    Grouping,
    LabPopulation,
    PopulationLike,
    age_bands,
    whole_population_groups,
)
from gigcover.policylab.scenarios import BASELINE, LabScenario
from gigcover.policylab.simulate import (
    DIMENSIONS,
    Aggregates,
    Layout,
    Summary,
    _fixed_groups,
    aggregate,
    by_place,
    changes,
    detail_table,
    finish,
    population_overview,
    prepared,
    read_population_rows,
    setup,
    unpriced_notes,
    writer_options,
)
from gigcover.policylab.timing import stage
from gigcover.rules.coverage import Table2Cell
from gigcover.rules.employment import Industry

Backend = Literal["local", "dask"]
BACKENDS = ("local", "dask")
DEFAULT_CHUNK_ROWS = 100_000
ChunkDone = Callable[[int, int], None]  # (chunks done, chunks in all) — the CLI's progress bar
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|inproc|ucx|ws|wss)://)?[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")


@dataclass(frozen=True)
class Plan:
    """What every chunk needs besides its rows: the scenarios, the behaviour, the groups fixed over the whole
    population, and the layout of the groups reported."""

    scenarios: tuple[LabScenario, ...]
    behaviour: Behaviour | None
    layout: Layout
    projection: bool
    seed: int = 2026  # the run's seed: the fund's Monte Carlo and the projection's take-up draw


@dataclass(frozen=True)
class PopulationFile:
    """A population Parquet file that each chunk reads its own rows of (`read_population_rows`), where it runs;
    `histories`: read the contribution histories (a generated file's segments) for the projection."""

    path: Path
    histories: bool = True

    def overview(self, model: Model) -> tuple[LabPopulation, bool]:
        """The columns the driver needs (`population_overview`), and whether the chunks read histories."""
        return population_overview(self.path, model, histories=self.histories)

    def rows(self, start: int, stop: int, model: Model) -> LabPopulation:
        return prepared(read_population_rows(self.path, start, stop, model, histories=self.histories), model)


@dataclass(frozen=True)
class DetailPart:
    """Where a chunk writes its rows of detail.parquet: `folder/<scenario>-<chunk>.parquet`."""

    folder: Path
    chunk: int

    def path(self, scenario: int) -> Path:
        return self.folder / f"{scenario:03d}-{self.chunk:07d}.parquet"

    def write(self, scenario: int, table: Any) -> None:
        import pyarrow.parquet as pq

        pq.write_table(table, self.path(scenario), **writer_options(table.schema))


class DetailStream:
    """detail.parquet of a run in this process: every chunk's rows appended as they come, to a file beside `path`
    that takes its name when the run ends (`finish`) and is removed if it fails (`abandon`): never a half file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self._writer: Any = None

    def write(self, scenario: int, table: Any) -> None:
        import pyarrow.parquet as pq

        if self._writer is None:
            self._writer = pq.ParquetWriter(self.partial, table.schema, **writer_options(table.schema))
        self._writer.write_table(table.cast(self._writer.schema))

    def finish(self) -> None:
        if self._writer is not None:
            self._writer.close()
            os.replace(self.partial, self.path)

    def abandon(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.partial.unlink(missing_ok=True)


DetailSink = DetailPart | DetailStream


def chunk_aggregates(
    chunk: LabPopulation, fixed: Mapping[str, Grouping], plan: Plan, compute: Compute,
    detail: DetailSink | None = None,
) -> list[Aggregates]:  # fmt: skip
    """The chunk function: every scenario of the plan on one chunk → its aggregates (one per scenario, in order),
    and with `detail` its rows of detail.parquet written as parts. Runs in-process or on a Dask worker; it imports
    the rules where it runs."""
    from gigcover.policylab.measures import evaluate
    from gigcover.rules.model import default_model

    model = default_model()
    chunk, order = by_place(chunk, model)
    if order is not None:
        fixed = {name: Grouping(grouping.codes[order], grouping.labels) for name, grouping in fixed.items()}
    with stage("groups"):
        groups = {**_fixed_groups(chunk, plan.scenarios, compute), **fixed}
    out: list[Aggregates] = []
    for index, scenario in enumerate(plan.scenarios):
        rows = evaluate(
            chunk, scenario, scenario.assumptions(plan.behaviour), model, compute,
            projection=plan.projection, fixed_groups=groups, seed=plan.seed,
        )  # fmt: skip
        with stage("aggregation"):
            out.append(aggregate(rows, plan.layout))
        if detail is not None:
            detail.write(index, detail_table(rows))
    return out


def file_chunk_aggregates(
    source: PopulationFile, start: int, stop: int, fixed: Mapping[str, Grouping], plan: Plan, compute: Compute,
    detail: DetailSink | None = None,
) -> list[Aggregates]:  # fmt: skip
    """`chunk_aggregates` on rows `start`…`stop` of a population file, read where the chunk runs. `fixed`: the
    whole-population groups of those rows in the file's order; the chunk holds its rows in the order the lab
    computes them (by place: `prepared`), and each row's `row_number` says where it was."""
    from gigcover.rules.model import default_model

    with stage("read"):
        chunk = source.rows(start, stop, default_model())
    where = np.asarray(chunk.columns["row_number"], dtype=np.int64) - start
    groups = {name: Grouping(grouping.codes[where], grouping.labels) for name, grouping in fixed.items()}
    return chunk_aggregates(chunk, groups, plan, compute, detail)


def simulate_chunked(
    population: PopulationLike | PopulationFile,
    scenarios: Sequence[str | LabScenario],
    *,
    compute: Compute,
    backend: str = "local",
    scheduler: str | None = None,
    client: Any = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    model: Model | None = None,
    behaviour: Behaviour | None = None,
    compare_to: str | None = BASELINE,
    replications: int = 1000,
    seed: int = 2026,
    prior: FundPrior | None = None,
    projection: bool = True,
    progress: ChunkDone | None = None,
    detail: Path | None = None,
) -> Summary:
    """`simulate`'s summary (no rows kept in memory), computed chunk by chunk: in this process (`local`), or on a
    Dask cluster (`dask`: the scheduler at `scheduler`, a `client` already connected, or else a LocalCluster
    started for the run and closed after it). `population`: the rows, or a `PopulationFile` whose chunks read
    their own rows. `detail`: write detail.parquet there (as `Summary.write_detail` does after `simulate`)."""
    from gigcover.rules.model import default_model

    check_backend(backend, scheduler)
    if chunk_rows < 1:
        raise InputValueError(f"chunk_rows: must be at least 1, got {chunk_rows}", field="chunk_rows")
    model = model or default_model()
    if isinstance(population, PopulationFile):
        with stage("read"):
            overview, histories = population.overview(model)
        whole, chosen, notes = setup(overview, scenarios, model, compare_to, projection, histories)
    else:
        whole, chosen, notes = setup(population, scenarios, model, compare_to, projection)
    with stage("groups"):
        fixed = whole_population_groups(whole)
    plan = Plan(tuple(chosen), behaviour, layout(whole, chosen, fixed), projection, seed)
    bounds = chunk_bounds(len(whole.weight), chunk_rows)
    source = population if isinstance(population, PopulationFile) else whole
    if isinstance(population, PopulationFile):  # the chunks are the file's row ranges: its groups in file order
        fixed = in_file_order(fixed, np.asarray(whole.columns["row_number"], dtype=np.int64))
    made = detail is not None and not detail.parent.exists()  # a failed run leaves no folder it made
    try:
        if backend == "local":
            parts = _run_local(source, fixed, plan, compute, bounds, detail, progress)
        else:
            parts = _run_dask(source, fixed, plan, compute, bounds, detail, scheduler, client, progress)
    except BaseException:
        if made and detail is not None:
            shutil.rmtree(detail.parent, ignore_errors=True)
        raise
    with stage("aggregation"):
        totals = combine(parts)
    records: list[tuple[str, str, str, float]] = []
    measured: dict[str, dict[tuple[str, str], float]] = {}
    for scenario, total in zip(chosen, totals, strict=True):
        values = finish(plan.layout, total, replications=replications, seed=seed, prior=prior)
        measured[scenario.name] = values
        records.extend((scenario.name, g, m, v) for (g, m), v in values.items())
    records.extend(changes(measured, compare_to))
    return Summary(records, [], notes + unpriced_notes(measured))


def check_backend(backend: str, scheduler: str | None) -> None:
    """A backend named and a scheduler address only with Dask, in a form Dask reads (host:port, tcp://host:port)."""
    if backend not in BACKENDS:
        raise InputValueError(f"--backend: expected one of {', '.join(BACKENDS)}, got {backend!r}", field="backend")
    if scheduler is None:
        return
    if backend != "dask":
        raise InputValueError("--scheduler: only with --backend dask", field="scheduler")
    if not _ADDRESS.match(scheduler):
        raise InputValueError(
            f"--scheduler: {scheduler!r} is not a scheduler address (expected host:port or tcp://host:port)",
            field="scheduler",
        )


def chunk_bounds(n: int, chunk_rows: int) -> list[tuple[int, int]]:
    return [(start, min(start + chunk_rows, n)) for start in range(0, n, chunk_rows)]


def combine(parts: Sequence[Sequence[Aggregates]]) -> list[Aggregates]:
    """Per scenario, the chunks' aggregates added in chunk order (so every backend adds in the same order)."""
    totals = list(parts[0])
    for chunk in parts[1:]:
        totals = [total + part for total, part in zip(totals, chunk, strict=True)]
    return totals


def layout(population: LabPopulation, scenarios: Sequence[LabScenario], fixed: Mapping[str, Grouping]) -> Layout:
    """The groups reported, as `simulate` reports them (groups with no row are dropped at the end)."""
    sets_industry = any("industry" in a.set for s in scenarios for a in s.inputs)
    labels = {
        "table2_cell": Table2Cell.ids(),
        **({"industry": Industry.ids()} if "industry" in population.inputs or sets_industry else {}),
        "income_decile": fixed["income_decile"].labels,
        "age_band": age_bands(np.zeros(0)).labels,
        **({"intensity": fixed["intensity"].labels} if "intensity" in fixed else {}),
    }
    return tuple((d, tuple(labels[d])) for d in DIMENSIONS if d in labels)


def chunk_of(population: LabPopulation, start: int, stop: int) -> LabPopulation:
    """Rows start…stop of the population (a value for all rows stays one value)."""

    def rows(values: Any) -> Any:
        if hasattr(values, "take_rows"):  # contribution histories (HistoryColumns): sliced by person
            return values.take_rows(slice(start, stop))
        if isinstance(values, list | tuple | np.ndarray) and np.ndim(values) > 0:
            return values[start:stop]
        return values

    return LabPopulation(
        inputs={k: rows(v) for k, v in population.inputs.items()},
        region=rows(population.region),
        weight=population.weight[start:stop],
        columns={k: rows(v) for k, v in population.columns.items()},
        date=rows(population.date),
    )


def in_file_order(fixed: Mapping[str, Grouping], row_number: np.ndarray) -> dict[str, Grouping]:
    """Groups of rows held in another order (`prepared` orders them by place) put back in the order of the rows as
    given: row `row_number[i]` gets the group of held row i."""
    out: dict[str, Grouping] = {}
    for name, grouping in fixed.items():
        codes = np.empty_like(grouping.codes)
        codes[row_number] = grouping.codes
        out[name] = Grouping(codes, grouping.labels)
    return out


def _fixed_chunk(fixed: Mapping[str, Grouping], start: int, stop: int) -> dict[str, Grouping]:
    return {k: Grouping(g.codes[start:stop], g.labels) for k, g in fixed.items()}


Source = LabPopulation | PopulationFile


def _tasks(
    source: Source, fixed: Mapping[str, Grouping], bounds: Sequence[tuple[int, int]],
    sink: Callable[[int], DetailSink | None],
) -> Iterator[tuple[Callable[..., list[Aggregates]], tuple[Any, ...], DetailSink | None]]:  # fmt: skip
    """Per chunk: the function to run and its arguments (the rows themselves, or the file and the row range),
    and where it writes its detail (`sink(chunk)`)."""
    for index, (start, stop) in enumerate(bounds):
        part = sink(index)
        groups = _fixed_chunk(fixed, start, stop)
        if isinstance(source, PopulationFile):
            yield file_chunk_aggregates, (source, start, stop, groups), part
        else:
            yield chunk_aggregates, (chunk_of(source, start, stop), groups), part


def _run_local(
    source: Source, fixed: Mapping[str, Grouping], plan: Plan, compute: Compute,
    bounds: Sequence[tuple[int, int]], detail: Path | None, progress: ChunkDone | None,
) -> list[list[Aggregates]]:  # fmt: skip
    stream = None
    if detail is not None:
        detail.parent.mkdir(parents=True, exist_ok=True)
        stream = DetailStream(detail)
    parts = []
    try:
        for done, (function, arguments, part) in enumerate(_tasks(source, fixed, bounds, lambda _: stream), start=1):
            parts.append(function(*arguments, plan, compute, part))
            if progress:
                progress(done, len(bounds))
    except BaseException:
        if stream is not None:
            stream.abandon()
        raise
    if stream is not None:
        stream.finish()
    return parts


def _run_dask(
    source: Source, fixed: Mapping[str, Grouping], plan: Plan, compute: Compute,
    bounds: Sequence[tuple[int, int]], detail: Path | None, scheduler: str | None, client: Any,
    progress: ChunkDone | None,
) -> list[list[Aggregates]]:  # fmt: skip
    """The chunks on a Dask cluster; with `detail`, each chunk writes its parts in `detail.parts/` where it runs,
    and the driver appends them to detail.parquet in chunk order while later chunks still run (`DetailJoin`)."""
    folder = None if detail is None else detail.with_name(detail.name + ".parts")
    join = None if detail is None or folder is None else DetailJoin(folder, len(plan.scenarios), DetailStream(detail))
    try:
        parts = _on_dask(source, fixed, plan, compute, bounds, folder, scheduler, client, progress, join)
        if join is not None:
            join.stream.finish()
    except BaseException:
        if join is not None:
            join.stream.abandon()
        raise
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return parts


@dataclass
class DetailJoin:
    """The chunks' parts appended to detail.parquet as they finish, in chunk order (chunk by chunk, scenario by
    scenario within a chunk, as a run in this process writes it): chunk k is appended once chunks 0…k are done,
    so the driver's reading and writing overlaps the workers' later chunks instead of following them all (10 M
    workers: 31 s of the driver's CPU)."""

    folder: Path
    scenarios: int
    stream: DetailStream
    appended: int = 0

    def done(self, finished: set[int]) -> None:
        import pyarrow.parquet as pq

        while self.appended in finished:
            part = DetailPart(self.folder, self.appended)
            for scenario in range(self.scenarios):
                self.stream.write(scenario, pq.read_table(part.path(scenario)))
                part.path(scenario).unlink()
            self.appended += 1


def _on_dask(
    source: Source, fixed: Mapping[str, Grouping], plan: Plan, compute: Compute,
    bounds: Sequence[tuple[int, int]], folder: Path | None, scheduler: str | None, client: Any,
    progress: ChunkDone | None, join: DetailJoin | None = None,
) -> list[list[Aggregates]]:  # fmt: skip
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - dask is pinned in the project's dependencies
        raise InputValueError(
            "--backend dask: the dask and distributed packages are not installed", field="backend"
        ) from None
    cluster = None
    own_client = client is None
    if client is None:
        if scheduler is None:
            cluster = _local_cluster(LocalCluster)
            scheduler = cluster.scheduler_address
        try:
            client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            raise InputValueError(
                f"--scheduler: no Dask scheduler answered at {scheduler} ({exc})", field="scheduler"
            ) from None
    try:
        if folder is not None:  # connected: now the run writes
            folder.mkdir(parents=True, exist_ok=True)
        shared = client.scatter(plan, broadcast=True)
        futures = [
            client.submit(function, *arguments, shared, compute, part, pure=False)
            for function, arguments, part in _tasks(
                source, fixed, bounds, lambda chunk: None if folder is None else DetailPart(folder, chunk)
            )
        ]
        chunk_of_future = {future.key: index for index, future in enumerate(futures)}
        finished: set[int] = set()
        for done, future in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
            if future.status == "error":
                future.result()  # raises the chunk's own error
            finished.add(chunk_of_future[future.key])
            if join is not None:
                join.done(finished)
            if progress:
                progress(done, len(bounds))
        parts: list[list[Aggregates]] = client.gather(futures)  # in chunk order, whatever order they finished in
        return parts
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()


def _local_cluster(local_cluster: Any) -> Any:
    """Two worker processes of one thread each, without the MALLOC_TRIM_THRESHOLD_ that Dask's nannies set by
    default: with it glibc stops adapting its mmap threshold, every large numpy array is mapped afresh, and a
    chunk of 100,000 rows took 17–19 s instead of 4 s on this machine (README: Dask)."""
    import dask

    environ = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    kept = {k: v for k, v in environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": kept}):
        return local_cluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
