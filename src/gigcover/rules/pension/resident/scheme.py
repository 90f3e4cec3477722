"""Resident basic pension (城乡居民基本养老保险, 国发〔2014〕8号): tiers, subsidies, the basic pension and the account."""

from __future__ import annotations

import numpy as np

from gigcover.engine import Array, Inputs, Params, periods
from gigcover.rules import registry, rounded
from gigcover.rules.retirement.age import month_index

registry.input(
    "resident_pension_tier_annual",
    "居民养老保险缴费档次（元/年）",
    "Resident pension contribution tier (yuan/year)",
    "float",
    minimum=0,
    unit="yuan/year",
    references=("resident_pension_2014_8",),
)
registry.input(
    "resident_account_balance",
    "居民养老保险个人账户储存额",
    "Resident pension personal-account balance",
    "float",
    minimum=0,
    unit="yuan",
)
registry.input(
    "resident_contribution_years",
    "居民养老保险缴费年限",
    "Years contributed to the resident pension",
    "float",
    minimum=0,
    maximum=60,
    unit="years",
)


@registry.formula("年龄（周岁）", "Age in whole years on the date", "int", unit="years", inputs=("birth_date",))
def age_years(v: Inputs, p: Params) -> Array:
    """Whole years from the birth month to the month of the question (give it directly if the birth date is unknown)."""
    born = month_index(v.birth_date, "inputs.birth_date")
    return (periods.month_index(p.date) - born) // 12


@registry.formula(
    "居民养老保险政府缴费补贴（元/年）",
    "Government subsidy on the resident-pension contribution (yuan/year)",
    "float",
    unit="yuan/year",
    inputs=("resident_pension_tier_annual",),
    parameters=(
        "pension.resident.contribution_tiers_annual",
        "pension.resident.subsidy_low_tier_annual",
        "pension.resident.subsidy_high_tier_annual",
        "pension.resident.subsidy_high_tier_threshold_annual",
    ),
    references=("resident_pension_2014_8",),
)
def resident_pension_subsidy_annual(v: Inputs, p: Params) -> Array:
    """At least 30 yuan a year, 60 for tiers of 500 and above (national minimums; provinces pay more)."""
    tier = v.resident_pension_tier_annual
    tiers = [float(t) for t in p("pension.resident.contribution_tiers_annual")]
    off = ~np.isin(tier, tiers) & (tier > 0)
    if off.any():
        p.warn(
            f"resident_pension_tier_annual: {int(np.count_nonzero(off))} value(s) not among the national tiers "
            f"{tiers}; a province may have added tiers",
            rows=off,
        )
    paying = tier > 0
    with p.for_rows(paying):
        high = tier >= p("pension.resident.subsidy_high_tier_threshold_annual")
    with p.for_rows(paying & high):
        high_subsidy = p("pension.resident.subsidy_high_tier_annual")
    with p.for_rows(paying & ~high):
        low_subsidy = p("pension.resident.subsidy_low_tier_annual")
    return np.where(paying, np.where(high, high_subsidy, low_subsidy), 0.0)


@registry.formula(
    "居民养老保险记入个人账户（元/年）",
    "Credited to the resident-pension account (yuan/year)",
    "float",
    unit="yuan/year",
    inputs=("resident_pension_tier_annual", "resident_pension_subsidy_annual"),
    references=("resident_pension_2014_8",),
)
def resident_pension_account_credit_annual(v: Inputs, p: Params) -> Array:
    """The worker's tier plus the government subsidy, all into the personal account."""
    return v.resident_pension_tier_annual + v.resident_pension_subsidy_annual


@registry.formula(
    "城乡居民基础养老金地方加发（月）",
    "Local top-up of the resident basic pension (monthly)",
    "float",
    unit="yuan/month",
    parameters=("pension.resident.local_top_up_monthly",),
    references=("resident_pension_2014_8",),
)
def resident_pension_local_top_up(v: Inputs, p: Params) -> float:
    """What the province or city adds to the central minimum (often far more in Beijing and Shanghai)."""
    return float(p("pension.resident.local_top_up_monthly"))


@registry.formula(
    "城乡居民基础养老金（月）",
    "Resident basic pension per month",
    "float",
    unit="yuan/month",
    inputs=("resident_pension_local_top_up",),
    parameters=("pension.resident.central_basic_monthly",),
    references=("resident_pension_2014_8", "social_insurance_law.art21"),
)
def resident_pension_basic_monthly(v: Inputs, p: Params) -> Array:
    """The central minimum basic pension of the date's year plus the local top-up."""
    return p("pension.resident.central_basic_monthly") + v.resident_pension_local_top_up


@registry.formula(
    "城乡居民养老金（月）",
    "Resident pension per month",
    "float",
    unit="yuan/month",
    inputs=("resident_pension_basic_monthly", "resident_account_balance"),
    parameters=("pension.resident.account_divisor", "money.rounding_rule"),
    references=("resident_pension_2014_8",),
)
def resident_pension_monthly(v: Inputs, p: Params) -> Array:
    """Basic pension + account balance ÷ 139, whatever the age (国发〔2014〕8号)."""
    account = v.resident_account_balance / p("pension.resident.account_divisor")
    return rounded(p, v.resident_pension_basic_monthly + account)


@registry.formula(
    "是否满足领取城乡居民养老金条件",
    "Eligible for the resident pension",
    "bool",
    inputs=("age_years", "resident_contribution_years"),
    parameters=("pension.resident.eligibility_age", "pension.resident.minimum_years"),
    references=("resident_pension_2014_8",),
)
def resident_pension_eligible(v: Inputs, p: Params) -> Array:
    """Aged 60 or more with at least 15 years of contributions."""
    return (v.age_years >= p("pension.resident.eligibility_age")) & (
        v.resident_contribution_years >= p("pension.resident.minimum_years")
    )
