"""Running scenarios on a population (情景模拟): `simulate(population, scenarios, compute=...) -> Summary`, a tidy
table of (scenario, group, measure, value) with the rows behind it, written as DIR/summary.csv and DIR/detail.parquet.

Measures per scenario and group (group `all` is the whole population; then `table2_cell=…`, `industry=…`,
`income_decile=1…10`, `age_band=…`, `intensity=…` when the population has it), all weighted:
- `workers`: the weight of the group;
- `coverage_occupational_injury`, `coverage_medical`, `coverage_pension`, `coverage_unemployment`: expected share
  enrolled (work injury or occupational injury for the first; employee or resident scheme for medical and pension);
- `contributions_worker`, `contributions_platform` (the platform, or its contractor or agency as employer),
  `contributions_government`: expected yuan a year;
- `worker_cost_share_of_income`: the group's expected worker contributions over its income;
- `replacement_rate_median`, `portability_loss_monthly_mean`: from the lifetime projection (only when the
  population carries contribution histories; otherwise absent and said in `notes`);
- `injury_fund_expected_claims`, `injury_fund_premium_income`, `injury_fund_break_even_per_order`,
  `injury_fund_deficit_probability`: the occupational-injury fund (fund.py);
- `cost_unknown_share`: the share of workers with a route whose cost the rules could not give (no figure
  published for the place and date): their cost is left out of the sums and the item untaken;
- `unpriced_employee_medical_share`, `unpriced_employee_pension_share`: the share of workers on an individual route
  whom the scenario's choice rule puts in the employee scheme (`by_income` over the floor, `employee`) but who cannot
  be priced in it where they work (the place's flexible-worker medical rule or contribution band is not in the
  parameters): they are counted in the resident scheme (or in none), so coverage and contributions by scheme rest on
  that (a scenario's `stand_ins` can price them, as a stated assumption);
- `<measure>_change_vs_baseline`: the difference from `baseline-2021` for the same group.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gigcover.engine import InputValueError, Model
from gigcover.engine.variables import is_row_table
from gigcover.policylab.behaviour import ITEMS, Behaviour
from gigcover.policylab.fund import FundPrior, simulate_fund
from gigcover.policylab.measures import (
    FUTURE_FROM,
    Compute,
    Grouping,
    LabPopulation,
    PopulationLike,
    Rows,
    age_bands,
    evaluate,
    whole_population_groups,
)
from gigcover.policylab.scenarios import BASELINE, LabScenario, resolve
from gigcover.policylab.timing import stage

COVERAGE = {
    "injury": "coverage_occupational_injury",
    "medical": "coverage_medical",
    "pension": "coverage_pension",
    "unemployment": "coverage_unemployment",
}
COMPARED = (
    *COVERAGE.values(),
    "contributions_worker",
    "contributions_platform",
    "contributions_government",
    "worker_cost_share_of_income",
    "replacement_rate_median",
    "portability_loss_monthly_mean",
    "injury_fund_break_even_per_order",
    "injury_fund_deficit_probability",
)
DIMENSIONS = ("table2_cell", "industry", "income_decile", "age_band", "intensity")
Progress = Callable[[str, str], None]  # (scenario, step) — the CLI's progress bar


@dataclass
class Summary:
    """The tidy results and the rows behind them."""

    records: list[tuple[str, str, str, float]]
    details: list[Rows] = field(repr=False)
    notes: list[str] = field(default_factory=list)

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(r[0] for r in self.records))

    def value(self, scenario: str, group: str, measure: str) -> float:
        for s, g, m, v in self.records:
            if (s, g, m) == (scenario, group, measure):
                return v
        raise KeyError((scenario, group, measure))

    def to_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(("scenario", "group", "measure", "value"))
            for s, g, m, v in self.records:
                writer.writerow((s, g, m, "" if math.isnan(v) else repr(float(v))))

    def write_detail(self, path: Path) -> None:
        """One row per worker and scenario: weight, groups, take-up and route per item, expected amounts by payer."""
        write_tables(path, (detail_table(rows) for rows in self.details))


def write_tables(path: Path, tables: Iterable[Any]) -> None:
    """Tables into one Parquet file (zstd), one after another, each cast to the first's schema; one table in memory
    at a time. Nothing is written when there are none."""
    import pyarrow.parquet as pq

    writer: Any = None
    try:
        for table in tables:
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, **writer_options(table.schema))
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()


def writer_options(schema: Any) -> dict[str, Any]:
    """How detail.parquet is written: zstd, dictionary encoding for the label columns only (trying it on a
    million distinct amounts costs time for nothing: a million rows written in 0.34 s instead of 0.38, read in half
    the time, 5 % larger)."""
    import pyarrow as pa

    labels = [field.name for field in schema if pa.types.is_dictionary(field.type)]
    return {"compression": "zstd", "use_dictionary": labels}


def detail_table(rows: Rows) -> Any:
    """`detail.parquet`'s rows of one scenario (an Arrow table); `row` is each row's place in the population as given
    (`row_number`: a chunk's rows say where they are in the whole)."""
    import pyarrow as pa

    return pa.table(_detail_columns(rows))


def _detail_columns(rows: Rows) -> dict[str, Any]:
    import pyarrow as pa

    n = len(rows.weight)
    columns: dict[str, Any] = {
        "scenario": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int8)), pa.array([rows.scenario])),
        "row": np.arange(n, dtype=np.int64) if rows.row_number is None else rows.row_number,
        "weight": rows.weight,
        "monthly_income": rows.income,
    }
    for name, grouping in rows.groups.items():
        columns[name] = pa.DictionaryArray.from_arrays(
            pa.array(grouping.codes.astype(np.int32)), pa.array(list(grouping.labels), type=pa.string())
        )
    for item in ITEMS:
        columns[f"take_up_{item}"] = rows.take_up[item]
        columns[f"route_{item}"] = rows.route[item]
    for name, scheme in rows.scheme.items():
        columns[f"scheme_{name}"] = scheme
    columns |= {
        "contributions_worker": rows.worker,
        "contributions_platform": rows.platform,
        "contributions_government": rows.government,
        "cost_unknown": rows.cost_unknown,
        **{
            f"unpriced_employee_{item}": rows.unpriced_employee.get(item, np.zeros(n, dtype=bool))
            for item in UNPRICED_ITEMS
        },
        "injury_fund": rows.injury_fund,
        "injury_fund_premium": rows.injury_levy,
        "replacement_rate": rows.replacement_rate if rows.replacement_rate is not None else np.full(n, np.nan),
        "portability_loss_monthly": rows.portability_loss if rows.portability_loss is not None else np.full(n, np.nan),
    }
    return columns


