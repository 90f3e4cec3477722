"""The unbundled advisor (拆包式参保建议): one worker's diagnosis, an item-by-item plan with costs, benefits and reasons,
an affordability check and what-ifs — every figure computed through the rules engine.

The paper's fourth reform: identify the worker's risks from the industry, give priority to injury and medical cover,
and choose employee or resident insurance by ability to pay (middle and high earners employee insurance); its fifth:
explain it in plain words. Nothing here is a rule: the numbers come from the engine (one simulation per variant of
the worker, `outputs_in`), with overlays for the what-ifs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from gigcover.advisor import text
from gigcover.advisor.request import AdviceRequest, Profile, engine_inputs, parse_request, retirement_age
from gigcover.engine.errors import GigcoverError, InputValueError
from gigcover.engine.evaluate import Model, Simulation, outputs_in, place_and_date, validate_inputs
from gigcover.engine.overlay import Overlay
from gigcover.engine.parameters import VERIFICATION_ORDER
from gigcover.engine.regions import NATIONAL
from gigcover.queries import COVERAGE_OUTPUTS
from gigcover.rules.coverage import SCHEMES
from gigcover.scenarios import scenario

__all__ = ["advise"]
T = TypeVar("T")

RISK_OUTPUTS = ("accident_risk_level", "illness_risk_level", "unemployment_risk_level", "old_age_risk_level")
INPATIENT_BILL = 20_000.0
# A flexible worker's usual choice: the base floor (the projection reads this index as the published floor and clamps
# any index to the legal band, so an employee's wage ratio can be passed as it is).
FLOOR_INDEX = 0.6
INJURY_GRADE = 7


class _Asker:
    """Questions to the engine on the request's date about one worker, whose facts are validated once; engine errors
    are renamed to the profile's fields."""

    def __init__(self, model: Model, request: AdviceRequest, base: dict[str, Any], region: str) -> None:
        self.model, self.date, self.region = model, request.date, region
        self.base = _as_profile_error(lambda: validate_inputs(model, base))
        self.warnings: list[str] = []
        self.simulations: dict[str, Simulation] = {}  # one per variant of the worker asked about, for reuse
        self.asked: list[Simulation] = []  # every simulation made, whose warnings the advice reports

    def __call__(
        self, outputs: list[str], region: str | None = None, overrides: Mapping[str, Any] | None = None, **inputs: Any
    ) -> dict[str, Any]:
        """The outputs for the worker (with `inputs` changed, at another `region`, under `overrides`). Questions about
        the same variant share one simulation, so what one question computed the next one reuses."""

        def ask() -> dict[str, Any]:
            return outputs_in(self._simulation(region or self.region, overrides, inputs), outputs)

        return _as_profile_error(ask)

    def said(self) -> tuple[list[str], str]:
        """The warnings and the weakest verification level of everything asked (read once, at the end)."""
        warnings, levels = list(self.warnings), []
        for sim in self.asked:
            if sim.region == NATIONAL:
                warnings.append("no region given: national values used")
            warnings.extend(sim.warnings())
            levels.append(sim.verification()["weakest"])
        return warnings, max(levels or ["V1"], key=VERIFICATION_ORDER.__getitem__)

    shares_simulations = True  # the benchmark's peer asks each question in a simulation of its own

    def _simulation(self, region: str, overrides: Mapping[str, Any] | None, inputs: dict[str, Any]) -> Simulation:
        key = json.dumps([region, overrides, inputs], sort_keys=True, default=str)
        sim = self.simulations.get(key) if self.shares_simulations else None
        if sim is None:
            changed = validate_inputs(self.model, inputs)
            base = self.simulations.get(json.dumps([region, None, {}])) if self.shares_simulations else None
            if base is not None and not overrides and "work_region" not in changed:
                sim = base.variant(changed)  # a what-if shares what does not depend on what it changes
            else:
                given = {**self.base, **changed}
                overlay = Overlay.parse(overrides, self.model.store) if overrides else None
                where = place_and_date(self.model, self.date, region, given)
                assert isinstance(where, tuple)
                sim = Simulation(self.model, where[0], where[1], given, overlay)
            self.simulations[key] = sim
            self.asked.append(sim)
        return sim

    def optional(self, outputs: list[str], **kwargs: Any) -> dict[str, Any] | None:
        """As __call__, but a figure the region does not publish gives None and a warning, not a failure."""
        try:
            return self(outputs, **kwargs)
        except GigcoverError as exc:
            if exc.kind in ("not_in_force", "unknown_name"):
                self.warnings.append(f"not computed ({', '.join(outputs)}): {exc.message}")
                return None
            raise


