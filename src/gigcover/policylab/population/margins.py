"""A population's margins beside their targets (`gigcover population describe`): each row of `calibration.yaml`'s
margins computed on the population, weighted, with whether it is within tolerance."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gigcover.engine import InputValueError
from gigcover.engine.regions import region_table
from gigcover.policylab.population import storage
from gigcover.policylab.population.calibration import Calibration, Margin, MarginRow, default_calibration
from gigcover.policylab.population.generator import Places
from gigcover.policylab.population.storage import Population

Columns = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class MarginResult:
    margin: str
    title: str
    label: str
    value: float
    target: float | None
    tolerance: float | None
    compare: str
    ok: bool | None  # None: nothing published to compare with
    rows: int
    verification: str
    source: str | None
    url: str | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _derived(places: Places) -> dict[str, tuple[tuple[str, ...], Callable[[Columns], np.ndarray]]]:
    pooling = region_table().pooling_index
    province = places.province_of_city
    return {
        "annual_income": (("monthly_income",), lambda c: c["monthly_income"].astype(float) * 12),
        "orders_per_working_day": (
            ("monthly_orders", "annual_days"),
            lambda c: c["monthly_orders"].astype(float) * 12 / np.maximum(c["annual_days"], 1),
        ),
        "province_of_work": (("work_province",), lambda c: province[c["work_province"]]),
        "works_in_home_province": (
            ("work_province", "hukou_province"),
            lambda c: c["work_province"] == c["hukou_province"],
        ),
        "hukou_local": (
            ("work_region", "hukou_region"),
            lambda c: pooling[c["work_region"]] == pooling[c["hukou_region"]],
        ),
        "tier1_city": (("work_region",), lambda c: places.tier1[c["work_region"]]),
    }


def _needed(calibration: Calibration, derived: Mapping[str, tuple[tuple[str, ...], Any]]) -> list[str]:
    names = {"weight"}
    for margin in calibration.margins:
        for row in margin.rows:
            names.add(row.column or margin.column)
            names.update(row.where or margin.where)
    stored: set[str] = set()
    for name in names:
        stored.update(derived[name][0] if name in derived else (name,))
    unknown = sorted(stored - set(storage.PEOPLE_COLUMNS))
    if unknown:
        raise InputValueError(
            f"calibration: unknown column(s) {', '.join(unknown)} in the margins", field="calibration"
        )
    return sorted(stored)


def _columns(population: Population) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in population.people.column_names:
        column = population.people.column(name)
        if name in storage.CATEGORIES:
            out[name] = storage.codes(column, storage.CATEGORIES[name], name)
        elif name in storage.REGIONS:
            out[name] = storage.codes(column, name=name).astype(np.int64)
        else:
            out[name] = column.to_numpy()
    return out


def describe(source: Path | str | Population, calibration: Calibration | None = None) -> list[MarginResult]:
    """Every margin row of the calibration, computed on a population (a file, or tables in memory)."""
    calibration = calibration or default_calibration()
    places = Places.of(calibration)
    derived = _derived(places)
    needed = _needed(calibration, derived)
    population = source if isinstance(source, Population) else storage.read(Path(source), needed, segments=False)
    columns = _columns(population)
    if not len(columns["weight"]):
        raise InputValueError("population: no rows", field="population")
    for name, (_, compute) in derived.items():
        columns[name] = compute(columns)
    return [_result(margin, row, columns, places) for margin in calibration.margins for row in margin.rows]


def _mask(where: Mapping[str, list[Any]], columns: Columns) -> np.ndarray:
    mask = np.ones(len(columns["weight"]), dtype=bool)
    for name, allowed in where.items():
        values = columns[name]
        if name in storage.CATEGORIES:
            enum = storage.CATEGORIES[name]
            mask &= np.isin(values, [int(enum.of(str(a))) for a in allowed])
        elif values.dtype == bool:
            mask &= np.isin(values, [bool(a) for a in allowed])
        else:
            low, high = allowed
            mask &= (values >= low) & (values <= high)
    return mask


def _matches(name: str, category: str | bool | None, values: np.ndarray) -> np.ndarray:
    if category is None:
        raise InputValueError(f"calibration: a share of {name} needs a category or a range", field="calibration")
    wanted = int(storage.CATEGORIES[name].of(str(category))) if name in storage.CATEGORIES else bool(category)
    hit: np.ndarray = values == wanted
    return hit


def _result(margin: Margin, row: MarginRow, columns: Columns, places: Places) -> MarginResult:
    name = row.column or margin.column
    statistic = row.statistic or margin.statistic
    mask = _mask(row.where or margin.where, columns)
    weight = columns["weight"][mask].astype(float)
    values = columns[name][mask]
    total = float(weight.sum())
    if statistic == "mean":
        value = float((values.astype(float) * weight).sum() / total) if total else float("nan")
    elif statistic == "share":
        hit = _matches(name, row.category, values) if row.between is None else (
            (values >= row.between[0]) & (values <= row.between[1]))  # fmt: skip
        value = float(weight[hit].sum() / total) if total else float("nan")
    else:  # max_share_deviation: a distribution over provinces against the model's weights
        shares = np.bincount(values, weights=weight, minlength=len(places.weight)) / total
        value = float(np.abs(shares - places.weight).max())
    compare = row.compare or margin.compare
    tolerance = row.tolerance if row.tolerance is not None else margin.tolerance
    return MarginResult(
        margin=margin.id,
        title=margin.title,
        label=_label(row),
        value=value,
        target=row.target,
        tolerance=tolerance if compare == "equal" else None,
        compare=compare,
        ok=_within(value, row.target, tolerance, compare),
        rows=int(mask.sum()),
        verification=row.verification,
        source=row.source,
        url=row.url,
        note=row.note,
    )


def _within(value: float, target: float | None, tolerance: float | None, compare: str) -> bool | None:
    if target is None:
        return None
    if np.isnan(value):
        return False
    if compare == "at_least":
        return value >= target
    if compare == "at_most":
        return value <= target
    return abs(value - target) <= (tolerance or 0.0) + 1e-12


def _label(row: MarginRow) -> str:
    if row.label:
        return row.label
    if row.category is not None:
        return str(row.category).lower() if isinstance(row.category, bool) else row.category
    if row.between is not None:
        return f"{row.between[0]:g}–{row.between[1]:g}"
    return "all"
