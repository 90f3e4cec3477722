"""The advisor quotes rates and thresholds from the parameters (never a percentage written into a sentence), and no
decision — which warning to say, how to word a what-if's benefit — is taken by reading a message's text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gigcover.advisor import advise
from gigcover.advisor.model import default_model
from gigcover.advisor.plan import deliberate_default
from gigcover.advisor.text import percent
from gigcover.engine.evaluate import Simulation, outputs_in
from gigcover.presentation.view import View

RIDER: dict[str, Any] = {  # a Shanghai rider with a local urban hukou, above the base floor: employee pension advised
    "monthly_income": 12000, "work_region": "310000", "hukou_region": "310000", "hukou_rural": False,
    "industry": "food_delivery", "platform": "meituan", "has_labor_contract": False, "platform_manages_work": True,
    "birth_date": "1990-05", "sex": "male",
}  # fmt: skip


def pension(date: str, profile: dict[str, Any]) -> dict[str, Any]:
    answer = advise(default_model(), {"date": date, "profile": profile})
    return next(item for item in answer["plan"] if item["item"] == "pension")


def test_the_flexible_rate_quoted_is_the_places_rate_on_the_date() -> None:
    """Shanghai's flexible-worker rate was 24 % from 2023-12-01 (沪人社规〔2023〕5号) and 20 % again from 2024-03-01 (its
    supplementary notice), the national rate (国发〔2005〕38号 五); 8 % goes to the personal account (the same 38号)."""
    during = pension("2024-01-15", RIDER)
    after = pension("2025-09-01", RIDER)
    assert during["scheme"] == after["scheme"] == "employee_pension"
    assert "按基数下限缴24%，其中8%进个人账户" in during["reason_zh"]
    assert "24% of the floor base, 8% into your own account" in during["reason_en"]
    assert "按基数下限缴20%，其中8%进个人账户" in after["reason_zh"]


def test_an_employees_shares_are_the_parameters() -> None:
    """With a labour contract: the employer pays 16 % (国办发〔2019〕13号, from 2019-05-01) and the employee 8 %
    (国发〔2005〕38号) into the pension; the employee 2 % into medical insurance (国发〔1998〕44号)."""
    employee = {**RIDER, "has_labor_contract": True, "contract_counterparty": "contractor"}
    answer = advise(default_model(), {"date": "2025-09-01", "profile": employee})
    items = {item["item"]: item for item in answer["plan"]}
    assert "职工养老保险由单位缴16%、个人缴8%" in items["pension"]["reason_zh"]
    assert "个人缴工资的2%" in items["medical"]["reason_zh"]


def test_the_raised_base_what_if_names_the_floor_from_the_parameters() -> None:
    """The base band is 60–300 % of the average wage (国办发〔2019〕13号): the what-if raises the base from the floor
    (pension.employee.base_floor_ratio) to the average wage itself."""
    answer = advise(default_model(), {"date": "2025-09-01", "profile": RIDER})
    raised = next(w for w in answer["what_ifs"] if w["name"] == "raise_pension_base")
    floor = default_model().store.lookup("pension.employee.base_floor_ratio", dt.date(2025, 9, 1), "310000").value
    assert floor == 0.6 and percent(floor) == "60%"
    assert raised["title_zh"] == "养老缴费基数从60%提高到100%"
    assert raised["title_en"] == "Pension base raised from 60% to 100%"


def test_warnings_leave_out_deliberate_defaults_by_name_and_value_not_text() -> None:
    """The engine says each default it assumed; a caller may quiet some by input name and value. The hours with one
    employer are quieted for the advisor; a chosen pension base assumed at the floor (0.6) is still said."""
    model = default_model()
    inputs = {"has_labor_contract": False, "platform_manages_work": True, "industry": "food_delivery",
              "hukou_local": True, "hukou_rural": False}  # fmt: skip
    sim = Simulation(model, dt.date(2025, 9, 1), "310000", inputs)
    outputs_in(sim, ["legal_relation", "employment_form", "employee_pension_worker_contribution_monthly"])
    said = sim.warnings()
    assert "daily_hours_one_employer not given: assumed 8.0" in said
    assert "pension_base_index_chosen not given: assumed 0.6" in said
    quiet = sim.warnings(quiet=deliberate_default)
    assert not any(w.startswith(("daily_hours_one_employer ", "weekly_hours_one_employer ")) for w in quiet)
    assert "pension_base_index_chosen not given: assumed 0.6" in quiet
    assert set(quiet) < set(said)
    assert deliberate_default("occupational_injury_float_ratio", 0.0)
    assert not deliberate_default("pension_base_index_chosen", 0.6) and not deliberate_default("has_x", False)
    answer = advise(model, {"date": "2025-09-01", "profile": RIDER})
    assert not any("daily_hours_one_employer" in w or "work_region not given" in w for w in answer["warnings"])
    assert any(w.startswith("pension_base_index_chosen not given") for w in answer["warnings"])


def test_a_what_ifs_benefit_is_worded_from_its_item_not_its_unit_text() -> None:
    """The web page and the CLI word a what-if's benefit by what it is compared with (the medical item: per hospital
    stay of the what-if's `inpatient_bill`; the pension: a month of pension) — a unit string is not read."""
    v = View("zh")
    medical = {"compared_with": {"item": "medical"}, "benefit_change": -1900.0, "inpatient_bill": 20000.0}
    assert (
        v.benefit_change({**medical, "benefit_unit": "yuan/month of pension"})
        == "每次住院 20,000 元：报销 -1,900.00 元"
    )
    pension_change = {"compared_with": {"item": "pension"}, "benefit_change": 965.19, "benefit_unit": "per 3 stays"}
    assert v.benefit_change(pension_change) == "养老金每月 +965.19 元（按今天的钱算）"
    assert v.benefit_change({"benefit_change": 12.5}) == "+12.50 元/月"
