"""The unbundled advisor (拆包式参保建议): one worker's diagnosis, an item-by-item plan with costs, benefits, reasons
and next steps, an affordability check with cheaper routes, and what-ifs — every figure computed through the rules
engine.

The paper's fourth reform: identify the worker's risks from the industry, give priority to injury and medical cover,
and choose employee or resident insurance by ability to pay (middle and high earners employee insurance); its fifth:
explain it in plain words. Nothing here is a rule: the numbers come from the engine (one simulation per variant of
the worker, `outputs_in`). The parts live in their own modules: diagnosis, items, affordability, what_ifs,
next_steps, gaps (figures the rules lack), asker (questions to the engine), context (what every part shares).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gigcover.engine.evaluate import Model
from gigcover.queries import COVERAGE_OUTPUTS
from gigcover.rules.coverage import SCHEMES

from .affordability import DROP_ORDER, affordability
from .asker import Asker, as_profile_error
from .context import Context, Estimate, wage_estimate
from .diagnosis import diagnosis
from .items import build, injury_item, medical_item, pension_item, unemployment_item
from .request import engine_inputs, parse_request, retirement_age
from .what_ifs import what_ifs

__all__ = ["DROP_ORDER", "Asker", "advise"]
_Asker = Asker  # the name the benchmark's peer uses

RISK_OUTPUTS = ("accident_risk_level", "illness_risk_level", "unemployment_risk_level", "old_age_risk_level")


def advise(model: Model, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The advice for one worker: {diagnosis, risk, plan, affordability, what_ifs, data_gaps, warnings, verification}."""
    request = parse_request(raw)
    profile = request.profile
    region = _region(model, profile.work_region, "profile.work_region")
    base = engine_inputs(profile)
    if profile.hukou_region is not None:
        base["hukou_region"] = _region(model, profile.hukou_region, "profile.hukou_region")
    age, assumed = retirement_age(profile)
    probe = Asker(model, request, base, region)
    estimate = wage_estimate(probe, region)
    if estimate is not None:  # the base band is built on the average wage: a stand-in, said where it is used
        base["pension_average_wage_monthly"] = estimate.value
    ask = Asker(model, request, base, region) if estimate is not None else probe
    ask.warnings.extend(assumed)
    if estimate is not None:
        ask.warnings.append(
            f"pension_average_wage_monthly: no average wage for {region}; "
            f"the national private-sector average ({estimate.value}) stands in"
        )

    facts = ask(
        [
            *COVERAGE_OUTPUTS,
            *RISK_OUTPUTS,
            "hukou_local",
            "affordable_share_of_income",
            "suggested_resident_pension_tier_annual",
        ]
    )
    hukou_code = base.get("hukou_region", region)
    places = {"work_place": region, "hukou_place": hukou_code, "none": region}
    c = Context(ask, request, facts, places, _retirement(ask, profile, age), age, estimate)
    _income_line(c)
    c.variants()  # the shared projections first, so each item's own questions are its own

    plan = [build(c, injury_item), build(c, medical_item), build(c, pension_item), build(c, unemployment_item)]
    if facts["accident_risk_level"] != "high":  # injury first where accidents are the main risk, else medical
        plan[0], plan[1] = plan[1], plan[0]
    afford, plan_kept = affordability(c, plan, request.budget_monthly, float(facts["affordable_share_of_income"]))
    found_what_ifs = what_ifs(c, plan)
    warnings, weakest = ask.said(quiet=deliberate_default)
    gaps = [gap for item in plan for gap in item["data_gaps"]]
    return {
        "date": request.date.isoformat(),
        "lang": request.lang,
        "diagnosis": diagnosis(c, tuple(SCHEMES)),
        "risk": {r.removesuffix("_risk_level"): facts[r] for r in RISK_OUTPUTS},
        "plan": plan_kept,
        "affordability": afford,
        "what_ifs": found_what_ifs,
        "data_gaps": list({g["zh"]: g for g in gaps}.values()),
        "warnings": list(dict.fromkeys(warnings)),
        "verification": {
            "weakest": weakest,
            "unverified_parameters": sorted({p for item in plan for p in item["unverified_parameters"]}),
        },
    }


def _income_line(c: Context) -> None:
    """Whether income reaches the line from which employee insurance is advised (the base floor, by default)."""
    found = c.ask.optional(["employee_scheme_income_floor", "pension_base_floor_monthly"])
    if found is not None:
        c.income_floor = float(found["employee_scheme_income_floor"])
        c.middle_income = c.profile.monthly_income >= c.income_floor


# Inputs the advisor leaves to the engine's defaults on purpose: the hours with one employer (a platform worker has
# none to tell), the counterparty and the place of work (the question's own region). Saying so is no news to the worker.
DELIBERATE_DEFAULTS = frozenset(
    {
        "daily_hours_one_employer",
        "weekly_hours_one_employer",
        "work_region",
        "contract_counterparty",
        "medical_personal_account",  # the plan prices the account and, where the city offers one, the pooling-only option
    }
)


def deliberate_default(name: str, value: Any) -> bool:
    """A default not worth a warning: one of DELIBERATE_DEFAULTS, or an amount assumed to be zero (a floating
    ratio, a transitional pension: nothing added). Decided on the input's name and value, never on a warning's text."""
    return name in DELIBERATE_DEFAULTS or (isinstance(value, float) and not isinstance(value, bool) and value == 0.0)


def _region(model: Model, raw: str, field: str) -> str:
    """A place the profile names, checked as the engine's input of that name checks it (places it refuses too)."""
    variable = model.variable(field.rpartition(".")[2])
    return str(model.regions.codes[int(variable.validate(raw, model.regions, field))])


def _retirement(ask: Asker, profile: Any, age: int) -> dict[str, Any] | None:
    if profile.birth_date is None:
        ask.warnings.append("birth_date not given: no pension projection")
        return None
    found: dict[str, Any] = as_profile_error(
        lambda: ask(
            ["statutory_retirement_date", "statutory_retirement_age_months", "minimum_contribution_years"],
            birth_date=profile.birth_date,
            original_retirement_age=age,
        )
    )
    return found


__all__ += ["Estimate", "_Asker"]
