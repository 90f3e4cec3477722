"""The projection's arithmetic on people × years matrices: accounts, where the pension is paid, the benefit, the
pooled transfers, and the histories without moves or switches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigcover.rules.pension.employee.benefit import divisor_for
from gigcover.rules.projection.schema import EMPLOYEE, NONE, RESIDENT
from gigcover.rules.projection.tables import People, Plans, _minimum_years, _row, _Tables


def project(p: Any, people: People, plans: Plans, tables: _Tables) -> dict[str, np.ndarray]:
    """Run the rules over the matrices of `plans` (the people's history, or a comparison made from it) with the
    people's retirement facts (wages and interest read once per projection); one value per person."""
    retirement_year, retirement_age_months = people.retirement_year, people.age_months
    birth_year, male = people.birth_year, people.male
    wages, floors, rates = people.wages, people.floors, people.rates
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
    credit = base_monthly * 12 * _account_rates(p, calendar)[None, :]
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
    # paid from the retirement year: the central minimum in force then (the latest published, with no growth assumed),
    # as the employee side takes the 计发基数 of the retirement year
    central = _per_pair(
        retirement_year, retirement_year, lambda y, _: float(p.at("pension.resident.central_basic_monthly", _jan1(y)))
    )
    resident_basic = central + _per_pair(
        plans.hukou,
        plans.hukou,
        lambda h, _: float(p.at("pension.resident.local_top_up_monthly", p.date, plans.codes[h])),
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
        "pension_place": np.asarray(plans.codes)[place],
        "benefit_base": np.round(pension_base, 2),
        "minimum_years": minimum,
        "pension_scheme": scheme,
        "pension_monthly": np.round(pension, 2),
        "employee_basic_monthly": np.round(np.where(eligible, basic, 0.0), 2),
        "worker_contributions": np.round(worker_paid, 2),
        "pooled_transfer": np.round(_pooled_transfers(p, stints, base_monthly, calendar), 2),
        "balance_path": np.round(path, 2),
        "calendar": np.broadcast_to(calendar, (n, years)),
    }


def _jan1(year: int) -> dt.date:
    return dt.date(int(year), 1, 1)


def _account_rates(p: Any, calendar: np.ndarray) -> np.ndarray:
    """The share of the base credited to the personal account, year by year (11 % 1998–2005, 8 % from 2006); a year
    before the first published rate takes the first."""
    rates = []
    for year in calendar.tolist():
        hit = p.hit("pension.employee.flexible.account_rate", _jan1(year))
        rates.append(None if hit is None else float(hit.value))
    first = next((r for r in rates if r is not None), 0.08)
    return np.asarray([first if r is None else r for r in rates])


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
    low = min(int(firsts.min()), int(seconds.min()))
    span = int(seconds.max()) - low + 1
    keys = (firsts - low) * span + (seconds - low)  # one integer per pair: a 1-D unique, not a row-wise one
    distinct, inverse = np.unique(keys, return_inverse=True)
    values = np.asarray([float(value(int(k // span + low), int(k % span + low))) for k in distinct.tolist()])
    spread: np.ndarray = values[inverse.ravel()]
    return spread


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
    counted, last_year = _by_province(prov, temporary, stints.count)
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


def _by_province(prov: np.ndarray, temporary: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per person and province: the employee years counted there (not in a temporary account), and the index of the
    last employee year there (−1 if none). One pass over the matrix, not one per province."""
    people = prov.shape[0]
    rows, cols = np.nonzero(prov >= 0)
    cells = rows * count + prov[rows, cols]
    counted = np.bincount(cells[~temporary[rows, cols]], minlength=people * count).reshape(people, count)
    last = np.full(people * count, -1, dtype=np.int64)
    np.maximum.at(last, cells, cols)
    return counted, last.reshape(people, count)


def _benefit_base(p: Any, tables: _Tables, code: str, year: int) -> float:
    """The 计发基数 of the paying place in the retirement year (a shared row, like the wage tables)."""
    return float(_row(p, tables, "benefit", code, year, 1)[0])


def _previous_province(prov: np.ndarray) -> np.ndarray:
    """For each year, the province of the last employee year before it (−1 if none): gaps are skipped."""
    years = np.arange(prov.shape[1])
    last = np.maximum.accumulate(np.where(prov >= 0, years, -1), axis=1)
    before = np.concatenate([np.full((prov.shape[0], 1), -1), last[:, :-1]], axis=1)
    return np.where(before >= 0, np.take_along_axis(prov, np.maximum(before, 0), axis=1), -1)


def _pooled_transfers(p: Any, stints: _Stints, base_monthly: np.ndarray, calendar: np.ndarray) -> np.ndarray:
    """12 % of the bases of the years left behind at each move between provinces (66号 art. 4(二)), counting only
    the bases from 1998 on (`pension.employee.pooled_transfer_first_year`).

    Every year before the last move is transferred exactly once, so the total is 12 % of the bases before it."""
    counted = calendar >= int(p("pension.employee.pooled_transfer_first_year"))
    base_monthly = np.where(counted[None, :], base_monthly, 0.0)
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


def _as_list(value: Any) -> list[Any]:
    return list(np.asarray(value, dtype=object).ravel())
