"""Occupational-injury benefits (职业伤害保障) over the pilot's whole life and by pooling area (issue 9).

- The first pilot (2022-07-01 … 2025-06-30, 人社部发〔2021〕110号) answers, resting on UNVERIFIED shares, where it
  failed before (422 from the advisor); before it, the error names the first date.
- The base is the pooling area's (统筹地区) prior-year private-sector wage where the parameters have it
  (人社厅函〔2025〕79号); elsewhere the national figure stands in, and the answer names the place.
- The disability items rest on their own UNVERIFIED share, the death items on the 规程's 60 % (V2).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from gigcover.advisor import advise
from gigcover.advisor.model import default_model
from gigcover.engine import GigcoverError, Model, build_model
from gigcover.engine.evaluate import calculate
from gigcover.rules import registry
from gigcover.rules.model import PARAMETERS, SOURCES

BEIJING_RIDER = {
    "monthly_income": 7000, "work_region": "110000", "hukou_region": "411600", "hukou_rural": True,
    "industry": "food_delivery", "platform": "meituan", "has_labor_contract": False, "platform_manages_work": True,
    "birth_date": "1995-03", "sex": "male", "monthly_orders": 900, "weekly_hours_one_employer": 60,
}  # fmt: skip


@pytest.mark.parametrize(
    ("date", "grade7"),
    [
        # Beijing's own private-sector wage (wages.private_sector_average_annual, by_region): 2021 100011 (the 2022
        # yearbook), 2023 105931 (the 2024 yearbook); 2022 and 2024 are not entered, so the year before is used.
        ("2022-07-01", 65007.15),  # 13 × 0.6 × 100011 (2021) ÷ 12 = 13 × 5000.55
        ("2023-07-01", 65007.15),  # the 2022 figure is not entered: 2021's
        ("2024-06-01", 68855.15),  # 13 × 0.6 × 105931 (2023) ÷ 12 = 13 × 5296.55
        ("2025-06-30", 68855.15),  # the 2024 figure is not entered: 2023's
    ],
)
def test_advice_for_a_first_pilot_rider_is_given(date: str, grade7: float) -> None:
    answer = advise(default_model(), {"date": date, "profile": BEIJING_RIDER})
    injury = {item["item"]: item for item in answer["plan"]}["occupational_injury"]
    assert injury["scheme"] == "occupational_injury"
    assert injury["protects"]["grade7_one_time_subsidy"] == grade7
    assert answer["verification"]["weakest"] == "UNVERIFIED"


def test_before_the_first_pilot_the_benefit_error_names_the_first_date(model: Model) -> None:
    with pytest.raises(GigcoverError, match="2022-07-01"):
        calculate(
            model,
            {
                "date": "2022-06-30",
                "region": "110000",
                "inputs": {"disability_grade": 7},
                "outputs": ["occupational_injury_one_time_disability_subsidy"],
            },
        )


def _answer(model: Model, date: str, region: str, outputs: list[str], **inputs: Any) -> dict[str, Any]:
    return calculate(model, {"date": date, "region": region, "inputs": inputs, "outputs": outputs})


def test_disability_items_say_their_share_is_unverified_and_death_items_do_not(model: Model) -> None:
    disability = _answer(model, "2025-09-01", "310000", ["occupational_injury_one_time_disability_subsidy"],
                         disability_grade=7)  # fmt: skip
    funeral = _answer(model, "2025-09-01", "310000", ["occupational_injury_funeral_subsidy"])
    assert "occupational_injury.disability_benefit_base_ratio" in disability["verification"]["unverified_parameters"]
    assert "occupational_injury.disability_benefit_base_ratio" not in funeral["verification"]["unverified_parameters"]
    assert "occupational_injury.benefit_base_ratio" not in funeral["verification"]["unverified_parameters"]


@pytest.fixture(scope="module")
def model_with_a_pooling_area_wage(tmp_path_factory: pytest.TempPathFactory) -> Model:
    """The shipped parameters with the provinces' private-sector wages taken out and one for 广州 (440100) for 2024
    put in: 80000, a figure made up for this test only (no such value is shipped)."""
    root = tmp_path_factory.mktemp("pooling")
    parameters = root / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    wage_file = parameters / "wages" / "private_sector_average_annual.yaml"
    shipped = wage_file.read_text(encoding="utf-8")
    national, _, _ = shipped.partition("by_region:")  # by_region comes after the national values
    text = national + (
        "by_region:\n"
        '  "440100":\n'
        "    values:\n"
        "      2024-01-01: {value: 80000, verified: V3, reference: {document: test fixture}}\n"
    )
    wage_file.write_text(text, encoding="utf-8")
    return build_model(registry.variables, parameters, SOURCES, cache_dir=Path(root / "cache"))


def test_the_pooling_areas_private_wage_is_used_where_the_parameters_have_it(
    model_with_a_pooling_area_wage: Model,
) -> None:
    # 广州 2025: 0.6 × 80000 ÷ 12 = 4000.00; funeral 6 × 4000 = 24000.00; grade 7: 13 × 4000 = 52000.00.
    outputs = ["occupational_injury_benefit_base_monthly", "occupational_injury_funeral_subsidy",
               "occupational_injury_one_time_disability_subsidy"]  # fmt: skip
    answer = _answer(model_with_a_pooling_area_wage, "2025-09-01", "440100", outputs, disability_grade=7)
    assert answer["outputs"] == {
        "occupational_injury_benefit_base_monthly": 4000.0,
        "occupational_injury_funeral_subsidy": 24000.0,
        "occupational_injury_one_time_disability_subsidy": 52000.0,
    }
    assert not any("stands in" in w and "pooling area" in w for w in answer["warnings"])
    # 深圳 has no figure (nor has Guangdong): the national 69476 stands in, 0.6 × 69476 ÷ 12 = 3473.80, and the
    # answer names the place.
    elsewhere = _answer(model_with_a_pooling_area_wage, "2025-09-01", "440300", outputs[:1])
    assert elsewhere["outputs"] == {"occupational_injury_benefit_base_monthly": 3473.8}
    assert any("pooling area (统筹地区) of 440300" in w for w in elsewhere["warnings"])
    assert any("no value for 深圳市 (440300)" in w for w in elsewhere["warnings"])
