"""Hukou limits at the place of work (户籍限制) and enrolment at the hukou place: 社会保险法 arts. 10, 23; 人社部发〔2021〕56号."""

from __future__ import annotations

import numpy as np

from gigcover.engine import Array, Inputs, Params
from gigcover.rules import registry


# -- where a worker without a labour relation may enrol --------------------------------------------------
@registry.formula(
    "可在就业地以个人身份参加职工养老保险",
    "May join employee pension as an individual at the place of work",
    "bool",
    inputs=("hukou_local",),
    parameters=("coverage.hukou.pension_work_place_requires_local_hukou",),
    references=("social_insurance_law.art10", "mohrss_2021_56.hukou"),
)
def work_place_employee_pension_open(v: Inputs, p: Params) -> Array:
    """Open to local hukou always; to others once the place of work lifted its hukou limit."""
    return v.hukou_local | (not p("coverage.hukou.pension_work_place_requires_local_hukou"))


@registry.formula(
    "可在就业地以个人身份参加职工医保",
    "May join employee medical as an individual at the place of work",
    "bool",
    inputs=("hukou_local",),
    parameters=("coverage.hukou.medical_work_place_requires_local_hukou",),
    references=("social_insurance_law.art23", "mohrss_2021_56.hukou"),
)
def work_place_employee_medical_open(v: Inputs, p: Params) -> Array:
    """Open to local hukou always; to others once the place of work lifted its hukou limit."""
    return v.hukou_local | (not p("coverage.hukou.medical_work_place_requires_local_hukou"))


@registry.formula(
    "可在就业地参加居民医保",
    "May join resident medical insurance at the place of work",
    "bool",
    inputs=("hukou_local",),
    parameters=("coverage.hukou.resident_medical_work_place_open_to_nonlocal",),
    references=("resident_medical_2016_3",),
)
def work_place_resident_medical_open(v: Inputs, p: Params) -> Array:
    """Local hukou always; others where residence-based enrolment is open."""
    return v.hukou_local | p("coverage.hukou.resident_medical_work_place_open_to_nonlocal")


@registry.formula(
    "可在户籍地以个人身份参加职工保险",
    "May join employee insurance as an individual at the hukou place",
    "bool",
    inputs=("hukou_local", "hukou_rural"),
    parameters=("coverage.hukou.hukou_place_employee_individual_open",),
    references=("seed_paper.table2",),
)
def hukou_place_employee_open(v: Inputs, p: Params) -> Array:
    """For workers away from home: urban hukou may keep paying at home as individuals, rural hukou may not."""
    rule = p("coverage.hukou.hukou_place_employee_individual_open")
    away = ~v.hukou_local
    return away & np.where(v.hukou_rural, rule["rural"], rule["urban"])