def simulate(
    population: PopulationLike,
    scenarios: Sequence[str | LabScenario],
    *,
    compute: Compute,
    model: Model | None = None,
    behaviour: Behaviour | None = None,
    compare_to: str | None = BASELINE,
    replications: int = 1000,
    seed: int = 2026,
    prior: FundPrior | None = None,
    projection: bool = True,
    progress: Progress | None = None,
) -> Summary:
    """Each scenario on the population, measured per group; `compare_to` (baseline-2021 by default) is run too
    when not asked for, so every measure has its change against it."""
    from gigcover.rules.model import default_model

    model = model or default_model()
    population, chosen, notes = setup(population, scenarios, model, compare_to, projection)
    records: list[tuple[str, str, str, float]] = []
    details: list[Rows] = []
    measured: dict[str, dict[tuple[str, str], float]] = {}
    with stage("groups"):  # the same for every scenario: computed once
        # in the rows' order as given (income ties are ranked by it), as a chunked run does, then ordered by place
        whole = whole_population_groups(population)
        population, order = by_place(population, model)
        if order is not None:
            whole = {name: Grouping(grouping.codes[order], grouping.labels) for name, grouping in whole.items()}
        fixed = {**_fixed_groups(population, chosen, compute), **whole}
    for scenario in chosen:
        if progress:
            progress(scenario.name, "rules")
        rows = evaluate(
            population, scenario, scenario.assumptions(behaviour), model, compute,
            projection=projection, fixed_groups=fixed, seed=seed,
        )  # fmt: skip
        if progress:
            progress(scenario.name, "measures")
        values = measure(rows, replications=replications, seed=seed, prior=prior)
        measured[scenario.name] = values
        records.extend((scenario.name, g, m, v) for (g, m), v in values.items())
        details.append(rows)
    records.extend(changes(measured, compare_to))
    return Summary(records, details, notes + unpriced_notes(measured))


