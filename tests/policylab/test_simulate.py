"""`simulate` and `gigcover simulate`: the tidy summary, the detail file, the Python entry and bad arguments."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import gigcover
from gigcover.cli import app
from gigcover.engine import InputValueError
from gigcover.policylab.simulate import read_population

from .conftest_lab import random_population

runner = CliRunner()

ISSUE_MEASURES = {  # issue 12, item 5 (adequacy only with histories: see test_measures)
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
}


@pytest.fixture(scope="module")
def population_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A population as `pyarrow.parquet.write_table` of engine input columns (+ weight, region, income …), with
    categoricals as dictionary columns."""
    population = random_population(120, seed=11)
    columns: dict[str, Any] = {}
    for name, values in {**population.inputs, **population.columns}.items():
        array = np.asarray(values)
        columns[name] = pa.array(array.astype(str)).dictionary_encode() if array.dtype.kind in "OU" else array
    columns["region"] = pa.array(np.asarray(population.region).astype(str)).dictionary_encode()
    columns["weight"] = population.weight
    path = tmp_path_factory.mktemp("lab") / "pop.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def _error(result: Any) -> dict[str, Any]:
    assert result.exit_code == 2, result.output
    return dict(json.loads(result.stderr.strip().splitlines()[-1]))


def test_the_cli_writes_a_tidy_summary_and_the_detail(population_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["simulate", "--population", str(population_file), "--scenario", "law-2026", "--scenario",
              "paper-package", "--out", str(out), "--replications", "200", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert set(shown["all"]) == {"baseline-2021", "law-2026", "paper-package"}  # the baseline runs for the changes
    headline = ISSUE_MEASURES | {"replacement_rate_median", "unpriced_employee_medical_share"}  # the report's
    assert set(shown["all"]["law-2026"]) == headline
    with (out / "summary.csv").open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["scenario", "group", "measure", "value"]
        records = list(reader)
    measures = {r["measure"] for r in records if r["group"] == "all" and r["scenario"] == "paper-package"}
    assert measures >= ISSUE_MEASURES
    assert {f"{m}_change_vs_baseline" for m in ISSUE_MEASURES} <= measures
    workers = {r["scenario"]: float(r["value"]) for r in records if r["group"] == "all" and r["measure"] == "workers"}
    assert workers == {s: pytest.approx(120 * 1000.0) for s in ("baseline-2021", "law-2026", "paper-package")}
    groups = {r["group"].split("=")[0] for r in records}
    assert groups == {"all", "table2_cell", "industry", "income_decile", "age_band", "intensity"}
    detail = pq.read_table(out / "detail.parquet")
    assert detail.num_rows == 3 * 120
    assert {"scenario", "weight", "take_up_medical", "contributions_platform", "table2_cell"} <= set(
        detail.column_names
    )


def test_group_all_is_the_weighted_whole(population_file: Path) -> None:
    population = read_population(population_file)
    summary = gigcover.simulate(population, ["law-2026"], compare_to=None, replications=100)
    rows = summary.details[0]
    w = rows.weight
    assert summary.value("law-2026", "all", "coverage_medical") == pytest.approx(
        float((w * rows.take_up["medical"]).sum() / w.sum())
    )
    assert summary.value("law-2026", "all", "contributions_worker") == pytest.approx(float((w * rows.worker).sum()))
    by_industry = sum(
        summary.value("law-2026", g, "contributions_worker")
        for g in {g for _, g, _, _ in summary.records if g.startswith("industry=")}
    )
    assert by_industry == pytest.approx(summary.value("law-2026", "all", "contributions_worker"))
    deciles = [g for s, g, m, _ in summary.records if m == "workers" and g.startswith("income_decile=")]
    assert deciles == [f"income_decile={d}" for d in range(1, 11)]


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        (["--population", "absent.parquet"], "population", "no such file"),
        (["--scenario", "law-2025"], "scenario", "neither a built-in scenario"),
        (["--replications", "0"], "replications", "at least 1"),
    ],
)
def test_bad_cli_arguments_are_named_and_nothing_is_written(
    population_file: Path, tmp_path: Path, args: list[str], field: str, message: str
) -> None:
    out = tmp_path / "run"
    given = {"--population": str(population_file), "--scenario": "law-2026", "--out": str(out)}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        given[flag] = value if flag != "--population" else str(tmp_path / value)
    result = runner.invoke(app, ["simulate", *[x for pair in given.items() for x in pair]])
    error = _error(result)
    assert error["field"] == field and message in error["message"]
    assert not out.exists()


def test_a_bad_scenario_file_and_a_bad_out_folder(population_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "reform.yaml"
    bad.write_text("name: reform\ntitle_zh: x\ntitle_en: x\ndescription: x\nsource: x\nbehaviour: {bundling: maybe}\n")
    result = runner.invoke(
        app, ["simulate", "--population", str(population_file), "--scenario", str(bad), "--out", str(tmp_path / "o")]
    )
    error = _error(result)
    assert str(bad) in error["message"] and "behaviour.bundling" in error["message"]
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    result = runner.invoke(
        app, ["simulate", "--population", str(population_file), "--scenario", "law-2026", "--out", str(a_file)]
    )
    assert _error(result)["field"] == "out"


def test_a_population_file_without_the_needed_columns(tmp_path: Path) -> None:
    path = tmp_path / "thin.parquet"
    pq.write_table(pa.table({"industry": ["courier"], "weight": [1.0]}), path)
    with pytest.raises(InputValueError, match=r"no column monthly_income, region \(or work_region\)"):
        read_population(path)
    text = tmp_path / "text.parquet"
    text.write_text("not parquet")
    with pytest.raises(InputValueError, match="not a Parquet file"):
        read_population(text)


def test_bad_populations_and_scenario_lists_through_the_python_entry() -> None:
    population = random_population(10)
    with pytest.raises(InputValueError, match="at least one scenario"):
        gigcover.simulate(population, [])
    with pytest.raises(InputValueError, match="law-2026 given twice"):
        gigcover.simulate(population, ["law-2026", "law-2026"])
    negative = type(population)(population.inputs, population.region, -population.weight, population.columns)
    with pytest.raises(InputValueError, match="weight"):
        gigcover.simulate(negative, ["law-2026"])
