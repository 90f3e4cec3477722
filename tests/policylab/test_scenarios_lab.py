"""Policy-lab scenarios as files: the five built in, overlays that change only what they name, input assumptions,
user-written files and the errors of bad ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import gigcover
from gigcover import scenarios as named_overlays
from gigcover.engine import InputValueError
from gigcover.policylab.behaviour import default_behaviour
from gigcover.policylab.measures import scenario_inputs
from gigcover.policylab.scenarios import builtin_scenarios, load_scenario, resolve

from .conftest_lab import law_model, random_population

__all__ = ["law_model"]

MINIMAL = {
    "name": "my-reform",
    "title_zh": "我的方案",
    "title_en": "My reform",
    "description": "A test reform.",
    "source": "test",
    "date": "2026-12-01",
}


def _write(tmp_path: Path, **changes: Any) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump({**MINIMAL, **changes}, allow_unicode=True), encoding="utf-8")
    return path


def test_the_five_built_in_scenarios_and_their_dates(law_model: Any) -> None:
    found = builtin_scenarios(law_model)
    assert list(found) == ["baseline-2021", "law-2026", "paper-package", "formalization", "universal"]
    assert found["baseline-2021"].date == dt.date(2021, 6, 1)  # the date at which the rules reproduce Table 2
    assert all(found[name].date == dt.date(2026, 12, 1) for name in list(found)[1:])
    assert "三（1）" in found["formalization"].source and "三（2）" in found["universal"].source


@pytest.mark.parametrize("name", ["baseline-2021", "law-2026", "paper-package", "formalization", "universal"])
def test_overlays_change_only_what_they_name(name: str, law_model: Any) -> None:
    scenario = builtin_scenarios(law_model)[name]
    named: dict[str, Any] = {}
    for overlay in scenario.overlays:
        named |= named_overlays.scenario(overlay).overrides
    assert set(scenario.overlay(law_model).values) == set(named) | set(scenario.overrides)
    behaviour, base = scenario.assumptions().model_dump(), default_behaviour().model_dump()
    changed = {field for field in base if behaviour[field] != base[field]}
    assert changed <= set(scenario.behaviour)
    for field, value in scenario.behaviour.items():  # mappings merge: keys not named keep the baseline's value
        if isinstance(value, dict):
            assert behaviour[field] == {**base[field], **value}


def test_a_rule_output_reading_no_overridden_parameter_is_unchanged(law_model: Any) -> None:
    """paper-package overrides the worker share and the hukou limits: the resident premium, the levy per order and
    an employee's pension contribution are what the law gives without it; the worker's injury share is not."""
    scenario = builtin_scenarios(law_model)["paper-package"]
    inputs = {"industry": "food_delivery", "monthly_orders": 1000.0, "has_labor_contract": True,
              "hukou_region": "310000", "hukou_rural": False, "platform": "meituan"}  # fmt: skip
    outputs = ["resident_medical_premium_annual", "occupational_injury_monthly_levy",
               "employee_pension_worker_contribution_monthly", "occupational_injury_worker_monthly"]  # fmt: skip
    plain = gigcover.compute(inputs, outputs, date="2026-12-01", region="310000")
    reform = gigcover.compute(
        inputs, outputs, date="2026-12-01", region="310000", overrides=scenario.parameter_overrides()
    )
    for name in outputs[:3]:
        assert reform[name].tolist() == plain[name].tolist(), name
    assert plain["occupational_injury_worker_monthly"][0] == 0  # the platform pays all today
    assert reform["occupational_injury_worker_monthly"][0] == pytest.approx(21.0)  # 30 % of 1,000 × 0.07


def test_formalization_sets_exactly_what_it_says(law_model: Any) -> None:
    population = random_population(60, seed=3)
    scenario = builtin_scenarios(law_model)["formalization"]
    inputs = scenario_inputs(population, scenario, law_model)
    managed = population.inputs["platform_manages_work"] & ~population.inputs["own_business"]
    assert inputs["has_labor_contract"].tolist() == (population.inputs["has_labor_contract"] | managed).tolist()
    before = population.inputs["contract_counterparty"]
    expected = np.where(managed & (before == "none"), "platform", before)
    assert list(inputs["contract_counterparty"]) == list(expected)
    # paid by the hour (the part-time form, 劳动合同法 art. 68), so the rules' hours test decides part-time or not
    assert inputs["paid_hourly"].tolist() == managed.tolist()
    untouched = set(population.inputs) - {"has_labor_contract", "contract_counterparty"}
    assert all(inputs[k] is population.inputs[k] for k in untouched)
    assert population.inputs["contract_counterparty"] is before  # the population itself is not changed


def test_a_user_written_file_loads_like_the_built_in_ones(tmp_path: Path, law_model: Any) -> None:
    path = _write(
        tmp_path,
        overlays=["occupational_injury_worker_and_government"],
        overrides={"occupational_injury.pilot.all_platforms": True},
        inputs=[
            {"where": {"industry": ["courier"]}, "set": {"platform_manages_work": True}, "note": "couriers managed"}
        ],
        behaviour={"awareness": {"medical": 0.7}, "bundling": "item_by_item"},
    )
    scenario = load_scenario(path, law_model)
    assert scenario.parameter_overrides() == {
        "occupational_injury.worker_share": {"2026-07-01": 0.3},
        "occupational_injury.government_share": {"2026-07-01": 0.7},
        "occupational_injury.pilot.all_platforms": True,
    }
    assert scenario.assumptions().awareness["medical"] == 0.7
    assert resolve(str(path), law_model) == scenario


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title_en": None}, r"title_en: Input should be a valid string"),
        ({"date": "2026-13-01"}, r"date: "),
        ({"colour": "red"}, r"colour: Extra inputs are not permitted"),
        ({"name": "Bad Name"}, r"name: String should match"),
        ({"overlays": ["place_of_work"]}, r"overlays\[0\]: unknown overlay 'place_of_work'"),
        ({"overrides": {"occupational_injury.worker_shar": 0.3}}, r"occupational_injury\.worker_shar"),
        ({"overrides": {"occupational_injury.worker_share": "a third"}}, r"worker_share: expected a number"),
        (
            {"inputs": [{"set": {"has_labour_contract": True}, "note": "x"}]},
            r"inputs\[0\]\.set\.has_labour_contract: no engine variable",
        ),
        ({"inputs": [{"set": {"industry": "spaceflight"}, "note": "x"}]}, r"inputs\[0\]\.set\.industry: .*not allowed"),
        ({"inputs": [{"set": {"industry": "courier"}}]}, r"inputs\.0\.note: Field required"),
        ({"behaviour": {"awareness": {"medical": 2}}}, r"behaviour\.awareness: .*between 0 and 1"),
        ({"behaviour": {"bundle": "item_by_item"}}, r"behaviour\.bundle: unknown behaviour assumption"),
    ],
)
def test_a_bad_scenario_file_names_the_file_and_the_field(
    tmp_path: Path, law_model: Any, changes: dict[str, Any], message: str
) -> None:
    path = _write(tmp_path, **changes)
    with pytest.raises(InputValueError, match=message) as caught:
        load_scenario(path, law_model)
    assert str(path) in caught.value.message


def test_unreadable_files_and_unknown_names(tmp_path: Path, law_model: Any) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputValueError, match="not valid YAML"):
        load_scenario(broken, law_model)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InputValueError, match="expected a mapping"):
        load_scenario(listed, law_model)
    with pytest.raises(InputValueError, match="cannot read"):
        load_scenario(tmp_path / "absent.yaml", law_model)
    with pytest.raises(InputValueError, match="neither a built-in scenario") as caught:
        resolve("law-2025", law_model)
    assert "law-2026" in caught.value.details["suggestions"]