def unpriced_notes(measured: Mapping[str, Mapping[tuple[str, str], float]]) -> list[str]:
    """A note for each scenario and item where some workers could not be priced in the employee scheme (the place's
    figure is not in the parameters), so an analyst reads coverage and contributions by scheme knowing it."""
    return [
        f"{scenario}: {share:.1%} of workers would join employee {item} insurance but cannot be priced in it (their "
        f"place's figure is not in the parameters; `gigcover params coverage` lists them): they are counted in "
        f"resident {item} insurance (unpriced_employee_{item}_share; a scenario's stand_ins can price them)"
        for scenario, values in measured.items()
        for item in UNPRICED_ITEMS
        if (share := values.get(("all", f"unpriced_employee_{item}_share"), 0.0)) > 0
    ]


def changes(
    measured: Mapping[str, Mapping[tuple[str, str], float]], compare_to: str | None
) -> list[tuple[str, str, str, float]]:
    """`<measure>_change_vs_baseline` for every scenario, group and compared measure (none without a baseline)."""
    if compare_to is None:
        return []
    base = measured[compare_to]
    return [
        (scenario, group, f"{name}_change_vs_baseline", value - base.get((group, name), math.nan))
        for scenario, values in measured.items()
        for (group, name), value in values.items()
        if name in COMPARED
    ]


def setup(
    population: PopulationLike,
    scenarios: Sequence[str | LabScenario],
    model: Model,
    compare_to: str | None,
    projection: bool,
    histories: bool | None = None,
) -> tuple[LabPopulation, list[LabScenario], list[str]]:
    """The population checked and coded, the scenarios resolved (the baseline first when compared to and not
    asked for), and the run's notes. `histories` says whether the rows carry contribution histories when the
    population given is not the rows themselves (a file's overview: `population_overview`)."""
    _check_population(population)
    prepared_population = prepared(population, model)
    if not scenarios:
        raise InputValueError("scenarios: give at least one scenario", field="scenario")
    chosen = [s if isinstance(s, LabScenario) else resolve(s, model) for s in scenarios]
    names = [s.name for s in chosen]
    duplicate = {n for n in names if names.count(n) > 1}
    if duplicate:
        raise InputValueError(f"scenario: {', '.join(sorted(duplicate))} given twice", field="scenario")
    if compare_to is not None and compare_to not in names:
        chosen.insert(0, resolve(compare_to, model))
    notes: list[str] = [
        f"{scenario.name}: stand-ins, used only where a place has no value of its own in force (an assumption): "
        + "; ".join(f"{name} = {value}" for name, value in scenario.stand_ins.items())
        for scenario in chosen
        if scenario.stand_ins
    ]
    if histories is None:
        histories = "contribution_history" in population.inputs
    if not histories or not projection:
        notes.append(
            "replacement_rate_median, portability_loss_monthly_mean: not computed — the population has no "
            "contribution histories (contribution_history)"
            if projection
            else "projection switched off"
        )
    return prepared_population, chosen, notes


def _fixed_groups(population: PopulationLike, chosen: Sequence[LabScenario], compute: Compute) -> dict[str, Grouping]:
    """Groups that stay put across scenarios: the age band, at the population's date (else the latest scenario
    date), from the rules' `age_years` — or from an `age` column when the population has one."""
    if "age" in population.columns:
        return {"age_band": age_bands(np.asarray(population.columns["age"], dtype=float))}
    if "birth_date" not in population.inputs:
        return {}
    dates = [s.date for s in chosen if s.date is not None]
    date = population.date if population.date is not None else max(dates) if dates else None
    if date is None:
        return {}
    found = compute(
        {"birth_date": population.inputs["birth_date"]}, ["age_years"], date=date, region=population.region,
        missing="nan", explain=False,
    )  # fmt: skip
    age = np.broadcast_to(np.asarray(found["age_years"], dtype=float), (len(population.weight),))
    return {"age_band": age_bands(age)}


