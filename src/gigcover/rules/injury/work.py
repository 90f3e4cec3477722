"""Work-injury insurance (工伤保险条例): contributions (人社部发〔2015〕71号 rates) and the main cash benefits.

Benefits are multiples of 本人工资 (own average wage of the prior 12 months, clamped to 60–300 % of the local
average, art. 64).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from gigcover.engine import (
    Array,
    Categorical,
    Inputs,
    NotInForceError,
    ParameterHit,
    Params,
    choose,
)
from gigcover.rules import registry, rounded

registry.input(
    "own_average_monthly_wage",
    "本人工资（受伤前12个月平均月缴费工资）",
    "Own average monthly wage",
    "float",
    minimum=0,
    unit="yuan/month",
    references=("work_injury_regulation.art64",),
)
registry.input(
    "disability_grade",
    "伤残等级（1–10级）",
    "Disability grade (1–10)",
    "int",
    minimum=1,
    maximum=10,
    references=("work_injury_regulation.art35",),
)
registry.input("dependant_spouse", "是否有供养配偶", "Has a dependent spouse", "bool", default=False)
registry.input("dependants_other", "其他供养亲属人数", "Other dependants", "int", minimum=0, maximum=20, default=0)
registry.input(
    "dependants_lone",
    "孤寡老人或孤儿人数（每人加发10%）",
    "Dependants who are lone elders or orphans",
    "int",
    minimum=0,
    maximum=20,
    default=0,
)
registry.input(
    "work_injury_industry_class",
    "工伤保险行业风险类别（一至八类）",
    "Work-injury industry risk class",
    "int",
    minimum=1,
    maximum=8,
    references=("work_injury_rates_2015_71",),
)
registry.input(
    "work_injury_rate_multiplier",
    "工伤保险浮动费率档次（倍数）",
    "Work-injury floating-rate multiplier",
    "float",
    minimum=0.5,
    maximum=1.5,
    default=1.0,
    references=("work_injury_rates_2015_71",),
)
registry.input("monthly_payroll", "工资总额（月）", "Monthly payroll", "float", minimum=0, unit="yuan/month")


class AllowancePayer(Categorical):
    """Who pays a work-injury disability allowance (伤残津贴)."""

    FUND = "fund", "工伤保险基金", "the work-injury fund"
    EMPLOYER = "employer", "用人单位", "the employer"
    NONE = "none", "无", "nobody"


# -- work injury: contributions -------------------------------------------------------------------------
@registry.formula(
    "工伤保险费率",
    "Work-injury contribution rate",
    "float",
    unit="ratio",
    inputs=("work_injury_industry_class", "work_injury_rate_multiplier"),
    parameters=("injury.work.industry_base_rates", "injury.work.float_bands"),
    references=("work_injury_rates_2015_71",),
)
def work_injury_rate(v: Inputs, p: Params) -> Array:
    """The class's base rate (0.2 %–1.9 %) times the floating multiplier; a multiplier off the class's bands is reported."""
    rates = np.asarray(p("injury.work.industry_base_rates"), dtype=float)  # a list in the parameter file
    klass, multiplier = v.work_injury_industry_class, v.work_injury_rate_multiplier
    on_band = np.zeros(np.broadcast_shapes(klass.shape, multiplier.shape), dtype=bool)
    for key, bands in dict(p("injury.work.float_bands")).items():
        matches = np.isclose(multiplier[..., None], np.asarray(bands, dtype=float)).any(axis=-1)
        on_band |= (klass == int(key)) & matches
    if not np.all(on_band):
        p.warn("work_injury_rate_multiplier: not one of the class's floating bands (人社部发〔2015〕71号)")
    return rates[klass - 1] * multiplier


@registry.formula(
    "工伤保险单位月缴费",
    "Employer's work-injury contribution per month",
    "float",
    unit="yuan/month",
    inputs=("monthly_payroll", "work_injury_rate"),
    parameters=("money.rounding_rule",),
    references=("social_insurance_law.art33",),
)
def work_injury_contribution_monthly(v: Inputs, p: Params) -> Array:
    """Payroll × rate; the employer alone pays (社会保险法 art. 33)."""
    return rounded(p, v.monthly_payroll * v.work_injury_rate)


# -- work injury: benefits ----------------------------------------------------------------------------------
@registry.formula(
    "统筹地区上年度职工月平均工资",
    "Regional average monthly wage (prior year)",
    "float",
    unit="yuan/month",
    inputs=("pension_average_wage_monthly",),
    parameters=("injury.work.regional_average_monthly_wage",),
    references=("work_injury_regulation.art64",),
)
def regional_average_monthly_wage(v: Inputs, p: Params) -> Array | float:
    """The pooling area's prior-year average wage as it publishes it for benefits (Beijing: 11883 for 2024,
    京人社发〔2024〕16号); where none is in the parameters, the provincial 全口径 average of the contribution band
    (give this variable to use the area's own figure)."""
    published = p.optional("injury.work.regional_average_monthly_wage")
    if published is not None:  # a regional publication exists (not a per-person condition)
        return float(published)
    return v.pension_average_wage_monthly


@registry.formula(
    "本人工资（核定）",
    "Insured monthly wage (本人工资, clamped)",
    "float",
    unit="yuan/month",
    inputs=("own_average_monthly_wage", "regional_average_monthly_wage"),
    parameters=("injury.work.insured_wage_floor_ratio", "injury.work.insured_wage_ceiling_ratio"),
    references=("work_injury_regulation.art64",),
)
def insured_monthly_wage(v: Inputs, p: Params) -> Array:
    """Own wage, but no less than 60 % and no more than 300 % of the regional average (art. 64 ¶2)."""
    average = v.regional_average_monthly_wage
    low, high = (
        average * p("injury.work.insured_wage_floor_ratio"),
        average * p("injury.work.insured_wage_ceiling_ratio"),
    )
    return np.clip(v.own_average_monthly_wage, low, high)


def _by_grade(table: Any, grade: Array) -> Array:
    """table[grade] element-wise, 0 for grades the table does not list."""
    by_grade = np.zeros(11, dtype=float)
    for key, amount in dict(table).items():
        by_grade[int(key)] = float(amount)
    return by_grade[grade]


@registry.formula(
    "一次性伤残补助金（工伤）",
    "One-time disability subsidy (work injury)",
    "float",
    unit="yuan",
    inputs=("disability_grade", "insured_monthly_wage"),
    parameters=("injury.work.disability_subsidy_months", "money.rounding_rule"),
    references=("work_injury_regulation.art35",),
)
def work_injury_one_time_disability_subsidy(v: Inputs, p: Params) -> Array:
    """27, 25, 23, 21, 18, 16, 13, 11, 9 or 7 months of 本人工资 for grades 1–10 (arts. 35–37), paid by the fund."""
    months = _by_grade(p("injury.work.disability_subsidy_months"), v.disability_grade)
    return rounded(p, months * v.insured_monthly_wage)


@registry.formula(
    "伤残津贴（工伤，月）",
    "Disability allowance per month (work injury)",
    "float",
    unit="yuan/month",
    inputs=("disability_grade", "insured_monthly_wage"),
    parameters=("injury.work.disability_allowance_ratio", "wages.minimum_wage_monthly", "money.rounding_rule"),
    references=("work_injury_regulation.art35", "work_injury_regulation.art36"),
)
def work_injury_disability_allowance_monthly(v: Inputs, p: Params) -> Array:
    """Grades 1–4: 90/85/80/75 % of 本人工资 from the fund, made up to the minimum wage; grades 5–6: 70/60 % from the
    employer when it offers no suitable job (the employer also makes it up to the minimum wage); 0 for 7–10."""
    grade = v.disability_grade
    allowance = grade <= 6
    with p.for_rows(allowance):
        amount = _by_grade(p("injury.work.disability_allowance_ratio"), grade) * v.insured_monthly_wage
        minimum = p.optional("wages.minimum_wage_monthly")
        if minimum is None:
            p.warn(
                "work_injury_disability_allowance_monthly: no minimum wage for the region; the make-up to it is not "
                "applied"
            )
        else:
            amount = np.where(allowance, np.maximum(amount, float(minimum)), amount)
    return rounded(p, amount)


@registry.formula(
    "伤残津贴支付方",
    "Who pays the disability allowance",
    "enum",
    enum=AllowancePayer,
    inputs=("disability_grade",),
    references=("work_injury_regulation.art35", "work_injury_regulation.art36"),
)
def work_injury_disability_allowance_payer(v: Inputs, p: Params) -> Array:
    """The fund for grades 1–4, the employer for grades 5–6, nobody below."""
    grade = v.disability_grade
    return choose([grade <= 4, grade <= 6], [AllowancePayer.FUND, AllowancePayer.EMPLOYER], AllowancePayer.NONE)


@registry.formula(
    "丧葬补助金（工伤）",
    "Funeral subsidy (work injury)",
    "float",
    unit="yuan",
    inputs=("regional_average_monthly_wage",),
    parameters=("injury.work.funeral_months", "money.rounding_rule"),
    references=("work_injury_regulation.art39",),
)
def work_injury_funeral_subsidy(v: Inputs, p: Params) -> Array:
    """6 months of the regional prior-year average monthly wage (art. 39(一))."""
    return rounded(p, v.regional_average_monthly_wage * p("injury.work.funeral_months"))


def _dependant_pension(base: Array, v: Inputs, ratios: Any) -> Array:
    share = (
        np.where(v.dependant_spouse, float(ratios["spouse"]), 0.0)
        + v.dependants_other * float(ratios["other"])
        + v.dependants_lone * float(ratios["lone_extra"])
    )
    return np.minimum(base * share, base)


@registry.formula(
    "供养亲属抚恤金（工伤，月）",
    "Dependants' pension per month (work injury)",
    "float",
    unit="yuan/month",
    inputs=("insured_monthly_wage", "dependant_spouse", "dependants_other", "dependants_lone"),
    parameters=("injury.work.dependant_ratios", "money.rounding_rule"),
    references=("work_injury_regulation.art39",),
)
def work_injury_dependant_pension_monthly(v: Inputs, p: Params) -> Array:
    """Spouse 40 %, each other dependant 30 %, +10 % each for lone elders and orphans, in all no more than 本人工资."""
    return rounded(p, _dependant_pension(v.insured_monthly_wage, v, p("injury.work.dependant_ratios")))


def _prior_year_hit(p: Params, name: str) -> ParameterHit:
    """A statistic of the year before the date, for the place of the question (its own figure, else its province's,
    else the national one); the latest published one, with a warning, when it is not out yet."""
    wanted = p.date.year - 1
    hit = p.hit(name, dt.date(wanted, 7, 1))
    if hit is None:
        raise NotInForceError(f"{name}: no value in force for {wanted} or before", name=name)
    # a figure stated for its year (valid_until) read later already brings its own "carried forward" warning
    carried_forward_said = hit.valid_until is not None and hit.valid_until < dt.date(wanted, 7, 1)
    if hit.effective_from.year != wanted and not carried_forward_said:
        p.warn(f"{name}: the {wanted} figure is not in the parameters; the {hit.effective_from.year} figure is used")
    return hit


def _prior_year_figure(p: Params, name: str) -> float:
    """The value of `_prior_year_hit`."""
    return float(_prior_year_hit(p, name).value)


@registry.formula(
    "一次性工亡补助金",
    "One-time death subsidy (work injury)",
    "float",
    unit="yuan",
    parameters=("injury.work.death_lump_sum_multiple", "wages.national_urban_disposable_income_annual"),
    references=("work_injury_regulation.art39",),
)
def work_injury_death_lump_sum(v: Inputs, p: Params) -> float:
    """20 × the prior-year national urban per-capita disposable income, by the date of death (the question's date)."""
    income = _prior_year_figure(p, "wages.national_urban_disposable_income_annual")
    return float(p("injury.work.death_lump_sum_multiple")) * income
