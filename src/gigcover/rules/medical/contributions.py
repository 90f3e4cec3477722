"""Medical insurance contributions (医疗保险缴费): flexible workers' employee-medical contributions, resident premiums
and subsidies, employees' shares."""

from __future__ import annotations

import datetime as dt

import numpy as np

from gigcover.engine import NATIONAL, Array, Categorical, Inputs, Params, gather
from gigcover.rules import registry, rounded


class MedicalTier(Categorical):
    """A contribution tier where a city offers tiers (重庆: 一档/二档)."""

    TIER1 = "tier1", "一档", "tier 1"
    TIER2 = "tier2", "二档", "tier 2"


class MedicalAccount(Categorical):
    """Whether a flexible worker's employee medical builds a personal account, where the city lets the worker choose:
    统账结合 (pooling and a personal account: the higher rate, part of it credited to the account) or 单建统筹 (pooling
    only: a lower rate, the same inpatient cover, no account for outpatient and pharmacy spending)."""

    WITH_ACCOUNT = "with_account", "统账结合（建立个人账户）", "with a personal account"
    WITHOUT_ACCOUNT = "without_account", "单建统筹（不建立个人账户）", "pooling only, no personal account"


registry.input(
    "medical_personal_account",
    "灵活就业人员职工医保是否建立个人账户（可选的城市）",
    "Flexible-worker employee medical with or without a personal account, where the city offers both",
    "enum",
    enum=MedicalAccount,
    default=MedicalAccount.WITH_ACCOUNT,
)


registry.input(
    "medical_tier",
    "职工医保缴费档次（重庆）",
    "Employee-medical tier where a city offers tiers",
    "enum",
    enum=MedicalTier,
    default=MedicalTier.TIER1,
)


# What a flexible worker's medical base is read from (see _contribution_base), for the formulas that apply a rate to it.
BASE_INPUTS = ("pension_base_monthly", "pension_base_chosen_monthly", "pension_average_wage_monthly")
BASE_PARAMETERS = (
    "medical.employee.flexible.base_monthly",
    "medical.employee.flexible.base_ratio",
    "medical.employee.flexible.own_base_band",
    "medical.employee.flexible.base_floor_monthly",
    "medical.employee.flexible.base_ceiling_monthly",
)


@registry.formula(
    "灵活就业人员职工医保月缴费",
    "Flexible worker's employee-medical contribution per month",
    "float",
    unit="yuan/month",
    inputs=(*BASE_INPUTS, "medical_tier", "medical_personal_account"),
    parameters=(
        "medical.employee.flexible.fixed_monthly",
        "medical.employee.flexible.tier_annual",
        *BASE_PARAMETERS,
        "medical.employee.flexible.rate",
        "medical.employee.flexible.rate_without_account",
        "money.rounding_rule",
    ),
    references=("social_insurance_law.art23",),
)
def employee_medical_flexible_monthly(v: Inputs, p: Params) -> Array:
    """By the city's own rule: a fixed amount (Beijing; Chengdu, whose notice fixes the base), a tier (Chongqing), or
    a rate — on a base the city publishes as a figure (Jinan), on a set share of the average wage, or on the declared
    base, within the city's own medical band where it sets one (Shenzhen, Guangzhou: 60–300 % of the city's 上上年度
    全口径 average), else the pension base (Shanghai, Hangzhou …). Where the city offers pooling only (单建统筹, no
    personal account) beside the usual rate, the worker's choice decides the rate.

    Which rule a city uses is a property of the region, not of the person, so it is chosen here once per call.
    """
    fixed = p.optional("medical.employee.flexible.fixed_monthly")
    if fixed is not None:
        return np.asarray(fixed, dtype=float)  # published to the fen: no base is read, and no rounding
    tiers = p.optional("medical.employee.flexible.tier_annual")
    if tiers is not None:
        annual = p.dense("medical.employee.flexible.tier_annual", MedicalTier, dtype=float)
        return rounded(p, gather(annual, v.medical_tier) / 12)
    return rounded(p, _contribution_base(v, p) * _rate(v, p))


@registry.formula(
    "灵活就业人员职工医保个人账户月划入额",
    "Flexible worker's employee medical: monthly credit to the personal account",
    "float",
    unit="yuan/month",
    inputs=(*BASE_INPUTS, "medical_personal_account"),
    parameters=("medical.employee.flexible.account_rate", *BASE_PARAMETERS, "money.rounding_rule"),
    references=("social_insurance_law.art23",),
)
def employee_medical_flexible_account_monthly(v: Inputs, p: Params) -> Array:
    """The part of the contribution credited to the worker's own personal account (划入个人账户) where the city
    states it (济南 and Shandong from 2026: 2 % of the base); nothing for a worker who chose pooling only (单建统筹).
    What a worker gives up by choosing pooling only, in money."""
    credit = _contribution_base(v, p) * p("medical.employee.flexible.account_rate")
    return rounded(p, np.where(_pooling_only(v), 0.0, credit))