def prepared(population: PopulationLike, model: Model) -> LabPopulation:
    """The inputs checked and coded once (names → the engine's codes, places → region indices, text → fixed-width
    strings), so each of the scenarios' calls to the rules starts from codes. A bad value is an error naming it.
    Each row gets its place in the whole population (`row_number`), the key of its take-up draw when the population
    has no `person_id` — so a chunk's row draws what it draws in the single pass."""
    inputs: dict[str, Any] = {}
    for name, values in population.inputs.items():
        variable = model.variables.get(name)
        if variable is None or name == "contribution_history":
            inputs[name] = values
            continue
        array = np.asarray(values)
        if array.ndim == 0:  # one value for every row
            inputs[name] = variable.validate(array.item(), model.regions, f"population.{name}")
            continue
        if variable.value_type == "str" and array.dtype.kind == "O":
            array = array.astype(str)
        inputs[name] = variable.validate(array, model.regions, f"population.{name}")
    region = np.asarray(model.regions.encode(np.asarray(population.region), "population.region"))
    columns = dict(population.columns)
    columns.setdefault("row_number", np.arange(len(population.weight), dtype=np.int64))  # the take-up draw's key
    return LabPopulation(
        inputs=inputs, region=region, weight=np.asarray(population.weight, dtype=float),
        columns=columns, date=population.date,
    )  # fmt: skip


def by_place(population: LabPopulation, model: Model) -> tuple[LabPopulation, np.ndarray | None]:
    """The rows in the order the rules compute them in — by province, then place of work — and that order (None:
    already so), so that each call to the rules takes its groups of rows as they lie, instead of gathering every
    input into that order and scattering every output back (about a third of a run's time at a million rows, ten
    calls a run). Each row keeps its `row_number` (its take-up draw's key, and its row in detail.parquet): the
    measures are sums and medians over rows, whatever their order. A chunked run orders each chunk (a copy of a
    chunk, not of the whole population)."""
    region = np.asarray(population.region)
    n = len(population.weight)
    if region.ndim == 0 or n < 2:
        return population, None
    province = model.regions.province_index[region]
    if bool(((province[1:] > province[:-1]) | ((province[1:] == province[:-1]) & (region[1:] >= region[:-1]))).all()):
        return population, None
    order = np.lexsort((region, province))

    def arranged(values: Any) -> Any:
        if is_row_table(values) and len(values) == n:
            return values.take_rows(order)
        if isinstance(values, np.ndarray) and values.ndim and len(values) == n:
            return values[order]
        return values  # one value for every row

    return LabPopulation(
        inputs={name: arranged(values) for name, values in population.inputs.items()},
        region=region[order],
        weight=population.weight[order],
        columns={name: arranged(values) for name, values in population.columns.items()},
        date=population.date,
    ), order


def _check_population(population: PopulationLike) -> None:
    n = len(population.weight)
    if n == 0:
        raise InputValueError("population: no rows", field="population")
    if "monthly_income" not in population.columns:
        raise InputValueError("population: no monthly_income column (needed for cost shares)", field="population")
    weight = np.asarray(population.weight, dtype=float)
    if weight.shape != (n,) or not np.all(np.isfinite(weight)) or np.any(weight < 0):
        raise InputValueError("population: weight must be one finite, non-negative number per row", field="weight")


# -- aggregation ---------------------------------------------------------------------------------------------------
# A scenario's measures come from additive aggregates (weighted sums and row counts per group), so a population
# split into chunks — on one machine or a Dask cluster (chunked.py) — gives its measures by adding the chunks'
# aggregates; the one median (replacement_rate_median) is gathered exactly (`Gathered`).
Layout = tuple[tuple[str, tuple[str, ...]], ...]
"""The groups a run reports: (dimension, its labels) in DIMENSIONS order; `all` is implied first."""

UNPRICED_ITEMS = ("medical", "pension")  # the items with an employee and a resident scheme
SUMS = (
    "workers",
    *(f"take_up_{item}" for item in COVERAGE),
    "contributions_worker",
    "contributions_platform",
    "contributions_government",
    "worker_cost_monthly",
    "income_monthly",
    "cost_unknown",
    *(f"unpriced_employee_{item}" for item in UNPRICED_ITEMS),
    "portability_loss_weighted",
    "portability_loss_known",
    "injury_fund_exposure",
    "injury_fund_premium",
    "injury_fund_orders",
)


