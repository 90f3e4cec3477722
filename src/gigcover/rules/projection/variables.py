"""The projection's variables: the history laid out year by year, the projection of the history as given and of
each comparison (without moves, without switches, without either), the `pension_projection` record and the fields
read from them.

Each comparison is its own variable, so a call computes only the ones its outputs need: the projected pension alone
runs the arithmetic once, `portability_loss_monthly` twice (the history and the comparison without either), the
whole `pension_projection` record four times."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from gigcover.engine import ValueType
from gigcover.rules import registry
from gigcover.rules.projection.arithmetic import _as_list, project, without_moves, without_switches
from gigcover.rules.projection.columns import HistoryColumns, layout
from gigcover.rules.projection.tables import PARAMETERS, People, Plans, _Tables, _tables, build_plans
from gigcover.rules.retirement.age import month_index

REFERENCES = (
    "pension_2005_38.benefit",
    "pension_transfer_2009_66",
    "pension_conversion_2014_17",
    "social_insurance_law.art16",
)


@registry.formula(
    "缴费历史（逐年展开）",
    "Contribution history year by year",
    "mapping",
    inputs=(
        "contribution_history",
        "statutory_retirement_date",
        "statutory_retirement_age_months",
        "original_retirement_age",
    ),
    parameters=PARAMETERS,
)
def contribution_history_years(v: Any, p: Any) -> Any:
    """The history as people × calendar years up to the statutory retirement year (法定退休年份), with the retirement
    facts and the yearly tables beside it: laid out once per call, read by the projection of the history and by
    each comparison."""
    given = v.contribution_history
    columns = isinstance(given, HistoryColumns)
    histories = [] if columns else _as_list(given)
    people = len(given) if columns else len(histories)
    retirement = np.atleast_1d(np.asarray(v.statutory_retirement_date, dtype=str))
    retirement_month = np.broadcast_to(month_index(retirement, "statutory_retirement_date"), (people,))
    retirement_year = retirement_month // 12
    age_months = np.broadcast_to(np.asarray(v.statutory_retirement_age_months, dtype=float), (people,))
    # the place of the question is the reference region only of histories that name none: a population whose
    # histories all name theirs is projected the same whatever place it is asked at
    if columns:
        plans = layout(given, retirement_year, p.region if bool((given.reference < 0).any()) else None, p.regions)
    else:
        plans = build_plans(histories, retirement_year, p.region)
    male = np.broadcast_to(np.asarray(v.original_retirement_age) == 60, (people,))
    birth_year = (retirement_month - age_months) // 12
    wages, floors, rates = _tables(p, _Tables(p, plans.codes, plans.first_year, plans.scheme.shape[1]))
    return People(plans, retirement_year, age_months, birth_year, male, wages, floors, rates).as_record()


Variant = Callable[[Plans, np.ndarray, float], Plans]  # (history, wages by region × year, floor index) → comparison


def _projected(v: Any, p: Any, variant: Variant | None) -> dict[str, Any]:
    """Project the history (or a comparison made from it) to retirement: one value per person, and for one person
    the yearly paths too."""
    people = People.of_record(v.contribution_history_years)
    plans = people.plans
    if variant is not None:
        plans = variant(plans, people.wages, float(p("pension.employee.base_floor_ratio")))
    found = project(p, people, plans, _Tables(p, plans.codes, plans.first_year, plans.scheme.shape[1]))
    return _shaped(found, len(people.retirement_year) == 1)


def _discount(p: Any, retirement_year: np.ndarray) -> np.ndarray:
    """From the retirement year's money to today's: the wage-growth assumption over the years in between."""
    discount: np.ndarray = (1 + float(p("projection.wage_growth"))) ** np.maximum(retirement_year - p.date.year, 0)
    return discount


@registry.formula(
    "养老金测算（按缴费历史）",
    "Pension projection of the history as given",
    "mapping",
    inputs=("contribution_history_years",),
    parameters=PARAMETERS,
    references=REFERENCES,
)
def pension_projection_as_given(v: Any, p: Any) -> Any:
    """The history projected as given, with the pension in today's money."""
    actual = _projected(v, p, None)
    discount = _discount(p, v.contribution_history_years["retirement_year"])
    actual["pension_monthly_today"] = np.round(actual["pension_monthly"] / discount, 2)
    return actual


def _no_moves(plans: Plans, wages: np.ndarray, floor: float) -> Plans:
    """The history without moves: every year in the reference region, paying the same yuan base."""
    return without_moves(plans, wages)


def _no_switches(plans: Plans, wages: np.ndarray, floor: float) -> Plans:
    """The history without switches: resident years as employee years at the floor index, in the same place."""
    return without_switches(plans, floor)


def _neither(plans: Plans, wages: np.ndarray, floor: float) -> Plans:
    """The history without moves or switches (the comparison behind `portability_loss_monthly`)."""
    return without_switches(without_moves(plans, wages), floor)


