"""`gigcover simulate`: the policy lab's scenarios on a population file → DIR/summary.csv, DIR/detail.parquet and
DIR/report.html; in this process, or chunk by chunk on a Dask cluster (`--backend dask [--scheduler ADDRESS]`)."""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gigcover.engine.errors import GigcoverError, InputValueError
from gigcover.policylab.report import HEADLINE, shown


def _fail(exc: GigcoverError) -> NoReturn:
    sys.stderr.write(json.dumps(exc.to_dict(), ensure_ascii=False, default=str) + "\n")
    raise typer.Exit(code=2)


def simulate_command(
    population: Annotated[
        Path, typer.Option("--population", help="population Parquet file (engine input columns + weight, region)")
    ],
    scenario: Annotated[
        list[str], typer.Option("--scenario", help="built-in scenario name or a scenario .yaml file (repeat for more)")
    ],
    out: Annotated[Path, typer.Option("--out", help="folder for summary.csv and detail.parquet (created if missing)")],
    replications: Annotated[
        int, typer.Option("--replications", help="Monte Carlo replications for the injury fund")
    ] = 1000,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", help="seed of the fund's Monte Carlo and of the per-worker take-up draw of the projection"
        ),
    ] = 2026,
    baseline: Annotated[
        bool, typer.Option("--baseline/--no-baseline", help="also run baseline-2021 and the changes against it")
    ] = True,
    projection: Annotated[
        bool, typer.Option("--projection/--no-projection", help="the lifetime projection, when histories are given")
    ] = True,
    json_out: Annotated[bool, typer.Option("--json", help="print the `all` group as JSON")] = False,
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            help="local (this process: one pass, or chunks above --chunk-rows) or dask (chunks on a cluster)",
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (host:port); without it a LocalCluster is started"),
    ] = None,
    chunk_rows: Annotated[
        int | None,
        typer.Option(
            "--chunk-rows",
            help=(
                "rows per chunk: with dask 100,000 by default; with local a population of more rows than this "
                "(default 1,000,000) runs chunk by chunk in this process, in less memory"
            ),
        ),
    ] = None,
) -> None:
    """Run reform scenarios on a population: coverage, contributions by payer, cost share, adequacy, the injury fund."""
    try:
        _check_args(out, replications, backend, scheduler, chunk_rows)
        run = Run(population, scenario, out, replications, seed, baseline, projection, backend, scheduler, chunk_rows)
        summary = _run(run)
    except GigcoverError as exc:
        _fail(exc)
    _report(summary, out, json_out)


@dataclass(frozen=True)
class Run:
    population: Path
    scenarios: list[str]
    out: Path
    replications: int
    seed: int
    baseline: bool
    projection: bool
    backend: str
    scheduler: str | None
    chunk_rows: int | None

    @property
    def rows_per_chunk(self) -> int:
        """`--chunk-rows`, or its default for the backend: small chunks spread over a cluster's workers; in this
        process one pass up to a million rows (a chunk computes every place of the rows it holds, so small chunks
        repeat that work)."""
        if self.chunk_rows is not None:
            return self.chunk_rows
        return DASK_CHUNK_ROWS if self.backend == "dask" else LOCAL_CHUNK_ROWS


DASK_CHUNK_ROWS = 100_000
LOCAL_CHUNK_ROWS = 1_000_000
"""Above this many rows a local run goes chunk by chunk: 10 M workers in one pass held 13.4 GB (five scenarios'
rows kept for detail.parquet), in chunks of 1 M about 3.5 GB (BENCHMARKS.md)."""


def _check_args(out: Path, replications: int, backend: str, scheduler: str | None, chunk_rows: int | None) -> None:
    from gigcover.policylab.chunked import check_backend

    check_backend(backend, scheduler)
    if chunk_rows is not None and chunk_rows < 1:
        raise InputValueError(f"--chunk-rows: must be at least 1, got {chunk_rows}", field="chunk_rows")
    if replications < 1:
        raise InputValueError(f"--replications: must be at least 1, got {replications}", field="replications")
    if out.exists() and not out.is_dir():
        raise InputValueError(f"--out: {out} exists and is not a folder", field="out")
    if not out.exists() and not out.parent.is_dir():
        raise InputValueError(f"--out: the folder {out.parent} does not exist", field="out")