@dataclass
class Gathered:
    """The rows behind a median, kept whole (an exact gather, not a sketch): known values, their weights and each
    row's label number per dimension of the layout."""

    values: np.ndarray
    weights: np.ndarray
    codes: np.ndarray  # rows × dimensions, label numbers in the layout

    @classmethod
    def concatenate(cls, parts: Sequence[Gathered]) -> Gathered:
        return cls(
            np.concatenate([p.values for p in parts]),
            np.concatenate([p.weights for p in parts]),
            np.concatenate([p.codes for p in parts]),
        )


@dataclass
class Aggregates:
    """One scenario's additive aggregates over some rows, per label of the layout (`all` first): row counts,
    weighted sums (SUMS), and the gathered replacement rates (None when not projected)."""

    counts: np.ndarray
    sums: dict[str, np.ndarray]
    replacement: Gathered | None
    projected_loss: bool

    def __add__(self, other: Aggregates) -> Aggregates:
        replacement = (
            None
            if self.replacement is None or other.replacement is None
            else Gathered.concatenate([self.replacement, other.replacement])
        )
        return Aggregates(
            self.counts + other.counts,
            {k: self.sums[k] + other.sums[k] for k in SUMS},
            replacement,
            self.projected_loss and other.projected_loss,
        )


def layout_of(rows: Rows) -> Layout:
    """The groups of one scenario's rows: every dimension the rows carry, with all its labels."""
    return tuple((d, rows.groups[d].labels) for d in DIMENSIONS if d in rows.groups)


def aggregate(rows: Rows, layout: Layout) -> Aggregates:
    """The additive aggregates of one scenario's rows over the layout's groups (labels absent here count 0)."""
    n = len(rows.weight)
    index = _layout_index(rows, layout, n)
    g = 1 + sum(len(labels) for _, labels in layout)
    w = rows.weight
    cells = _Cells.of(index, g)

    def total(values: np.ndarray) -> np.ndarray:
        return cells.sum(w * values) if cells is not None else _sum_by(index, w * values, g)

    sums = {
        "workers": total(np.ones(n)),
        **{f"take_up_{item}": total(rows.take_up[item]) for item in COVERAGE},
        "contributions_worker": total(rows.worker),
        "contributions_platform": total(rows.platform),
        "contributions_government": total(rows.government),
        "worker_cost_monthly": total(rows.worker / 12),
        "income_monthly": total(np.nan_to_num(rows.income)),
        "cost_unknown": total(rows.cost_unknown.astype(float)),
        **{
            f"unpriced_employee_{item}": total(rows.unpriced_employee.get(item, np.zeros(n, dtype=bool)).astype(float))
            for item in UNPRICED_ITEMS
        },
        "injury_fund_exposure": total(rows.injury_fund * rows.exposure),
        "injury_fund_premium": total(rows.injury_levy),
        "injury_fund_orders": total(rows.injury_orders),
    }
    loss = rows.portability_loss if rows.portability_loss is not None else np.full(n, np.nan)
    known = ~np.isnan(loss)
    sums["portability_loss_weighted"] = total(np.where(known, loss, 0.0))
    sums["portability_loss_known"] = total(known.astype(float))
    counts = cells.sum(np.ones(n)) if cells is not None else _sum_by(index, np.ones(n), g)
    replacement = None
    if rows.replacement_rate is not None:
        keep = ~np.isnan(rows.replacement_rate) & (w > 0)
        codes = (  # int16: 26 bytes a gathered row with five dimensions
            np.stack([codes.astype(np.int16) for codes, _ in index[1:]], axis=1)
            if len(index) > 1
            else np.zeros((n, 0), np.int16)
        )
        replacement = Gathered(rows.replacement_rate[keep], w[keep], codes[keep])
    return Aggregates(counts, sums, replacement, rows.portability_loss is not None)


