"""The public Python API: `gigcover.calculate` (the `calc` contract, JSON in and out) and `gigcover.compute` (numpy
arrays in and out, one place and date per row, for a population).

Both ask the same rules through the same engine as the CLI and the HTTP API; `compute` splits a large population into
chunks so memory stays bounded, and within a chunk resolves parameters once per distinct (place, date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigcover.advisor.model import default_model
from gigcover.engine.errors import InputValueError, shown
from gigcover.engine.evaluate import (
    Model,
    Rows,
    check_inputs,
    evaluate_rows,
    parse_dates,
    population_shape,
    row_count,
    validate_inputs,
    work_places,
)
from gigcover.engine.evaluate import calculate as _calculate
from gigcover.engine.graph import dependencies
from gigcover.engine.overlay import Overlay
from gigcover.engine.parameters import VERIFICATION_ORDER
from gigcover.engine.regions import INDEX_DTYPE, NATIONAL
from gigcover.engine.variables import Variable, is_row_table

DEFAULT_CHUNK_ROWS = 1_000_000
"""Rows evaluated at once by `compute`: about 0.4 GB of intermediate arrays for the coverage and contribution outputs."""


def calculate(request: Mapping[str, Any], model: Model | None = None) -> dict[str, Any]:
    """The `calc` contract: {date, region, inputs, overrides, stand_ins, outputs, trace} → {outputs, warnings, verification}.

    The same as `gigcover calc` and `POST /v1/calculate`; a bad request raises a `GigcoverError` naming the field."""
    return _calculate(model or default_model(), request)


class Computed(dict[str, np.ndarray]):
    """Output name → one value per row; `warnings` and `verification` say what the values rest on: only what decided
    at least one row (a parameter of a branch no row took is not named), and `warning_rows` how many rows each
    warning concerns."""

    def __init__(
        self, values: Mapping[str, np.ndarray], warning_rows: dict[str, int], verification: dict[str, Any]
    ) -> None:
        super().__init__(values)
        self.warning_rows = warning_rows
        self.warnings = list(warning_rows)
        self.verification = verification


def compute(
    inputs: Mapping[str, Any],
    outputs: Sequence[str],
    *,
    date: Any,
    region: Any = None,
    overrides: Mapping[str, Any] | None = None,
    decode: bool = True,
    missing: str = "raise",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    model: Model | None = None,
    explain: bool = True,
    stand_ins: Mapping[str, Any] | None = None,
) -> Computed:
    """The rules on arrays: `inputs` maps variable names to a value per row (or one value for all), `date` and
    `region` are one value or one per row (ISO dates or datetime64; GB/T 2260 codes, names or region indices).

    Categorical inputs may be names or codes. Numeric outputs come back as float/int arrays; categorical outputs as
    arrays of names (`decode=False`: the int8 codes, e.g. for a population kept as dictionary columns), sets of names
    as tuples (codes: bit sets), regions as codes. A worker is an array of length 1.

    `missing="nan"`: an amount that a row's place and date publish no figure for is NaN there (the warnings name the
    places), instead of failing the whole call ("raise", as one question does).

    `stand_ins`: parameter values used only where a row's place has no value of its own in force (engine/overlay.py),
    to price what the rules cannot as a stated assumption; the answer's verification is then "OVERLAY".

    `explain=False`: the same values without the walk back to what decided them — no warnings of parameter values
    or defaults (only those of amounts left NaN) and no verification level (`"weakest": None`); for callers that
    only add the values up (the policy lab, the ledger's pricing). Then the places of one province are also computed
    together wherever the parameters they read agree (see `evaluate_rows`): the same values, far fewer simulations
    for a population spread over many places."""
    if missing not in ("raise", "nan"):
        raise InputValueError(f"missing: expected 'raise' or 'nan', got {shown(missing)}", field="missing")
    if not isinstance(inputs, Mapping):
        raise InputValueError("inputs: expected a mapping of variable names to values", field="inputs")
    model = model or default_model()
    names = _known_outputs(model, outputs)
    given = validate_inputs(model, inputs)
    days = _per_row_dates(date)
    places = _per_row_regions(model, region)
    n = row_count(population_shape(given), days, places)
    check_inputs(model, names, given, has_region=True)
    overlay = Overlay.parse(
        dict(overrides) if overrides else None, model.store, stand_ins=dict(stand_ins) if stand_ins else None
    )
    bounds = _change_days(model, names, given, overlay)
    regions, when = np.broadcast_to(places, (n,)), np.broadcast_to(days, (n,))
    out: dict[str, np.ndarray] = {}
    warnings: dict[str, int] = {}
    levels: list[str] = []
    unverified: set[str] = set()
    for start in range(0, n, max(1, chunk_rows)):
        stop = min(n, start + chunk_rows)
        plan = _RowPlan.of(
            regions[start:stop], when[start:stop], bounds, None if explain else model.regions.province_index
        )
        chunk = {k: (plan.arrange(_rows(v, start, stop)) if _per_row(v, n) else v) for k, v in given.items()}
        result = evaluate_rows(
            model, plan.rows, chunk, names, overlay, missing_as_nan=missing == "nan", explain=explain
        )
        for name, values in result.values.items():
            whole = stop - start == n and plan.order is None and values.shape == (n,) and values.flags.owndata
            if whole and not any(values is given_value for given_value in given.values()):
                out[name] = values  # the whole population in one chunk, in order: nothing to move (never an input)
                continue
            if name not in out:
                out[name] = np.empty(n, dtype=values.dtype)
            elif out[name].dtype != values.dtype:
                out[name] = out[name].astype(np.result_type(out[name], values))
            plan.put_back(out[name][start:stop], values)
        for message, rows in result.warning_rows.items():
            warnings[message] = warnings.get(message, 0) + rows
        if explain:
            levels.append(result.verification["weakest"])
            unverified.update(result.verification["unverified_parameters"])
    verification = {
        "weakest": max(levels, key=VERIFICATION_ORDER.__getitem__, default="V1") if explain else None,
        "unverified_parameters": sorted(unverified),
    }
    decoded = {name: _decoded(model, model.variables[name], out[name]) if decode else out[name] for name in names}
    return Computed(decoded, warnings, verification)


def simulate(population: Any, scenarios: Sequence[Any], **options: Any) -> Any:
    """The policy lab: scenarios (built-in names, scenario files or `LabScenario`s) on a population (engine inputs,
    weight, place of work per row: `gigcover.policylab.measures.LabPopulation`, or the population package's
    `EngineInputs`) → a `Summary` (tidy (scenario, group, measure, value) records and the rows behind them), every
    measure computed by `compute`. Options: see `gigcover.policylab.simulate.simulate`."""
    from gigcover.policylab.simulate import simulate as run

    return run(population, scenarios, compute=compute, **options)


def _change_days(model: Model, outputs: list[str], given: Mapping[str, Any], overlay: Overlay) -> np.ndarray:
    """The days on which any parameter the outputs read (or the overlay sets) changes value."""
    needed = dependencies(model.variables, outputs, given)
    read = {name for variable in needed for name in model.variables[variable].parameters}
    return np.union1d(model.store.change_dates(read), np.asarray(overlay.change_dates(), dtype="datetime64[D]"))


@dataclass(frozen=True)
class _RowPlan:
    """The order a chunk's rows are computed in: by place, then by day, so rows of one place and one span of days
    without a parameter change (the days in `bounds`) form one group, computed together at the span's first day.

    Chunks are contiguous in the caller's order, so putting answers back touches only the chunk's own rows."""

    order: np.ndarray | None  # the chunk's row numbers in computing order (None: as given)
    rows: Rows

    @classmethod
    def of(
        cls, region: np.ndarray, day: np.ndarray, bounds: np.ndarray, together: np.ndarray | None = None
    ) -> _RowPlan:
        """`together` (a key per region index, e.g. its province): the places of one key that are computed together
        (`evaluate_rows` with `explain=False`) are given one day for each span, the first of any of them."""
        if _constant(region) and _constant(day):
            return cls(None, Rows(np.ascontiguousarray(region), np.ascontiguousarray(day)))
        order = _computing_order(region, day, bounds, together)
        ordered_region, ordered_day = (region, day) if order is None else (region[order], day[order])
        span = np.searchsorted(bounds, ordered_day, side="right")
        if together is not None:
            return cls(
                order, Rows(ordered_region, _first_day_of(together[ordered_region], span, ordered_day), ordered_day)
            )
        new_group = np.empty(len(ordered_region), dtype=bool)
        new_group[0] = True
        new_group[1:] = (ordered_region[1:] != ordered_region[:-1]) | (span[1:] != span[:-1])
        starts = np.flatnonzero(new_group)
        first_day = ordered_day[starts][np.cumsum(new_group) - 1]
        return cls(order, Rows(ordered_region, first_day, ordered_day))

    def arrange(self, values: Any) -> Any:
        if self.order is None:
            return values
        return values.take_rows(self.order) if is_row_table(values) else values[self.order]

    def put_back(self, window: np.ndarray, values: np.ndarray) -> None:
        if self.order is None:
            window[:] = values
        else:
            window[self.order] = values


def _computing_order(
    region: np.ndarray, day: np.ndarray, bounds: np.ndarray, together: np.ndarray | None
) -> np.ndarray | None:
    """The rows' numbers in computing order — by place, then day; with `together`, by group, span of days, place,
    then day — or None when they already lie in it (the policy lab orders its population by place once, so its
    calls need not gather every input and scatter every output)."""
    span = np.searchsorted(bounds, day, side="right") if together is not None else None
    keys = [region, day] if together is None else [together[region], span, region, day]
    if _in_order(keys):
        return None
    # stable passes on small integers (radix sorts, linear in the rows): by day, then by place
    offset = (day - day.min()).astype(np.int64)
    by_day = np.argsort(offset.astype(np.int16) if offset.max() < np.iinfo(np.int16).max else offset, kind="stable")
    order = by_day[np.argsort(region[by_day], kind="stable")]
    if together is not None:  # then by span of days, then by group: each group's span is a run of rows
        assert span is not None
        order = order[np.argsort(span[order].astype(np.int32), kind="stable")]
        order = order[np.argsort(together[region[order]], kind="stable")]
    return order


def _in_order(keys: list[np.ndarray]) -> bool:
    """Whether the rows are sorted by the keys (the first the most significant)."""
    fine = np.ones(len(keys[0]) - 1, dtype=bool)
    decided = np.zeros_like(fine)
    for key in keys:
        before, after = key[:-1], key[1:]
        fine &= decided | (before <= after)
        decided |= before < after
    return bool(fine.all())


def _first_day_of(group: np.ndarray, span: np.ndarray, day: np.ndarray) -> np.ndarray:
    """For each row, the first day of any row of its group in its span of days."""
    key = group.astype(np.int64) * (int(span.max()) + 1) + span
    distinct, inverse = np.unique(key, return_inverse=True)
    first = np.full(len(distinct), np.iinfo(np.int64).max)
    np.minimum.at(first, inverse, day.astype(np.int64))
    return first[inverse].astype("datetime64[D]")


def _constant(values: np.ndarray) -> bool:
    return values.ndim == 0 or values.strides == (0,) or bool((values == values.flat[0]).all())


def _known_outputs(model: Model, outputs: Sequence[str]) -> list[str]:
    if isinstance(outputs, str) or not outputs:
        raise InputValueError("outputs: expected a non-empty list of variable names", field="outputs")
    for name in outputs:
        model.variable(name)
    return list(outputs)


def _per_row_dates(date: Any) -> np.ndarray:
    parsed = parse_dates(date)
    return np.asarray(np.datetime64(parsed, "D") if isinstance(parsed, dt.date) else parsed)


def _per_row_regions(model: Model, region: Any) -> np.ndarray:
    if region is None:
        return np.asarray(model.regions.position[NATIONAL], dtype=INDEX_DTYPE)
    return np.asarray(work_places(model, region), dtype=INDEX_DTYPE)


def _per_row(value: Any, n: int) -> bool:
    return ((isinstance(value, np.ndarray) and value.ndim > 0) or is_row_table(value)) and len(value) == n


def _rows(value: Any, start: int, stop: int) -> Any:
    return value.take_rows(slice(start, stop)) if is_row_table(value) else value[start:stop]


def _decoded(model: Model, variable: Variable, values: np.ndarray) -> np.ndarray:
    """Codes as names, in arrays (one gather on the few names, not a Python loop over the rows)."""
    if variable.value_type == "region":
        return values if values.dtype.kind in "UO" else np.asarray(model.regions.codes, dtype=object)[values]
    if variable.enum is None:
        return values
    if variable.value_type == "set":
        return variable.enum.set_names(values)
    return np.take(np.asarray(variable.enum.ids(), dtype=object), values)  # 8 bytes a row, names shared
