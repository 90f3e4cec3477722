"""Questions every interface asks of the rules (classify, coverage, Table 2), answered through `calculate`."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from gigcover.engine.evaluate import Model, calculate, missing_inputs
from gigcover.engine.regions import NATIONAL
from gigcover.rules.coverage import SCHEME_OUTPUTS, SCHEMES, TABLE2_OUTPUTS

CLASSIFICATION_OUTPUTS = ("legal_relation", "employment_form", "new_form_category")
COVERAGE_OUTPUTS = (*CLASSIFICATION_OUTPUTS, *TABLE2_OUTPUTS, *SCHEME_OUTPUTS)


def ask(
    model: Model,
    date: str,
    region: str | None,
    inputs: Mapping[str, Any],
    outputs: Sequence[str],
    trace: bool = False,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One `calc` request built from its parts."""
    request = {"date": date, "region": region, "inputs": dict(inputs), "outputs": list(outputs), "trace": trace}
    return calculate(model, {**request, "overrides": dict(overrides or {})})


def classify(
    model: Model, date: str, region: str | None, inputs: Mapping[str, Any], trace: bool = False
) -> dict[str, Any]:
    """Table 1 form, legal relation and 56号 category for one worker."""
    return ask(model, date, region, inputs, CLASSIFICATION_OUTPUTS, trace)


def coverage(
    model: Model,
    date: str,
    region: str | None,
    inputs: Mapping[str, Any],
    trace: bool = False,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Classification, Table 2 cell and every scheme's route, place and payers."""
    return ask(model, date, region, inputs, COVERAGE_OUTPUTS, trace, overrides)


def schemes(outputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The per-scheme outputs regrouped as rows: scheme, access, place, payers."""
    return [
        {
            "scheme": s,
            "access": outputs[f"{s}_access"],
            "place": outputs[f"{s}_place"],
            "payers": outputs[f"{s}_payers"],
        }
        for s in SCHEMES
    ]


def table2(model: Model, date: str, region: str) -> list[dict[str, Any]]:
    """All eight cells of the paper's Table 2 as the law stands on `date` in `region` (one vector call)."""
    people = list(itertools.product((True, False), (False, True), (True, False)))  # local, rural, labour
    answer = calculate(
        model,
        {
            "date": date,
            "region": region,
            "outputs": list(TABLE2_OUTPUTS),
            "inputs": {
                "hukou_local": [p[0] for p in people],
                "hukou_rural": [p[1] for p in people],
                "has_labor_contract": [p[2] for p in people],
            },
        },
    )
    out = answer["outputs"]
    return [
        {"cell": out["table2_cell"][i], "severity": out["table2_severity"][i], "options": out["table2_options"][i]}
        for i in range(len(people))
    ]


PENSION_OUTPUTS = (
    "pension_benefit_base",
    "pension_divisor_months",
    "employee_pension_basic_monthly",
    "employee_pension_account_monthly",
    "employee_pension_monthly",
    "minimum_contribution_years",
    "employee_pension_eligible",
    "resident_pension_basic_monthly",
    "resident_pension_monthly",
    "resident_pension_eligible",
)
CONTRIBUTION_OUTPUTS = (
    "pension_base_monthly",
    "employee_pension_worker_contribution_monthly",
    "employee_pension_employer_contribution_monthly",
    "employee_pension_account_credit_monthly",
    "employee_medical_flexible_monthly",
    "resident_medical_premium_annual",
    "resident_pension_subsidy_annual",
    "unemployment_worker_contribution_monthly",
    "occupational_injury_monthly_levy",
    "occupational_injury_worker_monthly",
    "occupational_injury_platform_monthly",
)
INJURY_OUTPUTS = (
    ("insured_monthly_wage", "occupational_injury_benefit_base_monthly"),
    ("work_injury_one_time_disability_subsidy", "occupational_injury_one_time_disability_subsidy"),
    ("work_injury_disability_allowance_monthly", "occupational_injury_disability_allowance_monthly"),
    (None, "occupational_injury_grade5_6_lump_sum"),
    ("work_injury_funeral_subsidy", "occupational_injury_funeral_subsidy"),
    ("work_injury_dependant_pension_monthly", "occupational_injury_dependant_pension_monthly"),
    ("work_injury_death_lump_sum", "occupational_injury_death_lump_sum"),
)
INJURY_ROW_LABELS = (
    ("待遇计发基数（工伤：本人工资）", "Benefit base (work injury: own wage, clamped)"),
    ("一次性伤残补助金", "One-time disability subsidy"),
    ("伤残津贴（月）", "Disability allowance per month"),
    ("五级、六级一次性津贴", "Grade 5–6 one-time allowance"),
    ("丧葬补助金", "Funeral subsidy"),
    ("供养亲属抚恤金（月）", "Dependants' pension per month"),
    ("一次性死亡补助金", "One-time death subsidy"),
)


def answerable(
    model: Model, outputs: Sequence[str], inputs: Mapping[str, Any], region: str | None
) -> tuple[list[str], dict[str, list[str]]]:
    """The outputs the given inputs can answer, and for the others the inputs they still need."""
    given = {name: None for name in inputs}
    needs = missing_inputs(model, list(outputs), given, region is not None)
    blocked: dict[str, list[str]] = {}
    for name, users in needs.items():
        for user in users:
            blocked.setdefault(user, []).append(name)
    return [o for o in outputs if o not in blocked], blocked


def parameter_info(model: Model, name: str, date: dt.date, region: str | None) -> dict[str, Any]:
    """A parameter's value on a date in a region with its source (`params show`, `GET /v1/parameters/{name}`)."""
    parameter = model.store.get(name)
    code = model.regions.resolve(region).code if region else NATIONAL
    hit = model.store.lookup(name, date, code)
    return {
        "name": name,
        "description": parameter.spec.description,
        "label_en": parameter.spec.label_en,
        "unit": parameter.spec.unit,
        "domain": None if (domain := parameter.domain()) is None else domain.model_dump(),
        "date": date.isoformat(),
        "requested_region": code,
        **hit.to_dict(),
        "file": parameter.path,
        "fallback": hit.fallback,
        "valid_until": hit.valid_until.isoformat() if hit.valid_until else None,
        "stale": hit.stale,
    }


def variable_info(model: Model, name: str) -> dict[str, Any]:
    """A variable's labels, type, inputs, parameters and citations (`variables show`, `GET /v1/variables/{name}`)."""
    var = model.variable(name)
    return {**var.describe(), "references": [model.citation(k) for k in var.references]}