def _layout_index(rows: Rows, layout: Layout, n: int) -> list[tuple[np.ndarray, int]]:
    index: list[tuple[np.ndarray, int]] = [(np.zeros(n, dtype=np.int64), 0)]
    offset = 1
    for dimension, labels in layout:
        grouping = rows.groups[dimension]
        if grouping.labels != labels:
            raise ValueError(f"{dimension}: the rows' labels {grouping.labels} are not the run's {labels}")
        index.append((np.asarray(grouping.codes, dtype=np.int64), offset))
        offset += len(labels)
    return index


def finish(
    layout: Layout, totals: Aggregates, *, replications: int = 1000, seed: int = 2026, prior: FundPrior | None = None
) -> dict[tuple[str, str], float]:
    """Every measure for every group with rows, from the aggregates; the fund's Monte Carlo runs here, on the
    combined sums."""
    labels = ["all", *(f"{d}={label}" for d, names in layout for label in names)]
    s = totals.sums
    out: dict[str, np.ndarray] = {"workers": s["workers"]}
    with stage("aggregation"), np.errstate(divide="ignore", invalid="ignore"):
        for item, name in COVERAGE.items():
            out[name] = s[f"take_up_{item}"] / s["workers"]
        for payer in ("worker", "platform", "government"):
            out[f"contributions_{payer}"] = s[f"contributions_{payer}"]
        out["worker_cost_share_of_income"] = s["worker_cost_monthly"] / s["income_monthly"]
        out["cost_unknown_share"] = s["cost_unknown"] / s["workers"]
        for item in UNPRICED_ITEMS:
            out[f"unpriced_employee_{item}_share"] = s[f"unpriced_employee_{item}"] / s["workers"]
        if totals.replacement is not None:
            out["replacement_rate_median"] = _gathered_median(layout, totals.replacement, len(labels))
        if totals.projected_loss:
            out["portability_loss_monthly_mean"] = s["portability_loss_weighted"] / s["portability_loss_known"]
    with stage("fund"):
        fund = simulate_fund(
            s["injury_fund_exposure"], s["injury_fund_premium"], s["injury_fund_orders"],
            replications=replications, seed=seed, prior=prior,
        )  # fmt: skip
    out["injury_fund_expected_claims"] = fund.expected_claims
    out["injury_fund_premium_income"] = fund.premium_income
    out["injury_fund_break_even_per_order"] = fund.break_even_per_order
    out["injury_fund_deficit_probability"] = fund.deficit_probability
    present = [i for i in range(len(labels)) if i == 0 or totals.counts[i] > 0]
    return {(labels[i], name): float(values[i]) for name, values in out.items() for i in present}


def _gathered_median(layout: Layout, gathered: Gathered, groups: int) -> np.ndarray:
    n = len(gathered.values)
    index: list[tuple[np.ndarray, int]] = [(np.zeros(n, dtype=np.int64), 0)]
    offset = 1
    for k, (_, labels) in enumerate(layout):
        index.append((gathered.codes[:, k].astype(np.int64), offset))
        offset += len(labels)
    return _weighted_median(index, gathered.values, gathered.weights, groups)


def measure(
    rows: Rows, *, replications: int = 1000, seed: int = 2026, prior: FundPrior | None = None
) -> dict[tuple[str, str], float]:
    """Every measure for every group of one scenario's rows."""
    layout = layout_of(rows)
    with stage("aggregation"):
        totals = aggregate(rows, layout)
    return finish(layout, totals, replications=replications, seed=seed, prior=prior)


@dataclass(frozen=True)
class _Cells:
    """Rows numbered by their cell — one combination of every dimension's label — so a sum by group is one pass
    over the rows (a sum per cell) and then, per dimension, a sum over the few thousand cells: instead of a pass
    over the rows for every dimension of every measure."""

    cell: np.ndarray  # each row's cell
    margins: tuple[tuple[np.ndarray, int], ...]  # per dimension: each cell's label number, the group offset
    cells: int
    groups: int

    LARGEST = 1 << 20  # more cells than this (many labels): sums per dimension instead

    @classmethod
    def of(cls, index: list[tuple[np.ndarray, int]], groups: int) -> _Cells | None:
        sizes = [int(codes.max(initial=0)) + 1 for codes, _ in index[1:]]
        count = int(np.prod(sizes, dtype=np.float64)) if sizes else 1
        if count > cls.LARGEST:
            return None
        cell = np.zeros(len(index[0][0]), dtype=np.int64)
        for (codes, _), size in zip(index[1:], sizes, strict=True):
            cell *= size
            cell += codes
        numbers = np.arange(count, dtype=np.int64)
        margins = []
        for k in range(len(sizes) - 1, -1, -1):  # the last dimension varies fastest
            numbers, label = np.divmod(numbers, sizes[k])
            margins.append((label, index[k + 1][1]))
        return cls(cell, tuple(reversed(margins)), count, groups)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Σ values by group: `all` first, then each dimension's labels at their offsets."""
        by_cell = np.bincount(self.cell, weights=values, minlength=self.cells)
        out = np.zeros(self.groups)
        out[0] = by_cell.sum()
        for label, offset in self.margins:
            found = np.bincount(label, weights=by_cell)
            out[offset : offset + len(found)] += found
        return out