for _name, _zh, _en, _variant in (
    ("pension_projection_no_moves", "对照测算：不跨地区流动", "Comparison: the history without moves", _no_moves),
    (
        "pension_projection_no_switches",
        "对照测算：不转入居民养老保险",
        "Comparison: the history without switches to the resident scheme",
        _no_switches,
    ),
    (
        "pension_projection_no_moves_or_switches",
        "对照测算：不流动、不转换",
        "Comparison: the history without moves or switches",
        _neither,
    ),
):

    def _comparison(v: Any, p: Any, variant: Variant = _variant) -> Any:
        return _projected(v, p, variant)

    _comparison.__name__ = _comparison.__qualname__ = _name
    _comparison.__doc__ = f"The projection of a comparison. {_variant.__doc__}"
    registry.formula(
        _zh, _en, "mapping", inputs=("contribution_history_years",), parameters=PARAMETERS, references=REFERENCES
    )(_comparison)


@registry.formula(
    "养老金测算（含转移接续）",
    "Pension projection (with moves and scheme switches)",
    "mapping",
    inputs=(
        "contribution_history_years",
        "pension_projection_as_given",
        "projection_counterfactuals",
        "pension_projection_no_moves",
        "pension_projection_no_switches",
        "pension_projection_no_moves_or_switches",
    ),
    parameters=("projection.wage_growth",),
    references=REFERENCES,
)
def pension_projection(v: Any, p: Any) -> Any:
    """The projected history and, beside it, the comparisons without moves and switches (unless
    `projection_counterfactuals` is false: the history alone, e.g. for the advisor's variants)."""
    actual = dict(v.pension_projection_as_given)
    if not bool(np.all(v.projection_counterfactuals)):
        return actual
    # read in this order (the engine keeps the last read of a parameter value, which decides its fallback warning)
    no_moves, no_switches = v.pension_projection_no_moves, v.pension_projection_no_switches
    neither = v.pension_projection_no_moves_or_switches
    actual["counterfactual_pension_monthly"] = neither["pension_monthly"]
    actual["portability_loss_monthly"] = _loss(neither, actual)
    actual["portability_loss_moves_monthly"] = _loss(no_moves, actual)
    actual["portability_loss_switches_monthly"] = _loss(no_switches, actual)
    actual["counterfactual_extra_contributions"] = np.round(
        neither["worker_contributions"] - actual["worker_contributions"], 2
    )
    if "balance_path" in neither:  # one person: the yearly path of the comparison
        actual["counterfactual_balance_path"] = neither["balance_path"]
    # in today's money: discounted by the wage-growth assumption from the retirement year to the question's year
    discount = _discount(p, v.contribution_history_years["retirement_year"])
    actual["portability_loss_monthly_today"] = np.round(actual["portability_loss_monthly"] / discount, 2)
    return actual


def _loss(comparison: dict[str, Any], actual: dict[str, Any]) -> np.ndarray:
    """How much more a month the comparison pays than the history (转移接续损失), to the fen."""
    loss: np.ndarray = np.round(comparison["pension_monthly"] - actual["pension_monthly"], 2)
    return loss


def _shaped(columns: dict[str, np.ndarray], single: bool) -> dict[str, Any]:
    """Columns, one value per person; one person's yearly paths too (people × years: for many, too large to keep)."""
    return {k: a for k, a in columns.items() if single or np.ndim(a) == 1}


def _field(name: str) -> Any:
    def extract(v: Any, p: Any) -> Any:
        projection = v.pension_projection_as_given
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
        "projected_benefit_base_monthly",
        "计发基数（预计，退休年份）",
        "Pension benefit base in the retirement year (projected)",
        "float",
        "benefit_base",
    ),
    (
        "projected_account_balance",
        "个人账户储存额（预计）",
        "Personal account at retirement (projected)",
        "float",
        "account_balance",
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
        _zh,
        _en,
        cast(ValueType, _type),
        inputs=("pension_projection_as_given",),
        references=("pension_transfer_2009_66",),
    )(_extract)


@registry.formula(
    "转移接续与险种转换造成的养老金损失（月）",
    "Pension lost to moves and scheme switches, per month",
    "float",
    inputs=("pension_projection_as_given", "pension_projection_no_moves_or_switches"),
    references=("pension_transfer_2009_66",),
)
def portability_loss_monthly(v: Any, p: Any) -> Any:
    """The comparison without moves or switches less the history's pension (the paper's IV.3): only those two
    projections run, not the comparisons without moves alone or switches alone."""
    return _loss(v.pension_projection_no_moves_or_switches, v.pension_projection_as_given)


@registry.formula(
    "跨地区流动造成的养老金损失（月）",
    "Pension lost to moves between places, per month",
    "float",
    inputs=("pension_projection_as_given", "pension_projection_no_moves"),
    references=("pension_transfer_2009_66",),
)
def portability_loss_moves_monthly(v: Any, p: Any) -> Any:
    """The comparison without moves (every year in one place, the same yuan bases and schemes) less the history's
    pension: what moving costs under the transfer rules (转移接续, 国办发〔2009〕66号), without the part of
    `portability_loss_monthly` that comes from years in the resident scheme instead of the employee one — a choice
    of scheme, paid for with lower contributions, not a loss to mobility."""
    return _loss(v.pension_projection_no_moves, v.pension_projection_as_given)
