"""The policy lab on a population of `gigcover population generate`: the lab reads the generator's file (codes,
weights, the segments beside it) and runs the scenarios on it."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gigcover.cli import app
from gigcover.policylab.population import write_population
from gigcover.policylab.simulate import read_population

runner = CliRunner()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "pop.parquet"
    write_population(path, 400, seed=5)
    return path


def test_the_lab_reads_a_generated_population_with_its_histories(generated: Path) -> None:
    population = read_population(generated)
    assert len(population) == 400
    assert "contribution_history" in population.inputs  # the segments file beside it
    assert set(np.unique(population.columns["intensity"])) <= {"occasional", "regular", "full_time"}
    assert np.isclose(population.weight.sum(), 84_000_000, rtol=1e-9)  # the sample stands for the 84 million


def test_without_the_projection_the_histories_need_not_be_read(generated: Path) -> None:
    with_histories, without = read_population(generated), read_population(generated, histories=False)
    assert "contribution_history" not in without.inputs
    assert without.inputs.keys() == with_histories.inputs.keys() - {"contribution_history"}
    for name, values in without.inputs.items():
        assert np.array_equal(np.asarray(values), np.asarray(with_histories.inputs[name])), name
    assert np.array_equal(without.weight, with_histories.weight)


def test_simulate_runs_on_a_generated_population(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = runner.invoke(
        app,
        ["simulate", "--population", str(generated), "--scenario", "law-2026", "--scenario", "formalization",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    measures = {(r["scenario"], r["group"], r["measure"]): float(r["value"] or "nan") for r in rows}  # "": not computed
    injury = measures[("law-2026", "all", "coverage_occupational_injury")]
    assert measures[("baseline-2021", "all", "coverage_occupational_injury")] <= injury <= 1
    # computed from the histories: a pension over the average wage it is paid on (before 2026-12-01 it was over the
    # platform income, and whole groups had medians of 6–8); the years ahead follow the scenario: under law-2026
    # the pension is voluntary (about a fifth take it up) and about half the sample ends with none, so the median
    # sits at or just above 0; formalization enrols every managed worker through the employer for the rest of the
    # career, at the wage clamped to the band (at least 60 % of the average), which lifts the median well above it
    law = measures[("law-2026", "all", "replacement_rate_median")]
    assert 0 <= law < measures[("formalization", "all", "replacement_rate_median")] < 1
    cells = [v for (s, g, m), v in measures.items() if m == "replacement_rate_median" and g.startswith("table2_cell")]
    assert cells and all(0 <= v < 1 for v in cells)
    assert any(group.startswith("intensity=") for _, group, _ in measures)


def test_simulate_without_the_projection_gives_the_same_other_measures(generated: Path, tmp_path: Path) -> None:
    """`--no-projection` reads the workers without their segments; every measure that does not come from the
    projection is the same as in a run that read them, and the projection's are not given."""

    def summary(*flags: str) -> dict[tuple[str, str, str], str]:
        out = tmp_path / ("lean" if flags else "full")
        args = ["simulate", "--population", str(generated), "--scenario", "law-2026", "--out", str(out), *flags]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        rows = csv.DictReader((out / "summary.csv").open(encoding="utf-8"))
        return {(r["scenario"], r["group"], r["measure"]): r["value"] for r in rows}

    full, lean = summary(), summary("--no-projection")
    from_projection = {"replacement_rate_median", "portability_loss_monthly_mean"}
    assert lean.get(("law-2026", "all", "replacement_rate_median"), "") == ""  # not computed
    kept = {key: value for key, value in full.items() if not any(key[2].startswith(m) for m in from_projection)}
    assert kept and all(lean[key] == value for key, value in kept.items())


def _dated_scenario(tmp_path: Path, name: str, date: str | None) -> Path:
    """law-2026's file with another name and `date` (none: the key left out)."""
    import yaml

    from gigcover.policylab.scenarios import builtin_scenarios
    from gigcover.rules.model import default_model

    raw = builtin_scenarios(default_model())["law-2026"].model_dump(mode="json", exclude_defaults=True)
    raw.pop("date")
    raw["name"] = name
    if date is not None:
        raw["date"] = date
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_a_generated_population_carries_its_date_to_the_lab(generated: Path, tmp_path: Path) -> None:
    """The generator's reference date (the file's metadata; no `date` column) is the lab population's date, from
    the file (the CLI) and in the service's sample alike. A scenario file that names no date runs at it — the
    same figures as the same file dated with it — where it used to stop with "names no date, and the population
    has none"."""
    import pyarrow.parquet as pq

    from gigcover.policylab.whatif import sample

    reference = pq.read_schema(generated).metadata[b"reference_date"].decode()
    assert read_population(generated).date == np.datetime64(reference, "D")
    assert sample(500).date == np.datetime64(reference, "D")

    def summary(scenario: Path) -> dict[tuple[str, str], str]:
        out = tmp_path / scenario.stem
        args = ["simulate", "--population", str(generated), "--scenario", str(scenario), "--out", str(out),
                "--no-baseline", "--no-projection", "--replications", "20"]  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        rows = csv.DictReader((out / "summary.csv").open(encoding="utf-8"))
        return {(r["group"], r["measure"]): r["value"] for r in rows}

    undated = summary(_dated_scenario(tmp_path, "undated", None))
    dated = summary(_dated_scenario(tmp_path, "dated", reference))
    assert undated and undated == dated
    later = summary(_dated_scenario(tmp_path, "later", "2026-12-01"))
    assert later[("all", "coverage_occupational_injury")] != undated[("all", "coverage_occupational_injury")]
