"""`gigcover simulate`: the policy lab's scenarios on a population file → DIR/summary.csv and DIR/detail.parquet."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gigcover.engine.errors import GigcoverError, InputValueError

HEADLINE = (
    "coverage_occupational_injury",
    "coverage_medical",
    "coverage_pension",
    "coverage_unemployment",
    "contributions_worker",
    "contributions_platform",
    "contributions_government",
    "worker_cost_share_of_income",
    "injury_fund_break_even_per_order",
    "injury_fund_deficit_probability",
)


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
    seed: Annotated[int, typer.Option("--seed", help="seed of the fund's Monte Carlo")] = 2026,
    baseline: Annotated[
        bool, typer.Option("--baseline/--no-baseline", help="also run baseline-2021 and the changes against it")
    ] = True,
    projection: Annotated[
        bool, typer.Option("--projection/--no-projection", help="the lifetime projection, when histories are given")
    ] = True,
    json_out: Annotated[bool, typer.Option("--json", help="print the `all` group as JSON")] = False,
) -> None:
    """Run reform scenarios on a population: coverage, contributions by payer, cost share, adequacy, the injury fund."""
    try:
        _check_args(out, replications)
        summary = _run(population, scenario, out, replications, seed, baseline, projection)
    except GigcoverError as exc:
        _fail(exc)
    _report(summary, out, json_out)


def _check_args(out: Path, replications: int) -> None:
    if replications < 1:
        raise InputValueError(f"--replications: must be at least 1, got {replications}", field="replications")
    if out.exists() and not out.is_dir():
        raise InputValueError(f"--out: {out} exists and is not a folder", field="out")
    if not out.exists() and not out.parent.is_dir():
        raise InputValueError(f"--out: the folder {out.parent} does not exist", field="out")


def _run(
    population: Path, scenarios: list[str], out: Path, replications: int, seed: int, baseline: bool, projection: bool
) -> Any:
    import gigcover
    from gigcover.policylab.scenarios import BASELINE, resolve
    from gigcover.policylab.simulate import read_population, simulate
    from gigcover.rules.model import default_model

    model = default_model()
    chosen = [resolve(name, model) for name in scenarios]  # every scenario checked before any work
    people = read_population(population, model)
    steps = 2 * (len(chosen) + (1 if baseline and BASELINE not in [s.name for s in chosen] else 0)) + 1
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=Console(stderr=True), transient=False,
    ) as bar:  # fmt: skip
        task = bar.add_task(f"simulating {len(people.weight):,} rows", total=steps)

        def advance(name: str, step: str) -> None:
            bar.update(task, advance=1, description=f"{name}: {step}")

        summary = simulate(
            people, chosen, compute=gigcover.compute, model=model, compare_to=BASELINE if baseline else None,
            replications=replications, seed=seed, projection=projection, progress=advance,
        )  # fmt: skip
        bar.update(task, description="writing summary.csv and detail.parquet")
        out.mkdir(exist_ok=True)
        summary.to_csv(out / "summary.csv")
        summary.write_detail(out / "detail.parquet")
        bar.update(task, advance=1, description="done")
    return summary


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
    if value is None:
        return "—"
    if measure.startswith("contributions_"):
        return f"{value / 1e8:,.2f} 亿"
    if measure.endswith("_per_order"):
        return f"{value:.4f}"
    return f"{value:.1%}"
