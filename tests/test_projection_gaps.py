"""Projection behaviour the hand-worked cases (all at zero interest) left open: interest on the account, the moves
part of the portability loss, and today's money. Each derivation is in the test."""

from __future__ import annotations

from typing import Any

import pytest

from test_projection import MAN_1970, _average, employee, history, project

RATE = 0.10
TEN_PERCENT = {
    "pension.employee.account_interest_rate": RATE,
    "pension.employee.account_interest_assumption": RATE,
    "projection.wage_growth": 0,
}


def test_account_interest_is_credited_on_the_opening_balance_each_working_year(model: Any) -> None:
    # Two employee years in Shanghai at index 1.0 (2023, 2024), 8 % of the year's base to the account, the man born
    # 1970-01 retires in 2031: interest of 10 % each year from the year after the credit until 2030 (no interest once
    # the pension is paid). balance = c2023 × 1.1^7 + c2024 × 1.1^6, c = 0.08 × 12 × average of the year.
    c2023 = 0.08 * 12 * _average(model, 2023, "310000")
    c2024 = 0.08 * 12 * _average(model, 2024, "310000")
    out = project(model, history(2023, "310000", employee(2, "310000")), overrides=TEN_PERCENT)
    assert out["projected_account_balance"] == pytest.approx(c2023 * 1.1**7 + c2024 * 1.1**6, abs=0.011)


def test_more_interest_gives_a_larger_account(model: Any) -> None:
    plan = history(2015, "310000", employee(10, "310000"))
    low = project(model, plan, overrides={**TEN_PERCENT, "pension.employee.account_interest_rate": 0.01,
                                          "pension.employee.account_interest_assumption": 0.01})  # fmt: skip
    high = project(model, plan, overrides=TEN_PERCENT)
    assert high["projected_account_balance"] > low["projected_account_balance"] > 0


def test_the_moves_part_of_the_loss_is_the_pension_without_moves_minus_the_pension(model: Any) -> None:
    # Ten years in Shenzhen then fifteen in Shanghai, all employee years: without switches to remove, the comparison
    # without moves *is* the comparison without either, so the moves part equals the whole loss. (It may be negative:
    # the same yuan base paid in Shanghai is a lower index there, and the Shanghai pension rests on the index.)
    plan = history(2006, "411600", employee(10, "440300"), employee(15, "310000"))
    out = project(model, plan, outputs=["pension_projection"])["pension_projection"]
    whole = out["counterfactual_pension_monthly"] - out["pension_monthly"]
    assert out["portability_loss_moves_monthly"] == pytest.approx(whole, abs=0.011)
    assert out["portability_loss_switches_monthly"] == 0
    assert abs(out["portability_loss_moves_monthly"]) > 1  # the move matters here


def test_the_pension_in_todays_money_is_discounted_by_wage_growth_to_the_question_year(model: Any) -> None:
    # Retirement in 2031, the question in 2025: six years at 5 % growth → today's = pension ÷ 1.05^6.
    plan = history(2006, "310000", employee(25, "310000"))
    out = project(model, plan, overrides={"projection.wage_growth": 0.05}, outputs=["pension_projection"])
    record = out["pension_projection"]
    assert record["pension_monthly_today"] == pytest.approx(record["pension_monthly"] / 1.05**6, abs=0.011)
    assert MAN_1970["birth_date"] == "1970-01"


def test_one_employee_year_has_its_own_index_as_the_average(model: Any) -> None:
    # 国发〔2005〕38号: the average index is the mean over the employee years; with one year, that year's index (1.5).
    out = project(model, history(2024, "310000", employee(1, "310000", 1.5)))
    assert out["projected_average_contribution_index"] == 1.5


@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        ({"start_year": 2100}, True),
        ({"start_year": 2101}, False),
        ({"account_balance_start": 0.5}, True),
        ({"account_balance_start": -0.01}, False),
    ],
)
def test_history_limits_are_the_schemas(model: Any, change: dict[str, Any], accepted: bool) -> None:
    """The JSON history's limits, on each side: a start year up to 2100, balances from 0."""
    from gigcover.engine.errors import InputValueError

    plan = {**history(2024, "310000", employee(1, "310000")), **change}
    if accepted:
        project(model, plan, outputs=["projected_employee_contribution_years"])
    else:
        with pytest.raises(InputValueError):
            project(model, plan, outputs=["projected_employee_contribution_years"])


@pytest.mark.parametrize(("tier", "accepted"), [(100_000, True), (100_000.5, False)])
def test_resident_tier_limit(model: Any, tier: float, accepted: bool) -> None:
    from gigcover.engine.errors import InputValueError

    plan = history(2024, "310000", {"years": 1, "scheme": "resident", "region": "310000", "tier": tier})
    if accepted:
        project(model, plan, outputs=["projected_employee_contribution_years"])
    else:
        with pytest.raises(InputValueError):
            project(model, plan, outputs=["projected_employee_contribution_years"])
