"""Occupational-injury protection: benefits (人社厅函〔2025〕79号; the first pilot from 2022-07-01 under the
人社部发〔2021〕110号 办法, whose benefit articles are not in the stored material). Riders have no contribution wage, so
the items are multiples of a share of the pooling area's (统筹地区) prior-year private-sector monthly wage: 60 % for
the death items (规程, V2); the base of the disability items (待遇计发基数) is defined in a part of the 规程 not read
here, so its share is a separate parameter, UNVERIFIED, and every disability answer says so.
"""

from __future__ import annotations

import numpy as np

from gigcover.engine import NATIONAL, Array, Inputs, Params
from gigcover.rules import registry, rounded
from gigcover.rules.injury.work import _by_grade, _dependant_pension, _prior_year_figure, _prior_year_hit

PRIVATE_WAGE = "wages.private_sector_average_annual"


def _pooling_area_private_wage_monthly(p: Params) -> float:
    """The prior-year 城镇私营单位就业人员平均工资 of the pooling area (统筹地区) ÷ 12: the place's own figure, else
    its province's; where the parameters have neither, the national figure stands in and the answer says so."""
    hit = _prior_year_hit(p, PRIVATE_WAGE)
    if hit.region == NATIONAL:
        p.warn(
            f"occupational injury: no 城镇私营单位就业人员平均工资 for the pooling area (统筹地区) of {p.region_for_warning} in the "
            "parameters; the national figure stands in (人社厅函〔2025〕79号 uses the pooling area's)"
        )
    return float(hit.value) / 12


# -- occupational injury: benefits ----------------------------------------------------------------------------
@registry.formula(
    "职业伤害保障待遇计发基数（死亡待遇）",
    "Occupational-injury benefit base for the death items (monthly)",
    "float",
    unit="yuan/month",
    parameters=("occupational_injury.benefit_base_ratio", PRIVATE_WAGE),
    references=("occupational_injury_2025_79",),
)
def occupational_injury_benefit_base_monthly(v: Inputs, p: Params) -> float:
    """60 % of the pooling area's prior-year private-sector average monthly wage (丧葬补助金, 供养亲属抚恤金)."""
    return round(float(p("occupational_injury.benefit_base_ratio")) * _pooling_area_private_wage_monthly(p), 2)


@registry.formula(
    "职业伤害保障待遇计发基数（伤残待遇）",
    "Occupational-injury benefit base for the disability items (monthly)",
    "float",
    unit="yuan/month",
    parameters=("occupational_injury.disability_benefit_base_ratio", PRIVATE_WAGE),
    references=("occupational_injury_2025_79",),
)
def occupational_injury_disability_benefit_base_monthly(v: Inputs, p: Params) -> float:
    """The 待遇计发基数 of the disability items: a share (UNVERIFIED: taken as the death items' 60 %) of the pooling
    area's prior-year private-sector average monthly wage."""
    ratio = float(p("occupational_injury.disability_benefit_base_ratio"))
    return round(ratio * _pooling_area_private_wage_monthly(p), 2)


@registry.formula(
    "一次性伤残补助金（职业伤害）",
    "One-time disability subsidy (occupational injury)",
    "float",
    unit="yuan",
    inputs=("disability_grade", "occupational_injury_disability_benefit_base_monthly"),
    parameters=("injury.work.disability_subsidy_months", "money.rounding_rule"),
    references=("occupational_injury_2025_79",),
)
def occupational_injury_one_time_disability_subsidy(v: Inputs, p: Params) -> Array:
    """The same months as 工伤 (27 … 7) × the disability items' base (its share UNVERIFIED)."""
    months = _by_grade(p("injury.work.disability_subsidy_months"), v.disability_grade)
    return rounded(p, months * v.occupational_injury_disability_benefit_base_monthly)


@registry.formula(
    "伤残津贴（职业伤害，1–4级，月）",
    "Disability allowance per month (occupational injury, grades 1–4)",
    "float",
    unit="yuan/month",
    inputs=("disability_grade", "occupational_injury_disability_benefit_base_monthly"),
    parameters=("injury.work.disability_allowance_ratio", "money.rounding_rule"),
    references=("occupational_injury_2025_79",),
)
def occupational_injury_disability_allowance_monthly(v: Inputs, p: Params) -> Array:
    """90/85/80/75 % of the base for grades 1–4; grades 5–6 get a lump sum instead (no employer to pay monthly)."""
    grade = v.disability_grade
    allowance = grade <= 4
    with p.for_rows(allowance):
        ratio = np.where(allowance, _by_grade(p("injury.work.disability_allowance_ratio"), grade), 0.0)
        base = v.occupational_injury_disability_benefit_base_monthly
    return rounded(p, ratio * base)


@registry.formula(
    "五级、六级伤残一次性津贴（职业伤害）",
    "Grade 5–6 one-time allowance (occupational injury)",
    "float",
    unit="yuan",
    inputs=("disability_grade", "occupational_injury_disability_benefit_base_monthly"),
    parameters=("occupational_injury.grade5_6_lump_sum_months", "money.rounding_rule"),
    references=("occupational_injury_2025_79",),
)
def occupational_injury_grade5_6_lump_sum(v: Inputs, p: Params) -> Array:
    """30 months of the base for grade 5, 25 for grade 6; 0 otherwise."""
    months = _by_grade(p("occupational_injury.grade5_6_lump_sum_months"), v.disability_grade)
    return rounded(p, months * v.occupational_injury_disability_benefit_base_monthly)


@registry.formula(
    "丧葬补助金（职业伤害）",
    "Funeral subsidy (occupational injury)",
    "float",
    unit="yuan",
    inputs=("occupational_injury_benefit_base_monthly",),
    parameters=("injury.work.funeral_months", "money.rounding_rule"),
    references=("occupational_injury_2025_79",),
)
def occupational_injury_funeral_subsidy(v: Inputs, p: Params) -> Array:
    """6 months of the base (60 % of the private-sector monthly wage)."""
    return rounded(p, v.occupational_injury_benefit_base_monthly * p("injury.work.funeral_months"))


@registry.formula(
    "供养亲属抚恤金（职业伤害，月）",
    "Dependants' pension per month (occupational injury)",
    "float",
    unit="yuan/month",
    inputs=("occupational_injury_benefit_base_monthly", "dependant_spouse", "dependants_other", "dependants_lone"),
    parameters=("injury.work.dependant_ratios", "money.rounding_rule"),
    references=("occupational_injury_2025_79",),
)
def occupational_injury_dependant_pension_monthly(v: Inputs, p: Params) -> Array:
    """40 % / 30 % / +10 % of the base, in all no more than the base."""
    amount = _dependant_pension(v.occupational_injury_benefit_base_monthly, v, p("injury.work.dependant_ratios"))
    return rounded(p, amount)


@registry.formula(
    "一次性职业伤害死亡补助金",
    "One-time death subsidy (occupational injury)",
    "float",
    unit="yuan",
    parameters=("injury.work.death_lump_sum_multiple", "wages.national_urban_disposable_income_annual"),
    references=("occupational_injury_2025_79",),
)
def occupational_injury_death_lump_sum(v: Inputs, p: Params) -> float:
    """20 × the prior-year national urban per-capita disposable income, as for work injury."""
    income = _prior_year_figure(p, "wages.national_urban_disposable_income_annual")
    return float(p("injury.work.death_lump_sum_multiple")) * income
