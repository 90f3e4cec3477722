"""Lifetime projection of pension rights, and what moving or switching scheme costs (养老保险权益测算与转移接续损失).

A contribution history (or plan) is a list of segments — years in a region under a scheme at a base index — from a
start year to the statutory retirement year. The projection runs on matrices (people × years), so one worker and a
million go through the same code. Rules applied:

- personal account: 8 % of the base each employee year, credited with the published 记账利率 for the year, then the
  assumed rate (`pension.employee.account_interest_assumption`); resident accounts: tier + subsidy, assumed interest;
- where the pension is paid (国办发〔2009〕66号 art. 6): the hukou province if the relationship is there at the end;
  else the last province with 10 counted years; else the hukou province. Years in a temporary account (men ≥ 50,
  women ≥ 40 starting in a non-hukou province, art. 5) do not count toward the 10 years;
- benefit (国发〔2005〕38号): the paying place's 计发基数 in the retirement year × (1 + average index) ÷ 2 × years × 1 %,
  plus account ÷ 计发月数; both grow with the wage-growth assumption beyond the last published figure;
- too few employee years at the statutory age (社会保险法 art. 16): the employee account and years move to the resident
  scheme (人社部发〔2014〕17号 art. 6; the pooled part stays behind) and the resident pension is paid if the combined
  years reach 15;
- portability loss (the paper's IV.3): the projected pension compared with the same history
  * without moves — every year in one place (`reference_region`, default the place of the question) paying the same
    yuan base, so the account is unchanged and only the rules on where and how the pension is paid differ;
  * without switches — resident years replaced by employee years at the floor index (60 %) in the same place, which
    costs more: the extra contributions are reported beside the loss;
  * without either (`portability_loss_monthly`).

Simplifications (documented, not law): contributions count by whole calendar years before the retirement year;
interest is credited on the opening balance each year; resident basic pensions are not grown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from gigcover.engine import GigcoverError, ParameterHit, Recording, RegionTable, ValueType, scalar_if_0d
from gigcover.rules import registry
from gigcover.rules.pension_employee import divisor_for
from gigcover.rules.retirement import month_index

NONE, EMPLOYEE, RESIDENT = 0, 1, 2
SCHEME_CODES = {"none": NONE, "employee": EMPLOYEE, "resident": RESIDENT}


def _region_code(value: Any, info: ValidationInfo) -> Any:
    regions: RegionTable | None = (info.context or {}).get("regions")
    if value is None or regions is None:
        return value
    try:
        return regions.resolve(str(value), field="region").code
    except GigcoverError as exc:  # report through pydantic, which adds where in the history it is
        raise ValueError(exc.message.removeprefix("region: ")) from None


class Segment(BaseModel):
    """Consecutive years in one place under one scheme."""

    model_config = ConfigDict(extra="forbid")
    years: int = Field(ge=1, le=70)
    scheme: Literal["employee", "resident", "none"]
    region: str | None = None
    base_index: float = Field(default=0.6, ge=0, le=10)
    tier: float = Field(default=0.0, ge=0, le=100_000)

    _code = field_validator("region")(_region_code)

    @model_validator(mode="after")
    def _place_needed(self) -> Segment:
        if self.scheme != "none" and self.region is None:
            raise ValueError("region is required for an employee or resident segment")
        return self


class ContributionHistory(BaseModel):
    """A person's contribution history or plan (past and future years alike)."""

    model_config = ConfigDict(extra="forbid")
    start_year: int = Field(ge=1992, le=2100)
    hukou_region: str
    segments: list[Segment] = Field(min_length=1, max_length=60)
    account_balance_start: float = Field(default=0.0, ge=0)
    resident_balance_start: float = Field(default=0.0, ge=0)
    reference_region: str | None = None

    _codes = field_validator("hukou_region", "reference_region")(_region_code)


