"""Values published for a period (issue 9): read after it, a value is still used but the answer says so, for the rows
that read it only; `params show --json` marks it stale; before the first value, the error names the known period;
a folder's missing.yaml records what was searched and not found, and is checked when loaded."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import gigcover
from gigcover.cli import app
from gigcover.engine import Categorical, VariableRegistry, build_model
from gigcover.engine.errors import NotInForceError, ParameterFileError
from gigcover.engine.evaluate import Model
from gigcover.engine.parameters import ParameterStore
from gigcover.engine.regions import region_table
from gigcover.queries import parameter_info

runner = CliRunner()


class Scheme(Categorical):
    EMPLOYEE = "employee", "职工", "employee"
    RESIDENT = "resident", "居民", "resident"


# A base stated for 2024 only in Beijing (valid_until), and a yearly figure (period: year) from July in Shanghai.
STATED = """\
description: 玩具基数
label_en: toy base
unit: yuan/month
reference: {document: toy}
by_region:
  "110000":
    values:
      2024-01-01: {value: 100, verified: V2, valid_until: 2024-12-31}
  "310000":
    values:
      2024-01-01: {value: 300, verified: V2}
"""
YEARLY = """\
description: 玩具年度值
label_en: toy yearly figure
unit: yuan/month
period: year
reference: {document: toy}
by_region:
  "310000":
    values:
      2025-07-01: {value: 50, verified: V3}
"""
RATE = "description: 玩具费率\nlabel_en: toy rate\nunit: ratio\nreference: {document: toy}\nvalues:\n  2000-01-01: {value: 0.1, verified: V1}\n"
MISSING = """\
verified: UNVERIFIED
reference: {document: toy notice, article: "1"}
base:
  - regions: ["120000"]
    years: [2024, 2025]
    searched: toy query
    where: toy corpus
    when: 2026-12-01