def _sum_by(index: Iterable[tuple[np.ndarray, int]], values: np.ndarray, groups: int) -> np.ndarray:
    out = np.zeros(groups)
    for codes, offset in index:
        found = np.bincount(codes, weights=values)
        out[offset : offset + len(found)] += found
    return out


def _weighted_median(
    index: list[tuple[np.ndarray, int]], values: np.ndarray, weight: np.ndarray, groups: int
) -> np.ndarray:
    out = np.full(groups, np.nan)
    known = ~np.isnan(values) & (weight > 0)
    for codes, offset in index:
        c, v, w = codes[known], values[known], weight[known]
        order = np.lexsort((v, c))
        c, v, w = c[order], v[order], w[order]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]]) if len(c) else np.zeros(0, dtype=np.int64)
        ends = np.r_[starts[1:], len(c)]
        cumulative = np.cumsum(w)
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            before = cumulative[start - 1] if start else 0.0
            half = before + (cumulative[end - 1] - before) / 2
            out[offset + int(c[start])] = float(v[start + int(np.searchsorted(cumulative[start:end], half))])
    return out


# -- reading a population file --------------------------------------------------------------------------------------
def read_population(path: Path, model: Model | None = None, *, histories: bool = True) -> LabPopulation:
    """A Parquet file whose columns are the engine's input names (dictionary columns as names), plus `weight`,
    `region` (the place of work; `work_region` serves when absent) and optionally `date`; every other column
    (monthly_income, annual_days, intensity, …) is kept for measures and groups.

    A file written by `gigcover population generate` (its schema says so) is read by the population package's own
    reader, with the contribution histories of its `.segments.parquet` for the projection's measures —
    unless `histories` is false (a run without the projection): at 10 M workers the 38 M segments take 19 s and
    hold 6.4 GB where the workers alone take 6 s and 1.6 GB."""
    from gigcover.rules.model import default_model

    file = _open_population(path)
    if _generated(file):
        return _generated_population(path, histories)
    return _plain_population(file.read(), path, model or default_model())


def read_population_rows(
    path: Path, start: int, stop: int, model: Model | None = None, *, histories: bool = True
) -> LabPopulation:
    """Rows `start`…`stop` of a population file, as `read_population` reads the whole file, from the Parquet row
    groups that hold them only (and, for a generated file, their segments); `row_number` (the take-up draw's key
    when there is no `person_id`) is each row's place in the whole file. A chunk of a run reads its rows so."""
    from gigcover.policylab.population.storage import engine_inputs, read_rows, row_range
    from gigcover.rules.model import default_model

    file = _open_population(path)
    if _generated(file):
        segments = histories and _segments_file(path).is_file()
        found = engine_inputs(read_rows(path, start, stop, segments=segments), histories=segments)
        population = generated_lab_population(found)
    else:
        population = _plain_population(row_range(file, start, stop), path, model or default_model())
    population.columns["row_number"] = np.arange(start, stop, dtype=np.int64)
    return population


OVERVIEW_COLUMNS = ("weight", "monthly_income", "region", "work_region", "date", "intensity", "industry")
"""What a chunked run's driver reads of a population file: the weights and incomes (the income deciles over the
whole population), the places (the report), the intensity labels and whether there is an industry (the groups)."""


