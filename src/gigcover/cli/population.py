"""`gigcover population generate | describe`: the policy lab's synthetic population of platform workers."""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gigcover.engine.errors import GigcoverError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gigcover.policylab.population import Calibration, MarginResult, Population

population_app = typer.Typer(
    help="The policy lab's synthetic population of platform workers: generate, describe.", no_args_is_help=True
)
console = Console()

CalibrationOption = Annotated[
    Path | None, typer.Option("--calibration", help="a calibration YAML (default: the one shipped with gigcover)")
]


def _fail(exc: GigcoverError) -> NoReturn:
    """The error as one JSON line on stderr, exit code 2 (as every gigcover command)."""
    sys.stderr.write(json.dumps(exc.to_dict(), ensure_ascii=False, default=str) + "\n")
    raise typer.Exit(code=2)


def _calibration(path: Path | None) -> Calibration:
    from gigcover.policylab.population import load_calibration

    if path is not None and not path.is_file():
        from gigcover.engine.errors import InputValueError

        _fail(InputValueError(f"--calibration: {path} does not exist", field="calibration"))
    return load_calibration(path)


@population_app.command("generate")
def generate_command(
    size: Annotated[int, typer.Option("--size", help="number of workers (rows)")],
    out: Annotated[
        Path, typer.Option("--out", help="the workers' file, NAME.parquet (segments: NAME.segments.parquet)")
    ],
    seed: Annotated[int, typer.Option("--seed", help="random seed: the same seed gives the same population")] = 0,
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", help="workers drawn and written at once")] = 500_000,
    calibration: CalibrationOption = None,
) -> None:
    """Draw a calibrated population and write it as Parquet (categoricals as dictionary columns of the engine's codes)."""
    from gigcover.policylab.population import generate_chunks
    from gigcover.policylab.population.build import check_arguments, metadata
    from gigcover.policylab.population.storage import segments_path, write

    try:
        check_arguments(size, seed, chunk_rows)
        chosen = _calibration(calibration)
        started = time.perf_counter()
        chunks = generate_chunks(size, seed, chunk_rows=chunk_rows, calibration=chosen)
        with Progress(
            TextColumn("[bold]generating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("chunks", total=math.ceil(size / chunk_rows))

            def counted() -> Iterator[Population]:
                for chunk in chunks:
                    yield chunk
                    progress.advance(task)

            rows = write(counted(), out, metadata(size, seed, chosen))
    except GigcoverError as exc:
        _fail(exc)
    seconds = time.perf_counter() - started
    console.print(
        f"{rows:,} workers (seed {seed}, each standing for {chosen.total.value / size:,.1f}) → {out}; "
        f"contribution histories → {segments_path(out)} ({seconds:.1f} s)"
    )


@population_app.command("describe")
def describe_command(
    population: Annotated[Path, typer.Argument(help="a population file written by `population generate`")],
    json_out: Annotated[bool, typer.Option("--json", help="machine-readable JSON")] = False,
    check: Annotated[bool, typer.Option("--check", help="exit 1 when a margin is outside its tolerance")] = False,
    calibration: CalibrationOption = None,
) -> None:
    """Each margin of the calibration beside its target and tolerance, with its source's verification level."""
    from gigcover.policylab.population import describe

    try:
        results = describe(population, _calibration(calibration))
    except GigcoverError as exc:
        _fail(exc)
    if json_out:
        typer.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        console.print(_table(results, population))
    outside = [r for r in results if r.ok is False]
    if not json_out:
        console.print(
            f"{sum(r.ok is True for r in results)} of {sum(r.ok is not None for r in results)} margins within tolerance"
            + (f"; outside: {', '.join(f'{r.margin} ({r.label})' for r in outside)}" if outside else "")
        )
    if check and outside:
        raise typer.Exit(code=1)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.2f}"
    return f"{value:.4f}"


def _table(results: list[MarginResult], path: Path) -> Table:
    """One section per margin (its title), one line per row: value, target, tolerance, within, rows, verification."""
    table = Table(title=f"{path.name}: margins against calibration.yaml", show_lines=False, pad_edge=False)
    table.add_column("margin / row", overflow="fold", ratio=1)
    for head in ("value", "target", "±", "", "rows", "level"):
        table.add_column(head, justify="right", no_wrap=True)
    previous = None
    for r in results:
        if r.margin != previous:
            table.add_row(f"[bold]{r.title}[/]", end_section=False)
            previous = r.margin
        target = (
            {"at_least": "≥ ", "at_most": "≤ "}.get(r.compare, "") + _number(r.target) if r.target is not None else "—"
        )
        mark = {True: "[green]✓[/]", False: "[red]✗[/]", None: "·"}[r.ok]
        tolerance = _number(r.tolerance) if r.tolerance is not None else ""
        table.add_row(f"  {r.label}", _number(r.value), target, tolerance, mark, f"{r.rows:,}", r.verification)
    return table
