"""Medical insurance (医疗保险): flexible workers' employee-medical contributions, resident premiums, and the
expected reimbursement of an inpatient bill (deductible, ratio, cap; 医保发〔2022〕22号 for care in another province).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from gigcover.engine import Categorical, gather, round_money, scalar_if_0d
from gigcover.rules import registry, rounding_rule


class MedicalTier(Categorical):
    """A contribution tier where a city offers tiers (重庆: 一档/二档)."""

    TIER1 = "tier1", "一档", "tier 1"
    TIER2 = "tier2", "二档", "tier 2"


class MedicalScheme(Categorical):
    """Employee or resident basic medical insurance."""

    EMPLOYEE = "employee", "职工基本医疗保险", "employee medical insurance"
    RESIDENT = "resident", "城乡居民基本医疗保险", "resident medical insurance"


class TreatmentPlace(Categorical):
    """Where care is had, relative to the insured place (医保发〔2022〕22号)."""

    IN_PLACE = "in_place", "参保地就医", "where insured"
    REGISTERED_RESIDENT = (
        "registered_resident",
        "异地长期居住（已备案）",
        "another province, registered long-term resident",
    )
    TEMPORARY_REGISTERED = (
        "temporary_registered",
        "临时外出就医（已备案）",
        "another province, registered temporary care",
    )
    TEMPORARY_UNREGISTERED = "temporary_unregistered", "临时外出就医（未备案）", "another province, unregistered"


TREATMENT_PLACES = TreatmentPlace.ids()

registry.input(
    "medical_tier",
    "职工医保缴费档次（重庆）",
    "Employee-medical tier where a city offers tiers",
    "enum",
    enum=MedicalTier,
    default=MedicalTier.TIER1,
)
registry.input(
    "medical_scheme",
    "医保类型",
    "Medical scheme",
    "enum",
    enum=MedicalScheme,
)
registry.input(
    "inpatient_bill", "住院费用（政策范围内）", "Inpatient bill (in-policy)", "float", minimum=0, unit="yuan"
)
registry.input(
    "treatment_place",
    "就医地",
    "Where treated",
    "enum",
    enum=TreatmentPlace,
    default=TreatmentPlace.IN_PLACE,
    references=("medical_cross_province_2022_22",),
    description="in_place: where insured. Other values: another province, as a registered long-term resident, a "
    "registered temporary patient, or unregistered (医保发〔2022〕22号).",
)


@registry.formula(
    "灵活就业人员职工医保月缴费",
    "Flexible worker's employee-medical contribution per month",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly", "pension_average_wage_monthly", "medical_tier"),
    parameters=(
        "medical.employee.flexible.fixed_monthly",
        "medical.employee.flexible.tier_annual",
        "medical.employee.flexible.base_ratio",
        "medical.employee.flexible.rate",
        "money.rounding_rule",
    ),
    references=("social_insurance_law.art23",),
)
def employee_medical_flexible_monthly(v: Any, p: Any) -> Any:
    """By the city's own rule: a fixed amount (Beijing), a tier (Chongqing), a rate on a set share of the average
    wage (Chengdu), or a rate on the chosen base (Shanghai, Shenzhen, Guangzhou, Hangzhou …).

    Which rule a city uses is a property of the region, not of the person, so it is chosen here once per call.
    """
    rounding = rounding_rule(p)
    fixed = p.optional("medical.employee.flexible.fixed_monthly")
    if fixed is not None:
        return round_money(np.zeros_like(np.asarray(v.pension_base_monthly, dtype=float)) + fixed, rounding)
    tiers = p.optional("medical.employee.flexible.tier_annual")
    if tiers is not None:
        annual = p.dense("medical.employee.flexible.tier_annual", MedicalTier, dtype=float)
        return round_money(np.asarray(gather(annual, v.medical_tier), dtype=float) / 12, rounding)
    rate = p("medical.employee.flexible.rate")
    base_ratio = p.optional("medical.employee.flexible.base_ratio")
    base = (
        np.asarray(v.pension_average_wage_monthly) * base_ratio
        if base_ratio is not None
        else np.asarray(v.pension_base_monthly)
    )
    return round_money(base * rate, rounding)


@registry.formula(
    "居民医保个人缴费（元/年）",
    "Resident medical premium for the coverage year (yuan/year)",
    "float",
    unit="yuan/year",
    parameters=("medical.resident.individual_premium_annual", "medical.resident.coverage_year_lag"),
    references=("resident_medical_2016_3",),
)
def resident_medical_premium_annual(v: Any, p: Any) -> Any:
    """The premium for the coverage year of the date, set by the standard of the year it is collected in.

    Premiums for coverage year Y are collected in year Y − 1 under that year's national standard (V3).
    """
    lag = int(p("medical.resident.coverage_year_lag"))
    return float(p.at("medical.resident.individual_premium_annual", dt.date(p.date.year - lag, 7, 1)))


@registry.formula(
    "居民医保财政补助（元/年）",
    "Fiscal subsidy per resident-medical enrolee (yuan/year)",
    "float",
    unit="yuan/year",
    parameters=("medical.resident.fiscal_subsidy_annual", "medical.resident.coverage_year_lag"),
    references=("resident_medical_2016_3",),
)
def resident_medical_subsidy_annual(v: Any, p: Any) -> Any:
    """The national minimum subsidy behind each enrolee, for the coverage year of the date."""
    lag = int(p("medical.resident.coverage_year_lag"))
    return float(p.at("medical.resident.fiscal_subsidy_annual", dt.date(p.date.year - lag, 7, 1)))


def _inpatient(p: Any, scheme: str, item: str) -> float:
    return float(p(f"medical.inpatient.{scheme}.{item}"))


@registry.formula(
    "住院费用预计报销",
    "Expected reimbursement of an inpatient bill",
    "float",
    unit="yuan",
    inputs=("inpatient_bill", "medical_scheme", "treatment_place"),
    parameters=(
        *tuple(
            f"medical.inpatient.{s}.{i}"
            for s in ("employee", "resident")
            for i in ("deductible", "ratio", "annual_cap")
        ),
        "medical.inpatient.cross_province_ratio_reduction",
        "money.rounding_rule",
    ),
    references=("medical_cross_province_2022_22",),
)
def inpatient_reimbursement(v: Any, p: Any) -> Any:
    """(bill − deductible) × ratio, up to the annual cap; the insured place's deductible, ratio and cap apply
    wherever the care is (参保地政策), less a lower ratio for temporary care in another province.
    """
    employee = np.asarray(v.medical_scheme) == MedicalScheme.EMPLOYEE
    deductible = np.where(employee, _inpatient(p, "employee", "deductible"), _inpatient(p, "resident", "deductible"))
    ratio = np.where(employee, _inpatient(p, "employee", "ratio"), _inpatient(p, "resident", "ratio"))
    cap = np.where(employee, _inpatient(p, "employee", "annual_cap"), _inpatient(p, "resident", "annual_cap"))
    reductions = p.dense("medical.inpatient.cross_province_ratio_reduction", TreatmentPlace, fill=0.0, dtype=float)
    reduction = gather(reductions, v.treatment_place)
    payable = np.maximum(np.asarray(v.inpatient_bill, dtype=float) - deductible, 0.0) * np.maximum(ratio - reduction, 0)
    return round_money(np.minimum(payable, cap), rounding_rule(p))


@registry.formula(
    "住院费用个人自付",
    "Out of pocket for the inpatient bill",
    "float",
    unit="yuan",
    inputs=("inpatient_bill", "inpatient_reimbursement"),
)
def inpatient_out_of_pocket(v: Any, p: Any) -> Any:
    """The bill less what the fund pays (in-policy items only)."""
    return scalar_if_0d(np.round(np.asarray(v.inpatient_bill) - np.asarray(v.inpatient_reimbursement), 2))


@registry.formula(
    "职工医保个人月缴费（单位参保）",
    "Employee medical, worker's share through an employer (monthly)",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly",),
    parameters=("medical.employee.worker_rate", "money.rounding_rule"),
    references=("social_insurance_law.art23_employee",),
)
def employee_medical_worker_contribution_monthly(v: Any, p: Any) -> Any:
    """About 2 % of the wage, deducted by the employer (national guidance; cities differ)."""
    return round_money(np.asarray(v.pension_base_monthly) * p("medical.employee.worker_rate"), rounding_rule(p))


@registry.formula(
    "职工医保单位月缴费",
    "Employee medical, employer's share (monthly)",
    "float",
    unit="yuan/month",
    inputs=("pension_base_monthly",),
    parameters=("medical.employee.employer_rate", "money.rounding_rule"),
    references=("social_insurance_law.art23_employee",),
)
def employee_medical_employer_contribution_monthly(v: Any, p: Any) -> Any:
    """About 6 % of payroll (national guidance; cities differ)."""
    return round_money(np.asarray(v.pension_base_monthly) * p("medical.employee.employer_rate"), rounding_rule(p))
