"""The projection's arithmetic on people × years matrices: accounts, where the pension is paid, the benefit, the
pooled transfers, and the histories without moves or switches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigcover.engine import Recording
from gigcover.rules.pension.employee.benefit import divisor_for
from gigcover.rules.projection.schema import EMPLOYEE, NONE, RESIDENT
from gigcover.rules.projection.tables import (
    ROW_FIRST_YEAR,
    People,
    Plans,
    _minimum_years,
    _national_row,
    _Reads,
    _row,
    _shared_row,
    _shares_rows,
    _Tables,
)


def project(p: Any, people: People, plans: Plans, tables: _Tables) -> dict[str, np.ndarray]:
    """Run the rules over the matrices of `plans` (the people's history, or a comparison made from it) with the
    people's retirement facts (wages and interest read once per projection); one value per person, and for one
    person the yearly balances too."""
    retirement_year, retirement_age_months = people.retirement_year, people.age_months
    n, years = plans.scheme.shape
    calendar = plans.first_year + np.arange(years)
    employee = plans.scheme == EMPLOYEE
    resident = plans.scheme == RESIDENT
    yearly, index = _base_monthly(p, plans, people, employee)
    yearly *= 12  # the base a year (缴费基数 × 12)
    worked = np.clip(np.asarray(retirement_year) - plans.first_year, 0, years)  # years before retirement (no
    # interest once the pension is paid); the layout leaves no contribution after it
    paths = n == 1  # one person: the yearly balances as well (for many, too large to keep)
    account, account_path = _balances(
        plans.account_start, yearly * _account_rates(p, calendar)[None, :], 1 + people.rates, worked, paths
    )
    resident_growth = np.full(years, 1 + float(p("projection.resident_account_interest")))
    resident_account, resident_path = _balances(
        plans.resident_start, _resident_credits(p, plans, resident), resident_growth, worked, paths
    )
    employee_years = employee.sum(axis=1).astype(float)
    resident_years = resident.sum(axis=1).astype(float)
    average_index = np.where(employee_years > 0, (index * employee).sum(axis=1) / np.maximum(employee_years, 1), 0.0)

    # a history in one place (the comparison without moves: every year in the hukou region) has no move: the pension
    # is paid there and nothing is transferred, without the matrices of stints
    settled = plans.row_region is not None and bool(np.array_equal(plans.row_region, plans.hukou))
    stints = None if settled else _Stints.of(plans, employee)
    place = (
        _settled_place(p, plans) if stints is None else _pension_place(p, plans, stints, people.birth_year, people.male)
    )
    retiring = np.asarray(retirement_year)
    shared = retiring.size > 0 and _shares_rows(p, int(retiring.min()), int(retiring.max()))
    pension_base = _benefit_bases(p, tables, plans.codes, place, retirement_year, shared)
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
    by_year = _distinct_pairs(retirement_year, retirement_year)  # the distinct retirement years, for two look-ups
    minimum = _per_pair(retirement_year, retirement_year, lambda y, _: _minimum_years(table, y), by_year)
    eligible = employee_years >= minimum - 1e-9
    combined_years = employee_years + resident_years
    # paid from the retirement year: the central minimum in force then (the latest published, with no growth assumed),
    # as the employee side takes the 计发基数 of the retirement year; before the resident scheme existed (its first
    # central minimum, 国发〔2009〕32号 from 2009-09-01) there is no resident pension to fall back on (NaN: not open)
    reads = _Reads() if shared else None
    central = _per_pair(retirement_year, retirement_year, lambda y, _: _central_minimum(p, y, reads), by_year)
    if reads is not None:
        reads.register(p)
    resident_basic = central + _local_top_ups(p, plans.codes, plans.hukou)
    resident_pension = resident_basic + (resident_account + account) / float(p("pension.resident.account_divisor"))
    resident_ok = ~eligible & (combined_years >= float(p("pension.resident.minimum_years"))) & ~np.isnan(central)
    scheme = np.where(eligible, "employee", np.where(resident_ok, "resident", "none"))
    pension = np.where(eligible, employee_pension, np.where(resident_ok, resident_pension, 0.0))
    worker_paid = (yearly * float(p("pension.employee.flexible.rate"))).sum(axis=1)
    if resident.any():
        worker_paid += np.where(resident, plans.tier, 0.0).sum(axis=1)
    found = {
        "employee_years": employee_years,
        "resident_years": resident_years,
        "average_index": np.round(average_index, 4),
        "account_balance": np.round(account, 2),
        "resident_account_balance": np.round(resident_account, 2),
        "pension_place": np.asarray(plans.codes)[place],
        "benefit_base": np.round(pension_base, 2),
        "minimum_years": minimum,
        "pension_scheme": scheme,
        "pension_monthly": np.round(pension, 2),
        "employee_basic_monthly": np.round(np.where(eligible, basic, 0.0), 2),
        "worker_contributions": np.round(worker_paid, 2),
        "pooled_transfer": np.round(
            _no_transfers(p, n, calendar) if stints is None else _pooled_transfers(p, stints, yearly, calendar), 2
        ),
    }
    if account_path is not None and resident_path is not None:
        found["balance_path"] = np.round(account_path + resident_path, 2)
        found["calendar"] = np.broadcast_to(calendar, (n, years))
    return found


def _ceiling(p: Any) -> float:
    return float(p("pension.employee.base_ceiling_ratio"))


def _base_monthly(p: Any, plans: Plans, people: People, employee: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The monthly base of each employee year (0 in other years) and that year's contribution index (缴费指数).

    The band limits each year's base (国办发〔2019〕13号: the declared index × the local average, within the floor and
    the 300 % ceiling); choosing 60 % means the published floor where there is one (as in
    pension_base_chosen_monthly). The year's index is what the record holds: that base ÷ the year's average wage,
    so a published floor below 60 % of the average gives an index below 0.6 (国发〔2005〕38号 averages these indices;
    it sets no band on the average). Wages and floors are gathered once, by flat position; the work is done in
    place."""
    cell = _cells(plans, people.wages.shape[1])
    wages, floors = _by_cell(people.wages, cell), _by_cell(people.floors, cell)
    base: np.ndarray = np.subtract(plans.index, float(p("pension.employee.base_floor_ratio")))
    at_floor = np.abs(base, out=base) < 1e-9
    np.multiply(plans.index, wages, out=base)
    np.copyto(base, floors, where=at_floor)
    ceiling = _ceiling(p)
    wages *= ceiling
    np.clip(base, floors, wages, out=base)
    np.copyto(base, 0.0, where=~employee)
    # index = base ÷ wage = base × ceiling ÷ (wage × ceiling), into the floors' buffer (no longer needed)
    index: np.ndarray = np.multiply(base, ceiling, out=floors)
    np.divide(index, wages, out=index, where=wages > 0)
    np.copyto(index, 0.0, where=~(wages > 0))
    return base, index


def _cells(plans: Plans, years: int) -> np.ndarray:
    """Where each cell of the people × years matrices reads a region × year table: flat positions, or the rows of
    `plans.row_region` (then a row per person is copied, not a gather per cell). A cell with no region (−1) reads
    some other row: its value is never used (no contribution that year)."""
    if plans.row_region is not None:
        return plans.row_region
    cell = plans.region.astype(np.intp)
    cell *= years
    cell += np.arange(years)
    return cell


def _by_cell(table: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """table[region, year] for each cell (see `_cells`)."""
    found: np.ndarray = np.take(table, cell, axis=0 if cell.ndim == 1 else None)
    return found


def _resident_credits(p: Any, plans: Plans, resident: np.ndarray) -> np.ndarray | None:
    """What a resident year puts in the account: the tier paid and the government subsidy (政府补贴) for it; None
    when no year does (e.g. every resident year switched)."""
    paying = resident & (plans.tier > 0)
    if not paying.any():
        return None
    credits = np.where(
        plans.tier >= float(p("pension.resident.subsidy_high_tier_threshold_annual")),
        float(p("pension.resident.subsidy_high_tier_annual")),
        float(p("pension.resident.subsidy_low_tier_annual")),
    )
    credits += plans.tier
    np.copyto(credits, 0.0, where=~paying)
    return credits


def _balances(
    start: np.ndarray, credits: np.ndarray | None, growth: np.ndarray, worked: np.ndarray, paths: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Each account at retirement, and with `paths` its year-end balances: `_accumulate` with `growth[t]` in the
    `worked` years before retirement and none after (`credits` None: nothing credited).

    Without paths, the growth factor G_t is the same for everyone still working (one cumulative product by year,
    not a people × years matrix) and only the last column is formed; `credits` (zero after retirement) is used up."""
    growing = growth[: int(worked.max(initial=0))]
    if paths or (growing < 1).any():
        credits = np.zeros((len(worked), len(growth))) if credits is None else credits
        balances = _accumulate(start, credits, np.where(np.arange(len(growth)) < worked[:, None], growth, 1.0))
        return balances[:, -1], balances if paths else None
    factor = np.cumprod(growth)
    at_retirement = np.concatenate([[1.0], factor])[worked]
    if credits is None:
        return at_retirement * (np.asarray(start) + 0.0), None
    np.divide(credits, factor, out=credits)
    np.cumsum(credits, axis=1, out=credits)
    return at_retirement * (np.asarray(start) + credits[:, -1]), None


def _jan1(year: int) -> dt.date:
    return dt.date(int(year), 1, 1)


def _central_minimum(p: Any, year: int, reads: _Reads | None = None) -> float:
    """The central minimum resident basic pension (基础养老金最低标准) in force on 1 January of `year`; NaN before the
    resident scheme's first value (a retirement then has no resident pension). With `reads` (the call shares rows),
    from the shared row, its read gathered there."""
    name = "pension.resident.central_basic_monthly"
    if reads is not None:
        row = _national_row(p, name)
        read = row.year_reads(year)
        if read is not None:
            p.date  # noqa: B018 — the call reads a value by date, as `p.hit` below would say
            reads.add((read,))
            return float(row.values[year - ROW_FIRST_YEAR])
    hit = p.hit(name, _jan1(year))
    if hit is not None:
        return float(hit.value)
    first_day = p.first_date(name)
    if first_day is not None and _jan1(year) < first_day:
        return float("nan")
    return float(p.at(name, _jan1(year)))  # names what is missing


def _account_rates(p: Any, calendar: np.ndarray) -> np.ndarray:
    """The share of the base credited to the personal account, year by year (11 % 1998–2005, 8 % from 2006); a year
    before the first published rate takes the first. From the shared row of the rates when the call shares rows and
    some year of the span has a rate; its reads registered as reading the years one by one would."""
    name = "pension.employee.flexible.account_rate"
    first_year, last_year = int(calendar[0]), int(calendar[-1])
    if _shares_rows(p, first_year, last_year):
        row = _national_row(p, name)
        found = row.values[first_year - ROW_FIRST_YEAR : last_year - ROW_FIRST_YEAR + 1]
        published = ~np.isnan(found)
        if published.any():
            p.date  # noqa: B018 — the call reads values by date, as `p.hit` below would say
            p.replay(Recording(hits=[hit for _, hit in row.reads(first_year, last_year)]))
            rates: np.ndarray = np.where(published, found, found[np.argmax(published)])
            return rates
    listed = []
    for year in calendar.tolist():
        hit = p.hit(name, _jan1(year))
        listed.append(None if hit is None else float(hit.value))
    first = next((r for r in listed if r is not None), None)
    if first is None:  # the whole span lies before the first published rate (a history wholly before 1998)
        first_day = p.first_date(name)
        first = float(p(name) if first_day is None else p.hit(name, first_day).value)  # p(name) names what is missing
    return np.asarray([first if r is None else r for r in listed])


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


def _per_pair(
    first: np.ndarray, second: np.ndarray, value: Any, distinct: tuple[list[tuple[int, int]], np.ndarray] | None = None
) -> np.ndarray:
    """value(a, b) for each person, computed once per distinct (a, b) pair: lookups are per place and year
    (`distinct`: the pairs, when already found)."""
    pairs, inverse = _distinct_pairs(first, second) if distinct is None else distinct
    values = np.asarray([float(value(a, b)) for a, b in pairs])
    spread: np.ndarray = values[inverse] if len(pairs) else np.zeros(len(inverse))
    return spread


def _distinct_pairs(first: np.ndarray, second: np.ndarray) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The distinct (a, b) pairs — in the order they first appear for a few people, sorted for many — and for each
    person the number of its pair (the order decides the order the pairs' values are read in, as before)."""
    firsts, seconds = np.asarray(first, dtype=np.int64).ravel(), np.asarray(second, dtype=np.int64).ravel()
    if firsts.size == 0:
        return [], np.zeros(0, dtype=np.intp)
    low_first, low_second = int(firsts.min()), int(seconds.min())
    span = int(seconds.max()) - low_second + 1
    # one integer per pair, in the order of the pairs (a 1-D unique, not a row-wise one)
    keys = (firsts - low_first) * span + (seconds - low_second)
    if firsts.size < 4096:  # few people: the pairs in the order they first appear
        distinct, where, inverse = np.unique(keys, return_index=True, return_inverse=True)
        order = np.argsort(where, kind="stable")  # distinct pairs by first appearance
        number = np.empty_like(order)
        number[order] = np.arange(len(order))
        pairs = [(k // span + low_first, k % span + low_second) for k in distinct[order].tolist()]
        return pairs, number[inverse.ravel()]
    top = int(keys.max()) + 1
    if top <= 4 * keys.size + 65_536:  # small keys (places × years): which are present, without sorting
        present = np.zeros(top, dtype=bool)
        present[keys] = True
        distinct = np.flatnonzero(present)
        number = np.cumsum(present, dtype=np.intp) - 1
        inverse = number[keys]
    else:
        distinct, inverse = np.unique(keys, return_inverse=True)
    pairs = [(k // span + low_first, k % span + low_second) for k in distinct.tolist()]
    return pairs, inverse.ravel()


def _benefit_bases(
    p: Any, tables: _Tables, codes: list[str], place: np.ndarray, retirement_year: np.ndarray, shared: bool
) -> np.ndarray:
    """The 计发基数 of each person's paying place in the retirement year (`_benefit_base` per distinct pair; when the
    call shares rows, each place's row fetched once and the pairs' reads registered at once)."""
    if not shared:
        return _per_pair(place, retirement_year, lambda r, y: _benefit_base(p, tables, codes[r], y))
    pairs, inverse = _distinct_pairs(place, retirement_year)
    reads, rows = _Reads(), dict[int, Any]()
    values = np.empty(len(pairs))
    for i, (r, year) in enumerate(pairs):
        row = rows.get(r)
        if row is None:
            row = rows[r] = _shared_row(p, tables, "benefit", codes[r])
        values[i] = row.values[year - ROW_FIRST_YEAR]
        reads.add_span(row.reads(year, year), row.warnings)
    reads.register(p)
    spread: np.ndarray = values[inverse] if len(pairs) else np.zeros(len(inverse))
    return spread


def _local_top_ups(p: Any, codes: list[str], hukou: np.ndarray) -> np.ndarray:
    """The local top-up of the resident basic pension (地方加发) in force on the question's date in each person's
    hukou place, read once per place; not overlaid, from values kept for the model (the reads registered at once)."""
    name, day = "pension.resident.local_top_up_monthly", p.date
    if p.overlaid:
        return _per_pair(hukou, hukou, lambda h, _: float(p.at(name, day, codes[h])))
    reads = _Reads()

    def top_up(h: int, _: int) -> float:
        key = ("projection_top_up", day, codes[h])
        hit = p.memo.get(key)
        if hit is None:
            with p.detached():
                hit = p.memo[key] = p.hit(name, day, codes[h])
            if hit is None:  # nothing in force there: the engine's error, naming the parameter and place
                p.at(name, day, codes[h])
        reads.add((((hit.name, hit.region, hit.effective_from), hit),))
        return float(hit.value)

    found = _per_pair(hukou, hukou, top_up)
    reads.register(p)
    return found


def _province(code: str) -> str:
    return code[:2] + "0000"


@dataclass
class _Stints:
    """Employee years by province (people × years, int8; −1 where not an employee year), the province of the last
    employee year before each year (gaps skipped), where a stint starts (the province changes; a gap does not end
    one) and each person's last employee province (−1: none): what the 66号 rules on moves look at."""

    count: int  # provinces seen
    prov: np.ndarray
    previous: np.ndarray
    starts: np.ndarray
    last: np.ndarray
    hukou_prov: np.ndarray

    @classmethod
    def of(cls, plans: Plans, employee: np.ndarray) -> _Stints:
        provinces = sorted({_province(c) for c in plans.codes})
        province_of = np.asarray([provinces.index(_province(c)) for c in plans.codes] + [-1], dtype=np.int8)
        prov = np.take(province_of, plans.region)  # region −1 (no scheme) takes the −1 at the end
        np.copyto(prov, -1, where=~employee)
        previous, last = _previous_province(prov, len(provinces))
        starts = (prov >= 0) & (prov != previous)
        return cls(len(provinces), prov, previous, starts, last, province_of[plans.hukou])


def _pension_place(p: Any, plans: Plans, stints: _Stints, birth_year: np.ndarray, male: np.ndarray) -> np.ndarray:
    """国办发〔2009〕66号 art. 6, at province level; returns an index into plans.codes (a region of that province)."""
    prov, hukou_prov = stints.prov, stints.hukou_prov
    people, years = prov.shape
    ages = p("pension.employee.temporary_account_ages")
    threshold = np.where(male, float(ages["male"]), float(ages["female"]))
    # a stint's starting age decides whether it opens only a temporary account (临时账户)
    start = np.maximum.accumulate(np.where(stints.starts, np.arange(years, dtype=np.int16), -1), axis=1)
    old_enough = _first_year_at_age(plans.first_year, birth_year, threshold, years)
    temporary = (prov >= 0) & (prov != hukou_prov[:, None]) & (start >= old_enough[:, None])
    cell = np.arange(people)[:, None] * stints.count + prov  # (person, province) of each employee year
    counted = np.bincount(cell[(prov >= 0) & ~temporary], minlength=people * stints.count)
    enough = counted >= float(p("pension.employee.pension_place_min_years"))
    last_prov = np.where(stints.last >= 0, stints.last, hukou_prov)
    in_last = enough.reshape(people, stints.count)[np.arange(people), last_prov]
    # the latest employee year in a province with enough counted years names the earlier place
    best_earlier, has_earlier = _last_where(np.take(enough, cell) & (prov >= 0), prov)
    chosen = np.where(
        last_prov == hukou_prov,
        hukou_prov,
        np.where(in_last, last_prov, np.where(has_earlier, best_earlier, hukou_prov)),
    )
    # the most specific region seen in the chosen province (the hukou region for the hukou province)
    region_there, seen = _last_where(prov == chosen[:, None], plans.region)
    return np.where((chosen == hukou_prov) | ~seen, plans.hukou, region_there)


def _settled_place(p: Any, plans: Plans) -> np.ndarray:
    """`_pension_place` for histories whose every year with a scheme is in the hukou region: the hukou province is
    the last and only one, so the pension is paid at the hukou region (the same parameters read, in the same order)."""
    p("pension.employee.temporary_account_ages")
    p("pension.employee.pension_place_min_years")
    settled: np.ndarray = plans.hukou
    return settled


def _last_where(mask: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, `values` in the last column where `mask` holds, and whether it holds anywhere."""
    rows = np.arange(mask.shape[0])
    last = mask.shape[1] - 1 - np.argmax(mask[:, ::-1], axis=1)
    return values[rows, last], mask[rows, last]


def _first_year_at_age(first_year: int, birth_year: np.ndarray, age: np.ndarray, years: int) -> np.ndarray:
    """Per person, the first column whose calendar year less the birth year reaches `age` (0…years): the test
    `calendar[t] − birth_year ≥ age` made once per person, exactly as it reads, rather than once per year."""

    def reaches(t: np.ndarray) -> np.ndarray:
        return np.asarray(first_year + t - birth_year >= age)

    guess = np.ceil(age - (first_year - birth_year))
    column = np.where(reaches(guess - 1), guess - 1, np.where(reaches(guess), guess, guess + 1))
    first_column: np.ndarray = np.clip(column, 0, years).astype(np.int16)
    return first_column


def _benefit_base(p: Any, tables: _Tables, code: str, year: int, reads: _Reads | None = None) -> float:
    """The 计发基数 of the paying place in the retirement year (a shared row, like the wage tables; its reads
    gathered in `reads` when given)."""
    return float(_row(p, tables, "benefit", code, year, 1, reads)[0])


def _previous_province(prov: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """For each year, the province of the last employee year before it (−1 if none: gaps are skipped), and each
    person's last employee province. One running maximum of year × provinces + province: the latest year wins and
    carries its province, so no gather is needed."""
    width = 1 << max(count - 1, 0).bit_length()  # a power of two ≥ count: the province is the low bits
    dtype = np.int16 if prov.shape[1] * width < 2**15 else np.int64
    code = np.arange(prov.shape[1], dtype=dtype) * width + prov
    np.copyto(code, -1, where=prov < 0)
    np.maximum.accumulate(code, axis=1, out=code)
    carried = np.where(code >= 0, code & (width - 1), -1).astype(np.int8)
    previous = np.empty_like(carried)
    previous[:, 0] = -1
    previous[:, 1:] = carried[:, :-1]
    return previous, carried[:, -1]


def _pooled_transfers(p: Any, stints: _Stints, yearly: np.ndarray, calendar: np.ndarray) -> np.ndarray:
    """12 % of the bases of the years left behind at each move between provinces (66号 art. 4(二)), counting only
    the bases from 1998 on (`pension.employee.pooled_transfer_first_year`).

    Every year before the last move is transferred exactly once, so the total is 12 % of the bases before it."""
    first = int(np.searchsorted(calendar, int(p("pension.employee.pooled_transfer_first_year"))))
    if first == len(calendar):
        return np.zeros(len(yearly))
    moved = stints.starts & (stints.previous >= 0)
    last_move, any_move = _last_where(moved, np.broadcast_to(np.arange(moved.shape[1]), moved.shape))
    last_move = np.where(any_move, last_move, 0)
    counted = np.cumsum(yearly[:, first:], axis=1)  # the bases of the counted years, running
    rows = np.arange(len(last_move))
    before = np.where(last_move > first, counted[rows, np.maximum(last_move - first - 1, 0)], 0.0)
    return before * float(p("pension.employee.pooled_transfer_rate"))


def _no_transfers(p: Any, people: int, calendar: np.ndarray) -> np.ndarray:
    """`_pooled_transfers` for histories without a move between provinces: nothing (the same parameters read)."""
    first = int(np.searchsorted(calendar, int(p("pension.employee.pooled_transfer_first_year"))))
    if first < len(calendar):
        p("pension.employee.pooled_transfer_rate")
    return np.zeros(people)


def without_moves(plans: Plans, wages: np.ndarray) -> Plans:
    """Every year in the reference region, paying the same yuan base (the index rescaled to the local average)."""
    active = plans.scheme != NONE
    index = _by_cell(wages, _cells(plans, wages.shape[1]))  # the local average (here) …
    there = wages[plans.reference]  # … and the reference region's (there)
    np.copyto(there, 1.0, where=~(there > 0))
    np.multiply(plans.index, index, out=index)
    np.divide(index, there, out=index)
    np.copyto(index, plans.index, where=~active)
    region = np.full(plans.region.shape, -1, dtype=plans.region.dtype)
    np.copyto(region, plans.reference[:, None], where=active, casting="unsafe")
    return Plans(
        plans.first_year,
        region,
        plans.scheme,
        index,
        plans.tier,
        plans.reference,
        plans.reference,
        plans.account_start,
        plans.resident_start,
        plans.codes,
        plans.reference,
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
        plans.row_region,
    )


def _as_list(value: Any) -> list[Any]:
    return list(np.asarray(value, dtype=object).ravel())
