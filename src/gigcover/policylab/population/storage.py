"""The population as Arrow tables and Parquet files, and back as the engine's inputs.

Two tables: workers (one row each) and their contribution-history segments (one row each, `person` = the worker's
`person_id`, grouped by person in order). A file `pop.parquet` has its segments beside it in `pop.segments.parquet`.

Categorical columns are Arrow dictionary columns whose dictionary is the whole list of a `Categorical`'s names in
code order (`Industry.ids()`, …), so a stored index *is* the engine's code; place columns likewise, with the engine's
region codes (GB/T 2260, in the region table's order) as the dictionary, so an index is the engine's region index.
Reading maps each stored dictionary onto today's codes by name, so a file stays readable if a list grows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from gigcover.engine import Categorical, InputValueError
from gigcover.engine.regions import INDEX_DTYPE, region_table
from gigcover.policylab.population.categories import Intensity, PlatformForm, SegmentScheme, Sex
from gigcover.rules.coverage import Platform
from gigcover.rules.employment import Counterparty, Industry

CATEGORIES: dict[str, type[Categorical]] = {
    "industry": Industry,
    "platform": Platform,
    "platform_form": PlatformForm,
    "intensity": Intensity,
    "sex": Sex,
    "contract_counterparty": Counterparty,
}
REGIONS = ("hukou_region", "hukou_province", "work_region", "work_province")
SCHEMES = (
    "employee_pension",
    "employee_medical",
    "resident_pension",
    "resident_medical",
    "work_injury",
    "unemployment",
)

PEOPLE_COLUMNS: dict[str, pa.DataType] = {
    "person_id": pa.int64(),
    "weight": pa.float64(),
    "industry": pa.int8(),
    "platform": pa.int8(),
    "platform_form": pa.int8(),
    "has_labor_contract": pa.bool_(),
    "contract_counterparty": pa.int8(),
    "platform_manages_work": pa.bool_(),
    "own_business": pa.bool_(),
    "intensity": pa.int8(),
    "annual_days": pa.int16(),
    "daily_hours": pa.float32(),
    "monthly_income": pa.float32(),
    "monthly_orders": pa.float32(),
    "multi_platform": pa.bool_(),
    "other_income_source": pa.bool_(),
    "tenure_years": pa.float32(),
    "age": pa.int8(),
    "birth_year": pa.int16(),
    "birth_month": pa.int8(),
    "sex": pa.int8(),
    "original_retirement_age": pa.int8(),
    "hukou_rural": pa.bool_(),
    "hukou_region": pa.int16(),
    "hukou_province": pa.int16(),
    "work_region": pa.int16(),
    "work_province": pa.int16(),
    **{f"enrolled_{scheme}": pa.bool_() for scheme in SCHEMES},
    "history_start_year": pa.int16(),
}
SEGMENT_COLUMNS: dict[str, pa.DataType] = {
    "person": pa.int64(),
    "start_year": pa.int16(),
    "years": pa.int8(),
    "scheme": pa.int8(),
    "region": pa.int16(),
    "base_index": pa.float32(),
    "tier": pa.float32(),
    "planned": pa.bool_(),
}
SEGMENT_CATEGORIES: dict[str, type[Categorical]] = {"scheme": SegmentScheme}


def _field(name: str, kind: pa.DataType, categories: dict[str, type[Categorical]], regions: Iterable[str]) -> pa.Field:
    if name in categories or name in regions:
        return pa.field(name, pa.dictionary(kind, pa.string()), nullable=name == "region")
    return pa.field(name, kind, nullable=False)


def _schema(columns: dict[str, pa.DataType], categories: dict[str, type[Categorical]], regions: Iterable[str],
            metadata: dict[str, str]) -> pa.Schema:  # fmt: skip
    return pa.schema([_field(n, k, categories, tuple(regions)) for n, k in columns.items()], metadata=metadata)


def people_schema(metadata: dict[str, str] | None = None) -> pa.Schema:
    return _schema(PEOPLE_COLUMNS, CATEGORIES, REGIONS, metadata or {})


def segments_schema(metadata: dict[str, str] | None = None) -> pa.Schema:
    return _schema(SEGMENT_COLUMNS, SEGMENT_CATEGORIES, ("region",), metadata or {})


def _region_names() -> pa.Array:
    return pa.array(list(region_table().codes), type=pa.string())


def to_table(columns: dict[str, np.ndarray], schema: pa.Schema) -> pa.Table:
    """Numpy columns (codes and region indices) → an Arrow table of the schema (no copy of the category strings)."""
    arrays = []
    for field in schema:
        values = columns[field.name]
        if pa.types.is_dictionary(field.type):
            if field.name in CATEGORIES or field.name in SEGMENT_CATEGORIES:
                names = pa.array(list((CATEGORIES | SEGMENT_CATEGORIES)[field.name].ids()), type=pa.string())
            else:
                names = _region_names()
            mask = values < 0 if field.nullable else None
            indices = pa.array(values.astype(field.type.index_type.to_pandas_dtype()), mask=mask)
            arrays.append(pa.DictionaryArray.from_arrays(indices, names))
        else:
            arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def segments_path(path: Path) -> Path:
    """Where the segments of `pop.parquet` are: `pop.segments.parquet`."""
    return path.with_name(path.name.removesuffix(".parquet") + ".segments.parquet")


@dataclass(frozen=True)
class Population:
    """Workers and their contribution-history segments, as Arrow tables."""

    people: pa.Table
    segments: pa.Table

    @property
    def metadata(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in (self.people.schema.metadata or {}).items()}


def write(chunks: Iterator[Population], path: Path, metadata: dict[str, str]) -> int:
    """Stream chunks into `path` and its segments file (one row group a chunk); returns the number of workers.

    Written to temporary names first and renamed at the end, so a failure leaves no half-written population."""
    if path.suffix != ".parquet":
        raise InputValueError(f"--out: {path} must end in .parquet", field="out")
    if not path.parent.is_dir():
        raise InputValueError(f"--out: folder {path.parent} does not exist", field="out")
    targets = (path, segments_path(path))
    partial = tuple(t.with_name(t.name + ".partial") for t in targets)
    rows = 0
    try:
        with (
            pq.ParquetWriter(partial[0], people_schema(metadata), compression="zstd") as people,
            pq.ParquetWriter(partial[1], segments_schema(metadata), compression="zstd") as segments,
        ):
            for chunk in chunks:
                people.write_table(chunk.people)
                segments.write_table(chunk.segments)
                rows += chunk.people.num_rows
    except BaseException:
        for p in partial:
            p.unlink(missing_ok=True)
        raise
    for p, t in zip(partial, targets, strict=True):
        p.replace(t)
    return rows


def open_file(path: Path, columns: list[str] | None = None) -> pq.ParquetFile:
    """A population file, opened; a missing or foreign file (or one without the columns) is an error naming it."""
    if not path.is_file():
        raise InputValueError(f"{path}: no such population file", field="population")
    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputValueError(f"{path}: not a population file ({exc})", field="population") from None
    missing = [c for c in (columns or PEOPLE_COLUMNS) if c not in file.schema_arrow.names]
    if missing:
        raise InputValueError(f"{path}: not a population file (no column {', '.join(missing)})", field="population")
    return file


def read(path: Path, columns: list[str] | None = None, *, segments: bool = True) -> Population:
    """A population file (and its segments file), whole."""
    people = open_file(path, columns).read(columns=columns)
    if not segments:
        return Population(people, pa.table({}))
    try:
        history = pq.read_table(segments_path(path))
    except (pa.ArrowInvalid, OSError) as exc:
        raise _no_segments(path, exc) from None
    return Population(people, history)


def _no_segments(path: Path, exc: Exception) -> InputValueError:
    return InputValueError(
        f"{segments_path(path)}: no segments file beside {path} ({exc})", field="population.segments"
    )


def read_rows(path: Path, start: int, stop: int, *, segments: bool = True) -> Population:
    """Workers `start`…`stop` of a population file and their segments, reading only the row groups that hold them
    (a chunk of a run on a cluster reads its own rows: `policylab.chunked`)."""
    people = row_range(open_file(path), start, stop)
    if not segments:
        return Population(people, pa.table({}))
    try:
        history = pq.ParquetFile(segments_path(path))
    except (pa.ArrowInvalid, OSError) as exc:
        raise _no_segments(path, exc) from None
    ids = people.column("person_id").to_numpy()
    if not len(ids):
        return Population(people, history.schema_arrow.empty_table())
    return Population(people, _person_range(history, int(ids[0]), int(ids[-1])))


def row_range(file: pq.ParquetFile, start: int, stop: int) -> pa.Table:
    """Rows `start`…`stop` of a Parquet file, from the row groups that hold them only."""
    sizes = np.asarray([file.metadata.row_group(i).num_rows for i in range(file.num_row_groups)], dtype=np.int64)
    ends = np.cumsum(sizes)
    begins = ends - sizes
    groups = [int(i) for i in np.flatnonzero((begins < stop) & (ends > start))]
    if not groups:
        return file.schema_arrow.empty_table()
    table = file.read_row_groups(groups)
    return table.slice(start - int(begins[groups[0]]), stop - start)


def _person_range(file: pq.ParquetFile, low: int, high: int) -> pa.Table:
    """The segments of persons `low`…`high` (inclusive; the file is sorted by person), from the row groups whose
    statistics say they may hold them (all row groups when a group has none)."""
    index = file.schema_arrow.get_field_index("person")
    groups = []
    for i in range(file.num_row_groups):
        stats = file.metadata.row_group(i).column(index).statistics
        if stats is None or not stats.has_min_max or (stats.min <= high and stats.max >= low):
            groups.append(i)
    table = file.read_row_groups(groups)
    person = table.column("person").to_numpy()
    first, last = np.searchsorted(person, low, side="left"), np.searchsorted(person, high, side="right")
    return table.slice(int(first), int(last - first))


def codes(column: pa.ChunkedArray, enum: type[Categorical] | None = None, name: str = "population") -> np.ndarray:
    """A dictionary column as the engine's codes (a Categorical's codes, or region indices); nulls as −1.

    Each chunk's dictionary is mapped onto today's codes by name (one small lookup), then gathered."""
    parts = []
    for chunk in column.chunks:
        names = chunk.dictionary.to_numpy(zero_copy_only=False).astype(str)
        if enum is None:
            position = region_table().position
            table = np.asarray([position.get(str(name), -1) for name in names], dtype=np.int64)
            unknown = np.flatnonzero(table < 0)
            if len(unknown):
                raise InputValueError(f"{name}: unknown region code {names[unknown[0]]!r}", field=name)
        else:
            table = np.asarray(enum.encode(names, name), dtype=np.int64) if len(names) else np.zeros(0, np.int64)
        indices = chunk.indices.to_numpy(zero_copy_only=False)
        valid = ~np.asarray(chunk.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        parts.append(np.where(valid, table[np.where(valid, indices, 0).astype(np.int64)] if len(table) else -1, -1))
    dtype = INDEX_DTYPE if enum is None else np.int8
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


@dataclass(frozen=True)
class EngineInputs:
    """A population as `gigcover.compute` takes it: `compute(p.inputs, outputs, date=p.date, region=p.region)`.

    Categoricals are int8 codes, places int16 region indices (no strings, except `birth_date`, which the rules take
    as "YYYY-MM" text: built from a table of the few distinct months). `weight` says how many workers a row stands
    for; `columns` holds the population's other columns (intensity, income, …) for grouping and measures."""

    inputs: dict[str, Any]
    region: np.ndarray
    date: np.datetime64
    weight: np.ndarray
    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.weight)