def population_overview(
    path: Path, model: Model | None = None, *, histories: bool = True
) -> tuple[LabPopulation, bool]:
    """The population file's columns of `OVERVIEW_COLUMNS` as a lab population (the engine inputs among them only),
    checked as `read_population` checks a file, and whether a run with `histories` reads contribution histories."""
    from gigcover.policylab.population import storage
    from gigcover.policylab.population.categories import Intensity
    from gigcover.rules.model import default_model

    file = _open_population(path)
    names = file.schema_arrow.names
    if not _generated(file):
        columns = [name for name in OVERVIEW_COLUMNS if name in names]
        return _plain_population(file.read(columns=columns), path, model or default_model()), False
    table = storage.read(
        path, ["weight", "monthly_income", "intensity", "work_region", "industry"], segments=False
    ).people
    region = storage.codes(table.column("work_region"), name="work_region")
    intensity = storage.codes(table.column("intensity"), Intensity, "intensity").astype(np.int64)
    reference = (file.schema_arrow.metadata or {}).get(b"reference_date", b"2025-07-01").decode()
    overview = LabPopulation(
        inputs={"industry": storage.codes(table.column("industry"), storage.CATEGORIES["industry"], "industry")},
        region=region, weight=table.column("weight").to_numpy(),
        columns={"monthly_income": table.column("monthly_income").to_numpy(),
                 "intensity": np.asarray(Intensity.ids(), dtype=object)[intensity]},
        date=np.datetime64(reference, "D"),
    )  # fmt: skip
    return overview, histories and _segments_file(path).is_file()


def _open_population(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.is_file():
        raise InputValueError(f"--population: {path}: no such file", field="population")
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputValueError(f"--population: {path}: not a Parquet file ({exc})", field="population") from None


def _generated(file: Any) -> bool:
    return b"gigcover.population" in (file.schema_arrow.metadata or {})


def _segments_file(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".parquet") + ".segments.parquet")


def _plain_population(table: Any, path: Path, model: Model) -> LabPopulation:
    import pyarrow as pa

    columns: dict[str, np.ndarray] = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns[name] = column.to_numpy(zero_copy_only=False)
    missing = [c for c in ("weight", "monthly_income") if c not in columns]
    place = "region" if "region" in columns else "work_region" if "work_region" in columns else None
    if place is None:
        missing.append("region (or work_region)")
    if missing:
        raise InputValueError(f"--population: {path}: no column {', '.join(missing)}", field="population")
    assert place is not None
    region = columns.pop("region") if place == "region" else columns[place]
    date = columns.pop("date") if "date" in columns else None
    weight = columns.pop("weight")
    inputs = {k: v for k, v in columns.items() if k in model.variables and model.variables[k].formula is None}
    others = {k: v for k, v in columns.items() if k not in inputs}
    if "monthly_income" not in others:
        others["monthly_income"] = columns["monthly_income"]
    return LabPopulation(inputs=inputs, region=region, weight=weight, columns=others, date=date)


def _generated_population(path: Path, histories: bool = True) -> LabPopulation:
    """A population of `gigcover population generate`: its inputs as codes, its place of work per row, its weights,
    its histories when the segments file is beside it, and its intensity by name for the groups."""
    from gigcover.policylab.population import read_population as read_generated

    return generated_lab_population(read_generated(path, histories=histories and _segments_file(path).is_file()))


def generated_lab_population(found: Any) -> LabPopulation:
    """The generator's output (`population.storage.EngineInputs`) as the lab reads it: its intensity by name for the
    groups, its date (the generator's reference date: the rules' date of a scenario that names none, as for a
    population file with a `date` column) and, with histories, the year they were lived up to (the projection plans
    from it on). The CLI's file and the service's sample both come through here, so both carry the date."""
    from gigcover.policylab.population.categories import Intensity

    columns = dict(found.columns)
    columns["intensity"] = np.asarray(Intensity.ids(), dtype=object)[columns["intensity"].astype(np.int64)]
    if "contribution_history" in found.inputs:  # lived up to the reference date; planned from its year on
        year = int(str(np.asarray(found.date).ravel()[0])[:4])
        columns[FUTURE_FROM] = np.full(len(found.weight), year, dtype=np.int16)
    return LabPopulation(
        inputs=dict(found.inputs), region=found.region, weight=found.weight, columns=columns, date=found.date
    )