registry.input(
    "projection_counterfactuals",
    "是否同时测算不流动、不转换的对照情形",
    "Also project the no-moves/no-switches comparisons",
    "bool",
    default=True,
    period="eternity",
    description="False projects the history alone (faster); the portability outputs then need it true.",
)
registry.input(
    "contribution_history",
    "缴费历史或计划",
    "Contribution history or plan",
    "mapping",
    schema=ContributionHistory,
    period="eternity",
    description='{"start_year": 2020, "hukou_region": "511500", "segments": [{"years": 5, "scheme": "employee", '
    '"region": "310000", "base_index": 0.6}, {"years": 3, "scheme": "resident", "region": "511500", "tier": 300}]}',
)

PARAMETERS = (
    "wages.provincial_average_monthly",
    "wages.private_sector_average_annual",
    "projection.wage_growth",
    "projection.resident_account_interest",
    "pension.employee.account_interest_rate",
    "pension.employee.account_interest_assumption",
    "pension.employee.flexible.account_rate",
    "pension.employee.flexible.rate",
    "pension.employee.benefit_base_monthly",
    "pension.employee.divisor_months",
    "pension.employee.divisor_month_interpolation",
    "pension.employee.temporary_account_ages",
    "pension.employee.pension_place_min_years",
    "pension.employee.pooled_transfer_rate",
    "pension.employee.base_floor_ratio",
    "pension.employee.base_ceiling_ratio",
    "pension.employee.base_floor_monthly",
    "pension.resident.central_basic_monthly",
    "pension.resident.local_top_up_monthly",
    "pension.resident.account_divisor",
    "pension.resident.minimum_years",
    "pension.resident.subsidy_low_tier_annual",
    "pension.resident.subsidy_high_tier_annual",
    "pension.resident.subsidy_high_tier_threshold_annual",
    "retirement.minimum_contribution_years",
)


@dataclass
class Plans:
    """Histories as matrices: people × calendar years from `first_year`."""

    first_year: int
    region: np.ndarray  # int index into `codes`, −1 where no scheme
    scheme: np.ndarray  # NONE / EMPLOYEE / RESIDENT
    index: np.ndarray  # base index (employee years)
    tier: np.ndarray  # resident tier, yuan/year
    hukou: np.ndarray  # index into `codes`
    reference: np.ndarray  # index into `codes`
    account_start: np.ndarray
    resident_start: np.ndarray
    codes: list[str]


def build_plans(histories: list[ContributionHistory], retirement_year: np.ndarray, default_reference: str) -> Plans:
    """Lay segments out year by year, truncated at the retirement year."""
    codes: dict[str, int] = {}

    def code(c: str) -> int:
        return codes.setdefault(c, len(codes))

    first = min(h.start_year for h in histories)
    last = int(max(np.max(retirement_year), max(h.start_year + sum(s.years for s in h.segments) for h in histories)))
    n, years = len(histories), max(last - first, 1)
    region = np.full((n, years), -1, dtype=np.int32)
    scheme = np.zeros((n, years), dtype=np.int8)
    index = np.zeros((n, years))
    tier = np.zeros((n, years))
    for i, history in enumerate(histories):
        t = history.start_year - first
        for segment in history.segments:
            span = slice(t, t + segment.years)
            if segment.scheme != "none":
                region[i, span] = code(str(segment.region))
                scheme[i, span] = SCHEME_CODES[segment.scheme]
                index[i, span] = segment.base_index
                tier[i, span] = segment.tier
            t += segment.years
    hukou = np.asarray([code(h.hukou_region) for h in histories])
    reference = np.asarray([code(h.reference_region or default_reference) for h in histories])
    before_retirement = (first + np.arange(years))[None, :] < np.asarray(retirement_year)[:, None]
    scheme = np.where(before_retirement, scheme, NONE).astype(np.int8)
    region = np.where(before_retirement, region, -1)
    return Plans(
        first,
        region,
        scheme,
        index,
        tier,
        hukou,
        reference,
        np.asarray([h.account_balance_start for h in histories], dtype=float),
        np.asarray([h.resident_balance_start for h in histories], dtype=float),
        list(codes),
    )


Cell = tuple[float, list[ParameterHit]]  # a table's value for one region and year, and the parameter values it read