def _as_profile_error(run: Callable[[], T]) -> T:
    """Run an engine step; an error about `inputs.x` is reported as `profile.x` (the field the worker filled in)."""
    try:
        return run()
    except GigcoverError as exc:
        field = str(exc.details.get("field", ""))
        if field.startswith("inputs."):
            raise InputValueError(
                exc.message.replace("inputs.", "profile.", 1), field=field.replace("inputs.", "profile.", 1)
            ) from None
        raise


def advise(model: Model, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The advice for one worker: {diagnosis, risk, plan, affordability, what_ifs, warnings, verification}."""
    request = parse_request(raw)
    profile = request.profile
    region = _region(model, profile.work_region, "profile.work_region")
    base = engine_inputs(profile)
    if profile.hukou_region is not None:
        base["hukou_region"] = _region(model, profile.hukou_region, "profile.hukou_region")
    age, assumed = retirement_age(profile)
    ask = _Asker(model, request, base, region)
    ask.warnings.extend(assumed)

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
    income_floor = ask.optional(["employee_scheme_income_floor", "pension_base_floor_monthly"])
    middle_income = income_floor is not None and profile.monthly_income >= income_floor["employee_scheme_income_floor"]
    retirement = _retirement(ask, profile, age)

    diagnosis = _diagnosis(facts, profile)
    context = _Context(ask, profile, facts, places, middle_income, retirement, age, request)
    plan = [_injury_item(context), _medical_item(context), _pension_item(context), _unemployment_item(context)]
    if facts["accident_risk_level"] != "high":  # injury first where accidents are the main risk, else medical
        plan[0], plan[1] = plan[1], plan[0]
    affordability, plan = _affordability(
        plan, profile, request.budget_monthly, float(facts["affordable_share_of_income"])
    )
    warnings, weakest = ask.said()
    return {
        "date": request.date.isoformat(),
        "lang": request.lang,
        "diagnosis": diagnosis,
        "risk": {r.removesuffix("_risk_level"): facts[r] for r in RISK_OUTPUTS},
        "plan": plan,
        "affordability": affordability,
        "what_ifs": _what_ifs(context),
        "warnings": [w for w in dict.fromkeys(warnings) if not _internal_default(w)],
        "verification": {"weakest": weakest},
    }


def _internal_default(warning: str) -> bool:
    """Defaults the advisor sets on purpose (hours, floating ratio, the place of work) are not news to the worker."""
    return warning.endswith("not given: assumed 0.0") or warning.split(" ", 1)[0] in (
        "daily_hours_one_employer",
        "weekly_hours_one_employer",
        "work_region",
        "contract_counterparty",
    )


def _region(model: Model, raw: str, field: str) -> str:
    """A place the profile names, checked as the engine's input of that name checks it (places it refuses too)."""
    variable = model.variable(field.rpartition(".")[2])
    return str(model.regions.codes[int(variable.validate(raw, model.regions, field))])


def _retirement(ask: _Asker, profile: Profile, age: int) -> dict[str, Any] | None:
    if profile.birth_date is None:
        ask.warnings.append("birth_date not given: no pension projection")
        return None
    return ask(
        ["statutory_retirement_date", "statutory_retirement_age_months", "minimum_contribution_years"],
        birth_date=profile.birth_date,
        original_retirement_age=age,
    )


def _diagnosis(facts: dict[str, Any], profile: Profile) -> dict[str, Any]:
    enrolled = set(profile.current_enrolments)
    schemes = [
        {
            "scheme": s,
            "access": facts[f"{s}_access"],
            "place": facts[f"{s}_place"],
            "payers": facts[f"{s}_payers"],
            "enrolled": s in enrolled or facts[f"{s}_access"] in ("employer", "platform"),
        }
        for s in SCHEMES
    ]
    covered = {row["scheme"] for row in schemes if row["enrolled"]}
    needs = {
        "occupational_injury": {"work_injury", "occupational_injury"},
        "medical": {"employee_medical", "resident_medical"},
        "pension": {"employee_pension", "resident_pension"},
        "unemployment": {"unemployment"},
    }
    gaps = [item for item, options in needs.items() if not covered & options]
    diagnosis = {
        key: facts[key]
        for key in (
            "legal_relation",
            "employment_form",
            "new_form_category",
            "table2_cell",
            "table2_severity",
            "table2_options",
        )
    }
    diagnosis |= {"schemes": schemes, "covered": sorted(covered), "gaps": gaps}
    diagnosis["summary_zh"], diagnosis["summary_en"] = text.summary(diagnosis)
    return diagnosis


class _Context:
    """What every plan item and what-if needs to know about the worker."""

    def __init__(
        self,
        ask: _Asker,
        profile: Profile,
        facts: dict[str, Any],
        places: dict[str, str],
        middle_income: bool,
        retirement: dict[str, Any] | None,
        age: int,
        request: AdviceRequest,
    ) -> None:
        self.ask, self.profile, self.facts, self.places = ask, profile, facts, places
        self.middle_income, self.retirement, self.age, self.request = middle_income, retirement, age, request
        self.employer = (
            facts["employer_enrols_fully"]
            if "employer_enrols_fully" in facts
            else (facts["employee_pension_access"] == "employer")
        )
        self.enrolled = set(profile.current_enrolments)
        self.citations = ask.model.citation
        self._variants: dict[str, dict[str, Any]] | None = None

    def variants(self) -> dict[str, dict[str, Any]]:
        """The pension projections the plan and the what-ifs need, in one vector call (computed once)."""
        if self._variants is None and self.retirement is None:  # no birth date: nothing to project
            self._variants = {}
        if self._variants is None:
            employee = self.facts["employee_pension_access"] == "individual"
            named = [("resident", _history(self, "resident_pension"), 0)]
            if employee:
                named += [
                    ("employee", _history(self, "employee_pension"), 0),
                    ("employee_high", _history(self, "employee_pension", 1.0), 0),
                    ("employee_late", _history(self, "employee_pension"), 36),
                    ("employee_move", _history(self, "employee_pension", move_after=5), 0),
                ]
            results = _projections(self, [h for _, h, _ in named], [m for _, _, m in named]) or []
            self._variants = {name: result for (name, _, _), result in zip(named, results, strict=False)}
        return self._variants

    def cite(self, *keys: str) -> list[dict[str, object]]:
        return [self.citations(k) for k in keys]

    def place_of(self, scheme: str) -> str:
        return str(self.facts[f"{scheme}_place"])


def _item(
    name: str,
    scheme: str,
    place: str,
    cost: float | None,
    others: dict[str, float],
    protects: dict[str, Any],
    reasons: tuple[str, str, str, str],
    citations: list[dict[str, object]],
    enrolled: bool,
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
    }


def _injury_item(c: _Context) -> dict[str, Any]:
    income = c.profile.monthly_income
    if c.facts["work_injury_access"] == "employer":
        benefits = c.ask.optional(
            ["work_injury_one_time_disability_subsidy", "work_injury_death_lump_sum", "work_injury_funeral_subsidy"],
            disability_grade=INJURY_GRADE,
            own_average_monthly_wage=income,
        )
        found = benefits or {}
        protects = {
            "grade7_one_time_subsidy": found.get("work_injury_one_time_disability_subsidy"),
            "death_lump_sum": found.get("work_injury_death_lump_sum"),
            "funeral_subsidy": found.get("work_injury_funeral_subsidy"),
        }
        return _item(
            "occupational_injury",
            "work_injury",
            "work_place",
            0.0,
            {},
            protects,
            text.injury_reason("work_injury", "", c.facts["accident_risk_level"]),
            c.cite("social_insurance_law.art33", "work_injury_regulation.art35"),
            True,
        )
    if c.facts["occupational_injury_access"] == "platform":
        orders = c.profile.monthly_orders or 0.0
        levy = c.ask(
            [
                "occupational_injury_levy_per_order",
                "occupational_injury_platform_monthly",
                "occupational_injury_worker_monthly",
                "occupational_injury_one_time_disability_subsidy",
                "occupational_injury_death_lump_sum",
                "occupational_injury_funeral_subsidy",
            ],
            monthly_orders=orders,
            disability_grade=INJURY_GRADE,
        )
        protects = {
            "grade7_one_time_subsidy": levy["occupational_injury_one_time_disability_subsidy"],
            "death_lump_sum": levy["occupational_injury_death_lump_sum"],
            "funeral_subsidy": levy["occupational_injury_funeral_subsidy"],
            "platform_pays_per_order": levy["occupational_injury_levy_per_order"],
        }
        return _item(
            "occupational_injury",
            "occupational_injury",
            "work_place",
            levy["occupational_injury_worker_monthly"],
            {"platform": levy["occupational_injury_platform_monthly"]},
            protects,
            text.injury_reason("occupational_injury", "", c.facts["accident_risk_level"]),
            c.cite("occupational_injury_2025_24", "occupational_injury_2025_79", "seed_paper.injury_reform"),
            True,
        )
    return _item(
        "occupational_injury",
        "commercial_accident",
        "none",
        None,
        {},
        {},
        text.injury_reason("none", "", c.facts["accident_risk_level"]),
        c.cite("occupational_injury_2025_24", "seed_paper.injury_reform"),
        "occupational_injury" in c.enrolled,
    )


def _employer_shares(c: _Context, scheme: str) -> tuple[float | None, dict[str, float]]:
    """An employee's share and the employer's of `scheme` on the wage; (None, {}) where the region publishes no base
    band to clamp the wage to."""
    worker, employer = f"{scheme}_worker_contribution_monthly", f"{scheme}_employer_contribution_monthly"
    costs = c.ask.optional([worker, employer], pension_base_chosen_monthly=max(c.profile.monthly_income, 0.01))
    if costs is None:
        return None, {}
    return costs[worker], {"employer": costs[employer]}


def _medical_item(c: _Context) -> dict[str, Any]:
    if c.employer:
        return _medical_result(c, "employee_medical", "work_place", *_employer_shares(c, "employee_medical"), True)
    employee_open = c.facts["employee_medical_access"] == "individual"
    if c.middle_income and employee_open:
        place = c.place_of("employee_medical")
        cost = c.ask.optional(["employee_medical_flexible_monthly"], region=c.places[place])
        if cost is not None:
            return _medical_result(c, "employee_medical", place, cost["employee_medical_flexible_monthly"], {})
    place = c.place_of("resident_medical")
    premium = c.ask(["resident_medical_premium_annual", "resident_medical_subsidy_annual"], region=c.places[place])
    return _medical_result(
        c,
        "resident_medical",
        place,
        premium["resident_medical_premium_annual"] / 12,
        {"government": premium["resident_medical_subsidy_annual"] / 12},
    )


def _treatment_place(c: _Context, place: str) -> str:
    """Care is where the worker lives and works: in place, or in another province as a registered temporary patient."""
    away = place == "hukou_place" and not c.facts["hukou_local"]
    return "temporary_registered" if away else "in_place"


def _medical_result(
    c: _Context, scheme: str, place: str, cost: float | None, others: dict[str, float], employer: bool = False
) -> dict[str, Any]:
    kind = "employee" if scheme == "employee_medical" else "resident"
    refund = c.ask.optional(
        ["inpatient_reimbursement"],
        region=c.places[place],
        inpatient_bill=INPATIENT_BILL,
        medical_scheme=kind,
        treatment_place=_treatment_place(c, place),
    )
    protects = {
        "inpatient_bill": INPATIENT_BILL,
        "treatment_place": _treatment_place(c, place),
        "expected_reimbursement": None if refund is None else refund["inpatient_reimbursement"],
    }
    return _item(
        "medical",
        scheme,
        place,
        cost,
        others,
        protects,
        text.medical_reason(scheme, place, employer),
        c.cite(
            "social_insurance_law.art23",
            "resident_medical_2016_3",
            "medical_cross_province_2022_22",
            "seed_paper.medical_reform",
        ),
        scheme in c.enrolled or employer,
    )


def _history(
    c: _Context, scheme: str, base_index: float = FLOOR_INDEX, move_after: int | None = None
) -> dict[str, Any]:
    """From this year to retirement under one scheme (after any years already paid), optionally moving home."""
    assert c.retirement is not None
    start, end = c.request.date.year, int(str(c.retirement["statutory_retirement_date"])[:4])
    years = max(end - start, 1)
    place = c.places["work_place"] if scheme == "employee_pension" else c.places["hukou_place"]
    kind = "employee" if scheme == "employee_pension" else "resident"
    tier = float(c.facts["suggested_resident_pension_tier_annual"])
    segment = {"scheme": kind, "region": place, "base_index": base_index, "tier": tier}
    segments = [{**segment, "years": years}]
    if move_after is not None and years > move_after:
        segments = [
            {**segment, "years": move_after},
            {**segment, "years": years - move_after, "region": c.places["hukou_place"]},
        ]
    prior = round(c.profile.contribution_years_so_far)
    if prior:
        segments.insert(
            0, {"scheme": "employee", "region": c.places["work_place"], "base_index": FLOOR_INDEX, "years": prior}
        )
    return {"start_year": start - prior, "hukou_region": c.places["hukou_place"], "segments": segments}


def _projections(c: _Context, histories: list[dict[str, Any]], later_months: list[int]) -> list[dict[str, Any]] | None:
    """Several histories in one vector call; `later_months` postpones retirement per history (flexible late retirement)."""
    if c.retirement is None:
        return None
    start = str(c.retirement["statutory_retirement_date"])
    month = int(start[:4]) * 12 + int(start[5:7]) - 1
    dates = [f"{(month + m) // 12:04d}-{(month + m) % 12 + 1:02d}" for m in later_months]
    ages = [int(c.retirement["statutory_retirement_age_months"]) + m for m in later_months]
    result = c.ask.optional(
        ["pension_projection"],
        contribution_history=histories,
        projection_counterfactuals=False,
        statutory_retirement_date=dates,
        statutory_retirement_age_months=ages,
        original_retirement_age=[c.age] * len(histories),
    )
    if result is None:
        return None
    columns = result["pension_projection"]
    return [{k: (v[i] if isinstance(v, list) else v) for k, v in columns.items()} for i in range(len(histories))]


def _pension_item(c: _Context) -> dict[str, Any]:
    income = c.profile.monthly_income
    if c.employer:
        shares = _employer_shares(c, "employee_pension")
        projected = (
            _projections(c, [_history(c, "employee_pension", income / _average(c))], [0]) if c.retirement else None
        )
        return _pension_result(c, "employee_pension", "work_place", *shares, projected, True)
    scheme = (
        "employee_pension"
        if c.middle_income and c.facts["employee_pension_access"] == "individual"
        else "resident_pension"
    )
    place = c.place_of(scheme)
    if scheme == "employee_pension":
        cost = c.ask(
            ["employee_pension_worker_contribution_monthly"],
            region=c.places[place],
            employee_pension_access="individual",
        )["employee_pension_worker_contribution_monthly"]
        others: dict[str, float] = {}
    else:
        tier = float(c.facts["suggested_resident_pension_tier_annual"])
        subsidy = c.ask(["resident_pension_subsidy_annual"], region=c.places[place], resident_pension_tier_annual=tier)
        cost, others = tier / 12, {"government": subsidy["resident_pension_subsidy_annual"] / 12}
    variant = c.variants().get("employee" if scheme == "employee_pension" else "resident")
    return _pension_result(c, scheme, place, cost, others, [variant] if variant else None)


def _average(c: _Context) -> float:
    found = c.ask.optional(["pension_average_wage_monthly"])
    return float(found["pension_average_wage_monthly"]) if found else max(c.profile.monthly_income, 1.0)


def _pension_result(
    c: _Context,
    scheme: str,
    place: str,
    cost: float | None,
    others: dict[str, float],
    projected: list[dict[str, Any]] | None,
    employer: bool = False,
) -> dict[str, Any]:
    protects: dict[str, Any] = {}
    if projected:
        first = projected[0]
        protects = {
            "projected_pension_monthly": first["pension_monthly"],
            "projected_pension_monthly_today": first["pension_monthly_today"],
            "paid_from": first["pension_scheme"],
            "paid_in": first["pension_place"],
            "retirement_date": c.retirement["statutory_retirement_date"] if c.retirement else None,
            "contribution_years": first["employee_years"] + first["resident_years"],
        }
    if c.retirement:
        protects["minimum_years_for_employee_pension"] = c.retirement["minimum_contribution_years"]
    return _item(
        "pension",
        scheme,
        place,
        cost,
        others,
        protects,
        text.pension_reason(scheme, place, employer),
        c.cite(
            "social_insurance_law.art10",
            "resident_pension_2014_8",
            "pension_2005_38.benefit",
            "pension_transfer_2009_66",
        ),
        scheme in c.enrolled or employer,
    )


def _unemployment_item(c: _Context) -> dict[str, Any]:
    access = c.facts["unemployment_access"]
    if access == "none":
        return _item(
            "unemployment",
            "none",
            "none",
            0.0,
            {},
            {},
            text.unemployment_reason(False),
            c.cite("unemployment_flexible", "seed_paper.injury_reform"),
            False,
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
    if figures is None:  # the region publishes no base band: cost unknown
        figures = {
            "unemployment_worker_contribution_monthly": None,
            "unemployment_employer_contribution_monthly": None,
            "unemployment_benefit_max_months": None,
        }
    employer_pays = figures["unemployment_employer_contribution_monthly"]
    others = {"employer": employer_pays} if access == "employer" and employer_pays is not None else {}
    benefit = c.ask.optional(["unemployment_benefit_monthly"])
    protects = {
        "months_after_5_years": figures["unemployment_benefit_max_months"],
        "benefit_monthly": None if benefit is None else benefit["unemployment_benefit_monthly"],
    }
    return _item(
        "unemployment",
        "unemployment",
        "work_place",
        figures["unemployment_worker_contribution_monthly"],
        others,
        protects,
        text.unemployment_reason(True),
        c.cite("social_insurance_law.art44", "unemployment_regulation.art17", "unemployment_flexible"),
        "unemployment" in c.enrolled or access == "employer",
    )


DROP_ORDER = ("unemployment", "pension", "medical", "occupational_injury")


def _affordability(
    plan: list[dict[str, Any]], profile: Profile, budget: float | None, share: float
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Total worker cost against income and the budget; over budget, items go in DROP_ORDER (injury and medical last)."""
    total = round(sum(item["worker_monthly_cost"] for item in plan), 2)
    income = profile.monthly_income
    limit = budget if budget is not None else None
    kept, dropped = list(plan), []
    if limit is not None:
        for name in DROP_ORDER:
            if sum(i["worker_monthly_cost"] for i in kept) <= limit + 1e-9:
                break
            dropped += [i["item"] for i in kept if i["item"] == name and i["worker_monthly_cost"] > 0]
            kept = [i for i in kept if not (i["item"] == name and i["worker_monthly_cost"] > 0)]
    kept_total = round(sum(item["worker_monthly_cost"] for item in kept), 2)
    ratio = total / income if income > 0 else None
    affordable = ratio is not None and ratio <= share + 1e-9
    message_zh = (
        f"全部建议项目个人每月约 {text.yuan(total)} 元，占收入 {ratio:.1%}；"
        if ratio is not None
        else f"全部建议项目个人每月约 {text.yuan(total)} 元；"
    )
    message_en = (
        f"All advised items cost you about {text.yuan(total)} yuan a month, {ratio:.1%} of income; "
        if ratio is not None
        else f"All advised items cost you about {text.yuan(total)} yuan a month; "
    )
    message_zh += (
        "在多数骑手可接受的 5% 以内。"
        if affordable
        else "超过多数骑手可接受的 5%：负担不起时先放弃失业、养老，最后保留工伤和医疗。"
    )
    message_en += (
        "within the 5 % many riders accept."
        if affordable
        else "above the 5 % many riders accept: if you cannot pay it all, drop unemployment and pension first and "
        "keep injury and medical cover to the last."
    )
    return (
        {
            "worker_monthly_total": total,
            "share_of_income": None if ratio is None else round(ratio, 4),
            "threshold_share": share,
            "affordable": affordable,
            "budget_monthly": budget,
            "plan_monthly_total": kept_total,
            "dropped_for_budget": dropped,
            "drop_order": list(DROP_ORDER),
            "message_zh": message_zh,
            "message_en": message_en,
        },
        kept,
    )


def _what_ifs(c: _Context) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if not c.facts["hukou_local"] and "hukou_region" in c.ask.base:
        found.append(_what_if_work_place(c))
    if c.retirement is not None and not c.employer:
        found.extend(_what_if_pension(c))
    return [w for w in found if w]


def _what_if_work_place(c: _Context) -> dict[str, Any]:
    """Medical cover at the place of work instead of the hukou place (the paper's 就业地参保), under the reform overlay."""
    overrides = scenario("place_of_work_enrolment").overrides
    at_home = c.ask.optional(
        ["inpatient_reimbursement"],
        region=c.places["hukou_place"],
        inpatient_bill=INPATIENT_BILL,
        medical_scheme="resident",
        treatment_place="temporary_registered",
    )
    at_work = c.ask.optional(
        ["inpatient_reimbursement", "resident_medical_access"],
        overrides=overrides,
        inpatient_bill=INPATIENT_BILL,
        medical_scheme="resident",
        treatment_place="in_place",
    )
    if at_home is None or at_work is None:
        return {}
    gain = round(at_work["inpatient_reimbursement"] - at_home["inpatient_reimbursement"], 2)
    return {
        "name": "enrol_at_work_place",
        "title_zh": "在就业地而不是户籍地参加医保",
        "title_en": "Medical insurance where you work instead of at your hukou place",
        "cost_change_monthly": 0.0,
        "benefit_change": gain,
        "benefit_unit": f"yuan per {INPATIENT_BILL:,.0f} inpatient bill",
        "detail_zh": f"住院 {INPATIENT_BILL:,.0f} 元：户籍地参保异地就医报销 {text.yuan(at_home['inpatient_reimbursement'])} 元，"
        f"就业地参保 {text.yuan(at_work['inpatient_reimbursement'])} 元。",
        "detail_en": f"A {INPATIENT_BILL:,.0f} yuan stay: {text.yuan(at_home['inpatient_reimbursement'])} reimbursed "
        f"if insured at home and treated away, {text.yuan(at_work['inpatient_reimbursement'])} if "
        "insured where you work.",
    }


def _what_if_pension(c: _Context) -> list[dict[str, Any]]:
    """Switching scheme, base 100 %, three more years, moving home after five years — from the shared projections."""
    v = c.variants()
    if "employee" not in v:
        return []
    cost_e = c.ask.optional(["employee_pension_worker_contribution_monthly"], employee_pension_access="individual")
    cost_high = c.ask.optional(
        ["employee_pension_worker_contribution_monthly"],
        employee_pension_access="individual",
        pension_base_index_chosen=1.0,
    )
    if cost_e is None or cost_high is None:
        return []
    low, high = (x["employee_pension_worker_contribution_monthly"] for x in (cost_e, cost_high))
    tier = float(c.facts["suggested_resident_pension_tier_annual"]) / 12
    base = v["employee"]
    moved = _change(
        "move_home_after_5_years",
        "5年后回户籍地继续缴费",
        "Move back to the hukou province after 5 years",
        0.0,
        _today_diff(v["employee_move"], base),
    )
    # moving home after five years vs staying: the pension lost to the move, in today's money
    moved["portability_loss_monthly"] = round(-_today_diff(v["employee_move"], base), 2)
    moved["paid_in"] = v["employee_move"]["pension_place"]
    switch = (
        _change(
            "switch_scheme",
            "职工养老保险换成居民养老保险",
            "Resident instead of employee pension",
            round(tier - low, 2),
            _today_diff(v["resident"], base),
        )
        if c.middle_income  # the plan advises employee pension: what switching down would cost and lose
        else _change(
            "switch_scheme",
            "居民养老保险换成职工养老保险（按基数下限）",
            "Employee pension (at the floor base) instead of the resident pension",
            round(low - tier, 2),
            _today_diff(base, v["resident"]),
        )
    )
    return [
        switch,
        _change(
            "raise_pension_base",
            "养老缴费基数从60%提高到100%",
            "Pension base raised from 60 % to 100 %",
            round(high - low, 2),
            _today_diff(v["employee_high"], base),
        ),
        _change(
            "work_3_more_years",
            "弹性延迟退休3年并继续缴费",
            "Work and contribute 3 more years",
            0.0,
            _today_diff(v["employee_late"], base),
        ),
        moved,
    ]


def _today_diff(variant: dict[str, Any], baseline: dict[str, Any]) -> float:
    """Pension difference in today's money (both discounted by the wage-growth assumption)."""
    return round(float(variant["pension_monthly_today"]) - float(baseline["pension_monthly_today"]), 2)


def _change(name: str, title_zh: str, title_en: str, cost: float, pension: float) -> dict[str, Any]:
    return {
        "name": name,
        "title_zh": title_zh,
        "title_en": title_en,
        "cost_change_monthly": cost,
        "benefit_change": pension,
        "benefit_unit": "yuan/month of pension",
        "detail_zh": f"每月缴费变化 {cost:+,.2f} 元，退休后每月养老金变化 {pension:+,.2f} 元。",
        "detail_en": f"Contribution {cost:+,.2f} yuan a month; pension {pension:+,.2f} yuan a month.",
    }