ENGINE_INPUTS = (
    "has_labor_contract", "contract_counterparty", "platform_manages_work", "own_business", "industry", "platform",
    "hukou_rural", "hukou_region", "work_region", "monthly_orders", "original_retirement_age",
)  # fmt: skip


def engine_inputs(population: Population, *, date: Any = None, histories: bool = False) -> EngineInputs:
    """The engine's inputs of a population (see `EngineInputs`); with `histories`, `contribution_history` too (the
    segments as `HistoryColumns`, for the lifetime projection)."""
    table = population.people
    columns: dict[str, np.ndarray] = {}
    for name in table.column_names:
        column = table.column(name)
        if name in CATEGORIES:
            columns[name] = codes(column, CATEGORIES[name], name)
        elif name in REGIONS:
            columns[name] = codes(column, name=name)
        else:
            columns[name] = column.to_numpy()
    inputs: dict[str, Any] = {name: columns[name] for name in ENGINE_INPUTS}
    inputs["monthly_orders"] = inputs["monthly_orders"].astype(float)
    inputs["original_retirement_age"] = inputs["original_retirement_age"].astype(np.int64)
    inputs["birth_date"] = _months(columns["birth_year"], columns["birth_month"])
    inputs.update(hours_with_one_employer(columns["daily_hours"], columns["annual_days"]))
    if histories:
        inputs["contribution_history"] = history_columns(population, columns)
    when = date or dt.date.fromisoformat(population.metadata.get("reference_date", "2025-07-01"))
    return EngineInputs(inputs, columns["work_region"], np.datetime64(when, "D"), columns["weight"], columns)