class _Tables:
    """Parameter values by region × year, read once per projection (with growth beyond the last figure)."""

    def __init__(self, p: Any, codes: list[str], first_year: int, years: int) -> None:
        self.p, self.codes, self.first_year, self.years = p, codes, first_year, years
        self.growth = float(p("projection.wage_growth"))
        self.floor_ratio = float(p("pension.employee.base_floor_ratio"))

    def grown(self, name: str, year: int, code: str) -> Cell | None:
        """The value in force mid-year, grown (or discounted) from the nearest published figure, with what was read."""
        first = self.p.first_date(name, code)
        if first is None:
            return None
        # before the first published figure, that figure (discounted); asking for it directly avoids a not-in-force
        # error per year
        hit = self.p.hit(name, max(dt.date(year, 7, 1), first), code)
        if hit is None:
            return None
        return float(hit.value) * float((1 + self.growth) ** (year - hit.effective_from.year)), [hit]

    def wage_cell(self, code: str, year: int) -> Cell:
        """The provincial 全口径 average for a region and year; where a province publishes none in the parameters, the
        national private-sector average stands in (a low proxy, said in the warnings)."""
        if self.p.first_date("wages.provincial_average_monthly", code) is None:
            self.p.warn(
                f"pension projection: no average wage for {code}; the national private-sector average stands in"
            )
            value, hits = self.grown("wages.private_sector_average_annual", year, code) or (0.0, [])
            return value / 12, hits
        return self.grown("wages.provincial_average_monthly", year, code) or (0.0, [])

    def floor_cell(self, code: str, year: int) -> Cell:
        """The published base floor where a region has one (grown like wages), else the 60 % ratio × the average."""
        if self.p.first_date("pension.employee.base_floor_monthly", code) is not None:
            found = self.grown("pension.employee.base_floor_monthly", year, code)
            if found is not None:
                return found
        wage, hits = self.wage_cell(code, year)
        return wage * self.floor_ratio, hits

    def benefit_cell(self, code: str, year: int) -> Cell:
        """The published 计发基数 (grown beyond the last figure); where none is published, the average wage."""
        found = self.grown("pension.employee.benefit_base_monthly", year, code)
        if found is None:
            found = self.grown("wages.provincial_average_monthly", year, code)
            self.p.warn(f"pension projection: no published 计发基数 for {code}; its average wage stands in")
        return found or (0.0, [])

    def interest_cell(self, code: str, year: int) -> Cell:
        """The published 记账利率 for a year that has one; the assumption otherwise."""
        hit = self.p.hit("pension.employee.account_interest_rate", dt.date(year, 7, 1))
        if hit is not None and hit.effective_from.year == year:
            return float(hit.value), [hit]
        when = dt.date(max(year, 2026), 7, 1)
        assumed = self.p.hit("pension.employee.account_interest_assumption", when)
        if assumed is None:  # no assumption in force: the engine's not-in-force error, naming the parameter
            self.p.at("pension.employee.account_interest_assumption", when)
        return float(assumed.value), [assumed] if hit is None else [hit, assumed]


# Rows of the tables are built once per (parameter kind, region) over a fixed span of years and shared by later
# projections (baseline only); a projection replays only the parameter reads of the years it uses.
ROW_FIRST_YEAR, ROW_LAST_YEAR = 1992, 2100  # histories start from 1992 (the schema's floor); later years: direct


@dataclass
class _Row:
    values: np.ndarray  # by year from ROW_FIRST_YEAR
    served: list[tuple[int, int, ParameterHit]]  # (first year, last year) each parameter value was read for
    warnings: list[str]

    def replay(self, p: Any, first_year: int, years: int) -> np.ndarray:
        last = first_year + years - 1
        hits = [hit for low, high, hit in self.served if low <= last and high >= first_year]
        p.replay(Recording(hits=hits, warnings=self.warnings))
        return self.values[first_year - ROW_FIRST_YEAR : last - ROW_FIRST_YEAR + 1]


