"""The plan's items (拆包式参保): injury, medical, pension and unemployment — each with its route, cost, who else pays,
what it protects, why, what the worker gives up without it, the figures it lacks, and what to do next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from gigcover.rules.medical import MedicalAccount

from . import text
from .asker import Question, reaches
from .context import Context
from .gaps import estimate_gap, missing_gaps, traced_gaps, unverified_of
from .next_steps import hotline, next_steps

INPATIENT_BILL = 20_000.0
INJURY_GRADE = 7
# The pension projection's row for each advised scheme (Context.variants).
VARIANT_OF = {"employee_pension": "employee", "resident_pension": "resident"}


def build(c: Context, make: Callable[[Context], dict[str, Any]]) -> dict[str, Any]:
    """One item, with the data gaps, UNVERIFIED figures and next steps of what its own figures rest on."""
    mark, missing_mark = c.ask.mark(), len(c.ask.missing)
    item = make(c)
    questions = c.ask.since(mark) + item.pop("_questions", [])
    model, name = c.ask.model, item["item"]
    estimated = ESTIMATED_RATE if "cost_estimate" in item else None
    gaps = missing_gaps(model, name, c.ask.missing[missing_mark:], estimated)
    paid_in = item.pop("_paid_in", set())
    gaps += traced_gaps(model, name, questions, projection=name == "pension", paid_in=paid_in)
    if c.estimate is not None and reaches(questions, "pension_average_wage_monthly"):
        gaps.insert(0, estimate_gap(model, name, c.estimate))
    item["data_gaps"] = gaps
    item["unverified_parameters"] = [u["parameter"] for u in unverified_of(model, questions)]
    item["unverified_figures"] = unverified_of(model, questions)
    steps, citation = next_steps(c, name, item["scheme"], item["place"])
    item["next_steps"], item["hotline"] = steps, hotline(name)
    if citation is not None:
        item["citations"].append(citation)
    return item


def item(
    name: str,
    scheme: str,
    place: str,
    cost: float | None,
    others: dict[str, float],
    protects: dict[str, Any],
    reasons: tuple[str, str, str, str],
    citations: list[dict[str, object]],
    enrolled: bool,
    basis: str = "",
) -> dict[str, Any]:
    reason_zh, reason_en, loss_zh, loss_en = reasons
    title_zh, title_en = text.ITEM_TITLES[name]
    scheme_zh, scheme_en = text.SCHEME_NAMES.get(scheme, (scheme, scheme))
    return {
        "item": name,
        "title_zh": title_zh,
        "title_en": title_en,
        "scheme": scheme,
        "scheme_zh": scheme_zh,
        "scheme_en": scheme_en,
        "place": place,
        "worker_monthly_cost": round(cost or 0.0, 2),
        "cost_known": cost is not None,
        # why a cost is unknown: an insurer's quote (commercial cover) or a regional figure not in the parameters
        "cost_unknown_reason": None
        if cost is not None
        else ("insurer_quote" if place == "none" else "no_regional_figure"),
        "other_payers": {k: round(v, 2) for k, v in others.items()},
        "protects": protects,
        "loss_if_skipped_zh": loss_zh,
        "loss_if_skipped_en": loss_en,
        "reason_zh": reason_zh,
        "reason_en": reason_en,
        "citations": citations,
        "already_enrolled": enrolled,
        "choice_basis": basis,
    }


# -- injury --------------------------------------------------------------------------------------------------
def injury_item(c: Context) -> dict[str, Any]:
    accident, industry = c.facts["accident_risk_level"], c.profile.industry
    if c.facts["work_injury_access"] == "employer":
        benefits = c.ask.optional(
            ["work_injury_one_time_disability_subsidy", "work_injury_death_lump_sum", "work_injury_funeral_subsidy"],
            disability_grade=INJURY_GRADE,
            own_average_monthly_wage=c.profile.monthly_income,
        )
        found = benefits or {}
        protects = {
            "grade7_one_time_subsidy": found.get("work_injury_one_time_disability_subsidy"),
            "death_lump_sum": found.get("work_injury_death_lump_sum"),
            "funeral_subsidy": found.get("work_injury_funeral_subsidy"),
        }
        return item(
            "occupational_injury",
            "work_injury",
            "work_place",
            0.0,
            {},
            protects,
            text.injury_reason("work_injury", industry, accident, False),
            c.cite("social_insurance_law.art33", "work_injury_regulation.art35"),
            True,
            "employer",
        )
    if c.facts["occupational_injury_access"] == "platform":
        levy = c.ask(
            [
                "occupational_injury_levy_per_order",
                "occupational_injury_platform_monthly",
                "occupational_injury_worker_monthly",
                "occupational_injury_one_time_disability_subsidy",
                "occupational_injury_death_lump_sum",
                "occupational_injury_funeral_subsidy",
            ],
            monthly_orders=c.profile.monthly_orders or 0.0,
            disability_grade=INJURY_GRADE,
        )
        protects = {
            "grade7_one_time_subsidy": levy["occupational_injury_one_time_disability_subsidy"],
            "death_lump_sum": levy["occupational_injury_death_lump_sum"],
            "funeral_subsidy": levy["occupational_injury_funeral_subsidy"],
            "platform_pays_per_order": levy["occupational_injury_levy_per_order"],
        }
        return item(
            "occupational_injury",
            "occupational_injury",
            "work_place",
            levy["occupational_injury_worker_monthly"],
            {"platform": levy["occupational_injury_platform_monthly"]},
            protects,
            text.injury_reason("occupational_injury", industry, accident, True),
            c.cite("occupational_injury_2025_24", "occupational_injury_2025_79", "seed_paper.injury_reform"),
            True,
            "platform",
        )
    return item(
        "occupational_injury",
        "commercial_accident",
        "none",
        None,
        {},
        {},
        text.injury_reason("none", industry, accident, _pilot_industry(c)),
        c.cite("occupational_injury_2025_24", "seed_paper.injury_reform"),
        "occupational_injury" in c.enrolled,
        "no_route",
    )


def _pilot_industry(c: Context) -> bool:
    """Whether the worker's industry is one the occupational-injury pilot covers on the date (its platform or region
    may still be outside it)."""
    from gigcover.engine.errors import NotInForceError
    from gigcover.engine.regions import NATIONAL

    try:
        hit = c.ask.model.store.lookup("occupational_injury.pilot.industries", c.request.date, NATIONAL)
    except NotInForceError:
        return False
    return c.profile.industry in (hit.value or [])


# -- medical -------------------------------------------------------------------------------------------------
def employer_shares(c: Context, scheme: str) -> tuple[float | None, dict[str, float]]:
    """An employee's share and the employer's of `scheme` on the wage; (None, {}) where the region publishes no base
    band to clamp the wage to."""
    worker, employer = f"{scheme}_worker_contribution_monthly", f"{scheme}_employer_contribution_monthly"
    costs = c.ask.optional([worker, employer], pension_base_chosen_monthly=max(c.profile.monthly_income, 0.01))
    if costs is None:
        return None, {}
    return costs[worker], {"employer": costs[employer]}


def resident_medical_cost(c: Context, place: str) -> tuple[float, dict[str, float]]:
    premium = c.ask(["resident_medical_premium_annual", "resident_medical_subsidy_annual"], region=c.places[place])
    return premium["resident_medical_premium_annual"] / 12, {
        "government": premium["resident_medical_subsidy_annual"] / 12
    }


def employee_medical_cost(c: Context, place: str) -> float | None:
    cost = c.ask.optional(["employee_medical_flexible_monthly"], region=c.places[place])
    return None if cost is None else float(cost["employee_medical_flexible_monthly"])


def medical_item(c: Context) -> dict[str, Any]:
    if c.employer:
        return medical_result(c, "employee_medical", "work_place", *employer_shares(c, "employee_medical"), "employer")
    held = [s for s in ("employee_medical", "resident_medical") if s in c.enrolled]
    employee_open = c.facts["employee_medical_access"] == "individual"
    if held:
        scheme, basis = held[0], "enrolled"
    elif c.middle_income and employee_open:
        scheme, basis = "employee_medical", "income"
    else:
        scheme, basis = "resident_medical", _resident_basis(c, employee_open)
    place = c.place_of(scheme)
    if scheme == "employee_medical":
        cost = employee_medical_cost(c, place)
        found = medical_result(c, scheme, place, cost, {}, basis)
        if cost is None:
            return with_estimate(found, employee_medical_estimate(c, place))
        return with_pooling_only_option(found, pooling_only(c, place, cost))
    return medical_result(c, scheme, place, *resident_medical_cost(c, place), basis)


POOLING_ONLY = MedicalAccount.WITHOUT_ACCOUNT


class PoolingOnly(NamedTuple):
    cost: float  # a month, without a personal account
    account_credit: float | None  # what the account would have received a month (None: the city states no split)


def pooling_only(c: Context, place: str, cost: float | None) -> PoolingOnly | None:
    """Where the city also lets a flexible worker join without a personal account (单建统筹: 济南, Shandong from
    2026) and it is cheaper: its cost, and the account credit it gives up where the city states the split; else
    None."""
    if cost is None:
        return None
    region = c.places[place]
    found = c.ask.optional(
        ["employee_medical_flexible_monthly"], region=region, medical_personal_account=POOLING_ONLY.id
    )
    cheaper = None if found is None else float(found["employee_medical_flexible_monthly"])
    if cheaper is None or cheaper >= cost:
        return None
    credit = c.ask.optional(["employee_medical_flexible_account_monthly"], region=region)
    return PoolingOnly(cheaper, None if credit is None else float(credit["employee_medical_flexible_account_monthly"]))


def with_pooling_only_option(found: dict[str, Any], option: PoolingOnly | None) -> dict[str, Any]:
    """The paper's item-by-item choice within one scheme: the same inpatient cover for less, without the personal
    account (a smaller budget may take it); said in the reason and given as a priced option."""
    if option is None:
        return found
    cheaper, credit = option
    saving = found["worker_monthly_cost"] - cheaper
    zh, en = text.pooling_only_sentence(cheaper, saving, credit)
    return found | {
        "reason_zh": f"{found['reason_zh']}{zh}",
        "reason_en": f"{found['reason_en']} {en}",
        "options": [
            {
                "medical_personal_account": POOLING_ONLY.id,
                "label_zh": POOLING_ONLY.zh,
                "label_en": POOLING_ONLY.en,
                "worker_monthly_cost": round(cheaper, 2),
                "saving_monthly": round(saving, 2),
                "account_credit_given_up_monthly": None if credit is None else round(credit, 2),
            }
        ],
    }


ESTIMATED_RATE = "medical.employee.flexible.rate"


def employee_medical_estimate(c: Context, place: str) -> dict[str, Any] | None:
    """Where the place publishes no flexible-worker medical rule in the parameters: the cost at the lowest and at the
    highest rate any place that does sets on the date, by the same formula on the worker's own base (the rate as an
    overlay, asked aside so that the advice's own verification is not the estimate's). None where no place sets a
    rate, or the base itself cannot be worked out."""
    rates = [float(r) for r in c.ask.model.store.own_values_at(ESTIMATED_RATE, c.request.date).values()]
    if not rates:
        return None
    low, high = min(rates), max(rates)
    at_low, at_high = (
        c.ask.aside(["employee_medical_flexible_monthly"], c.places[place], {ESTIMATED_RATE: rate})
        for rate in (low, high)
    )
    if at_low is None or at_high is None:
        return None
    low_cost = float(at_low["employee_medical_flexible_monthly"])
    high_cost = float(at_high["employee_medical_flexible_monthly"])
    zh, en = text.estimate_sentence(low_cost, high_cost, low, high, len(rates))
    return {
        "low": round(low_cost, 2),
        "high": round(high_cost, 2),
        "rate_low": low,
        "rate_high": high,
        "places": len(rates),
        "basis": "rates_set_elsewhere",
        "zh": zh,
        "en": en,
    }


def with_estimate(found: dict[str, Any], estimate: dict[str, Any] | None) -> dict[str, Any]:
    """An item whose cost the rules cannot work out for the place, with the range estimated from other places (the
    cost stays unknown: the range is said, never added to the plan's total)."""
    if estimate is None:
        return found
    return found | {
        "cost_estimate": estimate,
        "reason_zh": f"{found['reason_zh']}{estimate['zh']}",
        "reason_en": f"{found['reason_en']} {estimate['en']}",
    }


def _resident_basis(c: Context, employee_open: bool) -> str:
    if not employee_open:
        return "closed"
    return "income" if c.income_floor is not None else "no_figure"


def treatment_place(c: Context, place: str) -> str:
    """Care is where the worker lives and works: in place, or in another province as a registered temporary patient."""
    return "temporary_registered" if place == "hukou_place" and c.away_from_home else "in_place"


def reimbursement(c: Context, scheme: str, place: str) -> float | None:
    kind = "employee" if scheme == "employee_medical" else "resident"
    refund = c.ask.optional(
        ["inpatient_reimbursement"],
        region=c.places[place],
        inpatient_bill=INPATIENT_BILL,
        medical_scheme=kind,
        treatment_place=treatment_place(c, place),
    )
    return None if refund is None else float(refund["inpatient_reimbursement"])


def medical_result(
    c: Context, scheme: str, place: str, cost: float | None, others: dict[str, float], basis: str
) -> dict[str, Any]:
    protects = {
        "inpatient_bill": INPATIENT_BILL,
        "treatment_place": treatment_place(c, place),
        "expected_reimbursement": reimbursement(c, scheme, place),
    }
    return item(
        "medical",
        scheme,
        place,
        cost,
        others,
        protects,
        text.medical_reason(scheme, place, basis, c.income_floor, medical_rates(c, place)),
        c.cite(
            "social_insurance_law.art23",
            "resident_medical_2016_3",
            "medical_cross_province_2022_22",
            "seed_paper.medical_reform",
        ),
        scheme in c.enrolled or basis == "employer",
        basis,
    )


def medical_rates(c: Context, place: str) -> dict[str, float | None]:
    """The rates the medical sentence quotes, from the parameters of the item's place."""
    where = place if place in c.places and place != "none" else "work_place"
    return {"worker": c.rate("medical.employee.worker_rate", where)}


# -- pension -------------------------------------------------------------------------------------------------
def pension_rates(c: Context, place: str) -> dict[str, float | None]:
    """The rates the pension sentence quotes, from the parameters of the item's place: an employee's and an
    employer's share, a flexible worker's rate and the part of it that goes to the personal account."""
    where = place if place in c.places and place != "none" else "work_place"
    names = {
        "worker": "pension.employee.worker_rate",
        "employer": "pension.employee.employer_rate",
        "flexible": "pension.employee.flexible.rate",
        "flexible_account": "pension.employee.flexible.account_rate",
    }
    return {key: c.rate(name, where) for key, name in names.items()}


def employee_pension_cost(c: Context, base_index: float | None = None) -> float | None:
    extra = {} if base_index is None else {"pension_base_index_chosen": base_index}
    found = c.ask.optional(
        ["employee_pension_worker_contribution_monthly"], employee_pension_access="individual", **extra
    )
    return None if found is None else float(found["employee_pension_worker_contribution_monthly"])


def resident_pension_cost(c: Context, place: str) -> tuple[float, dict[str, float]]:
    tier = float(c.facts["suggested_resident_pension_tier_annual"])
    subsidy = c.ask(["resident_pension_subsidy_annual"], region=c.places[place], resident_pension_tier_annual=tier)
    return tier / 12, {"government": subsidy["resident_pension_subsidy_annual"] / 12}


def pension_item(c: Context) -> dict[str, Any]:
    if c.employer:
        cost, others = employer_shares(c, "employee_pension")
        return pension_result(c, "employee_pension", "work_place", cost, others, None, "employer")
    held = [s for s in ("employee_pension", "resident_pension") if s in c.enrolled]
    employee_open = c.facts["employee_pension_access"] == "individual"
    if held:
        scheme, basis = held[0], "enrolled"
    elif c.middle_income and employee_open:
        scheme, basis = "employee_pension", "income"
    else:
        scheme, basis = "resident_pension", _resident_basis(c, employee_open)
    place = c.place_of(scheme)
    if scheme == "employee_pension":
        return pension_result(c, scheme, place, employee_pension_cost(c), {}, VARIANT_OF[scheme], basis)
    cost, others = resident_pension_cost(c, place)
    return pension_result(c, scheme, place, cost, others, VARIANT_OF[scheme], basis)


def pension_result(
    c: Context,
    scheme: str,
    place: str,
    cost: float | None,
    others: dict[str, float],
    variant: str | None,
    basis: str,
) -> dict[str, Any]:
    protects: dict[str, Any] = {}
    projected = c.variants().get(variant) if variant else None
    if projected:
        protects = {
            "projected_pension_monthly": projected["pension_monthly"],
            "projected_pension_monthly_today": projected["pension_monthly_today"],
            "paid_from": projected["pension_scheme"],
            "paid_in": projected["pension_place"],
            "retirement_date": c.retirement["statutory_retirement_date"] if c.retirement else None,
            "contribution_years": projected["employee_years"] + projected["resident_years"],
        }
    if c.retirement:
        protects["minimum_years_for_employee_pension"] = c.retirement["minimum_contribution_years"]
    result = item(
        "pension",
        scheme,
        place,
        cost,
        others,
        protects,
        text.pension_reason(scheme, place, basis, c.income_floor, pension_rates(c, place)),
        c.cite(
            "social_insurance_law.art10",
            "resident_pension_2014_8",
            "pension_2005_38.benefit",
            "pension_transfer_2009_66",
        ),
        scheme in c.enrolled or basis == "employer",
        basis,
    )
    question: Question | None = c.variant_questions.get(variant) if variant else None
    result["_questions"] = [question] if question is not None else []
    if projected and projected["pension_scheme"] == "employee":
        result["_paid_in"] = {str(projected["pension_place"])}
    return result


# -- unemployment --------------------------------------------------------------------------------------------
def unemployment_item(c: Context) -> dict[str, Any]:
    access = c.facts["unemployment_access"]
    if access == "none":
        return item(
            "unemployment",
            "none",
            "none",
            0.0,
            {},
            {},
            text.unemployment_reason(False),
            c.cite("unemployment_flexible", "seed_paper.injury_reform"),
            False,
            "closed",
        )
    figures = c.ask.optional(
        [
            "unemployment_worker_contribution_monthly",
            "unemployment_employer_contribution_monthly",
            "unemployment_benefit_max_months",
        ],
        pension_base_chosen_monthly=max(c.profile.monthly_income, 0.01),
        unemployment_contribution_years=5,
    )
    found: dict[str, Any] = figures or {}
    employer_pays = found.get("unemployment_employer_contribution_monthly")
    others = {"employer": employer_pays} if access == "employer" and employer_pays is not None else {}
    benefit = c.ask.optional(["unemployment_benefit_monthly"])
    protects = {
        "months_after_5_years": found.get("unemployment_benefit_max_months"),
        "benefit_monthly": None if benefit is None else benefit["unemployment_benefit_monthly"],
    }
    return item(
        "unemployment",
        "unemployment",
        "work_place",
        found.get("unemployment_worker_contribution_monthly"),
        others,
        protects,
        text.unemployment_reason(True),
        c.cite("social_insurance_law.art44", "unemployment_regulation.art17", "unemployment_flexible"),
        "unemployment" in c.enrolled or access == "employer",
        "employer" if access == "employer" else "open",
    )