WEEKS_A_YEAR = 52
"""The weeks a worker's order-taking days are spread over (the population gives days a year, not their weeks)."""


def hours_with_one_employer(daily_hours: np.ndarray, annual_days: np.ndarray) -> dict[str, np.ndarray]:
    """The rules' hours inputs of the part-time test (非全日制用工, 劳动合同法 art. 68: on average ≤ 4 h a day and
    ≤ 24 h a week with one employer) from the population's hours on a day of work and days a year:

    - `daily_hours_one_employer`: the hours of a working day (the average over the days worked);
    - `weekly_hours_one_employer`: the year's hours over its 52 weeks (the days spread evenly over the year — an
      ASSUMPTION: the population does not say in which weeks an occasional worker works).

    All of a worker's platform hours count as hours with one employer: a worker on several platforms has fewer with
    each, so part-time is if anything understated. The rules ask these only with `paid_hourly` (以小时计酬为主), which
    no platform pays today (per order); a scenario that gives workers labour contracts decides it."""
    daily = np.asarray(daily_hours, dtype=float)
    return {
        "daily_hours_one_employer": daily,
        "weekly_hours_one_employer": daily * np.asarray(annual_days, dtype=float) / WEEKS_A_YEAR,
    }


def _months(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    index = year.astype(np.int64) * 12 + month.astype(np.int64) - 1
    distinct, inverse = np.unique(index, return_inverse=True)
    text = np.asarray([f"{i // 12:04d}-{i % 12 + 1:02d}" for i in distinct.tolist()])
    return text[inverse]


def history_columns(population: Population, columns: dict[str, np.ndarray]) -> Any:
    """The segments as the projection's `HistoryColumns` (people in file order, `person` renumbered to rows)."""
    from gigcover.rules.model import default_model
    from gigcover.rules.projection import HistoryColumns

    segments = population.segments
    person_id = columns["person_id"]
    person = segments.column("person").to_numpy()
    rows = np.searchsorted(person_id, person)
    if len(person_id) and not (
        np.all(np.diff(person_id) > 0) and np.array_equal(person_id[np.minimum(rows, len(person_id) - 1)], person)
    ):
        raise InputValueError("population: segments do not match the workers (person ids)", field="population.segments")  # fmt: skip
    region = codes(segments.column("region"), name="segments.region")
    people = {"start_year": columns["history_start_year"].astype(np.int64), "hukou_region": columns["hukou_region"]}
    segment_columns = {
        "person": rows,
        "years": segments.column("years").to_numpy().astype(np.int64),
        "scheme": codes(segments.column("scheme"), SegmentScheme, "segments.scheme").astype(np.int64),
        "region": np.where(region < 0, 0, region).astype(INDEX_DTYPE),
        "base_index": segments.column("base_index").to_numpy().astype(float),
        "tier": segments.column("tier").to_numpy().astype(float),
    }
    return HistoryColumns.of(people, segment_columns, default_model().regions)
