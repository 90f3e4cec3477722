"""Unemployment insurance (失业保险条例): contributions, flexible workers' access where a local scheme admits them, benefit months and amounts."""

from __future__ import annotations

import numpy as np

from gigcover.engine import Array, Inputs, Params, choose
from gigcover.rules import registry, rounded
from gigcover.rules.coverage.categories import Access, rate_by_route

registry.input(
    "unemployment_contribution_years",
    "失业保险累计缴费年限",
    "Years contributed to unemployment insurance",
    "float",
    minimum=0,
    maximum=60,
    unit="years",
    references=("unemployment_regulation.art17",),
)


@registry.formula(
    "失业保险个人月缴费",
    "Unemployment insurance, worker's contribution per month",
    "float",
    unit="yuan/month",
    inputs=("unemployment_access", "pension_base_monthly"),
    parameters=("unemployment.worker_rate", "unemployment.flexible.rate", "money.rounding_rule"),
    references=("unemployment_regulation.art6", "unemployment_flexible"),
)
def unemployment_worker_contribution_monthly(v: Inputs, p: Params) -> Array:
    """An employee pays the worker rate; a flexible worker admitted locally pays the whole local rate alone.

    The base is the pension base (Beijing: as for pension; Guangdong's pilot uses the prior 12 months' income,
    which the pension base stands in for).
    """
    rate = rate_by_route(
        p, v.unemployment_access, "unemployment.worker_rate", "unemployment.flexible.rate", individual_optional=True
    )
    return rounded(p, v.pension_base_monthly * rate)


@registry.formula(
    "失业保险单位月缴费",
    "Unemployment insurance, employer's contribution per month",
    "float",
    unit="yuan/month",
    inputs=("unemployment_access", "pension_base_monthly"),
    parameters=("unemployment.employer_rate", "money.rounding_rule"),
    references=("unemployment_regulation.art6",),
)
def unemployment_employer_contribution_monthly(v: Inputs, p: Params) -> Array:
    """The employer rate on the wage, for employees only."""
    employer = v.unemployment_access == Access.EMPLOYER
    with p.for_rows(employer):
        employer_rate = p("unemployment.employer_rate")
    rate = np.where(employer, employer_rate, 0.0)
    return rounded(p, v.pension_base_monthly * rate)


@registry.formula(
    "失业保险金最长领取月数",
    "Maximum months of unemployment benefit",
    "int",
    unit="months",
    inputs=("unemployment_contribution_years",),
    parameters=("unemployment.benefit_months_by_years",),
    references=("unemployment_regulation.art17",),
)
def unemployment_benefit_max_months(v: Inputs, p: Params) -> Array:
    """1–5 years contributed → 12 months; 5–10 → 18; 10 or more → 24; under 1 year → none (art. 17)."""
    rows = sorted(p("unemployment.benefit_months_by_years"), key=lambda r: -float(r["min_years"]))
    years = v.unemployment_contribution_years
    return choose([years >= float(r["min_years"]) for r in rows], [int(r["max_months"]) for r in rows], 0)


@registry.formula(
    "失业保险金（月）",
    "Unemployment benefit per month",
    "float",
    unit="yuan/month",
    parameters=("unemployment.benefit_ratio_of_minimum_wage", "wages.minimum_wage_monthly", "money.rounding_rule"),
    references=("unemployment_regulation.art18", "social_insurance_law.art47"),
)
def unemployment_benefit_monthly(v: Inputs, p: Params) -> float:
    """A share of the local minimum wage set by the province (Guangdong 90 %); below the minimum wage by law."""
    amount = float(p("unemployment.benefit_ratio_of_minimum_wage")) * float(p("wages.minimum_wage_monthly"))
    return rounded(p, amount)
