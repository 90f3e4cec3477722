"""The unbundled advisor: diagnosis, plan, affordability and what-ifs for the issue's four workers, and properties."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcover.advisor import advise
from gigcover.advisor.model import default_model
from gigcover.engine.errors import InputValueError

DATE = "2025-09-01"
RIDER = {  # full-time crowd-sourced rider: non-local rural hukou, 7,000 yuan
    "monthly_income": 7000, "work_region": "310000", "hukou_region": "411600", "hukou_rural": True,
    "industry": "food_delivery", "platform": "meituan", "has_labor_contract": False, "platform_manages_work": True,
    "birth_date": "1995-03", "sex": "male", "monthly_orders": 900, "weekly_hours_one_employer": 60,
}  # fmt: skip
DRIVER = {  # part-time ride-hail driver, local urban hukou
    "monthly_income": 3000, "work_region": "510100", "hukou_region": "510104", "hukou_rural": False,
    "industry": "ride_hailing", "platform": "didi", "has_labor_contract": False, "weekly_hours_one_employer": 15,
    "birth_date": "1988-07", "sex": "female",
}  # fmt: skip
STREAMER = {  # high-earning livestreamer with her own business
    "monthly_income": 30000, "work_region": "330100", "hukou_region": "330100", "hukou_rural": False,
    "industry": "livestreaming", "has_labor_contract": False, "own_business": True, "platform_manages_work": False,
    "birth_date": "1998-11", "sex": "female",
}  # fmt: skip
ENROLLED_RIDER = {  # rider already in employee insurance as a flexible worker
    **RIDER, "monthly_income": 9000, "work_region": "440300", "hukou_region": "440300", "hukou_rural": False,
    "current_enrolments": ["employee_pension", "employee_medical"],
}  # fmt: skip


def ask(profile: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return advise(default_model(), {"date": DATE, "profile": profile, **extra})


def by_item(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["item"]: item for item in answer["plan"]}


def test_rider_diagnosis_plan_and_priority() -> None:
    answer = ask(RIDER)
    diagnosis = answer["diagnosis"]
    assert diagnosis["table2_cell"] == "nonlocal_rural_no_labor" and diagnosis["table2_severity"] == 4
    assert diagnosis["new_form_category"] == "incomplete_labor_relation"
    assert diagnosis["gaps"] == ["medical", "pension", "unemployment"]
    assert answer["risk"]["accident"] == "high"
    assert [i["item"] for i in answer["plan"]] == ["occupational_injury", "medical", "pension", "unemployment"]
    items = by_item(answer)
    injury = items["occupational_injury"]
    assert injury["scheme"] == "occupational_injury" and injury["worker_monthly_cost"] == 0.0
    assert injury["other_payers"] == {"platform": 63.0}  # 900 orders × 0.07
    # Shanghai 2023 (the 2024 figure is not entered): 13 × 0.6 × 111,347 ÷ 12 = 13 × 5,567.35
    assert injury["protects"]["grade7_one_time_subsidy"] == 72375.55
    # 7,000 < the Shanghai floor 7,460: resident insurance by ability to pay
    assert items["medical"]["scheme"] == "resident_medical" and items["medical"]["worker_monthly_cost"] == 33.33
    assert items["pension"]["scheme"] == "resident_pension" and items["pension"]["place"] == "hukou_place"
    assert items["pension"]["worker_monthly_cost"] == pytest.approx(500 / 12, abs=0.01)
    assert items["unemployment"]["scheme"] == "none"
    assert answer["affordability"]["affordable"] is True
    assert answer["affordability"]["share_of_income"] == pytest.approx((33.33 + 41.67) / 7000, abs=1e-4)


def test_rider_what_ifs_measure_cost_and_benefit() -> None:
    """The plan advises resident medical insurance at the place of work and the resident pension at the hukou place:
    the what-ifs move away from that plan — never from an employee pension the plan did not advise."""
    what_ifs = {w["name"]: w for w in ask(RIDER)["what_ifs"]}
    assert set(what_ifs) == {"enrol_at_hukou_place", "switch_scheme"}  # no 3 more years, base or move: resident plan
    assert what_ifs["enrol_at_hukou_place"]["benefit_change"] < 0  # insured at home, treated away: less reimbursed
    switch = what_ifs["switch_scheme"]  # the plan advises the resident pension: the what-if is moving up
    assert switch["cost_change_monthly"] > 0 and switch["benefit_change"] > 0
    assert "instead of the resident pension" in switch["title_en"]
    assert switch["compared_with"] == {"item": "pension", "scheme": "resident_pension", "place": "hukou_place"}


def test_high_earner_what_if_switches_down() -> None:
    switch = {w["name"]: w for w in ask(STREAMER)["what_ifs"]}["switch_scheme"]
    assert switch["cost_change_monthly"] < 0 and switch["benefit_change"] < 0


def test_part_time_driver_local_urban() -> None:
    answer = ask(DRIVER)
    assert answer["diagnosis"]["table2_cell"] == "local_urban_no_labor"
    assert answer["diagnosis"]["table2_severity"] == 1
    items = by_item(answer)
    assert items["occupational_injury"]["scheme"] == "occupational_injury"  # Didi joined 2025-07-01, Sichuan first wave
    assert items["medical"]["scheme"] == "resident_medical" and items["medical"]["place"] == "work_place"
    assert answer["plan"][0]["item"] == "medical"  # ride-hailing accident risk is medium: medical first
    assert any("55 assumed" in w for w in answer["warnings"])


def test_high_earning_livestreamer_with_own_business() -> None:
    answer = ask(STREAMER)
    assert answer["diagnosis"]["new_form_category"] == "civil_relation"
    assert answer["risk"]["accident"] == "low"
    items = by_item(answer)
    assert items["occupational_injury"]["scheme"] == "commercial_accident"  # livestreaming is outside the pilot
    assert items["medical"]["scheme"] == "employee_medical"  # middle/high income → employee insurance
    assert items["pension"]["scheme"] == "employee_pension"
    assert items["pension"]["worker_monthly_cost"] == pytest.approx(0.2 * 4986, abs=0.01)  # Zhejiang floor


def test_rider_already_in_employee_insurance() -> None:
    items = by_item(ask(ENROLLED_RIDER))
    assert items["pension"]["already_enrolled"] and items["medical"]["already_enrolled"]
    assert items["pension"]["scheme"] == "employee_pension"


def test_full_time_employee_rider_gets_employer_routes() -> None:
    employee = {**RIDER, "has_labor_contract": True, "contract_counterparty": "contractor"}
    answer = ask(employee)
    assert answer["diagnosis"]["table2_options"] == ["local_employee"]
    items = by_item(answer)
    assert items["occupational_injury"]["scheme"] == "work_injury"
    assert items["pension"]["other_payers"]["employer"] > items["pension"]["worker_monthly_cost"] > 0


def test_employee_where_no_average_wage_is_published_gets_a_plan_with_the_stand_in_named() -> None:
    """Hunan has neither a 全口径 average wage nor a contribution band in force in 2024 in the parameters (its first band
    takes effect 2025-07): the band is built on the national private-sector average instead, and every item whose
    figure rests on it says so in Chinese (never as a reason about income)."""
    employee = {**RIDER, "work_region": "430100", "hukou_region": "430100", "has_labor_contract": True}
    answer = advise(default_model(), {"date": "2024-09-01", "profile": employee})
    items = by_item(answer)
    assert items["occupational_injury"]["scheme"] == "work_injury"
    for name in ("medical", "pension", "unemployment"):
        assert items[name]["cost_known"] is True
        gaps = items[name]["data_gaps"]
        assert any(g["stand_in"] == "national_private_wage" and g["region"] == "430100" for g in gaps), name
        assert any("按全国城镇私营单位平均工资估算" in g["zh"] for g in gaps)
    assert any("wages.provincial_average_monthly" in g["figure"] for g in answer["data_gaps"])


def test_advice_is_plain_json() -> None:
    """The API sends the advice as it is (no conversion pass): only JSON types, finite numbers."""
    for profile in (RIDER, DRIVER, STREAMER, ENROLLED_RIDER, {**RIDER, "has_labor_contract": True}):
        answer = ask(profile, budget_monthly=100)
        assert json.loads(json.dumps(answer, allow_nan=False)) == answer


def test_every_plan_item_cites_a_source_and_has_reasons_in_both_languages() -> None:
    for profile in (RIDER, DRIVER, STREAMER, ENROLLED_RIDER):
        for item in ask(profile)["plan"]:
            assert item["citations"], item["item"]
            assert all(c["document"] and c["verified"] for c in item["citations"])
            assert item["reason_zh"] and item["reason_en"]


@settings(max_examples=12, deadline=None)
@given(budget=st.floats(min_value=0, max_value=3000), income=st.floats(min_value=500, max_value=60000))
def test_plan_never_costs_more_than_the_budget(budget: float, income: float) -> None:
    answer = ask({**STREAMER, "monthly_income": income}, budget_monthly=budget)
    total = sum(item["worker_monthly_cost"] for item in answer["plan"])
    assert total <= budget + 1e-6
    assert answer["affordability"]["plan_monthly_total"] == pytest.approx(total, abs=0.01)


def test_tight_budget_drops_pension_before_medical_and_injury() -> None:
    answer = ask(STREAMER, budget_monthly=500)
    kept = [i["item"] for i in answer["plan"]]
    assert "pension" in answer["affordability"]["dropped_for_budget"]
    assert "medical" in kept and "occupational_injury" in kept


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"industry": "pilot"}, "profile.industry"),
        ({"monthly_income": -5}, "profile.monthly_income"),
        ({"work_region": "atlantis"}, "profile.work_region"),
        ({"hukou_region": None}, "profile"),
        ({"birth_date": "1995-13"}, "profile.birth_date"),
        ({"shoe_size": 42}, "profile.shoe_size"),
    ],
)
def test_bad_profile_names_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InputValueError) as caught:
        ask({**RIDER, **change})
    assert caught.value.details["field"] == field


def test_bad_request_fields() -> None:
    with pytest.raises(InputValueError) as caught:
        advise(default_model(), {"date": "2025-13-01", "profile": RIDER})
    assert caught.value.details["field"] == "date"
    with pytest.raises(InputValueError) as caught:
        advise(default_model(), {"date": DATE, "profile": RIDER, "lang": "fr"})
    assert caught.value.details["field"] == "lang"


@pytest.mark.parametrize("profile", [RIDER, {**RIDER, "has_labor_contract": True}, STREAMER])
def test_without_a_birth_date_there_is_no_projection_but_still_a_plan(profile: dict[str, Any]) -> None:
    answer = ask({k: v for k, v in profile.items() if k != "birth_date"})
    assert by_item(answer)["pension"]["protects"].get("projected_pension_monthly") is None
    assert any("birth_date not given" in w for w in answer["warnings"])
    assert all(w["name"] in ("enrol_at_work_place", "enrol_at_hukou_place") for w in answer["what_ifs"])


# -- planted-bug checks: the budget's drop order and monthly employee-medical shares --------------------------------------
# A local urban-hukou Didi driver in Beijing earning 10,000 (2025-09-01), worked by hand:
#   medical: employee medical as a flexible worker, Beijing's fixed 584.92 a month (京人社发〔2025〕11号);
#   pension: employee pension at the floor the advisor assumes, 20 % × 7,162 = 1,432.40 (国发〔2005〕38号; Beijing floor);
#   unemployment: Beijing admits flexible workers at 1 % of the base, here the income 10,000 (inside the band) = 100.00;
#   injury: occupational-injury cover paid by the platform (600 orders × 0.01 = 6.00), nothing by the worker.
# Total 584.92 + 1,432.40 + 100.00 = 2,117.32. Over budget, items go in the order unemployment, pension, medical,
# injury (README; the paper: keep injury and medical cover to the last), each only while the rest is still too dear.
BEIJING_DRIVER = {
    "monthly_income": 10000, "work_region": "110000", "hukou_region": "110105", "hukou_rural": False,
    "industry": "ride_hailing", "platform": "didi", "has_labor_contract": False, "platform_manages_work": True,
    "birth_date": "1990-05", "sex": "male", "monthly_orders": 600,
}  # fmt: skip


@pytest.mark.parametrize(
    ("budget", "dropped", "kept_total"),
    [
        (2117.32, [], 2117.32),  # exactly the total: nothing dropped
        (2117.31, ["unemployment"], 2017.32),  # a fen short: unemployment goes first
        (2100, ["unemployment"], 2017.32),
        (2017.31, ["unemployment", "pension"], 584.92),  # then pension (not medical: 2,017.32 − 584.92 = 1,432.40 fits)
        (1500, ["unemployment", "pension"], 584.92),
        (584.91, ["unemployment", "pension", "medical"], 0.0),  # then medical
        (0, ["unemployment", "pension", "medical"], 0.0),  # injury costs the worker nothing: never dropped
    ],
)
def test_budget_drops_unemployment_then_pension_then_medical(
    budget: float, dropped: list[str], kept_total: float
) -> None:
    answer = ask(BEIJING_DRIVER, budget_monthly=budget)
    costs = {i["item"]: i["worker_monthly_cost"] for i in ask(BEIJING_DRIVER)["plan"]}
    assert costs == {"medical": 584.92, "pension": 1432.4, "unemployment": 100.0, "occupational_injury": 0.0}
    affordability = answer["affordability"]
    assert affordability["worker_monthly_total"] == 2117.32
    assert affordability["dropped_for_budget"] == dropped
    assert affordability["plan_monthly_total"] == kept_total
    assert affordability["drop_order"] == ["unemployment", "pension", "medical", "occupational_injury"]
    kept = [i["item"] for i in answer["plan"]]
    assert "occupational_injury" in kept
    assert not set(dropped) & set(kept)


def test_employee_medical_worker_share_is_monthly() -> None:
    # A full-time employee (labour contract with a delivery contractor) in Shanghai earning 10,000, inside the band
    # [7,460, 37,302]: employee medical through the employer at the national guidance, worker 2 % = 200.00 and employer
    # 6 % = 600.00 a MONTH (国发〔1998〕44号; no Shanghai value in the parameters) — not 2,400 / 7,200 a year.
    # Pension 8 % = 800.00 (employer 16 % = 1,600.00); unemployment 0.5 % = 50.00 each; work injury employer-paid.
    answer = ask({**RIDER, "monthly_income": 10000, "has_labor_contract": True, "contract_counterparty": "contractor"})
    items = by_item(answer)
    assert items["medical"]["scheme"] == "employee_medical"
    assert items["medical"]["worker_monthly_cost"] == 200.0
    assert items["medical"]["other_payers"] == {"employer": 600.0}
    assert items["pension"]["worker_monthly_cost"] == 800.0
    assert items["pension"]["other_payers"] == {"employer": 1600.0}
    assert items["unemployment"]["worker_monthly_cost"] == 50.0
    assert items["occupational_injury"]["worker_monthly_cost"] == 0.0
    assert answer["affordability"]["worker_monthly_total"] == 1050.0