def _run(run: Run) -> Any:
    import gigcover
    from gigcover.advisor.model import default_model as full_model
    from gigcover.policylab.chunked import PopulationFile, simulate_chunked
    from gigcover.policylab.report import ReportContext, render
    from gigcover.policylab.scenarios import BASELINE, resolve
    from gigcover.policylab.simulate import read_population, simulate
    from gigcover.rules.model import default_model

    model = default_model()
    chosen = [resolve(name, model) for name in run.scenarios]  # every scenario checked before any work
    source = PopulationFile(run.population, histories=run.projection)  # no projection: skip the segments
    # chunked, each chunk reads its own rows where it runs: here only the columns the whole-population groups need
    one_pass = run.backend == "local" and not _more_rows_than(run.population, run.rows_per_chunk)
    people = read_population(run.population, model, histories=run.projection) if one_pass else None
    overview = people if people is not None else source.overview(model)[0]
    compare_to = BASELINE if run.baseline else None
    scenario_count = len(chosen) + (1 if run.baseline and BASELINE not in [s.name for s in chosen] else 0)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=Console(stderr=True), transient=False,
    ) as bar:  # fmt: skip
        if people is not None:
            task = bar.add_task(f"simulating {len(people.weight):,} rows", total=2 * scenario_count + 2)

            def advance(name: str, step: str) -> None:
                bar.update(task, advance=1, description=f"{name}: {step}")

            summary = simulate(
                people, chosen, compute=gigcover.compute, model=model, compare_to=compare_to,
                replications=run.replications, seed=run.seed, projection=run.projection, progress=advance,
            )  # fmt: skip
        else:
            chunks = -(-len(overview.weight) // run.rows_per_chunk)
            where = "on Dask" if run.backend == "dask" else "in this process"
            task = bar.add_task(f"{chunks} chunks of ≤ {run.rows_per_chunk:,} rows {where}", total=chunks + 2)

            def chunk_done(done: int, total: int) -> None:
                bar.update(task, completed=done, description=f"chunks done: {done}/{total}")

            detail = run.out / "detail.parquet"  # each chunk writes its part beside it; joined in order at the end
            summary = simulate_chunked(
                source, chosen, compute=gigcover.compute, model=model, compare_to=compare_to, backend=run.backend,
                scheduler=run.scheduler, chunk_rows=run.rows_per_chunk, replications=run.replications, seed=run.seed,
                projection=run.projection, progress=chunk_done, detail=detail,
            )  # fmt: skip
        bar.update(task, description="writing summary.csv, detail.parquet and report.html")
        run.out.mkdir(exist_ok=True)
        summary.to_csv(run.out / "summary.csv")
        if summary.details:
            summary.write_detail(run.out / "detail.parquet")
        bar.update(task, advance=1, description="report.html")
        known = {s.name: s for s in chosen}  # a user's scenario file is not found again by its name
        resolved = [known[name] if name in known else resolve(name, model) for name in summary.scenarios]
        context = ReportContext(resolved, len(overview.weight), _places(overview.region, model), full_model())
        (run.out / "report.html").write_text(render(summary, context), encoding="utf-8")
        bar.update(task, advance=1, description="done")
    return summary


def _more_rows_than(path: Path, rows: int) -> bool:
    """Whether the population file holds more than `rows` rows (its Parquet footer says). False when the file
    cannot be opened: the one-pass reader then names what is wrong with it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return bool(pq.ParquetFile(path).metadata.num_rows > rows)
    except (pa.ArrowInvalid, OSError):
        return False


def _places(region: Any, model: Any) -> list[str]:
    """The population's places of work as GB/T 2260 codes (given as region indices, codes or names)."""
    distinct = np.unique(
        np.asarray(region) if np.asarray(region).dtype.kind in "iu" else np.asarray(region).astype(str)
    )
    indices = distinct if distinct.dtype.kind in "iu" else model.regions.encode(distinct, "population.region")
    return sorted({str(code) for code in model.regions.decode(np.asarray(indices))})


def _report(summary: Any, out: Path, json_out: bool) -> None:
    headline = {s: {m: _value(summary, s, m) for m in HEADLINE} for s in summary.scenarios}
    if json_out:
        typer.echo(json.dumps({"out": str(out), "all": headline, "notes": summary.notes}, ensure_ascii=False, indent=2))
        return
    console = Console()
    table = Table(title=f"Policy lab — group all ({out / 'summary.csv'})")
    table.add_column("measure")
    for name in summary.scenarios:
        table.add_column(name, justify="right")
    for measure in HEADLINE:
        table.add_row(measure, *(_shown(headline[s][measure], measure) for s in summary.scenarios))
    console.print(table)
    for note in summary.notes:
        console.print(f"note: {note}")


def _value(summary: Any, scenario: str, measure: str) -> float | None:
    try:
        value = float(summary.value(scenario, "all", measure))
    except KeyError:
        return None
    return None if value != value else value


def _shown(value: float | None, measure: str) -> str:
    return shown(math.nan if value is None else value, measure)  # as report.html and /lab show it