"""


def _tree(root: Path) -> Path:
    folder = root / "parameters" / "toy"
    folder.mkdir(parents=True)
    (folder / "base.yaml").write_text(STATED, encoding="utf-8")
    (folder / "yearly.yaml").write_text(YEARLY, encoding="utf-8")
    (folder / "rate.yaml").write_text(RATE, encoding="utf-8")
    (folder / "missing.yaml").write_text(MISSING, encoding="utf-8")
    (root / "sources.yaml").write_text("toy.rule: {reference: {document: toy}, verified: V1}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Model:
    root = _tree(tmp_path_factory.mktemp("validity"))
    registry = VariableRegistry()
    registry.input("scheme", "类型", "scheme", "enum", enum=Scheme)

    @registry.formula("基数", "base", "float", inputs=("scheme",), parameters=("toy.base", "toy.rate"))
    def base(v: Any, p: Any) -> Any:
        employee = v.scheme == Scheme.EMPLOYEE
        with p.for_rows(employee):  # only employees read the base; residents read the rate
            employee_value = p("toy.base")
        with p.for_rows(~employee):
            resident_value = p("toy.rate")
        return np.where(employee, employee_value, resident_value)

    @registry.formula("年度值", "yearly", "float", parameters=("toy.yearly",))
    def yearly(v: Any, p: Any) -> Any:
        return p("toy.yearly")

    @registry.formula("预测", "projected", "float", parameters=("toy.yearly",))
    def projected(v: Any, p: Any) -> Any:
        hit = p.hit("toy.yearly", p.date, projected=True)  # a projection grows the value itself
        return float(hit.value) * 1.05 ** (p.date.year - hit.effective_from.year)

    return build_model(registry.variables, root / "parameters", root / "sources.yaml")


def _ask(toy: Model, date: str, region: str, outputs: list[str], scheme: str = "employee") -> dict[str, Any]:
    request = {"date": date, "region": region, "inputs": {"scheme": scheme}, "outputs": outputs}
    return gigcover.calculate(request, model=toy)


def _stale(answer: dict[str, Any]) -> list[str]:
    return [w for w in answer["warnings"] if "沿用" in w]


# -- the warning ---------------------------------------------------------------------------------------------------
def test_a_value_read_within_its_period_says_nothing(toy: Model) -> None:
    answer = _ask(toy, "2024-12-31", "110000", ["base"])
    assert answer["outputs"]["base"] == 100
    assert _stale(answer) == []


def test_a_value_read_after_its_stated_period_is_used_and_said(toy: Model) -> None:
    answer = _ask(toy, "2025-01-01", "110000", ["base"])
    assert answer["outputs"]["base"] == 100  # nothing newer is known: the value carries forward
    (warning,) = _stale(answer)
    assert warning.startswith(
        "toy.base（北京市 (110000)）：沿用 2024 年公布值 100（有效期至 2024-12-31），其后的新值尚未录入"
    )
    assert "(valid until 2024-12-31), is carried forward past it" in warning


def test_a_value_without_a_period_carries_forward_silently(toy: Model) -> None:
    assert _stale(_ask(toy, "2030-06-01", "310000", ["base"])) == []


def test_a_yearly_figure_runs_a_year_from_its_date(toy: Model) -> None:
    # period: year — 2025-07-01 applies until 2026-06-30
    assert _stale(_ask(toy, "2026-06-30", "310000", ["yearly"])) == []
    (warning,) = _stale(_ask(toy, "2026-07-01", "310000", ["yearly"]))
    assert "沿用 2025 年公布值 50（按年度公布，适用至 2026-06-30）" in warning


def test_a_projection_growing_the_value_is_not_said_to_carry_it(toy: Model) -> None:
    answer = _ask(toy, "2030-01-01", "310000", ["projected"])
    assert answer["outputs"]["projected"] == pytest.approx(50 * 1.05**5)
    assert _stale(answer) == []


def test_only_the_rows_that_read_the_stale_value_are_named(toy: Model) -> None:
    assert _stale(_ask(toy, "2025-03-01", "110000", ["base"], scheme="resident")) == []
    schemes = np.array(["employee", "resident", "employee", "resident", "resident"])
    found = gigcover.compute({"scheme": schemes}, ["base"], date="2025-03-01", region="110000", model=toy)
    (stale,) = [message for message in found.warning_rows if "沿用" in message]
    assert found.warning_rows[stale] == 2  # the two employees


def test_rows_on_both_sides_of_the_end_of_a_period(toy: Model) -> None:
    # one value throughout, but it turns stale on 2025-01-01: rows before and after are told apart
    days = np.array(["2024-06-01", "2025-02-01", "2024-12-31", "2025-01-01"], dtype="datetime64[D]")
    found = gigcover.compute({"scheme": np.array(["employee"] * 4)}, ["base"], date=days, region="110000", model=toy)
    assert found["base"].tolist() == [100, 100, 100, 100]
    stale = {message: rows for message, rows in found.warning_rows.items() if "沿用" in message}
    assert list(stale.values()) == [2]  # 2025-02-01 and 2025-01-01; not the two rows within the period


# -- params show and the error before the first value -----------------------------------------------------------------
def test_params_show_marks_a_stale_value(toy: Model) -> None:
    within = parameter_info(toy, "toy.base", dt.date(2024, 5, 1), "110000")
    after = parameter_info(toy, "toy.base", dt.date(2025, 5, 1), "110000")
    assert (within["stale"], within["valid_until"]) == (False, "2024-12-31")
    assert (after["stale"], after["valid_until"]) == (True, "2024-12-31")


def test_params_show_json_on_the_shipped_tree() -> None:
    # 粤人社发〔2025〕32号: the 2025 计发基数 9493 applies "2025年1月1日至12月31日"
    args = ["params", "show", "pension.employee.benefit_base_monthly", "--region", "440000", "--json"]
    within = json.loads(runner.invoke(app, [*args, "--date", "2025-10-01"]).stdout)
    after = json.loads(runner.invoke(app, [*args, "--date", "2026-03-01"]).stdout)
    assert within["value"] == after["value"] == 9493
    assert (within["stale"], after["stale"], after["valid_until"]) == (False, True, "2025-12-31")


def test_before_the_first_value_the_error_names_the_known_period(toy: Model) -> None:
    with pytest.raises(NotInForceError) as raised:
        toy.store.lookup("toy.base", dt.date(2023, 6, 1), "110000")
    error = raised.value
    assert "values are known for 2024-01-01 to 2024-12-31" in error.message
    assert "已知数值的期间：2024-01-01 至 2024-12-31" in error.message
    assert (error.details["known_from"], error.details["known_until"]) == ("2024-01-01", "2024-12-31")
    with pytest.raises(NotInForceError) as open_ended:
        toy.store.lookup("toy.base", dt.date(2023, 6, 1), "310000")
    assert "values are known for 2024-01-01 on" in open_ended.value.message
    assert open_ended.value.details["known_until"] is None


def test_a_stale_value_on_the_shipped_tree_is_said_in_the_answer(model: Model) -> None:
    # Beijing's 12049 is the 2025 计发基数 (京人社发〔2025〕13号, 适用于2025年退休人员): used for 2026, and said
    answer = gigcover.calculate(
        {"date": "2026-03-01", "region": "110000", "outputs": ["pension_benefit_base"]}, model=model
    )
    assert answer["outputs"]["pension_benefit_base"] == 12049
    assert any("沿用 2025 年公布值 12049（有效期至 2025-12-31）" in w for w in answer["warnings"])
    within = gigcover.calculate(
        {"date": "2025-06-01", "region": "110000", "outputs": ["pension_benefit_base"]}, model=model
    )
    assert not any("沿用" in w for w in within["warnings"])


# -- the data files -------------------------------------------------------------------------------------------------
def test_missing_yaml_is_loaded_beside_the_parameters(toy: Model) -> None:
    assert "toy.missing" not in toy.store.parameters
    entry = toy.store.missing_for("toy.base", "120000", 2025)
    assert entry is not None and entry.searched == "toy query" and entry.when == dt.date(2026, 12, 1)
    assert toy.store.missing_for("toy.base", "120000", 2023) is None
    assert toy.store.missing_for("toy.base", "130000", 2025) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MISSING.replace("base:", "nosuch:"), "nosuch: no parameter 'toy.nosuch' in this folder"),
        (MISSING.replace('"120000"', '"999999"'), "999999: not a GB/T 2260 code"),
        (MISSING.replace("    when: 2026-12-01\n", ""), "base.0.when: Field required"),
        ("- just a list\n", "expected a mapping of parameter file names to searches"),
        (MISSING.replace("verified: UNVERIFIED\n", ""), "verified: expected UNVERIFIED"),
        (MISSING.replace("verified: UNVERIFIED", "verified: V2"), "verified: expected UNVERIFIED"),
        (MISSING.replace('reference: {document: toy notice, article: "1"}\n', ""), "reference: expected {document"),
        (MISSING.replace("document: toy notice, ", ""), "reference: expected {document"),
    ],
)
def test_a_bad_missing_yaml_is_named(tmp_path: Path, text: str, expected: str) -> None:
    root = _tree(tmp_path)
    (root / "parameters" / "toy" / "missing.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterFileError) as raised:
        ParameterStore.load(root / "parameters", region_table())
    assert expected in raised.value.message and "parameters/toy/missing.yaml" in raised.value.message


def test_valid_until_before_the_value_is_refused(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    bad = STATED.replace("valid_until: 2024-12-31", "valid_until: 2023-12-31")
    (root / "parameters" / "toy" / "base.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ParameterFileError) as raised:
        ParameterStore.load(root / "parameters", region_table())
    assert "by_region.110000.values.2024-01-01: valid_until 2023-12-31 is before the value takes effect" in (
        raised.value.message
    )


def test_the_api_says_a_value_is_stale(model: Model) -> None:
    from gigcover.api import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    client = TestClient(create_app(model))  # no lifespan: the model is given
    path = "/v1/parameters/pension.employee.benefit_base_monthly"
    after = client.get(path, params={"date": "2026-03-01", "region": "广东"}).json()
    within = client.get(path, params={"date": "2025-03-01", "region": "广东"}).json()
    assert (after["value"], after["valid_until"], after["stale"]) == (9493, "2025-12-31", True)
    assert within["stale"] is False