def _contribution_base(v: Inputs, p: Params) -> Array | float:
    """The base a flexible worker's rate applies to: the figure the city publishes (济南), a set share of the
    average wage (成都, 福州, 兰州), or the declared base (held to the city's own medical band where it sets one)."""
    published = p.optional("medical.employee.flexible.base_monthly")
    if published is not None:
        return float(published)
    base_ratio = p.optional("medical.employee.flexible.base_ratio")
    if base_ratio is not None:
        return v.pension_average_wage_monthly * base_ratio
    return _medical_base(v, p)


def _rate(v: Inputs, p: Params) -> Array | float:
    """The city's rate; where it also offers pooling only (单建统筹, no personal account: 济南, and Shandong
    province-wide from 2026), that lower rate for the workers who choose it."""
    rate = p("medical.employee.flexible.rate")
    without = p.optional("medical.employee.flexible.rate_without_account")
    if without is None:
        return rate
    return np.where(_pooling_only(v), without, rate)


def _pooling_only(v: Inputs) -> Array:
    """The rows whose worker chose pooling only (单建统筹, no personal account)."""
    result: Array = v.medical_personal_account == MedicalAccount.WITHOUT_ACCOUNT
    return result


def _medical_base(v: Inputs, p: Params) -> Array:
    """The pension base; where the city sets its own medical band, the declared base (申报缴费基数, the one chosen
    for the pension) held to that band instead. Where the city does but no figure is published for the date, the
    pension base stands in, with a warning."""
    if not p.optional("medical.employee.flexible.own_base_band"):
        return v.pension_base_monthly
    floor = p.optional("medical.employee.flexible.base_floor_monthly")
    ceiling = p.optional("medical.employee.flexible.base_ceiling_monthly")
    if floor is None or ceiling is None:
        p.warn(
            f"employee_medical_flexible_monthly: the region {p.region_for_warning} sets its own medical base band (60–300 % of the "
            f"city's 上上年度 全口径 average), but no figure is in the parameters for {p.date.isoformat()}; the "
            "pension base stands in"
        )
        return v.pension_base_monthly
    return np.clip(v.pension_base_chosen_monthly, float(floor), float(ceiling))


@registry.formula(
    "居民医保个人缴费（元/年）",
    "Resident medical premium for the coverage year (yuan/year)",
    "float",
    unit="yuan/year",
    parameters=(
        "medical.resident.individual_premium_annual",
        "medical.resident.coverage_year_lag",
        "medical.resident.premium_set_locally_by_age",
    ),
    references=("resident_medical_2016_3",),
)
def resident_medical_premium_annual(v: Inputs, p: Params) -> float:
    """The premium for the coverage year of the date, set by the standard of the year it is collected in.

    Premiums for coverage year Y are collected in year Y − 1 under that year's national standard (V3). Where the
    place sets its own premiums by age group (Shanghai, 上海市医疗保障条例 art. 14) and they are not in the parameters,
    the national minimum stands in, and the answer says so.
    """
    standard_year = dt.date(p.date.year - int(p("medical.resident.coverage_year_lag")), 7, 1)
    premium = float(p.at("medical.resident.individual_premium_annual", standard_year))
    hit = p.hit("medical.resident.individual_premium_annual", standard_year)
    national = hit is not None and hit.region == NATIONAL
    if national and p.optional("medical.resident.premium_set_locally_by_age"):
        p.warn(
            f"resident_medical_premium_annual: the region {p.region_for_warning} sets its own resident-medical premiums by age "
            "group; they are not in the parameters, so the national minimum stands in"
        )
    return premium


@registry.formula(
    "居民医保财政补助（元/年）",
    "Fiscal subsidy per resident-medical enrolee (yuan/year)",
    "float",
    unit="yuan/year",
    parameters=("medical.resident.fiscal_subsidy_annual", "medical.resident.coverage_year_lag"),
    references=("resident_medical_2016_3",),
)
def resident_medical_subsidy_annual(v: Inputs, p: Params) -> float:
    """The national minimum subsidy behind each enrolee, for the coverage year of the date."""
    lag = int(p("medical.resident.coverage_year_lag"))
    return float(p.at("medical.resident.fiscal_subsidy_annual", dt.date(p.date.year - lag, 7, 1)))


@registry.formula(
    "职工医保个人月缴费（单位参保）",
    "Employee medical, worker's share through an employer (monthly)",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly",),
    parameters=("medical.employee.worker_rate", "money.rounding_rule"),
    references=("social_insurance_law.art23_employee",),
)
def employee_medical_worker_contribution_monthly(v: Inputs, p: Params) -> Array:
    """About 2 % of the wage, deducted by the employer (national guidance; cities differ)."""
    return rounded(p, v.pension_base_monthly * p("medical.employee.worker_rate"))


@registry.formula(
    "职工医保单位月缴费",
    "Employee medical, employer's share (monthly)",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly",),
    parameters=("medical.employee.employer_rate", "money.rounding_rule"),
    references=("social_insurance_law.art23_employee",),
)
def employee_medical_employer_contribution_monthly(v: Inputs, p: Params) -> Array:
    """About 6 % of payroll (national guidance; cities differ)."""
    return rounded(p, v.pension_base_monthly * p("medical.employee.employer_rate"))
