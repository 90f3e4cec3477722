"""Scheme rules through `calculate`: hypothesis properties (monotonicity, the base band, rate × base, vector =
scalar), bad inputs, overlays that do not leak, and the trace of every headline output in every city.

Hand-worked cases are in tests/rules/{pension,contributions,injury,medical,unemployment}.yaml.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import calc
from gigcover.engine.errors import GigcoverError, InputValueError, NotInForceError
from gigcover.engine.money import round_money

REGIONS = ["110000", "310000", "440100", "440300", "330100", "510100", "500000"]
# Regions with a published 计发基数 (Guangzhou falls back to Guangdong's).
BENEFIT_BASE_REGIONS = ["110000", "310000", "440100", "440300"]
# Every parameter the contribution rules read has a value in all seven regions from 2025-07-01.
dates_2025_2026 = st.dates(min_value=dt.date(2025, 7, 1), max_value=dt.date(2026, 12, 31))
VERIFIED_LEVELS = {"V1", "V2", "V3", "UNVERIFIED", "OVERLAY"}

index = st.floats(min_value=0, max_value=10, allow_nan=False)
years = st.floats(min_value=0, max_value=60, allow_nan=False)
balance = st.floats(min_value=0, max_value=5e6, allow_nan=False)
age_months = st.integers(min_value=40 * 12, max_value=75 * 12)


def outputs(answer: dict[str, Any]) -> dict[str, Any]:
    return answer["outputs"]


# -- employee pension: monotone in index, years and balance ---------------------------------------------------------
PENSION_OUT = ["employee_pension_monthly", "employee_pension_basic_monthly", "employee_pension_account_monthly"]


@given(
    region=st.sampled_from(BENEFIT_BASE_REGIONS),
    date=dates_2025_2026,
    indices=st.tuples(index, index).map(sorted),
    years_=years,
    balance_=balance,
    age=age_months,
)
def test_employee_pension_is_monotone_in_the_average_index(
    model: Any, region: str, date: dt.date, indices: list[float], years_: float, balance_: float, age: int
) -> None:
    common = {"contribution_years": years_, "personal_account_balance": balance_, "retirement_age_months": age}
    low, high = (
        outputs(calc(model, date, region, {**common, "average_contribution_index": i}, PENSION_OUT)) for i in indices
    )
    assert low["employee_pension_basic_monthly"] <= high["employee_pension_basic_monthly"]
    assert low["employee_pension_monthly"] <= high["employee_pension_monthly"]
    assert low["employee_pension_account_monthly"] == high["employee_pension_account_monthly"]


@given(
    region=st.sampled_from(BENEFIT_BASE_REGIONS),
    date=dates_2025_2026,
    index_=index,
    years_pair=st.tuples(years, years).map(sorted),
    balance_=balance,
    age=age_months,
)
def test_employee_pension_is_monotone_in_years(
    model: Any, region: str, date: dt.date, index_: float, years_pair: list[float], balance_: float, age: int
) -> None:
    common = {"average_contribution_index": index_, "personal_account_balance": balance_, "retirement_age_months": age}
    low, high = (
        outputs(calc(model, date, region, {**common, "contribution_years": y}, PENSION_OUT)) for y in years_pair
    )
    assert low["employee_pension_basic_monthly"] <= high["employee_pension_basic_monthly"]
    assert low["employee_pension_monthly"] <= high["employee_pension_monthly"]


@given(
    region=st.sampled_from(BENEFIT_BASE_REGIONS),
    date=dates_2025_2026,
    index_=index,
    years_=years,
    balances=st.tuples(balance, balance).map(sorted),
    age=age_months,
)
def test_employee_pension_is_monotone_in_the_balance(
    model: Any, region: str, date: dt.date, index_: float, years_: float, balances: list[float], age: int
) -> None:
    common = {"average_contribution_index": index_, "contribution_years": years_, "retirement_age_months": age}
    low, high = (
        outputs(calc(model, date, region, {**common, "personal_account_balance": b}, PENSION_OUT)) for b in balances
    )
    assert low["employee_pension_account_monthly"] <= high["employee_pension_account_monthly"]
    assert low["employee_pension_monthly"] <= high["employee_pension_monthly"]
    assert low["employee_pension_basic_monthly"] == high["employee_pension_basic_monthly"]


@given(base=st.floats(min_value=1000, max_value=50000), index_=index, years_=years)
def test_basic_pension_is_the_38_formula_with_the_recorded_index(
    model: Any, base: float, index_: float, years_: float
) -> None:
    """国发〔2005〕38号 art. 6 with the recorded average index as it is: the 60–300 % band limits each year's base,
    not the average (tests/rules/pension/employee/benefit.yaml works the cases either side of 0.6 and 3)."""
    inputs = {
        "pension_benefit_base": base,
        "average_contribution_index": index_,
        "contribution_years": years_,
        "personal_account_balance": 0,
        "retirement_age_months": 720,
    }
    out = outputs(calc(model, "2025-09-01", "310000", inputs, ["employee_pension_basic_monthly"]))
    assert out["employee_pension_basic_monthly"] == round_money(base * (1 + index_) / 2 * years_ * 0.01)


# -- the contribution base: always inside the band, and contribution = rate × base ------------------------------------
BAND = ["pension_base_floor_monthly", "pension_base_ceiling_monthly", "pension_average_wage_monthly"]


@given(region=st.sampled_from(REGIONS), date=dates_2025_2026, chosen=index)
def test_pension_base_always_within_the_band(model: Any, region: str, date: dt.date, chosen: float) -> None:
    answer = calc(
        model,
        date,
        region,
        {"pension_base_index_chosen": chosen, "employee_pension_access": "individual"},
        ["pension_base_monthly", *BAND],
    )
    out = outputs(answer)
    floor, ceiling, average = (out[k] for k in BAND)
    base = out["pension_base_monthly"]
    assert floor <= base <= ceiling
    clamp_warned = any("clamped" in w for w in answer["warnings"])
    if np.isclose(chosen, 0.6):  # choosing 60 % means the published floor
        assert base == floor and not clamp_warned
    else:
        assert base == pytest.approx(min(max(chosen * average, floor), ceiling))
        assert clamp_warned == (not floor <= chosen * average <= ceiling)


CONTRIBUTION_OUT = [
    "pension_base_monthly",
    "employee_pension_employer_rate",
    "employee_pension_worker_rate",
    "employee_pension_contribution_monthly",
    "employee_pension_worker_contribution_monthly",
    "employee_pension_employer_contribution_monthly",
    "employee_pension_account_credit_monthly",
]


@given(
    region=st.sampled_from(REGIONS),
    date=dates_2025_2026,
    chosen=index,
    access=st.sampled_from(["employer", "individual", "none"]),
)
def test_pension_contribution_is_rate_times_the_clamped_base(
    model: Any, region: str, date: dt.date, chosen: float, access: str
) -> None:
    inputs = {"pension_base_index_chosen": chosen, "employee_pension_access": access}
    out = outputs(calc(model, date, region, inputs, CONTRIBUTION_OUT))
    base, employer, worker = (out[k] for k in CONTRIBUTION_OUT[:3])
    assert (employer, worker) == {"employer": (0.16, 0.08), "individual": (0.0, 0.2), "none": (0.0, 0.0)}[access]
    assert out["employee_pension_contribution_monthly"] == round_money(base * (employer + worker))
    assert out["employee_pension_worker_contribution_monthly"] == round_money(base * worker)
    assert out["employee_pension_employer_contribution_monthly"] == round_money(base * employer)
    assert out["employee_pension_account_credit_monthly"] == round_money(base * (0.0 if access == "none" else 0.08))


# Cities whose flexible-worker medical contribution is a rate on the pension base (no medical band of their own, or
# none published for the date: Guangzhou; Shenzhen before 2026).
MEDICAL_RATE_CITIES = ["310000", "440100", "440300", "330100"]


@given(region=st.sampled_from(MEDICAL_RATE_CITIES), date=dates_2025_2026, chosen=index)
def test_flexible_medical_is_rate_times_the_clamped_base(model: Any, region: str, date: dt.date, chosen: float) -> None:
    out = outputs(
        calc(
            model,
            date,
            region,
            {"pension_base_index_chosen": chosen},
            ["pension_base_monthly", "pension_base_chosen_monthly", "employee_medical_flexible_monthly"],
        )
    )
    rate = model.store.lookup("medical.employee.flexible.rate", date, region).value
    base = out["pension_base_monthly"]
    if region == "440300" and date >= dt.date(2026, 1, 1):  # 深圳: the declared base within the 2026 medical band
        base = min(max(out["pension_base_chosen_monthly"], 6727.0), 33633.0)
    assert out["employee_medical_flexible_monthly"] == round_money(base * rate)


def test_shanghai_resident_premium_says_the_national_minimum_stands_in_from_the_regulation(model: Any) -> None:
    """上海市医疗保障条例 art. 14 (in force 2025-03-01): premiums by age group, not in the parameters; the national
    400 stands in either side of the day, and only from that day does the answer say so."""
    said = "sets its own resident-medical premiums by age group"
    before = calc(model, "2025-02-28", "310000", {}, ["resident_medical_premium_annual"])
    on = calc(model, "2025-03-01", "310000", {}, ["resident_medical_premium_annual"])
    # (Wuhan: no local premium in the parameters; Guangzhou, which publishes its own 549, is no longer "elsewhere")
    elsewhere = calc(model, "2025-03-01", "420100", {}, ["resident_medical_premium_annual"])
    assert outputs(before) == outputs(on) == outputs(elsewhere) == {"resident_medical_premium_annual": 400.0}
    assert not any(said in w for w in before["warnings"])
    assert any(said in w for w in on["warnings"])
    assert not any(said in w for w in elsewhere["warnings"])


# -- work injury: 本人工资 clamp, monotone subsidy ---------------------------------------------------------------------------
wage = st.floats(min_value=0, max_value=200_000, allow_nan=False)


@given(
    grade=st.integers(1, 10),
    average=st.floats(min_value=1000, max_value=50_000),
    own_pair=st.tuples(wage, wage).map(sorted),
    factor=st.floats(min_value=0, max_value=1),
)
def test_injury_subsidy_is_monotone_in_own_wage_and_flat_outside_the_clamp(
    model: Any, grade: int, average: float, own_pair: list[float], factor: float
) -> None:
    low_wage, high_wage = 0.6 * average * factor, 3 * average * (1 + factor)  # below and above the band
    inputs = {
        "disability_grade": grade,
        "regional_average_monthly_wage": average,
        "own_average_monthly_wage": [*own_pair, low_wage, 0.6 * average, high_wage, 3 * average],
    }
    out = outputs(
        calc(model, "2025-09-01", "310000", inputs, ["insured_monthly_wage", "work_injury_one_time_disability_subsidy"])
    )
    subsidy = out["work_injury_one_time_disability_subsidy"]
    insured = out["insured_monthly_wage"]
    assert subsidy[0] <= subsidy[1]
    assert subsidy[2] == subsidy[3] and insured[2] == pytest.approx(0.6 * average)  # flat below 60 %
    assert subsidy[4] == subsidy[5] and insured[4] == pytest.approx(3 * average)  # flat above 300 %
    months = [27, 25, 23, 21, 18, 16, 13, 11, 9, 7][grade - 1]
    assert subsidy == [round_money(months * w) for w in insured]


# -- vector = scalar ---------------------------------------------------------------------------------------------------
def _assert_vector_equals_scalars(
    model: Any, date: str, region: str, people: list[dict[str, Any]], wanted: list[str]
) -> None:
    vector_inputs = {k: [p[k] for p in people] for k in people[0]}
    vector = outputs(calc(model, date, region, vector_inputs, wanted))
    for i, person in enumerate(people):
        scalar = outputs(calc(model, date, region, person, wanted))
        for name in wanted:
            assert vector[name][i] == scalar[name], (name, i, person)


birth_month = st.builds(
    lambda y, m: f"{y:04d}-{m:02d}", st.integers(1955, 1995), st.integers(1, 12)
)  # reaching the statutory age from 2015 to 2055
pension_person = st.fixed_dictionaries(
    {
        "average_contribution_index": index,
        "contribution_years": years,
        "personal_account_balance": balance,
        "retirement_age_months": age_months,
        "transitional_pension_monthly": st.floats(0, 5000),
        "birth_date": birth_month,
        "original_retirement_age": st.sampled_from([60, 55, 50]),
        "pension_base_index_chosen": index,
        "employee_pension_access": st.sampled_from(["employer", "individual", "none"]),
        "resident_account_balance": balance,
        "resident_contribution_years": years,
        "age_years": st.integers(16, 100),
    }
)
PENSION_VECTOR_OUT = [
    "employee_pension_monthly",
    "employee_pension_basic_monthly",
    "employee_pension_account_monthly",
    "pension_divisor_months",
    "statutory_retirement_date",
    "minimum_contribution_years",
    "employee_pension_eligible",
    "pension_base_monthly",
    "employee_pension_contribution_monthly",
    "employee_pension_account_credit_monthly",
    "resident_pension_monthly",
    "resident_pension_eligible",
]


@given(region=st.sampled_from(BENEFIT_BASE_REGIONS), people=st.lists(pension_person, min_size=1, max_size=4))
def test_pension_vector_equals_scalar_calls(model: Any, region: str, people: list[dict[str, Any]]) -> None:
    _assert_vector_equals_scalars(model, "2025-09-01", region, people, PENSION_VECTOR_OUT)


injury_person = st.fixed_dictionaries(
    {
        "own_average_monthly_wage": wage,
        "regional_average_monthly_wage": st.floats(1000, 50_000),
        "disability_grade": st.integers(1, 10),
        "dependant_spouse": st.booleans(),
        "dependants_other": st.integers(0, 5),
        "dependants_lone": st.integers(0, 3),
    }
)
INJURY_VECTOR_OUT = [
    "insured_monthly_wage",
    "work_injury_one_time_disability_subsidy",
    "work_injury_disability_allowance_monthly",
    "work_injury_disability_allowance_payer",
    "work_injury_funeral_subsidy",
    "work_injury_dependant_pension_monthly",
    "occupational_injury_one_time_disability_subsidy",
    "occupational_injury_disability_allowance_monthly",
    "occupational_injury_grade5_6_lump_sum",
    "occupational_injury_dependant_pension_monthly",
]


@given(region=st.sampled_from(REGIONS), people=st.lists(injury_person, min_size=1, max_size=4))
def test_injury_vector_equals_scalar_calls(model: Any, region: str, people: list[dict[str, Any]]) -> None:
    _assert_vector_equals_scalars(model, "2025-09-01", region, people, INJURY_VECTOR_OUT)


@pytest.mark.parametrize("region", ["500000", "510100"])
def test_flexible_medical_vector_has_one_value_per_person(model: Any, region: str) -> None:
    out = outputs(
        calc(
            model,
            "2025-09-01",
            region,
            {"pension_base_index_chosen": [0.6, 1.0, 2.0]},
            ["employee_medical_flexible_monthly"],
        )
    )
    assert isinstance(out["employee_medical_flexible_monthly"], list)
    assert len(out["employee_medical_flexible_monthly"]) == 3


@pytest.mark.parametrize("region", ["110000", "310000", "440300"])
def test_flexible_medical_vector_has_one_value_per_person_elsewhere(model: Any, region: str) -> None:
    out = outputs(
        calc(
            model,
            "2025-09-01",
            region,
            {"pension_base_index_chosen": [0.6, 1.0, 2.0]},
            ["employee_medical_flexible_monthly"],
        )
    )
    assert len(out["employee_medical_flexible_monthly"]) == 3


# -- bad inputs ----------------------------------------------------------------------------------------------------------
BAD_INPUTS = [
    ("disability_grade", 0, ["work_injury_one_time_disability_subsidy"]),
    ("disability_grade", 11, ["work_injury_one_time_disability_subsidy"]),
    ("disability_grade", 2.5, ["work_injury_one_time_disability_subsidy"]),
    ("inpatient_bill", -1, ["inpatient_reimbursement"]),
    ("inpatient_bill", -0.01, ["inpatient_out_of_pocket"]),
    ("medical_scheme", "private", ["inpatient_reimbursement"]),
    ("pension_base_index_chosen", "high", ["employee_pension_contribution_monthly"]),
    ("pension_base_index_chosen", 11, ["pension_base_monthly"]),
    ("treatment_place", "abroad", ["inpatient_reimbursement"]),
    ("medical_tier", "tier3", ["employee_medical_flexible_monthly"]),
    ("retirement_age_months", 300, ["pension_divisor_months"]),
    ("unemployment_contribution_years", -1, ["unemployment_benefit_max_months"]),
    ("work_injury_industry_class", 9, ["work_injury_rate"]),
    ("monthly_orders", -5, ["occupational_injury_monthly_levy"]),
]
GOOD = {
    "own_average_monthly_wage": 8000,
    "regional_average_monthly_wage": 10000,
    "disability_grade": 3,
    "inpatient_bill": 20000,
    "medical_scheme": "employee",
    "employee_pension_access": "individual",
    "personal_account_balance": 1000,
    "industry": "food_delivery",
    "monthly_orders": 100,
}


@pytest.mark.parametrize(("field", "value", "wanted"), BAD_INPUTS, ids=[f"{f}={v!r}" for f, v, _ in BAD_INPUTS])
def test_bad_input_is_an_input_value_error_naming_the_field(
    model: Any, field: str, value: Any, wanted: list[str]
) -> None:
    with pytest.raises(InputValueError) as caught:
        calc(model, "2025-09-01", "310000", {**GOOD, field: value}, wanted)
    assert caught.value.details["field"] == f"inputs.{field}"
    assert caught.value.message.startswith(f"inputs.{field}:")
    assert repr(value) in caught.value.message or str(value) in caught.value.message


@pytest.mark.parametrize(
    ("field", "values"),
    [("disability_grade", [3, 11]), ("medical_scheme", ["employee", "private"]), ("inpatient_bill", [100, -1])],
)
def test_bad_value_in_a_vector_names_the_person(model: Any, field: str, values: list[Any]) -> None:
    with pytest.raises(InputValueError) as caught:
        calc(
            model, "2025-09-01", "310000", {**GOOD, field: values}, ["inpatient_reimbursement", "insured_monthly_wage"]
        )
    assert caught.value.details["field"] == f"inputs.{field}[1]"


# -- overlays apply to their call only ---------------------------------------------------------------------------------------
def test_worker_share_overlay_applies_to_its_call_only(model: Any) -> None:
    wanted = [
        "occupational_injury_monthly_levy",
        "occupational_injury_worker_monthly",
        "occupational_injury_platform_monthly",
    ]
    rider = {"industry": "food_delivery", "monthly_orders": 1000}
    before = outputs(calc(model, "2025-08-01", "310000", rider, wanted))
    reform = calc(model, "2025-08-01", "310000", rider, wanted, overrides={"occupational_injury.worker_share": 0.3})
    after = outputs(calc(model, "2025-08-01", "310000", rider, wanted))
    # 1000 × 0.07 = 70.00; worker 0.3 × 70 = 21.00; platform 70 − 21 = 49.00.
    assert (
        before
        == after
        == {
            "occupational_injury_monthly_levy": 70.0,
            "occupational_injury_worker_monthly": 0.0,
            "occupational_injury_platform_monthly": 70.0,
        }
    )
    assert outputs(reform) == {
        "occupational_injury_monthly_levy": 70.0,
        "occupational_injury_worker_monthly": 21.0,
        "occupational_injury_platform_monthly": 49.0,
    }
    assert reform["verification"]["weakest"] == "OVERLAY"


@given(share=st.floats(min_value=0, max_value=1), orders=st.integers(0, 200_000))
def test_worker_and_platform_shares_add_up_to_the_levy(model: Any, share: float, orders: int) -> None:
    wanted = [
        "occupational_injury_monthly_levy",
        "occupational_injury_worker_monthly",
        "occupational_injury_platform_monthly",
    ]
    out = outputs(
        calc(
            model,
            "2025-08-01",
            "440300",
            {"industry": "intra_city_freight", "monthly_orders": orders},
            wanted,
            overrides={"occupational_injury.worker_share": share},
        )
    )
    levy, worker, platform = (out[k] for k in wanted)
    assert levy == round_money(orders * 0.18)
    assert worker == round_money(levy * share)
    assert worker + platform == pytest.approx(levy, abs=1e-9)


# -- the trace: every headline output, in every city ------------------------------------------------------------------------
def _history(region: str) -> dict[str, Any]:
    return {
        "start_year": 2005,
        "hukou_region": region,
        "segments": [{"years": 20, "scheme": "employee", "region": region, "base_index": 1.0}],
    }


TRACED: dict[str, Any] = {
    "employee_pension_monthly": {
        "average_contribution_index": 1.0,
        "contribution_years": 20,
        "personal_account_balance": 50000,
        "retirement_age_months": 720,
    },
    "employee_pension_eligible": {"contribution_years": 15, "birth_date": "1966-03", "original_retirement_age": 60},
    "resident_pension_monthly": {"resident_account_balance": 13900},
    "employee_medical_flexible_monthly": {"pension_base_index_chosen": 1.0},
    "resident_medical_premium_annual": {},
    "work_injury_contribution_monthly": {
        "work_injury_industry_class": 2,
        "work_injury_rate_multiplier": 1.2,
        "monthly_payroll": 100000,
    },
    "occupational_injury_monthly_levy": {"industry": "food_delivery", "monthly_orders": 1000},
    "unemployment_benefit_max_months": {"unemployment_contribution_years": 6},
    "work_injury_death_lump_sum": {},
    "occupational_injury_funeral_subsidy": {},
    "inpatient_reimbursement": {"inpatient_bill": 20000, "medical_scheme": "employee"},
    "statutory_retirement_date": {"birth_date": "1970-01", "original_retirement_age": 60},
    "portability_loss_monthly": _history,  # built per region
}


def _traced_inputs(name: str, region: str) -> dict[str, Any]:
    spec = TRACED[name]
    if callable(spec):
        return {"contribution_history": spec(region), "birth_date": "1970-01", "original_retirement_age": 60}
    return dict(spec)


def _check_trace(answer: dict[str, Any], name: str) -> None:
    trace = answer["trace"]
    assert trace and trace[-1]["variable"] == name  # the output is computed last
    assert trace[-1]["value"] == answer["outputs"][name]
    seen: dict[str, set[str]] = {}
    for entry in trace:
        assert entry["origin"] in ("input", "default", "formula"), entry
        for used in entry.get("parameters", []):
            assert used["verified"] in VERIFIED_LEVELS, (entry["variable"], used)
            assert used["reference"]["document"], (entry["variable"], used)
            assert used["effective_from"] and used["region"], (entry["variable"], used)
            seen.setdefault(used["name"], set()).add(used["verified"])
        for ref in entry.get("references", []):
            assert ref["verified"] in VERIFIED_LEVELS and ref["document"], (entry["variable"], ref)
    # every UNVERIFIED parameter the answer reports shows up in the trace as UNVERIFIED
    for unverified in answer["verification"]["unverified_parameters"]:
        assert "UNVERIFIED" in seen.get(unverified, set()), unverified


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
        )
        if n == "work_injury_contribution_monthly"
        else n
        for n in TRACED
    ],
)
def test_output_answers_with_a_cited_trace_in_every_city(model: Any, name: str) -> None:
    for region in REGIONS:
        answer = calc(model, "2025-09-01", region, _traced_inputs(name, region), [name], trace=True)
        assert answer["outputs"][name] is not None, (name, region)
        _check_trace(answer, name)


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        # Hangzhou: average 8433 → 8433 × 2 / 2 × 20 × 1 % = 1686.60; 50000 ÷ 139 = 359.71 → 2046.31
        ("330100", 2046.31),
        # Wuhan: 7496 → 7496 × 20 × 1 % = 1499.20 + 359.71 = 1858.91 (Hubei sets its 计发基数 city by city; none entered)
        ("420100", 1858.91),
    ],
)
def test_employee_pension_without_a_published_base_uses_the_average_and_says_so(
    model: Any, region: str, expected: float
) -> None:
    answer = calc(model, "2025-09-01", region, TRACED["employee_pension_monthly"], ["employee_pension_monthly"])
    assert answer["outputs"]["employee_pension_monthly"] == expected
    assert any(w.startswith("pension_benefit_base: no published 计发基数") for w in answer["warnings"])
    # given the real figure, it is used as is: 10000 × 2 / 2 × 20 × 1 % + 359.71 = 2359.71, without the warning
    inputs = {**TRACED["employee_pension_monthly"], "pension_benefit_base": 10000}
    given_base = calc(model, "2025-09-01", region, inputs, ["employee_pension_monthly"], trace=True)
    assert given_base["outputs"]["employee_pension_monthly"] == 2359.71
    assert not any(w.startswith("pension_benefit_base:") for w in given_base["warnings"])
    _check_trace(given_base, "employee_pension_monthly")


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        # Chengdu: Sichuan's 2025 计发基数 8462 (not the average 7646) → 8462 × 20 × 1 % = 1692.40 + 359.71 = 2052.11
        ("510100", 2052.11),
        # Chongqing: 2025 计发基数 8240 (not the average 7339) → 1648.00 + 359.71 = 2007.71
        ("500000", 2007.71),
    ],
)
def test_employee_pension_with_a_published_base_uses_it_without_a_warning(
    model: Any, region: str, expected: float
) -> None:
    answer = calc(
        model, "2025-09-01", region, TRACED["employee_pension_monthly"], ["employee_pension_monthly"], trace=True
    )
    assert answer["outputs"]["employee_pension_monthly"] == expected
    assert not any(w.startswith("pension_benefit_base:") for w in answer["warnings"])
    _check_trace(answer, "employee_pension_monthly")


def test_chengdu_flexible_medical_answers_in_the_first_half_of_2025(model: Any) -> None:
    out = outputs(calc(model, "2025-05-01", "510100", {}, ["employee_medical_flexible_monthly"]))
    assert 500 < out["employee_medical_flexible_monthly"] < 650


# Dates and places for which the sources give no value: the answer is a clear error, not a crash.
NO_VALUE_YET = [
    # (date, region, output, inputs, the parameter that has no value in force); Shanxi (140100) in 2024: neither a
    # sourced 计发基数 (its first, 2025-01-01), nor an average wage, nor a published band (their first, 2025-07-01);
    # occupational-injury benefits start with the first pilot, 2022-07-01
    ("2022-06-01", "310000", "occupational_injury_funeral_subsidy", {}, "occupational_injury.benefit_base_ratio"),
    (
        "2021-06-01",
        "310000",
        "occupational_injury_monthly_levy",
        {"industry": "food_delivery", "monthly_orders": 1000},
        "occupational_injury.base_amount_per_order",
    ),
    ("2019-06-01", "310000", "work_injury_death_lump_sum", {}, "wages.national_urban_disposable_income_annual"),
    ("2018-06-01", "110000", "resident_medical_premium_annual", {}, "medical.resident.individual_premium_annual"),
    (
        "2024-09-01",
        "140100",
        "employee_pension_monthly",
        TRACED["employee_pension_monthly"],
        "wages.provincial_average_monthly",
    ),
]


@pytest.mark.parametrize(
    ("date", "region", "name", "inputs", "parameter"), NO_VALUE_YET, ids=[r[2] for r in NO_VALUE_YET]
)
def test_no_value_in_force_is_a_clear_error(
    model: Any, date: str, region: str, name: str, inputs: dict[str, Any], parameter: str
) -> None:
    with pytest.raises(GigcoverError) as caught:
        calc(model, date, region, inputs, [name], trace=True)
    assert isinstance(caught.value, NotInForceError)
    assert caught.value.to_dict()["name"] == parameter
    assert parameter in caught.value.message and "no value in force" in caught.value.message


def test_work_injury_contribution_answers_with_a_cited_trace_for_vector_inputs(model: Any) -> None:
    inputs = {k: [v] for k, v in TRACED["work_injury_contribution_monthly"].items()}
    for region in REGIONS:
        answer = calc(model, "2025-09-01", region, inputs, ["work_injury_contribution_monthly"], trace=True)
        assert answer["outputs"]["work_injury_contribution_monthly"] == [480.0]
        _check_trace(answer, "work_injury_contribution_monthly")


def _formula_entries(answer: dict[str, Any]) -> dict[str, list[str]]:
    return {
        e["variable"]: [p["name"] for p in e.get("parameters", [])] for e in answer["trace"] if e["origin"] == "formula"
    }


PENSION_TRACE_INPUTS = {
    "average_contribution_index": 1.0,
    "contribution_years": 20,
    "personal_account_balance": 1000,
    "retirement_age_months": 720,
    "transitional_pension_monthly": 0,
}


def test_trace_entry_lists_every_parameter_its_formula_read(model: Any) -> None:
    # 21 years and 1,010 in the account: 2,611.14 basic, 7.27 (1,010 / 139 = 7.266) account — the rounding rules
    # (to the fen, up to the jiao) part on each, so the rule decided each amount and each trace entry lists it
    inputs = PENSION_TRACE_INPUTS | {"contribution_years": 21, "personal_account_balance": 1010}
    answer = calc(model, "2025-09-01", "310000", inputs, ["employee_pension_monthly"], trace=True)
    listed = _formula_entries(answer)
    for variable in ("employee_pension_basic_monthly", "employee_pension_account_monthly", "employee_pension_monthly"):
        assert "money.rounding_rule" in listed[variable], (variable, listed[variable])


def test_trace_entry_leaves_out_a_rounding_that_changed_nothing(model: Any) -> None:
    # 20 years: 12,434 × (1 + 1) / 2 × 20 % = 2,486.80, the same under either rule: the rule did not decide it
    answer = calc(model, "2025-09-01", "310000", PENSION_TRACE_INPUTS, ["employee_pension_monthly"], trace=True)
    listed = _formula_entries(answer)
    assert "money.rounding_rule" not in listed["employee_pension_basic_monthly"]
    assert "money.rounding_rule" in listed["employee_pension_account_monthly"]  # 1,000 / 139 = 7.194 → 7.19


def test_trace_entry_lists_only_parameters_its_formula_declares(model: Any) -> None:
    answer = calc(model, "2025-09-01", "310000", PENSION_TRACE_INPUTS, ["employee_pension_monthly"], trace=True)
    for variable, names in _formula_entries(answer).items():
        declared = set(model.variables[variable].parameters)
        assert set(names) <= declared, (variable, sorted(set(names) - declared))


def test_average_wage_with_neither_average_nor_band_names_what_is_missing(model: Any) -> None:
    """Shanxi's first entry (average 6997, band 4198–20991) takes effect 2025-07-01: in 2024 neither the average nor the
    band is known, so the answer fails naming the average wage and the place, rather than deriving from nothing."""
    with pytest.raises(NotInForceError) as caught:
        calc(model, "2024-09-01", "140100", {"employee_pension_access": "individual"}, ["pension_average_wage_monthly"])
    assert "wages.provincial_average_monthly" in caught.value.message
    assert "140100" in caught.value.message
