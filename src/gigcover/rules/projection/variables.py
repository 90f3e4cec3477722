"""The projection's variables: `pension_projection` and the fields read from it."""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from gigcover.engine import ValueType
from gigcover.rules import registry
from gigcover.rules.projection.arithmetic import _as_list, project, without_moves, without_switches
from gigcover.rules.projection.columns import HistoryColumns, layout
from gigcover.rules.projection.tables import PARAMETERS, Plans, _Tables, _tables, build_plans
from gigcover.rules.retirement.age import month_index


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
    given = v.contribution_history
    columns = isinstance(given, HistoryColumns)
    histories = [] if columns else _as_list(given)
    people = len(given) if columns else len(histories)
    single = people == 1
    retirement = np.atleast_1d(np.asarray(v.statutory_retirement_date, dtype=str))
    retirement_month = np.broadcast_to(month_index(retirement, "statutory_retirement_date"), (people,))
    retirement_year = retirement_month // 12
    age_months = np.broadcast_to(np.asarray(v.statutory_retirement_age_months, dtype=float), (people,))
    birth_year = (retirement_month - age_months) // 12
    male = np.broadcast_to(np.asarray(v.original_retirement_age) == 60, (people,))
    plans = (
        layout(given, retirement_year, p.region, p.regions)
        if columns
        else build_plans(histories, retirement_year, p.region)
    )
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
    """Columns, one value per person; one person's yearly paths too (people × years: for many, too large to keep)."""
    return {k: a for k, a in columns.items() if single or np.ndim(a) == 1}


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