def _build_row(p: Any, cell: Callable[[int], Cell]) -> _Row:
    """cell(year) for every year of the span, with the years each parameter value was read for (kept apart from the
    call that happens to build the row: it replays only its own years)."""
    values = np.zeros(ROW_LAST_YEAR - ROW_FIRST_YEAR + 1)
    served: dict[tuple[str, str, dt.date], list[Any]] = {}
    with p.detached() as record:
        for t, year in enumerate(range(ROW_FIRST_YEAR, ROW_LAST_YEAR + 1)):
            values[t], hits = cell(year)
            for hit in hits:
                span = served.setdefault((hit.name, hit.region, hit.effective_from), [year, year, hit])
                span[1] = year
    return _Row(values, [(low, high, hit) for low, high, hit in served.values()], record.warnings)


def _row(p: Any, tables: _Tables, kind: str, code: str, first_year: int, years: int) -> np.ndarray:
    """One region's (or, for interest, the nation's) values of a table for `years` from `first_year`: from the shared
    row (its reads of those years replayed), or computed for this call alone when overlaid or outside the span."""
    cells = {
        "wages": tables.wage_cell,
        "floors": tables.floor_cell,
        "interest": tables.interest_cell,
        "benefit": tables.benefit_cell,
    }
    cell = cells[kind]
    within = first_year >= ROW_FIRST_YEAR and first_year + years - 1 <= ROW_LAST_YEAR
    if p.overlaid or not within:
        return np.asarray([cell(code, first_year + t)[0] for t in range(years)], dtype=float)
    key = ("projection_row", kind, code, tables.growth, tables.floor_ratio)
    row = p.memo.get(key)
    if row is None:
        row = p.memo[key] = _build_row(p, lambda year: cell(code, year))
    return cast(np.ndarray, row.replay(p, first_year, years))


