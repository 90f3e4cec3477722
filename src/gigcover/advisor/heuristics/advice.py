"""Parameters of advice (建议口径), as variables so overlays and traces reach them like any rule. Parameters:
parameters/advisor."""

from __future__ import annotations

from gigcover.advisor.heuristics import registry
from gigcover.engine import Array, Inputs, Params


@registry.formula(
    "可接受的缴费占收入比例",
    "Share of income many riders accept paying",
    "float",
    unit="ratio",
    parameters=("advisor.affordable_share_of_income",),
    references=("seed_paper.unbundling",),
)
def affordable_share_of_income(v: Inputs, p: Params) -> float:
    """38.9 % of riders would pay only under 5 % of their income (PKU survey): the advisor's affordability line."""
    return float(p("advisor.affordable_share_of_income"))


@registry.formula(
    "建议参加职工保险的收入门槛（月）",
    "Income from which employee insurance is advised (monthly)",
    "float",
    unit="yuan/month",
    inputs=("pension_base_floor_monthly",),
    parameters=("advisor.employee_scheme_income_ratio",),
    references=("seed_paper.unbundling",),
)
def employee_scheme_income_floor(v: Inputs, p: Params) -> Array:
    """Middle and high earners join employee insurance (论文四（4）): here, income of at least the base floor."""
    return v.pension_base_floor_monthly * p("advisor.employee_scheme_income_ratio")


@registry.formula(
    "建议的居民养老保险缴费档次",
    "Suggested resident-pension tier (yuan/year)",
    "float",
    unit="yuan/year",
    parameters=("advisor.resident_pension_tier_annual",),
    references=("resident_pension_2014_8",),
)
def suggested_resident_pension_tier_annual(v: Inputs, p: Params) -> float:
    """The lowest tier that earns the higher government subsidy (500 yuan a year)."""
    return float(p("advisor.resident_pension_tier_annual"))
