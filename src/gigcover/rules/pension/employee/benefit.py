"""Employee basic pension: the benefit at the start of payment (国发〔2005〕38号), the divisor table, eligibility
(社会保险法 art. 16)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from gigcover.engine import Array, Inputs, Params
from gigcover.rules import registry, rounded


# -- the benefit --------------------------------------------------------------------------------------
@registry.formula(
    "养老金计发基数",
    "Pension benefit base (计发基数)",
    "float",
    unit="yuan/month",
    inputs=("pension_average_wage_monthly",),
    parameters=("pension.employee.benefit_base_monthly",),
    references=("pension_2005_38.benefit",),
)
def pension_benefit_base(v: Inputs, p: Params) -> Array | float:
    """The province's published 计发基数 for the year payment starts (the date of the question); where none is
    published here, the provincial average wage stands in (38号 defines the base as the prior-year average wage)."""
    published = p.optional("pension.employee.benefit_base_monthly")
    if published is not None:  # a regional publication exists (not a per-person condition)
        return float(published)
    p.warn(
        "pension_benefit_base: no published 计发基数 for the region on the date; the provincial average wage "
        "stands in (give pension_benefit_base to use the real figure)"
    )
    return v.pension_average_wage_monthly


@registry.formula(
    "个人账户养老金计发月数",
    "Personal-account divisor (months)",
    "float",
    unit="months",
    inputs=("retirement_age_months",),
    parameters=("pension.employee.divisor_months", "pension.employee.divisor_month_interpolation"),
    references=("pension_2005_38.divisor",),
)
def pension_divisor_months(v: Inputs, p: Params) -> Array:
    """The 38号 table by age (40–70); from 2025 ages with months are interpolated month by month (到月)."""
    return divisor_for(
        v.retirement_age_months,
        p("pension.employee.divisor_months"),
        bool(p("pension.employee.divisor_month_interpolation")),
    )


@functools.lru_cache(maxsize=64)
def _divisor_rows(rows: tuple[tuple[int, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    """The table as (whole ages, months), for np.interp (a table is one of a few: published ones and overrides)."""
    table = dict(rows)
    ages = np.arange(min(table), max(table) + 1)
    return ages, np.asarray([table[int(a)] for a in ages])


def divisor_for(age_months: Any, table: Any, by_month: bool) -> Any:
    """计发月数 for ages in months: the table's whole-year value, or linear by month between whole years."""
    ages, months = _divisor_rows(tuple(sorted((int(k), float(m)) for k, m in dict(table).items())))
    at = np.clip(np.asarray(age_months, dtype=float), ages[0] * 12, ages[-1] * 12)
    if not by_month:
        at = np.floor(at / 12) * 12
    return np.round(np.interp(at / 12, ages, months), 4)


@registry.formula(
    "基础养老金（月）",
    "Basic (pooled) pension per month",
    "float",
    unit="yuan/month",
    inputs=("pension_benefit_base", "average_contribution_index", "contribution_years"),
    parameters=("money.rounding_rule",),
    references=("pension_2005_38.benefit",),
)
def employee_pension_basic_monthly(v: Inputs, p: Params) -> Array:
    """计发基数 × (1 + average index) ÷ 2 × years × 1 % (缴费每满1年发给1%). The average index is the recorded one (as
    on the determination form, 核定表), not clamped: the 60–300 % band limits each year's base, and an average can
    lie below 0.6 (years at a floor under 60 % of the average wage the index is measured against)."""
    amount = v.pension_benefit_base * (1 + v.average_contribution_index) / 2 * v.contribution_years * 0.01
    return rounded(p, amount)


@registry.formula(
    "个人账户养老金（月）",
    "Personal-account pension per month",
    "float",
    unit="yuan/month",
    inputs=("personal_account_balance", "pension_divisor_months"),
    parameters=("money.rounding_rule",),
    references=("pension_2005_38.divisor",),
)
def employee_pension_account_monthly(v: Inputs, p: Params) -> Array:
    """Account balance ÷ 计发月数."""
    return rounded(p, v.personal_account_balance / v.pension_divisor_months)


@registry.formula(
    "职工基本养老金（月）",
    "Employee basic pension per month",
    "float",
    unit="yuan/month",
    inputs=("employee_pension_basic_monthly", "employee_pension_account_monthly", "transitional_pension_monthly"),
    parameters=("money.rounding_rule",),
    references=("social_insurance_law.art15",),
)
def employee_pension_monthly(v: Inputs, p: Params) -> Array:
    """Basic pension + account pension + transitional pension, at the start of payment."""
    total = v.employee_pension_basic_monthly + v.employee_pension_account_monthly + v.transitional_pension_monthly
    return rounded(p, total)


@registry.formula(
    "是否满足按月领取职工养老金条件",
    "Eligible for a monthly employee pension",
    "bool",
    inputs=("contribution_years", "minimum_contribution_years"),
    references=("social_insurance_law.art16",),
)
def employee_pension_eligible(v: Inputs, p: Params) -> Array:
    """At least the minimum years (15, rising to 20 from 2030) at the statutory retirement age (社会保险法 art. 16)."""
    return v.contribution_years >= v.minimum_contribution_years - 1e-9
