"""What every part of the advice needs to know about the worker: the facts, the places, the retirement dates, any
figure estimated for want of a local one, and the pension projections the plan and the what-ifs share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gigcover.engine.errors import NotInForceError
from gigcover.engine.regions import NATIONAL

from .asker import Asker, Question
from .request import AdviceRequest

# A flexible worker's usual choice is the base floor: its index is the parameter pension.employee.base_floor_ratio
# (Context.floor_index; the projection reads it as the published floor and clamps any index to the legal band, so an
# employee's wage ratio can be passed as it is). The raised-base what-if takes the average wage itself.
RAISED_BASE_INDEX = 1.0
LATE_MONTHS = 36  # the what-if of working three more years (弹性延迟退休, at most 3 years)
MOVE_AFTER_YEARS = 5  # the what-if of moving back to the hukou province after five years


@dataclass(frozen=True)
class Estimate:
    """A local figure the rules lack, replaced by a stand-in so the plan can still be costed."""

    figure: str  # what is missing: "average_wage"
    region: str  # where
    stand_in: str  # what stands in: "national_private_wage"
    value: float


class Context:
    """The worker, the facts the rules found, and the projections (computed once, on first use)."""

    def __init__(
        self,
        ask: Asker,
        request: AdviceRequest,
        facts: dict[str, Any],
        places: dict[str, str],
        retirement: dict[str, Any] | None,
        age: int,
        estimate: Estimate | None,
    ) -> None:
        self.ask, self.request, self.profile, self.facts = ask, request, request.profile, facts
        self.places, self.retirement, self.age, self.estimate = places, retirement, age, estimate
        self.employer = (
            facts["employer_enrols_fully"]
            if "employer_enrols_fully" in facts
            else (facts["employee_pension_access"] == "employer")
        )
        self.enrolled = set(self.profile.current_enrolments)
        self.citations = ask.model.citation
        self.middle_income: bool = False
        self.income_floor: float | None = None
        self._variants: dict[str, dict[str, Any]] | None = None
        self.variant_questions: dict[str, Question] = {}

    # places ------------------------------------------------------------------------------------------------
    @property
    def away_from_home(self) -> bool:
        """The hukou is in another province than the place of work (transfers and cross-province care apply)."""
        work, home = self.places["work_place"], self.places["hukou_place"]
        return work[:2] != home[:2]

    def place_of(self, scheme: str) -> str:
        """Where the worker holds `scheme` (as told), else where the rules put it."""
        told = self.profile.enrolment_places.get(scheme)
        if scheme in self.enrolled and told is not None:
            return str(told)
        return str(self.facts[f"{scheme}_place"])

    def cite(self, *keys: str) -> list[dict[str, object]]:
        return [self.citations(k) for k in keys]

    @property
    def floor_index(self) -> float:
        """The base floor as a share of the average wage (pension.employee.base_floor_ratio at the place of work); 0
        where the rules have none in force, which the projection clamps up to the published floor."""
        return self.rate("pension.employee.base_floor_ratio") or 0.0

    def rate(self, name: str, place: str = "work_place") -> float | None:
        """A rate or ratio the sentences quote (a contribution rate, the base floor), as the parameters give it for
        the place on the request's date; None when the rules have no value in force there (the sentence then names
        no figure rather than a made-up one)."""
        try:
            return float(self.ask.model.store.lookup(name, self.request.date, self.places[place]).value)
        except NotInForceError:
            return None

    # pension projections -----------------------------------------------------------------------------------
    def variants(self) -> dict[str, dict[str, Any]]:
        """The pension projections the plan and the what-ifs need, in one vector call (computed once)."""
        if self._variants is None and self.retirement is None:  # no birth date: nothing to project
            self._variants = {}
        if self._variants is None:
            employee = self.facts["employee_pension_access"] == "individual"
            named = [("resident", history(self, "resident_pension"), 0)]
            if employee:
                named += [
                    ("employee", history(self, "employee_pension"), 0),
                    ("employee_high", history(self, "employee_pension", RAISED_BASE_INDEX), 0),
                    ("employee_late", history(self, "employee_pension", extra_years=LATE_MONTHS // 12), LATE_MONTHS),
                    ("employee_move", history(self, "employee_pension", move_after=MOVE_AFTER_YEARS), 0),
                ]
            mark = self.ask.mark()
            results = projections(self, [h for _, h, _ in named], [m for _, _, m in named]) or []
            asked = self.ask.since(mark)
            self._variants = {name: result for (name, _, _), result in zip(named, results, strict=False)}
            if asked:
                for row, (name, _, _) in enumerate(named):
                    self.variant_questions[name] = Question(asked[-1].sim, asked[-1].outputs, row)
        return self._variants


def history(
    c: Context,
    scheme: str,
    base_index: float | None = None,
    move_after: int | None = None,
    extra_years: int = 0,
) -> dict[str, Any]:
    """From this year to retirement under one scheme (after any years already paid), optionally moving home; at the
    base floor unless `base_index` says otherwise. `extra_years` goes on paying past the statutory date (the what-if
    of retiring later 并继续缴费: a later retirement with no contributions in between would add only the smaller
    divisor of the older age)."""
    assert c.retirement is not None
    floor = c.floor_index
    base_index = floor if base_index is None else base_index
    start, end = c.request.date.year, int(str(c.retirement["statutory_retirement_date"])[:4])
    years = max(end - start, 1) + extra_years
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
            0, {"scheme": "employee", "region": c.places["work_place"], "base_index": floor, "years": prior}
        )
    return {"start_year": start - prior, "hukou_region": c.places["hukou_place"], "segments": segments}


def projections(c: Context, histories: list[dict[str, Any]], later_months: list[int]) -> list[dict[str, Any]] | None:
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


def wage_estimate(ask: Asker, region: str) -> Estimate | None:
    """Where the place of work has no average wage in the parameters (the base band is built on it), the national
    private-sector average stands in — the projection's own stand-in — so the plan can be costed and says so."""
    store, date = ask.model.store, ask.date
    if store.first_date("wages.provincial_average_monthly", region) is not None:
        try:
            store.lookup("wages.provincial_average_monthly", date, region)
            return None
        except NotInForceError:
            pass
    try:
        annual = float(store.lookup("wages.private_sector_average_annual", date, NATIONAL).value)
    except NotInForceError:
        return None
    return Estimate("average_wage", region, "national_private_wage", round(annual / 12, 2))