def _tables(p: Any, tables: _Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wages, floors (region × year) and interest (by year)."""
    span = tables.first_year, tables.years
    wages = np.stack([_row(p, tables, "wages", code, *span) for code in tables.codes])
    floors = np.stack([_row(p, tables, "floors", code, *span) for code in tables.codes])
    return wages, floors, _row(p, tables, "interest", "", *span)


def _minimum_years(rows: dict[int, float], year: int) -> float:
    """The minimum years for people reaching the statutory age in `year` (the last key not after it)."""
    applicable = [k for k in rows if k <= year]
    return rows[max(applicable)] if applicable else rows[min(rows)]


def project(
    p: Any,
    plans: Plans,
    tables: _Tables,
    wages: np.ndarray,
    floors: np.ndarray,
    rates: np.ndarray,
    retirement_year: np.ndarray,
    retirement_age_months: np.ndarray,
    birth_year: np.ndarray,
    male: np.ndarray,
) -> dict[str, np.ndarray]:
    """Run the rules over the matrices (wages and interest read once per projection); one value per person."""
    n, years = plans.scheme.shape
    calendar = plans.first_year + np.arange(years)
    employee = plans.scheme == EMPLOYEE
    resident = plans.scheme == RESIDENT
    region = np.maximum(plans.region, 0)
    floor_ratio = float(p("pension.employee.base_floor_ratio"))
    ceiling_ratio = float(p("pension.employee.base_ceiling_ratio"))
    index = np.clip(plans.index, floor_ratio, ceiling_ratio)
    here = (region, np.arange(years)[None, :])
    # choosing 60 % means the published floor where there is one (as in pension_base_chosen_monthly)
    chosen = np.where(np.abs(plans.index - floor_ratio) < 1e-9, floors[here], index * wages[here])
    base_monthly = np.where(employee, np.clip(chosen, floors[here], ceiling_ratio * wages[here]), 0.0)
    credit = base_monthly * 12 * float(p("pension.employee.flexible.account_rate"))
    subsidy = np.where(
        plans.tier >= float(p("pension.resident.subsidy_high_tier_threshold_annual")),
        float(p("pension.resident.subsidy_high_tier_annual")),
        float(p("pension.resident.subsidy_low_tier_annual")),
    )
    resident_credit = np.where(resident & (plans.tier > 0), plans.tier + subsidy, 0.0)
    resident_rate = float(p("projection.resident_account_interest"))
    working = calendar[None, :] < np.asarray(retirement_year)[:, None]  # no interest once the pension is paid
    accounts = _accumulate(plans.account_start, credit, 1 + rates[None, :] * working)
    resident_accounts = _accumulate(plans.resident_start, resident_credit, 1 + resident_rate * working)
    account, resident_account = accounts[:, -1], resident_accounts[:, -1]
    path = accounts + resident_accounts
    employee_years = employee.sum(axis=1).astype(float)
    resident_years = resident.sum(axis=1).astype(float)
    average_index = np.where(employee_years > 0, (index * employee).sum(axis=1) / np.maximum(employee_years, 1), 0.0)

    stints = _Stints.of(plans, employee)
    place = _pension_place(p, plans, stints, employee, birth_year, male, calendar)
    pension_base = _per_pair(place, retirement_year, lambda r, y: _benefit_base(p, tables, plans.codes[r], y))
    basic = pension_base * (1 + average_index) / 2 * employee_years * 0.01
    divisor = np.asarray(
        divisor_for(
            retirement_age_months,
            p("pension.employee.divisor_months"),
            bool(p("pension.employee.divisor_month_interpolation")),
        ),
        dtype=float,
    )
    employee_pension = basic + (account + resident_account) / divisor  # 17号 art. 5: resident account merges
    table = {int(k): float(x) for k, x in dict(p("retirement.minimum_contribution_years")).items()}
    minimum = _per_pair(retirement_year, retirement_year, lambda y, _: _minimum_years(table, y))
    eligible = employee_years >= minimum - 1e-9
    combined_years = employee_years + resident_years
    central = float(p("pension.resident.central_basic_monthly"))
    resident_basic = _per_pair(
        plans.hukou,
        plans.hukou,
        lambda h, _: central + float(p.at("pension.resident.local_top_up_monthly", p.date, plans.codes[h])),
    )
    resident_pension = resident_basic + (resident_account + account) / float(p("pension.resident.account_divisor"))
    resident_ok = ~eligible & (combined_years >= float(p("pension.resident.minimum_years")))
    scheme = np.where(eligible, "employee", np.where(resident_ok, "resident", "none"))
    pension = np.where(eligible, employee_pension, np.where(resident_ok, resident_pension, 0.0))
    worker_paid = (base_monthly * 12 * float(p("pension.employee.flexible.rate"))).sum(axis=1)
    worker_paid += np.where(resident, plans.tier, 0.0).sum(axis=1)
    return {
        "employee_years": employee_years,
        "resident_years": resident_years,
        "average_index": np.round(average_index, 4),
        "account_balance": np.round(account, 2),
        "resident_account_balance": np.round(resident_account, 2),
        "pension_place": np.asarray([plans.codes[i] for i in place]),
        "benefit_base": np.round(pension_base, 2),
        "minimum_years": minimum,
        "pension_scheme": scheme,
        "pension_monthly": np.round(pension, 2),
        "employee_basic_monthly": np.round(np.where(eligible, basic, 0.0), 2),
        "worker_contributions": np.round(worker_paid, 2),
        "pooled_transfer": np.round(_pooled_transfers(p, stints, base_monthly), 2),
        "balance_path": np.round(path, 2),
        "calendar": np.broadcast_to(calendar, (n, years)),
    }


def _accumulate(start: np.ndarray, credits: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """Year-end balances of accounts credited `credits[:, t]` after growing by `growth[:, t]` each year, for all
    years at once: balance_t = G_t × (start + Σ_{s≤t} credit_s ÷ G_s) with G_t the product of growth up to t
    (the same as balance = balance × growth + credit, year by year)."""
    growth = np.broadcast_to(growth, credits.shape)
    if (growth < 1).any():  # a negative rate (only an overlay could say so): year by year, without dividing by G
        balances, balance = np.zeros(credits.shape), np.asarray(start, dtype=float)
        for t in range(credits.shape[1]):
            balance = balances[:, t] = balance * growth[:, t] + credits[:, t]
        return balances
    factor = np.cumprod(growth, axis=1)
    return np.asarray(factor * (np.asarray(start)[:, None] + np.cumsum(credits / factor, axis=1)))


def _per_pair(first: np.ndarray, second: np.ndarray, value: Any) -> np.ndarray:
    """value(a, b) for each person, computed once per distinct (a, b) pair: lookups are per place and year."""
    firsts, seconds = np.asarray(first, dtype=np.int64).ravel(), np.asarray(second, dtype=np.int64).ravel()
    if firsts.size < 4096:  # few people: a dict is cheaper than sorting pairs
        cache: dict[tuple[int, int], float] = {}
        for key in zip(firsts.tolist(), seconds.tolist(), strict=True):
            if key not in cache:
                cache[key] = float(value(*key))
        return np.asarray([cache[key] for key in zip(firsts.tolist(), seconds.tolist(), strict=True)])
    pairs = np.stack([firsts, seconds], axis=1)
    distinct, inverse = np.unique(pairs, axis=0, return_inverse=True)
    values = np.asarray([float(value(int(a), int(b))) for a, b in distinct])
    return values[inverse.ravel()]


def _province(code: str) -> str:
    return code[:2] + "0000"


@dataclass
class _Stints:
    """Employee years by province (people × years; −1 where not an employee year), and the province of the last
    employee year before each year (gaps skipped): what the 66号 rules on moves look at."""

    count: int  # provinces seen
    prov: np.ndarray
    previous: np.ndarray
    hukou_prov: np.ndarray

    @classmethod
    def of(cls, plans: Plans, employee: np.ndarray) -> _Stints:
        provinces = sorted({_province(c) for c in plans.codes})
        province_of = np.asarray([provinces.index(_province(c)) for c in plans.codes])
        prov = np.where(employee, province_of[np.maximum(plans.region, 0)], -1)
        return cls(len(provinces), prov, _previous_province(prov), province_of[plans.hukou])


def _pension_place(
    p: Any,
    plans: Plans,
    stints: _Stints,
    employee: np.ndarray,
    birth_year: np.ndarray,
    male: np.ndarray,
    calendar: np.ndarray,
) -> np.ndarray:
    """国办发〔2009〕66号 art. 6, at province level; returns an index into plans.codes (a region of that province)."""
    prov, hukou_prov = stints.prov, stints.hukou_prov
    ages = p("pension.employee.temporary_account_ages")
    threshold = np.where(male, float(ages["male"]), float(ages["female"]))
    # a stint starts where the province changes (gaps do not end one); its starting age decides whether it opens
    # only a temporary account
    starts = (prov >= 0) & (prov != stints.previous)
    start_year_index = np.maximum.accumulate(np.where(starts, np.arange(prov.shape[1]), -1), axis=1)
    stint_start_age = calendar[np.maximum(start_year_index, 0)] - np.asarray(birth_year)[:, None]
    temporary = (prov >= 0) & (prov != hukou_prov[:, None]) & (stint_start_age >= threshold[:, None])
    counted = np.stack([((prov == k) & ~temporary).sum(axis=1) for k in range(stints.count)], axis=1)
    last_year = np.stack(
        [np.where(prov == k, np.arange(prov.shape[1]), -1).max(axis=1) for k in range(stints.count)], axis=1
    )
    has_employee = employee.any(axis=1)
    last_prov = np.where(has_employee, prov[np.arange(prov.shape[0]), np.maximum(last_year.max(axis=1), 0)], hukou_prov)
    needed = float(p("pension.employee.pension_place_min_years"))
    enough = counted >= needed
    candidates = np.where(enough, last_year, -1)
    best_earlier = candidates.argmax(axis=1)
    has_earlier = candidates.max(axis=1) >= 0
    in_last = enough[np.arange(prov.shape[0]), last_prov]
    chosen = np.where(
        last_prov == hukou_prov,
        hukou_prov,
        np.where(in_last, last_prov, np.where(has_earlier, best_earlier, hukou_prov)),
    )
    # the most specific region seen in the chosen province (the hukou region for the hukou province)
    there = prov == chosen[:, None]
    last_there = prov.shape[1] - 1 - np.argmax(there[:, ::-1], axis=1)
    region_there = plans.region[np.arange(prov.shape[0]), last_there]
    return np.where((chosen == hukou_prov) | ~there.any(axis=1), plans.hukou, region_there)


def _benefit_base(p: Any, tables: _Tables, code: str, year: int) -> float:
    """The 计发基数 of the paying place in the retirement year (a shared row, like the wage tables)."""
    return float(_row(p, tables, "benefit", code, year, 1)[0])


def _previous_province(prov: np.ndarray) -> np.ndarray:
    """For each year, the province of the last employee year before it (−1 if none): gaps are skipped."""
    years = np.arange(prov.shape[1])
    last = np.maximum.accumulate(np.where(prov >= 0, years, -1), axis=1)
    before = np.concatenate([np.full((prov.shape[0], 1), -1), last[:, :-1]], axis=1)
    return np.where(before >= 0, np.take_along_axis(prov, np.maximum(before, 0), axis=1), -1)


def _pooled_transfers(p: Any, stints: _Stints, base_monthly: np.ndarray) -> np.ndarray:
    """12 % of the bases of the years left behind at each move between provinces (66号 art. 4(二)).

    Every year before the last move is transferred exactly once, so the total is 12 % of the bases before it."""
    province, previous = stints.prov, stints.previous
    moved = (province >= 0) & (previous >= 0) & (province != previous)
    years = province.shape[1]
    last_move = np.where(moved.any(axis=1), years - 1 - np.argmax(moved[:, ::-1], axis=1), 0)
    before = np.concatenate([np.zeros((province.shape[0], 1)), np.cumsum(base_monthly * 12, axis=1)], axis=1)
    return before[np.arange(province.shape[0]), last_move] * float(p("pension.employee.pooled_transfer_rate"))


def without_moves(plans: Plans, wages: np.ndarray) -> Plans:
    """Every year in the reference region, paying the same yuan base (the index rescaled to the local average)."""
    active = plans.scheme != NONE
    t = np.arange(plans.scheme.shape[1])[None, :]
    here = wages[np.maximum(plans.region, 0), t]
    there = wages[plans.reference[:, None], t]
    index = np.where(active, plans.index * here / np.where(there > 0, there, 1.0), plans.index)
    return Plans(
        plans.first_year,
        np.where(active, plans.reference[:, None], -1),
        plans.scheme,
        index,
        plans.tier,
        plans.reference,
        plans.reference,
        plans.account_start,
        plans.resident_start,
        plans.codes,
    )


def without_switches(plans: Plans, floor_index: float) -> Plans:
    """Resident years replaced by employee years at the floor index in the same place."""
    switched = plans.scheme == RESIDENT
    return Plans(
        plans.first_year,
        plans.region,
        np.where(switched, EMPLOYEE, plans.scheme).astype(np.int8),
        np.where(switched, floor_index, plans.index),
        np.where(switched, 0.0, plans.tier),
        plans.hukou,
        plans.reference,
        plans.account_start,
        plans.resident_start,
        plans.codes,
    )


def _as_list(value: Any) -> tuple[list[Any], bool]:
    array = np.asarray(value, dtype=object)
    return (list(array.ravel()), False) if array.ndim else ([array.item()], True)


@registry.formula(
    "养老金测算（含转移接续）",
    "Pension projection (with moves and scheme switches)",
    "mapping",
    inputs=(
        "contribution_history",
        "statutory_retirement_date",
        "statutory_retirement_age_months",
        "original_retirement_age",
        "projection_counterfactuals",
    ),
    parameters=PARAMETERS,
    references=(
        "pension_2005_38.benefit",
        "pension_transfer_2009_66",
        "pension_conversion_2014_17",
        "social_insurance_law.art16",
    ),
)
def pension_projection(v: Any, p: Any) -> Any:
    """The projected history and, beside it, the counterfactual without moves and switches."""
    histories, single = _as_list(v.contribution_history)
    retirement = np.atleast_1d(np.asarray(v.statutory_retirement_date, dtype=str))
    retirement_month = np.broadcast_to(month_index(retirement, "statutory_retirement_date"), (len(histories),))
    retirement_year = retirement_month // 12
    age_months = np.broadcast_to(np.asarray(v.statutory_retirement_age_months, dtype=float), (len(histories),))
    birth_year = (retirement_month - age_months) // 12
    male = np.broadcast_to(np.asarray(v.original_retirement_age) == 60, (len(histories),))
    plans = build_plans(histories, retirement_year, p.region)
    tables = _Tables(p, plans.codes, plans.first_year, plans.scheme.shape[1])
    wages, floors, rates = _tables(p, tables)
    floor = float(p("pension.employee.base_floor_ratio"))

    def run(variant: Plans) -> dict[str, np.ndarray]:
        return project(p, variant, tables, wages, floors, rates, retirement_year, age_months, birth_year, male)

    actual = run(plans)
    pension = actual["pension_monthly"]
    discount = (1 + tables.growth) ** np.maximum(retirement_year - p.date.year, 0)
    actual["pension_monthly_today"] = np.round(pension / discount, 2)
    if not bool(np.all(v.projection_counterfactuals)):  # the projection alone (e.g. for the advisor's variants)
        return _shaped(actual, single)
    no_moves = run(without_moves(plans, wages))
    no_switches = run(without_switches(plans, floor))
    neither = run(without_switches(without_moves(plans, wages), floor))
    actual["counterfactual_pension_monthly"] = neither["pension_monthly"]
    actual["portability_loss_monthly"] = np.round(neither["pension_monthly"] - pension, 2)
    actual["portability_loss_moves_monthly"] = np.round(no_moves["pension_monthly"] - pension, 2)
    actual["portability_loss_switches_monthly"] = np.round(no_switches["pension_monthly"] - pension, 2)
    actual["counterfactual_extra_contributions"] = np.round(
        neither["worker_contributions"] - actual["worker_contributions"], 2
    )
    actual["counterfactual_balance_path"] = neither["balance_path"]
    # in today's money: discounted by the wage-growth assumption from the retirement year to the question's year
    actual["portability_loss_monthly_today"] = np.round(actual["portability_loss_monthly"] / discount, 2)
    return _shaped(actual, single)


def _shaped(columns: dict[str, np.ndarray], single: bool) -> dict[str, Any]:
    """One person's values as scalars (and yearly paths as lists); many people's as columns, without yearly paths."""
    if single:
        return {k: (a[0].tolist() if np.ndim(a) > 1 else scalar_if_0d(a[0])) for k, a in columns.items()}
    return {k: a for k, a in columns.items() if np.ndim(a) == 1}


def _field(name: str) -> Any:
    def extract(v: Any, p: Any) -> Any:
        projection = v.pension_projection
        return projection[name]

    return extract


for _name, _zh, _en, _type, _key in (
    ("projected_pension_monthly", "预计养老金（月）", "Projected pension per month", "float", "pension_monthly"),
    ("projected_pension_scheme", "预计领取的养老金类别", "Scheme the pension is paid from", "str", "pension_scheme"),
    ("projected_pension_place", "待遇领取地", "Where the pension is paid", "region", "pension_place"),
    (
        "projected_employee_contribution_years",
        "职工养老保险累计缴费年限（预计）",
        "Employee contribution years (projected)",
        "float",
        "employee_years",
    ),
    (
        "projected_average_contribution_index",
        "平均缴费指数（预计）",
        "Average contribution index (projected)",
        "float",
        "average_index",
    ),
    (
        "projected_account_balance",
        "个人账户储存额（预计）",
        "Personal account at retirement (projected)",
        "float",
        "account_balance",
    ),
    (
        "portability_loss_monthly",
        "转移接续与险种转换造成的养老金损失（月）",
        "Pension lost to moves and scheme switches, per month",
        "float",
        "portability_loss_monthly",
    ),
    (
        "portability_pooled_transfer",
        "跨省转移的统筹基金（12%）",
        "Pooled fund transferred on moves (12 %)",
        "float",
        "pooled_transfer",
    ),
):
    _extract = _field(_key)
    _extract.__name__ = _name
    _extract.__qualname__ = _name
    _extract.__doc__ = f"`{_key}` of the pension projection."
    registry.formula(
        _zh, _en, cast(ValueType, _type), inputs=("pension_projection",), references=("pension_transfer_2009_66",)
    )(_extract)
