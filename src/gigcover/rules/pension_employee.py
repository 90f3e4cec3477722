"""Urban employee basic pension (城镇职工基本养老保险): contributions and the benefit at the start of payment.

Contributions: 国发〔2005〕38号 (20 % for flexible workers, 8 % to the personal account), 国办发〔2019〕13号
(base 60–300 % of the provincial 全口径 average; employer 16 %). Benefit: 国发〔2005〕38号 —
basic pension = 计发基数 × (1 + average index) / 2 × years × 1 %; account pension = balance ÷ 计发月数.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from gigcover.engine import choose, round_money, scalar_if_0d
from gigcover.rules import registry, rounding_rule
from gigcover.rules.coverage import Access

registry.input(
    "pension_base_index_chosen",
    "自选缴费基数档次（相对全口径平均工资）",
    "Chosen pension base as a share of the average wage",
    "float",
    minimum=0,
    maximum=10,
    default=0.6,
    unit="ratio",
    description="Flexible workers choose a base between 60 % and 300 % of the provincial average; default the floor.",
)
registry.input(
    "transitional_pension_monthly",
    "过渡性养老金（月）",
    "Transitional pension (monthly)",
    "float",
    minimum=0,
    default=0.0,
    unit="yuan/month",
    references=("pension_2005_38.benefit",),
)
registry.input(
    "average_contribution_index",
    "平均缴费指数",
    "Average contribution index",
    "float",
    minimum=0,
    maximum=10,
    unit="ratio",
    references=("pension_2005_38.benefit",),
    description="Mean over the years of (own base ÷ that year's average wage); the formula clamps it to 0.6–3.",
)
registry.input(
    "contribution_years",
    "累计缴费年限（含视同缴费年限）",
    "Contribution years (incl. deemed years)",
    "float",
    minimum=0,
    maximum=60,
    unit="years",
    references=("pension_2005_38.benefit",),
)
registry.input(
    "personal_account_balance",
    "个人账户储存额",
    "Personal account balance",
    "float",
    minimum=0,
    unit="yuan",
)
registry.input(
    "retirement_age_months",
    "退休时年龄（月）",
    "Age at retirement, in months",
    "int",
    minimum=40 * 12,
    maximum=75 * 12,
    unit="months",
    description="E.g. 60 years and 1 month = 721.",
)


@registry.formula(
    "全口径城镇单位就业人员月平均工资",
    "Provincial average monthly wage (全口径)",
    "float",
    unit="yuan/month",
    parameters=("wages.provincial_average_monthly",),
    references=("pension_2019_13.base",),
)
def pension_average_wage_monthly(v: Any, p: Any) -> Any:
    """The published average the contribution band is built on, for the region and period of the date."""
    return p("wages.provincial_average_monthly")


@registry.formula(
    "缴费基数下限",
    "Contribution base floor",
    "float",
    unit="yuan/month",
    inputs=("pension_average_wage_monthly",),
    parameters=("pension.employee.base_floor_monthly", "pension.employee.base_floor_ratio"),
    references=("pension_2019_13.base",),
)
def pension_base_floor_monthly(v: Any, p: Any) -> Any:
    """The published floor where the region publishes one (some sit below 60 %); else 60 % of the average."""
    published = p.optional("pension.employee.base_floor_monthly")
    if published is not None:  # a regional publication exists (not a per-person condition)
        return float(published)
    return np.asarray(v.pension_average_wage_monthly) * p("pension.employee.base_floor_ratio")


@registry.formula(
    "缴费基数上限",
    "Contribution base ceiling",
    "float",
    unit="yuan/month",
    inputs=("pension_average_wage_monthly",),
    parameters=("pension.employee.base_ceiling_monthly", "pension.employee.base_ceiling_ratio"),
    references=("pension_2019_13.base",),
)
def pension_base_ceiling_monthly(v: Any, p: Any) -> Any:
    """The published ceiling where the region publishes one; else 300 % of the average."""
    published = p.optional("pension.employee.base_ceiling_monthly")
    if published is not None:
        return float(published)
    return np.asarray(v.pension_average_wage_monthly) * p("pension.employee.base_ceiling_ratio")


@registry.formula(
    "申报缴费基数",
    "Declared contribution base",
    "float",
    unit="yuan/month",
    inputs=("pension_base_index_chosen", "pension_average_wage_monthly", "pension_base_floor_monthly"),
    parameters=("pension.employee.base_floor_ratio",),
)
def pension_base_chosen_monthly(v: Any, p: Any) -> Any:
    """The chosen index times the average wage; choosing 60 % means the published floor (often rounded down).
    Give it directly to declare a base in yuan (or an employee's wage)."""
    index = np.asarray(v.pension_base_index_chosen, dtype=float)
    at_floor = np.isclose(index, p("pension.employee.base_floor_ratio"))
    return scalar_if_0d(
        np.where(at_floor, v.pension_base_floor_monthly, index * np.asarray(v.pension_average_wage_monthly))
    )


@registry.formula(
    "养老保险缴费基数（核定）",
    "Pension contribution base (within the band)",
    "float",
    unit="yuan/month",
    inputs=("pension_base_chosen_monthly", "pension_base_floor_monthly", "pension_base_ceiling_monthly"),
    references=("pension_2019_13.base",),
)
def pension_base_monthly(v: Any, p: Any) -> Any:
    """The declared base clamped to the floor and ceiling; a clamped base is reported in the warnings."""
    chosen = np.asarray(v.pension_base_chosen_monthly, dtype=float)
    floor, ceiling = np.asarray(v.pension_base_floor_monthly), np.asarray(v.pension_base_ceiling_monthly)
    clamped = np.clip(chosen, floor, ceiling)
    changed = int(np.count_nonzero(clamped != chosen))
    if changed:
        p.warn(
            f"pension_base_monthly: {changed} declared base(s) outside the band "
            f"[{np.min(floor):.2f}, {np.max(ceiling):.2f}] clamped to it"
        )
    return scalar_if_0d(clamped)


@registry.formula(
    "职工养老保险月缴费合计",
    "Employee pension contribution, total per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "employee_pension_employer_rate", "employee_pension_worker_rate"),
    parameters=("money.rounding_rule",),
)
def employee_pension_contribution_monthly(v: Any, p: Any) -> Any:
    """Base × (employer rate + worker rate); a flexible worker pays the whole 20 % alone."""
    rate = np.asarray(v.employee_pension_employer_rate) + np.asarray(v.employee_pension_worker_rate)
    return round_money(np.asarray(v.pension_base_monthly) * rate, rounding_rule(p))


@registry.formula(
    "职工养老保险个人月缴费",
    "Employee pension, worker's contribution per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "employee_pension_worker_rate"),
    parameters=("money.rounding_rule",),
)
def employee_pension_worker_contribution_monthly(v: Any, p: Any) -> Any:
    """What the worker pays: 8 % as an employee, the flexible rate (20 %) as an individual."""
    return round_money(
        np.asarray(v.pension_base_monthly) * np.asarray(v.employee_pension_worker_rate), rounding_rule(p)
    )


@registry.formula(
    "职工养老保险单位月缴费",
    "Employee pension, employer's contribution per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "employee_pension_employer_rate"),
    parameters=("money.rounding_rule",),
)
def employee_pension_employer_contribution_monthly(v: Any, p: Any) -> Any:
    """What the employer pays (16 % since 2019-05-01); nothing for a flexible worker."""
    return round_money(
        np.asarray(v.pension_base_monthly) * np.asarray(v.employee_pension_employer_rate), rounding_rule(p)
    )


@registry.formula(
    "记入个人账户（月）",
    "Credited to the personal account per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "employee_pension_access"),
    parameters=("pension.employee.worker_rate", "pension.employee.flexible.account_rate", "money.rounding_rule"),
    references=("pension_2005_38.account",),
)
def employee_pension_account_credit_monthly(v: Any, p: Any) -> Any:
    """8 % of the base goes to the personal account, for employees and flexible workers alike."""
    access = np.asarray(v.employee_pension_access)
    rate = choose(
        [access == Access.EMPLOYER, access == Access.INDIVIDUAL],
        [p("pension.employee.worker_rate"), p("pension.employee.flexible.account_rate")],
        0.0,
    )
    return round_money(np.asarray(v.pension_base_monthly) * rate, rounding_rule(p))


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
def pension_benefit_base(v: Any, p: Any) -> Any:
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
def pension_divisor_months(v: Any, p: Any) -> Any:
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
    return scalar_if_0d(np.round(np.interp(at / 12, ages, months), 4))


@registry.formula(
    "平均缴费指数（核定）",
    "Average contribution index (clamped to the base band, 0.6–3)",
    "float",
    unit="ratio",
    inputs=("average_contribution_index",),
    parameters=("pension.employee.base_floor_ratio", "pension.employee.base_ceiling_ratio"),
    references=("pension_2005_38.benefit", "pension_2019_13.base"),
)
def average_contribution_index_clamped(v: Any, p: Any) -> Any:
    """Each year's index lies within the contribution band (60–300 %), so the average does too."""
    low, high = p("pension.employee.base_floor_ratio"), p("pension.employee.base_ceiling_ratio")
    return scalar_if_0d(np.clip(np.asarray(v.average_contribution_index, dtype=float), low, high))


@registry.formula(
    "基础养老金（月）",
    "Basic (pooled) pension per month",
    "float",
    unit="yuan/month",
    inputs=("pension_benefit_base", "average_contribution_index_clamped", "contribution_years"),
    parameters=("money.rounding_rule",),
    references=("pension_2005_38.benefit",),
)
def employee_pension_basic_monthly(v: Any, p: Any) -> Any:
    """计发基数 × (1 + average index) ÷ 2 × years × 1 % (缴费每满1年发给1%)."""
    base = np.asarray(v.pension_benefit_base, dtype=float)
    amount = base * (1 + np.asarray(v.average_contribution_index_clamped)) / 2 * np.asarray(v.contribution_years) * 0.01
    return round_money(amount, rounding_rule(p))


@registry.formula(
    "个人账户养老金（月）",
    "Personal-account pension per month",
    "float",
    unit="yuan/month",
    inputs=("personal_account_balance", "pension_divisor_months"),
    parameters=("money.rounding_rule",),
    references=("pension_2005_38.divisor",),
)
def employee_pension_account_monthly(v: Any, p: Any) -> Any:
    """Account balance ÷ 计发月数."""
    return round_money(
        np.asarray(v.personal_account_balance, dtype=float) / np.asarray(v.pension_divisor_months), rounding_rule(p)
    )


@registry.formula(
    "职工基本养老金（月）",
    "Employee basic pension per month",
    "float",
    unit="yuan/month",
    inputs=("employee_pension_basic_monthly", "employee_pension_account_monthly", "transitional_pension_monthly"),
    parameters=("money.rounding_rule",),
    references=("social_insurance_law.art15",),
)
def employee_pension_monthly(v: Any, p: Any) -> Any:
    """Basic pension + account pension + transitional pension, at the start of payment."""
    total = (
        np.asarray(v.employee_pension_basic_monthly)
        + np.asarray(v.employee_pension_account_monthly)
        + np.asarray(v.transitional_pension_monthly)
    )
    return round_money(total, rounding_rule(p))


@registry.formula(
    "是否满足按月领取职工养老金条件",
    "Eligible for a monthly employee pension",
    "bool",
    inputs=("contribution_years", "minimum_contribution_years"),
    references=("social_insurance_law.art16",),
)
def employee_pension_eligible(v: Any, p: Any) -> Any:
    """At least the minimum years (15, rising to 20 from 2030) at the statutory retirement age (社会保险法 art. 16)."""
    return scalar_if_0d(np.asarray(v.contribution_years) >= np.asarray(v.minimum_contribution_years) - 1e-9)
