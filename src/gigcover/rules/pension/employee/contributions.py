"""Employee basic pension (企业职工基本养老保险): contribution base and contributions, for employees and flexible workers.

国发〔2005〕38号 (20 % for flexible workers, 8 % to the personal account), 国办发〔2019〕13号 (base band 60–300 %).
"""

from __future__ import annotations

import numpy as np

from gigcover.engine import Array, Inputs, Params
from gigcover.rules import registry, rounded
from gigcover.rules.coverage.categories import rate_by_route

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
    description=(
        "Mean over the years of (own base ÷ that year's average wage), as recorded (核定表); used as given: the "
        "60–300 % band limits each year's base, not the average, which can lie below 0.6."
    ),
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
    parameters=(
        "wages.provincial_average_monthly",
        "pension.employee.base_ceiling_monthly",
        "pension.employee.base_ceiling_ratio",
    ),
    references=("pension_2019_13.base",),
)
def pension_average_wage_monthly(v: Inputs, p: Params) -> float:
    """The published average the contribution band is built on, for the region and period of the date.

    Some provinces publish the band (上下限) but the average behind it is not in the parameters. The band is 60 %–300 %
    of that average (国办发〔2019〕13号 第二条), so where only the published ceiling is known the average is taken as
    ceiling ÷ 300 %, said in the warnings; with neither, the error names the missing average."""
    published = p.optional("wages.provincial_average_monthly")
    if published is not None:
        return float(published)
    ceiling = p.optional("pension.employee.base_ceiling_monthly")
    if ceiling is None:
        return float(p("wages.provincial_average_monthly"))  # raises: no value in force, naming the place
    ratio = float(p("pension.employee.base_ceiling_ratio"))
    p.warn(
        f"pension_average_wage_monthly: no published average wage here; derived from the published contribution "
        f"ceiling {float(ceiling):.2f} ÷ {ratio:.0%} (全口径平均工资暂缺，按缴费基数上限推算)"
    )
    return float(ceiling) / ratio


@registry.formula(
    "缴费基数下限",
    "Contribution base floor",
    "float",
    unit="yuan/month",
    inputs=("pension_average_wage_monthly",),
    parameters=("pension.employee.base_floor_monthly", "pension.employee.base_floor_ratio"),
    references=("pension_2019_13.base",),
)
def pension_base_floor_monthly(v: Inputs, p: Params) -> Array | float:
    """The published floor where the region publishes one (some sit below 60 %); else 60 % of the average."""
    published = p.optional("pension.employee.base_floor_monthly")
    if published is not None:  # a regional publication exists (not a per-person condition)
        return float(published)
    return v.pension_average_wage_monthly * p("pension.employee.base_floor_ratio")


@registry.formula(
    "缴费基数上限",
    "Contribution base ceiling",
    "float",
    unit="yuan/month",
    inputs=("pension_average_wage_monthly",),
    parameters=("pension.employee.base_ceiling_monthly", "pension.employee.base_ceiling_ratio"),
    references=("pension_2019_13.base",),
)
def pension_base_ceiling_monthly(v: Inputs, p: Params) -> Array | float:
    """The published ceiling where the region publishes one; else 300 % of the average."""
    published = p.optional("pension.employee.base_ceiling_monthly")
    if published is not None:
        return float(published)
    return v.pension_average_wage_monthly * p("pension.employee.base_ceiling_ratio")


@registry.formula(
    "申报缴费基数",
    "Declared contribution base",
    "float",
    unit="yuan/month",
    inputs=("pension_base_index_chosen", "pension_average_wage_monthly", "pension_base_floor_monthly"),
    parameters=("pension.employee.base_floor_ratio",),
)
def pension_base_chosen_monthly(v: Inputs, p: Params) -> Array:
    """The chosen index times the average wage; choosing 60 % means the published floor (often rounded down).
    Give it directly to declare a base in yuan (or an employee's wage)."""
    index = v.pension_base_index_chosen
    at_floor = np.isclose(index, p("pension.employee.base_floor_ratio"))
    with p.for_rows(at_floor):
        floor = v.pension_base_floor_monthly
    with p.for_rows(~at_floor):
        chosen = index * v.pension_average_wage_monthly
    return np.where(at_floor, floor, chosen)


@registry.formula(
    "养老保险缴费基数（核定）",
    "Pension contribution base (within the band)",
    "float",
    unit="yuan/month",
    inputs=("pension_base_chosen_monthly", "pension_base_floor_monthly", "pension_base_ceiling_monthly"),
    references=("pension_2019_13.base",),
)
def pension_base_monthly(v: Inputs, p: Params) -> Array:
    """The declared base clamped to the floor and ceiling; a clamped base is reported in the warnings."""
    chosen, floor, ceiling = v.pension_base_chosen_monthly, v.pension_base_floor_monthly, v.pension_base_ceiling_monthly
    clamped = np.clip(chosen, floor, ceiling)
    changed = int(np.count_nonzero(clamped != chosen))
    if changed:
        p.warn(
            f"pension_base_monthly: {changed} declared base(s) outside the band "
            f"[{np.min(floor):.2f}, {np.max(ceiling):.2f}] clamped to it"
        )
    return clamped


@registry.formula(
    "职工养老保险月缴费合计",
    "Employee pension contribution, total per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "employee_pension_employer_rate", "employee_pension_worker_rate"),
    parameters=("money.rounding_rule",),
)
def employee_pension_contribution_monthly(v: Inputs, p: Params) -> Array:
    """Base × (employer rate + worker rate); a flexible worker pays the whole 20 % alone."""
    rate = v.employee_pension_employer_rate + v.employee_pension_worker_rate
    return rounded(p, v.pension_base_monthly * rate)


@registry.formula(
    "职工养老保险个人月缴费",
    "Employee pension, worker's contribution per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "employee_pension_worker_rate"),
    parameters=("money.rounding_rule",),
)
def employee_pension_worker_contribution_monthly(v: Inputs, p: Params) -> Array:
    """What the worker pays: 8 % as an employee, the flexible rate (20 %) as an individual."""
    return rounded(p, v.pension_base_monthly * v.employee_pension_worker_rate)


@registry.formula(
    "职工养老保险单位月缴费",
    "Employee pension, employer's contribution per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "employee_pension_employer_rate"),
    parameters=("money.rounding_rule",),
)
def employee_pension_employer_contribution_monthly(v: Inputs, p: Params) -> Array:
    """What the employer pays (16 % since 2019-05-01); nothing for a flexible worker."""
    return rounded(p, v.pension_base_monthly * v.employee_pension_employer_rate)


@registry.formula(
    "记入个人账户（月）",
    "Credited to the personal account per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "employee_pension_access"),
    parameters=("pension.employee.worker_rate", "pension.employee.flexible.account_rate", "money.rounding_rule"),
    references=("pension_2005_38.account",),
)
def employee_pension_account_credit_monthly(v: Inputs, p: Params) -> Array:
    """8 % of the base goes to the personal account, for employees and flexible workers alike."""
    access = v.employee_pension_access
    rate = rate_by_route(p, access, "pension.employee.worker_rate", "pension.employee.flexible.account_rate")
    return rounded(p, v.pension_base_monthly * rate)
