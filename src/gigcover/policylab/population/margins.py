"""A population's margins beside their targets (`gigcover population describe`): each row of `calibration.yaml`'s
margins computed on the population, weighted, with whether it is within tolerance."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

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
    """Every margin row of the calibration, computed on a population (a file, or tables in memory).

    A file is read a row group at a time (only the columns the margins use): each row's statistic is a ratio of
    weighted sums, added up over the groups, so memory is bounded by a row group whatever the population's size."""
    calibration = calibration or default_calibration()
    places = Places.of(calibration)
    derived = _derived(places)
    needed = _needed(calibration, derived)
    rows = [(margin, row) for margin in calibration.margins for row in margin.rows]
    sums = [_Sums(len(places.weight)) for _ in rows]
    read = 0
    for population in _parts(source, needed):
        read += population.people.num_rows
        columns = _columns(population)
        for name, (_, compute) in derived.items():
            columns[name] = compute(columns)
        for (margin, row), total in zip(rows, sums, strict=True):
            total.add(margin, row, columns)
    if not read:
        raise InputValueError("population: no rows", field="population")
    return [_result(margin, row, total, places) for (margin, row), total in zip(rows, sums, strict=True)]


def _parts(source: Path | str | Population, columns: list[str]) -> Iterator[Population]:
    if isinstance(source, Population):
        yield source
        return
    file = storage.open_file(Path(source), columns)
    for group in range(file.num_row_groups):
        yield Population(file.read_row_group(group, columns=columns), pa.table({}))


@dataclass
class _Sums:
    """Weighted sums of one margin row over the parts read so far."""

    provinces: int
    weight: float = 0.0
    numerator: float = 0.0
    rows: int = 0
    by_province: np.ndarray | None = None

    def add(self, margin: Margin, row: MarginRow, columns: Columns) -> None:
        name = row.column or margin.column
        statistic = row.statistic or margin.statistic
        mask = _mask(row.where or margin.where, columns)
        weight = columns["weight"][mask].astype(float)
        values = columns[name][mask]
        self.weight += float(weight.sum())
        self.rows += int(mask.sum())
        if statistic == "mean":
            self.numerator += float((values.astype(float) * weight).sum())
        elif statistic == "share":
            hit = _matches(name, row.category, values) if row.between is None else (
                (values >= row.between[0]) & (values <= row.between[1]))  # fmt: skip
            self.numerator += float(weight[hit].sum())
        else:  # max_share_deviation: a distribution over provinces
            counts = np.bincount(values, weights=weight, minlength=self.provinces)
            self.by_province = counts if self.by_province is None else self.by_province + counts


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


def _result(margin: Margin, row: MarginRow, sums: _Sums, places: Places) -> MarginResult:
    statistic = row.statistic or margin.statistic
    if not sums.weight:
        value = float("nan")
    elif statistic == "max_share_deviation":  # against the model's weights
        assert sums.by_province is not None
        value = float(np.abs(sums.by_province / sums.weight - places.weight).max())
    else:
        value = sums.numerator / sums.weight
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
        rows=sums.rows,
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
