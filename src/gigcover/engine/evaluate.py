"""Evaluation: a situation (date, region, inputs, overrides) → requested outputs, warnings and a trace."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .enums import Categorical
from .errors import (
    GigcoverError,
    InputValueError,
    MissingInputError,
    NotInForceError,
    UnknownNameError,
    closest,
    shown,
)
from .graph import dependencies
from .overlay import Overlay
from .parameters import VERIFICATION_ORDER, ParameterHit, ParameterStore
from .regions import INDEX_DTYPE, NATIONAL, RegionTable
from .sources import Source
from .tracer import Decided, HitKey, Reads, RowMask, any_row, decided, rows_in
from .variables import CALL_REGION, Decision, Variable, is_row_table
from .vector import Array


@dataclass
class Model:
    """Variables, parameters and sources, checked together at load time (see model.load_model)."""

    variables: dict[str, Variable]
    store: ParameterStore
    sources: dict[str, Source]
    needs_cache: dict[tuple[Any, ...], dict[str, list[str]]] = field(default_factory=dict, repr=False)
    ancestry: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    # tables derived from stored parameter values (dense arrays by code, projection tables): parameter data, kept for
    # the model's life like the store itself; never values computed for a person
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)
    # the sets of outputs found to read the place asked about: not tried again for the places of a province together
    # (see `_province_group`; a saving only: a set not in it is tried and checked)
    place_readers: set[frozenset[str]] = field(default_factory=set, repr=False)

    @property
    def regions(self) -> RegionTable:
        return self.store.regions

    def __repr__(self) -> str:
        return f"Model({len(self.variables)} variables, {len(self.store.parameters)} parameters)"

    def variable(self, name: str) -> Variable:
        try:
            return self.variables[name]
        except KeyError:
            raise UnknownNameError(
                f"unknown variable {shown(name)}", name=name, suggestions=closest(name, self.variables)
            ) from None

    def ancestors(self, name: str) -> frozenset[str]:
        """Every variable `name` is computed from, directly or through others (the graph is fixed at load time)."""
        found = self.ancestry.get(name)
        if found is None:
            found = self.ancestry[name] = frozenset(dependencies(self.variables, [name], ())) - {name}
        return found

    def citation(self, key: str) -> dict[str, object]:
        return self.sources[key].to_dict(key)

    @functools.cached_property
    def call_region_inputs(self) -> tuple[str, ...]:
        """The inputs whose default is the place asked about (e.g. the place of work)."""
        return tuple(name for name, var in self.variables.items() if var.default is CALL_REGION)


@dataclass
class TraceEntry:
    variable: str
    label_zh: str
    label_en: str
    period: str
    origin: str  # "input" | "default" | "formula"
    value: Any
    formula: str | None = None
    description: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    basis: list[dict[str, object]] = field(default_factory=list)
    references: list[dict[str, object]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: to_jsonable(v) for k, v in self.__dict__.items() if not _empty(v)}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, dict | list) and not value)


def period_label(period: str, date: dt.date) -> str:
    return {"day": date.isoformat(), "month": date.strftime("%Y-%m"), "year": str(date.year)}.get(period, "eternity")


class Simulation:
    """One evaluation context. Values are computed once, on demand, from given inputs and formulas."""

    def __init__(
        self,
        model: Model,
        date: dt.date,
        region: str,
        inputs: Mapping[str, Any],
        overlay: Overlay | None = None,
        trace: bool = False,
    ) -> None:
        self.model, self.date, self.region = model, date, region
        # a worker is an array of length 1: formulas see arrays only; answers about one worker are single values again
        shape = population_shape(inputs)
        self.single = shape == ()
        self.rows = shape[0] if shape else 1
        self.given = {name: _as_rows(value) for name, value in inputs.items()}
        self.overlay = overlay or Overlay()
        self.tracing = trace
        self.date_reads = 0  # times a formula asked for the date itself (not only parameters in force on it)
        self.date_dependent: set[str] = set()  # variables whose value depends on the date itself, not only parameters
        self.values: dict[str, Any] = {}
        self.trace: list[TraceEntry] = []
        self.hits: dict[HitKey, ParameterHit] = {}  # every value read, whether or not it decided a row
        self.defaults_used: dict[str, Any] = {}
        self.extra_warnings: list[str] = []  # said outside any formula
        self.running: list[Reads] = []  # the reads of each formula being computed, innermost last
        self.reads: dict[str, Reads] = {}  # what each computed variable read, for the rows each read decides
        self.asked: dict[str, None] = {}  # the outputs asked of this simulation, in order
        self._decided: tuple[tuple[Any, ...], Decided] | None = None
        # how the values depend on the call's own place (see `_same_lookups`): the parameters looked up there (by
        # name and date), the first dates asked there, and whether a formula read the place itself
        self.place_reads: dict[tuple[str, dt.date], None] = {}
        self.place_first_dates: dict[str, None] = {}
        self.place_read = False

    def variant(self, changed: Mapping[str, Any]) -> Simulation:
        """The same worker, place, date and overlay with some inputs changed (a what-if): a simulation that starts
        with every value of this one that does not depend on what changed. What it computes anew says its own
        parameters and warnings; the values it starts with were said by this simulation."""
        other = Simulation(self.model, self.date, self.region, {**self.given, **changed}, self.overlay, self.tracing)
        other.single, other.rows = self.single, self.rows
        names = set(changed)
        for name, value in self.values.items():
            if name not in names and names.isdisjoint(self.model.ancestors(name)):
                other.values[name] = value
                if name in self.reads:
                    other.reads[name] = self.reads[name]
                if name in self.defaults_used:
                    other.defaults_used[name] = self.defaults_used[name]
                if name in self.date_dependent:
                    other.date_dependent.add(name)
        return other

    # -- formulas see these two views --------------------------------------------------------------
    def parameter(self, name: str, reader: Variable, date: dt.date | None = None, region: str | None = None) -> Any:
        return self.parameter_hit(name, reader, date, region).value

    def parameter_hit(
        self,
        name: str,
        reader: Variable,
        date: dt.date | None = None,
        region: str | None = None,
        projected: bool = False,
    ) -> ParameterHit:
        if name not in reader.parameters:
            raise RuntimeError(f"{reader.name} reads parameter {name!r} without declaring it")
        when, where = date or self.date, region or self.region
        if region is None:
            self.place_reads[(name, when)] = None
        try:
            hit = self.overlay.lookup(name, when, where) or self.model.store.lookup(name, when, where)
        except NotInForceError as exc:
            stand_in = self.overlay.stand_in(name, when, where)  # only where the place has no value of its own
            if stand_in is None:
                if region is None:
                    exc.at_place_asked = (name, when)
                raise
            hit = stand_in
        if projected and hit.stale:  # the caller grows the value beyond its period: an assumption it states itself
            hit = dataclasses.replace(hit, read_on=None)
        self.note_hit((name, hit.region, hit.effective_from), hit)
        return hit

    def note_hit(self, key: HitKey, hit: ParameterHit) -> None:
        known = self.hits.get(key)
        if known is None or not known.stale or hit.stale:  # a read past the value's period is kept: it is said
            self.hits[key] = hit
        if self.running:
            self.running[-1].hit(key, hit)

    def note_date_read(self) -> None:
        self.date_reads += 1

    def warn(self, message: str, rows: Any = None) -> None:
        """A sentence for the answer's warnings, about the rows of `rows` (all by default) of the running formula."""
        if self.running:
            self.running[-1].warning(message, rows)
        elif message not in self.extra_warnings:
            self.extra_warnings.append(message)

    def read_input(self, name: str) -> Any:
        """A formula's read of one of its inputs: noted for the rows it decides, then computed."""
        self.running[-1].input(name)
        return self.compute(name)

    def compute(self, name: str) -> Any:
        if not self.running:
            self.asked[name] = None
        if name in self.values:
            return self.values[name]
        var = self.model.variable(name)
        if name in self.given:
            value, origin = self.given[name], "input"
        elif var.is_input:
            value, origin = _as_array(self._default(var)), "default"
        else:
            return self._evaluate(var)
        self.values[name] = value
        if self.tracing:
            self.trace.append(
                TraceEntry(
                    name,
                    var.label_zh,
                    var.label_en,
                    period_label(var.period, self.date),
                    origin,
                    var.decode(self.edge(value), self.model.regions),
                )
            )
        return value

    def _default(self, var: Variable) -> Any:
        value: Any
        if var.default is CALL_REGION:
            self.place_read = True
            if self.region == NATIONAL:
                raise MissingInputError(f"{var.name} is needed and no region was given", missing=[var.name])
            value = self.model.regions.position[self.region]
        elif var.default is None:
            raise MissingInputError(f"missing input {var.name}", missing=[var.name])
        else:
            value = int(var.default) if isinstance(var.default, Categorical) else var.default
        self.defaults_used[var.name] = value
        return value

    def _evaluate(self, var: Variable) -> Any:
        assert var.formula is not None
        read = Reads(self.rows)
        self.running.append(read)
        reads_before = self.date_reads
        try:
            result = var.formula(Inputs(self, var), Params(self, var))
            basis = read.decision(result) if isinstance(result, Decision) else []
        finally:
            self.running.pop()
        self.reads[var.name] = read
        if self.date_reads > reads_before or not self.date_dependent.isdisjoint(var.inputs):
            self.date_dependent.add(var.name)
        if isinstance(result, Decision):
            result = result.value
        result = self.values[var.name] = _as_array(result)
        if self.tracing:
            used = [hit.to_dict() for hit, rows in read.hits.values() if any_row(rows)]
            basis = [key for key in basis if any_row(read.basis[key])]
            self.trace.append(
                TraceEntry(
                    var.name,
                    var.label_zh,
                    var.label_en,
                    period_label(var.period, self.date),
                    "formula",
                    var.decode(self.edge(result), self.model.regions),
                    formula=f"{var.formula.__module__}.{var.formula.__qualname__}",
                    description=var.description,
                    inputs={n: self._decoded(n) for n in var.inputs},
                    parameters=used,
                    basis=[self.model.citation(k) for k in basis],
                    references=[self.model.citation(k) for k in var.references],
                )
            )
        return result

    def edge(self, value: Any) -> Any:
        """A value as the answer shows it: one worker's single value, or the array for many."""
        if not self.single:
            return value
        if isinstance(value, dict):  # a record (the pension projection): each column for the one worker
            return {key: self.edge(item) if np.ndim(item) == 1 else item[0] for key, item in value.items()}
        if isinstance(value, np.ndarray) and value.shape in ((1,), ()):  # one row, or one value for all (0-d)
            one = value[0] if value.ndim else value[()]
            return one.item() if isinstance(one, np.generic) else one
        return value

    def _decoded(self, name: str) -> Any:
        return (
            self.model.variables[name].decode(self.edge(self.values[name]), self.model.regions)
            if name in self.values
            else None
        )

    # -- after the run ------------------------------------------------------------------------------
    def decided(self) -> Decided:
        """What the outputs asked of this simulation rest on, row by row (see tracer.py)."""
        key = (tuple(self.asked), len(self.reads))  # asked again after more questions: walk again
        if self._decided is None or self._decided[0] != key:
            self._decided = key, decided(self.rows, self.reads, self.defaults_used, self.asked)
        return self._decided[1]

    def warnings(self, quiet: Callable[[str, Any], bool] | None = None) -> list[str]:
        """The warnings of what decided at least one row of the outputs asked, each with the rows it concerns.
        `quiet(name, value)`: a default the caller does not want said (one it relies on on purpose) — decided on the
        input's name and assumed value, never on a warning's text."""
        return list(self.warnings_by_rows(quiet))

    def warnings_by_rows(self, quiet: Callable[[str, Any], bool] | None = None) -> dict[str, int]:
        """Each warning with the number of rows it concerns (the same sentence for several reasons: the most rows)."""
        regions, found, out = self.model.regions, self.decided(), dict[str, int]()

        def said(message: str, mask: RowMask) -> None:
            out[message] = max(out.get(message, 0), rows_in(mask, self.rows))

        for name, mask in sorted(found.defaults.items()):
            value = to_jsonable(self.model.variables[name].decode(self.edge(self.defaults_used[name]), regions))
            if quiet is None or not quiet(name, value):
                said(f"{name} not given: assumed {value!r}", mask)
        for hit, mask in found.hits.values():
            if hit.fallback or hit.verified == "UNVERIFIED" or hit.stale:  # overlay values are none of these
                for message in self._hit_warnings(hit, regions):
                    said(message, mask)
        for message, mask in found.warnings.items():
            said(message, mask)
        for message in self.extra_warnings:
            said(message, None)
        for key, mask in sorted(found.basis.items()):
            if self.model.sources[key].verified == "UNVERIFIED":
                said(f"decision rests on UNVERIFIED source {key}", mask)
        return out

    def _hit_warnings(self, hit: ParameterHit, regions: RegionTable) -> tuple[str, ...]:
        out = []
        if hit.fallback:
            level = "national" if hit.region == NATIONAL else regions.label(hit.region)
            when = (hit.requested_date or self.date).isoformat()
            out.append(
                f"{hit.name}: no value for {regions.label(hit.requested_region)} in force on {when}; {level} value used"
            )
        if hit.stale:
            out.append(stale_warning(hit, regions))
        if hit.verified == "UNVERIFIED":
            out.append(
                f"{hit.name} = {hit.value!r} (from {hit.effective_from}) is UNVERIFIED: "
                f"results that use it are not confirmed against an official source"
            )
        return tuple(out)

    def verification(self) -> dict[str, Any]:
        """The weakest verification level of what decided the outputs asked, and the UNVERIFIED parameters among it."""
        found = self.decided()
        hits = [hit for hit, _ in found.hits.values()]
        levels = [h.verified for h in hits] + [self.model.sources[k].verified for k in found.basis]
        weakest = max(levels, key=VERIFICATION_ORDER.__getitem__, default="V1")
        return {
            "weakest": weakest,
            "unverified_parameters": sorted({h.name for h in hits if h.verified == "UNVERIFIED"}),
        }


def stale_warning(hit: ParameterHit, regions: RegionTable) -> str:
    """The sentence for a value read after the period it was published for (Chinese, then English)."""
    assert hit.valid_until is not None
    year, until, place = hit.published_year(), hit.valid_until.isoformat(), regions.label(hit.region)
    if hit.valid_until_stated:
        zh = f"沿用 {year} 年公布值 {hit.value}（有效期至 {until}）"
        en = f"the value published for {year}, {hit.value} (valid until {until}), is carried forward"
    else:
        zh = f"沿用 {year} 年公布值 {hit.value}（按年度公布，适用至 {until}）"
        en = (
            f"the value published for {year}, {hit.value} (a yearly figure, applying until {until}), is carried forward"
        )
    # no date asked in the sentence: rows asked on different days after the end share it (and its row count)
    return f"{hit.name}（{place}）：{zh}，其后的新值尚未录入 / {hit.name} ({place}): {en} past it: no newer figure is known"


class Inputs:
    """A formula's `v`: its declared inputs as attributes, each a numpy array (one row per person, or 0-d for a value
    the same for all: a default, a regional figure). A record (e.g. contribution histories) comes as it was given."""

    def __init__(self, sim: Simulation, reader: Variable) -> None:
        self._sim, self._reader = sim, reader

    def __getattr__(self, name: str) -> Array:
        if name not in self._reader.inputs:
            raise RuntimeError(f"{self._reader.name} uses {name!r} without declaring it as an input")
        value: Array = self._sim.read_input(name)
        return value


@dataclass
class Recording:
    """Parameters read and warnings given while computing something shared (see Params.detached and replay)."""

    hits: list[ParameterHit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Params:
    """A formula's `p`: its declared parameters in force on the question's date and place (`p("name")`), and the
    ways to read them otherwise (another date, a table by code, optional) or to add a warning."""

    def __init__(self, sim: Simulation, reader: Variable) -> None:
        self._sim, self._reader = sim, reader

    def __call__(self, name: str) -> Any:
        return self._sim.parameter(name, self._reader)

    def dense(self, name: str, enum: type[Categorical], fill: Any = None, dtype: Any = None) -> np.ndarray:
        """A parameter keyed by a categorical's member names, as an array indexed by code (a lookup is one gather)."""
        table: np.ndarray = self.derived(
            name, lambda value: enum.dense(value, fill, dtype), key=("dense", enum, fill, dtype)
        )
        return table

    def mask(self, name: str, enum: type[Categorical]) -> np.ndarray:
        """A parameter listing member names, as a boolean array indexed by code (membership is one gather)."""
        table: np.ndarray = self.derived(name, enum.mask, key=("mask", enum))
        return table

    def derived(self, name: str, build: Callable[[Any], Any], *, key: Hashable) -> Any:
        """`build(value)` of the parameter in force, built once per stored value and `key` (kept for the model's
        life, like the store's values) — e.g. a table by code. An overlay's value is built for its call only."""
        hit = self._sim.parameter_hit(name, self._reader)
        if hit.verified == "OVERLAY":
            return build(hit.value)
        cache_key = ("derived", name, hit.region, hit.effective_from, key)  # one stored value, whatever date asked
        table = self._sim.model.memo.get(cache_key)
        if table is None:
            table = self._sim.model.memo[cache_key] = build(hit.value)
        return table

    def at(self, name: str, date: dt.date, region: str | None = None) -> Any:
        """The value in force on another date (e.g. last year's average wage) or in another region."""
        self._sim.note_date_read()
        return self._sim.parameter(name, self._reader, date, region)

    def hit(
        self, name: str, date: dt.date, region: str | None = None, *, projected: bool = False
    ) -> ParameterHit | None:
        """The full record (value, effective date, region, source) in force, or None where nothing is in force.
        `projected`: the caller grows the value beyond the period it was published for (a projection, whose growth
        is an assumption it states): such a read is not reported as a value carried past its period."""
        self._sim.note_date_read()
        try:
            return self._sim.parameter_hit(name, self._reader, date, region, projected)
        except NotInForceError:
            return None

    def first_date(self, name: str, region: str | None = None) -> dt.date | None:
        """The earliest effective date of any value that `region` can fall back to (None if there is none)."""
        if region is None:
            self._sim.place_first_dates[name] = None
        return self._sim.model.store.first_date(name, region or self._sim.region)

    def optional(self, name: str, date: dt.date | None = None) -> Any:
        """The value, or None where the parameter has no value in force (e.g. no published regional figure)."""
        if date is not None:
            self._sim.note_date_read()
        try:
            return self._sim.parameter(name, self._reader, date)
        except NotInForceError:
            return None

    def warn(self, message: str, rows: Any = None) -> None:
        """Add a sentence to the answer's warnings (e.g. a base clamped to the legal band), about the rows of
        `rows` (a boolean mask; every row of the block by default): it is said only if those rows are asked about."""
        self._sim.warn(message, rows)

    @contextlib.contextmanager
    def for_rows(self, mask: Any) -> Iterator[None]:
        """Reads inside the block (parameters, inputs, warnings) decide only the rows of `mask`: a branch that applies
        to some rows. Values are still computed for every row; only what the answer says rests on them changes."""
        read = self._sim.running[-1]
        read.enter(mask)
        try:
            yield
        finally:
            read.leave()

    @property
    def region(self) -> str:
        self._sim.place_read = True
        return self._sim.region

    @property
    def region_for_warning(self) -> str:
        """The place asked about, for the words of a warning only: no value may depend on it (unlike `region`, a
        read of it does not keep the places of a province from being computed together, whose warnings of this kind
        are not said: see `evaluate_rows`)."""
        return self._sim.region

    @property
    def memo(self) -> dict[tuple[Any, ...], Any]:
        """A cache shared by calls on the same model, for results that depend only on parameters (not overlaid).
        What a cached result read is not looked up again, so a call that uses the cache counts as depending on its
        place (it is never computed for the places of a province together: see `evaluate_rows`)."""
        self._sim.place_read = True
        return self._sim.model.memo

    @property
    def overlaid(self) -> bool:
        """True when this call carries overrides (then results that depend on parameters must not be shared)."""
        return not self._sim.overlay.empty

    @contextlib.contextmanager
    def detached(self) -> Iterator[Recording]:
        """Record the parameters read and warnings given inside the block *without* adding them to this call: for
        building shared tables wider than the call needs (the call then replays the part it uses)."""
        sim = self._sim
        saved = sim.hits, sim.extra_warnings, sim.running
        sim.hits, sim.extra_warnings, sim.running = {}, [], []
        record = Recording()
        try:
            yield record
        finally:
            record.hits, record.warnings = list(sim.hits.values()), sim.extra_warnings
            sim.hits, sim.extra_warnings, sim.running = saved

    def replay(self, record: Recording) -> None:
        """Register a cached computation's parameters and warnings as if read in this call (trace, warnings)."""
        for hit in record.hits:
            self._sim.note_hit((hit.name, hit.region, hit.effective_from), hit)
        for message in record.warnings:
            self._sim.warn(message)

    @property
    def date(self) -> dt.date:
        self._sim.note_date_read()
        return self._sim.date

    @property
    def regions(self) -> RegionTable:
        return self._sim.model.regions


PLAIN = (bool, int, float, str)


def _json_ready(variable: Variable, value: Any, regions: RegionTable) -> Any:
    """A value as the JSON contract has it. Names decoded from codes are plain already (lists of str): only numbers
    and records still need converting."""
    if variable.enum is not None or variable.value_type == "region":
        decoded = variable.decode(value, regions)
        return decoded if not isinstance(decoded, np.ndarray) else decoded.tolist()
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    return value if type(value) in PLAIN else to_jsonable(value)  # most answers are plain numbers and names


def to_jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()  # object arrays hold plain Python lists of names (see vector.names_where)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# -- the calc contract ---------------------------------------------------------------------------------
REQUEST_KEYS = {"date", "region", "inputs", "overrides", "stand_ins", "outputs", "trace"}


def population_shape(inputs: Mapping[str, Any]) -> tuple[int, ...]:
    """The number of people asked about: () for one, (n,) when inputs give a value per person."""
    shapes = [np.shape(v) for v in inputs.values() if isinstance(v, np.ndarray)]
    shapes += [(len(v),) for v in inputs.values() if is_row_table(v)]
    return np.broadcast_shapes(*shapes) if shapes else ()


def _as_array(value: Any) -> Any:
    """A Python or numpy scalar as a 0-d array (it broadcasts as one value for all); arrays and records as they are."""
    return np.asarray(value) if isinstance(value, bool | int | float | str | np.generic) else value


def _as_rows(value: Any) -> Any:
    """One person's given value as an array of one row (formulas see arrays only); many people's stay as they are."""
    if (isinstance(value, np.ndarray) and value.ndim) or isinstance(value, list | dict) or is_row_table(value):
        return value
    if isinstance(value, bool | int | float | str | np.generic):
        return np.asarray([value])
    one = np.empty(1, dtype=object)  # a record (e.g. one contribution history) in a one-row object array
    one[0] = value
    return one


def per_person(value: Any, shape: tuple[int, ...]) -> Any:
    """One value per person in a vector call, even for a result that is the same for all (a regional constant)."""
    if not shape or isinstance(value, dict) or np.shape(value) == shape:
        return value
    if isinstance(value, list):  # one list of names, the same for everyone
        out = np.empty(shape, dtype=object)
        for index in np.ndindex(shape):
            out[index] = list(value)
        return out
    return np.broadcast_to(np.asarray(value), shape).copy()


def parse_date(raw: Any, field: str = "date") -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InputValueError(f"{field}: expected a date YYYY-MM-DD, got {shown(raw)}", field=field) from None


def missing_inputs(
    model: Model, outputs: list[str], given: Mapping[str, Any], has_region: bool
) -> dict[str, list[str]]:
    """Input → the outputs that need it, for inputs neither given nor defaulted (memoised per question shape)."""
    key = (tuple(outputs), frozenset(given), has_region)
    if key not in model.needs_cache:
        model.needs_cache[key] = _missing_inputs(model, outputs, given, has_region)
    return model.needs_cache[key]


def _missing_inputs(
    model: Model, outputs: list[str], given: Mapping[str, Any], has_region: bool
) -> dict[str, list[str]]:
    needs: dict[str, list[str]] = {}
    for out in outputs:
        for name in dependencies(model.variables, [out], given):
            var = model.variables[name]
            if name in given or not var.is_input:
                continue
            if var.default is None or (var.default is CALL_REGION and not has_region):
                needs.setdefault(name, []).append(out)
    return needs


def _alternatives(model: Model, name: str, outputs: list[str], given: Mapping[str, Any]) -> list[str]:
    """Computed variables on the way from `name` to the outputs that could be given instead."""
    needed = set(dependencies(model.variables, outputs, given)) - set(outputs)
    return sorted(v for v in needed if name in model.variables[v].inputs and not model.variables[v].is_input)


def calculate(model: Model, request: Mapping[str, Any]) -> dict[str, Any]:
    """The `calc` contract: {date, region, inputs, overrides, stand_ins, outputs, trace} → {outputs, warnings, trace}.

    With a list of values per input (many people), `date` and `region` may be lists of the same length: one place of
    work and one date per person. `stand_ins` are used only where the place has no value of its own (overlay.py)."""
    if not isinstance(request, Mapping):
        raise InputValueError("request: expected a JSON object", field="request")
    unknown = sorted(set(request) - REQUEST_KEYS)
    if unknown:
        raise InputValueError(f"request: unknown field(s) {unknown}; allowed: {sorted(REQUEST_KEYS)}", field=unknown[0])
    outputs = request.get("outputs")
    if not isinstance(outputs, list) or not outputs or not all(isinstance(o, str) for o in outputs):
        raise InputValueError("outputs: expected a non-empty list of variable names", field="outputs")
    for name in outputs:
        model.variable(name)
    raw_inputs = request.get("inputs") or {}
    if not isinstance(raw_inputs, Mapping):
        raise InputValueError("inputs: expected an object of variable names to values", field="inputs")
    inputs = validate_inputs(model, raw_inputs)
    date = parse_dates(request.get("date"))
    region_raw = request.get("region")
    region = NATIONAL if region_raw is None else _parse_regions(model, region_raw)
    trace = request.get("trace", False)
    if not isinstance(trace, bool):
        raise InputValueError("trace: expected true or false", field="trace")
    overlay = Overlay.parse(request.get("overrides"), model.store, stand_ins=request.get("stand_ins"))
    return answer(model, date, region, inputs, outputs, overlay, trace)


def parse_dates(raw: Any, field: str = "date") -> dt.date | np.ndarray:
    """One date, or an array of dates (datetime64[D]) for a list: each checked, a bad one named with its position."""
    if isinstance(raw, list | tuple | np.ndarray):
        array = np.asarray(raw)
        if array.size == 0:
            raise InputValueError(f"{field}: empty list", field=field)
        if array.dtype.kind == "M":
            return array.astype("datetime64[D]")
        distinct, inverse = np.unique(array.astype(str), return_inverse=True)
        days = np.empty(len(distinct), dtype="datetime64[D]")
        for i, text in enumerate(distinct.tolist()):
            first = int(np.flatnonzero(inverse == i)[0])
            days[i] = np.datetime64(parse_date(text, f"{field}[{first}]"), "D")
        return days[inverse]
    return parse_date(raw, field)


def _parse_regions(model: Model, raw: Any) -> str | np.ndarray:
    """One region code, or an array of region indices for a list (names and codes accepted, each resolved once)."""
    if isinstance(raw, list | tuple | np.ndarray):
        if len(raw) == 0:
            raise InputValueError("region: empty list", field="region")
        return np.asarray(work_places(model, raw))
    if not isinstance(raw, str):
        model.regions.resolve(raw)  # raises: neither a code nor a name
    return str(model.regions.codes[int(work_places(model, raw))])


def work_places(model: Model, raw: Any, field: str = "region") -> Any:
    """The region of a question, which is the place of work, encoded (an index, or an array of indices) and
    refused where the rules refuse `work_region` (e.g. a place outside the schemes' jurisdiction)."""
    work = model.variables.get("work_region")
    if work is not None and work.value_type == "region":
        return work.validate(raw, model.regions, field)
    return model.regions.encode(raw, field)


def validate_inputs(model: Model, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Each given value checked and normalised by its variable (an unknown name or a bad value: a clear error)."""
    return {name: model.variable(name).validate(value, model.regions) for name, value in raw.items()}


@dataclass(frozen=True)
class Rows:
    """Where and when each person is asked about: a region index and a day per row (see `place_and_date`)."""

    region: np.ndarray  # int16 indices into the region table
    day: np.ndarray  # datetime64[D]: the day each row is computed at
    # the rows' own days where `day` stands for a span in which every parameter the outputs read keeps its value
    # (see ParameterStore.change_dates); a group whose formulas read the date itself is computed again at these
    exact_day: np.ndarray | None = None

    def groups(self, by: np.ndarray | None = None) -> Iterator[tuple[np.ndarray | slice, int, np.datetime64]]:
        """(rows, region index, day) for each distinct place and date: parameters are resolved once per group.

        `by` (a key per region index, e.g. its province) groups the places of one key together: the region given is
        then that of the group's first row, the one it is computed at (see `evaluate_rows`).

        Rows already in order of place and day (as `gigcover.compute` hands them over) come as slices, so their
        inputs are views, not copies."""
        span = int((self.day.max() - self.day.min()).astype(int)) + 1
        place = self.region if by is None else by[self.region]
        key = place.astype(np.int64) * span + (self.day - self.day.min()).astype(np.int64)
        if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
            bounds = [0, *(np.flatnonzero(np.diff(key)) + 1).tolist(), len(key)]
            for start, stop in itertools.pairwise(bounds):
                yield slice(start, stop), int(self.region[start]), self.day[start]
            return
        distinct, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        ends = np.cumsum(np.bincount(inverse, minlength=len(distinct)))
        for g, start in enumerate(np.concatenate(([0], ends[:-1])).tolist()):
            rows = order[start : ends[g]]
            yield rows, int(self.region[first[g]]), self.day[first[g]]

    def subset(self, picked: np.ndarray | slice) -> Rows:
        return Rows(self.region[picked], self.day[picked], None if self.exact_day is None else self.exact_day[picked])


def place_and_date(
    model: Model, date: dt.date | np.ndarray, region: str | np.ndarray, inputs: Mapping[str, Any]
) -> tuple[dt.date, str] | Rows:
    """The call's one place and date, or a place and date per row.

    The region of a question is the place of work: `inputs.work_region`, when given, must agree with it (or stands for
    it when no region is given)."""
    shape = population_shape(inputs)
    work = inputs.get("work_region")
    if isinstance(region, str) and isinstance(date, dt.date) and not (isinstance(work, np.ndarray) and work.ndim):
        return date, _one_place(model, region, work)
    n = row_count(shape, date, region)
    regions = np.full(n, model.regions.position[region], dtype=INDEX_DTYPE) if isinstance(region, str) else region
    if isinstance(work, np.ndarray) and work.ndim:
        regions = _agreeing_work_region(model, regions, np.broadcast_to(work, (n,)))
    days = np.full(n, np.datetime64(date, "D")) if isinstance(date, dt.date) else date
    return Rows(np.asarray(regions, dtype=INDEX_DTYPE), np.asarray(days, dtype="datetime64[D]"))


def row_count(shape: tuple[int, ...], date: Any, region: Any) -> int:
    """How many rows a call has: one value for all, or the same number per input, date and region (1 if none)."""
    lengths = {len(x) for x in (date, region) if isinstance(x, np.ndarray) and x.ndim} | (
        {shape[0]} if shape else set()
    )
    if len(shape) > 1 or len(lengths) > 1:
        raise InputValueError(
            f"date, region and inputs: one value for all, or one per person — the same number of rows each "
            f"(got {sorted(lengths)})",
            field="date" if isinstance(date, np.ndarray) and date.ndim else "region",
        )
    return lengths.pop() if lengths else 1


def _one_place(model: Model, region: str, work: Any) -> str:
    if work is None:
        return region
    place = model.regions.codes[int(work)]
    if region not in (NATIONAL, place):
        raise InputValueError(
            f"inputs.work_region {place} differs from region {region}: the region of a question is the place of work",
            field="inputs.work_region",
        )
    return place


def _agreeing_work_region(model: Model, regions: np.ndarray, work: np.ndarray) -> np.ndarray:
    national = model.regions.position[NATIONAL]
    unset = regions == national
    clash = ~unset & (regions != work)
    if clash.any():
        first = int(np.flatnonzero(clash)[0])
        raise InputValueError(
            f"inputs.work_region[{first}] {model.regions.codes[int(work[first])]} differs from region "
            f"{model.regions.codes[int(regions[first])]}: the region of a question is the place of work",
            field=f"inputs.work_region[{first}]",
        )
    return np.where(unset, work, regions)


def answer(
    model: Model,
    date: dt.date | np.ndarray,
    region: str | np.ndarray,
    inputs: dict[str, Any],
    outputs: list[str],
    overlay: Overlay | None = None,
    trace: bool = False,
) -> dict[str, Any]:
    """The `calc` answer for a question already checked: known outputs, validated inputs, a region code (or a date and
    a region index per row). Callers that ask many questions about one person (the advisor) validate once and come
    here."""
    where = place_and_date(model, date, region, inputs)
    has_region = not isinstance(where, tuple) or where[1] != NATIONAL
    check_inputs(model, outputs, inputs, has_region)
    if isinstance(where, tuple):
        day, code = where
        return answer_in(Simulation(model, day, code, inputs, overlay, trace=trace), outputs)
    result = evaluate_rows(model, where, inputs, outputs, overlay, trace)
    found = {
        "date": [str(d) for d in where.day.tolist()],
        "region": model.regions.decode(where.region),
        "outputs": {name: _json_ready(model.variables[name], result.values[name], model.regions) for name in outputs},
        "warnings": result.warnings,
        "verification": result.verification,
    }
    if trace:
        found["trace"] = result.trace
    return found


def outputs_in(sim: Simulation, outputs: list[str]) -> dict[str, Any]:
    """The outputs alone (JSON-ready), computed in `sim`; its warnings and verification can be read once at the end,
    for all the questions asked of it (`sim.warnings()`, `sim.verification()`)."""
    model = sim.model
    check_inputs(model, outputs, sim.given, sim.region != NATIONAL)
    shape = () if sim.single else population_shape(sim.given)
    return {
        name: _json_ready(model.variables[name], sim.edge(per_person(sim.compute(name), shape)), model.regions)
        for name in outputs
    }


def answer_in(sim: Simulation, outputs: list[str]) -> dict[str, Any]:
    """The `calc` answer computed in a simulation that may have answered other questions already: the values it holds
    are reused, and its warnings and verification are those of everything it computed."""
    found: dict[str, Any] = {
        "date": sim.date.isoformat(),
        "region": sim.region,
        "outputs": outputs_in(sim, outputs),
        "warnings": ([] if sim.region != NATIONAL else ["no region given: national values used"]) + sim.warnings(),
        "verification": sim.verification(),
    }
    if sim.tracing:
        found["trace"] = [entry.to_dict() for entry in sim.trace]
    return found


def check_inputs(model: Model, outputs: list[str], inputs: Mapping[str, Any], has_region: bool) -> None:
    """Every input the outputs need is given or has a default: otherwise one error naming each, with alternatives."""
    needs = missing_inputs(model, outputs, inputs, has_region)
    if needs:
        parts = []
        for name, users in needs.items():
            alt = [a for a in _alternatives(model, name, outputs, inputs) if a not in needs]
            hint = f" (or give {', '.join(alt)})" if alt else ""
            var = model.variables[name]
            parts.append(f"{name} [{var.label_zh}]{hint} — needed for {', '.join(users)}")
        raise MissingInputError("missing inputs: " + "; ".join(parts), missing=list(needs))


@dataclass
class RowsResult:
    """Outputs for many rows (codes, not yet decoded), and what the answer says besides."""

    values: dict[str, np.ndarray]
    warning_rows: dict[str, int]  # each warning with the number of rows it concerns
    verification: dict[str, Any]
    trace: list[dict[str, Any]] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return list(self.warning_rows)


def evaluate_rows(
    model: Model,
    rows: Rows,
    inputs: Mapping[str, Any],
    outputs: list[str],
    overlay: Overlay | None = None,
    trace: bool = False,
    missing_as_nan: bool = False,
    explain: bool = True,
    together: bool = True,
) -> RowsResult:
    """Outputs for rows that differ in place and date: one simulation per distinct (place, date), each on its rows,
    the values scattered back in row order. Warnings and verification are those of the groups, together.

    `explain=False` skips walking back from the outputs to what decided them (the warnings of parameter values and
    defaults, and the verification level): the values are the same, the warnings only those of amounts left NaN,
    and the verification `{"weakest": None, ...}` (not computed) — for callers that only add the values up. Then
    (unless `together=False`) the places of one province are also computed together, at one of them, wherever that
    gives each the values it would get alone (see `_province_group`).

    With `missing_as_nan`, an amount the law of a row's place and date gives no figure for (NotInForce: e.g. a
    province that publishes no contribution base) is NaN for those rows, and a warning names the place and date;
    otherwise the call fails as a single question would."""
    n = len(rows.region)
    found = _Found({name: [] for name in outputs})
    asked = frozenset(outputs)
    merging = together and not explain and not trace and asked not in model.place_readers
    for picked, region_index, day in rows.groups(by=model.regions.province_index if merging else None):
        if merging and not _constant_place(rows.region[picked]):
            if asked in model.place_readers:  # found in an earlier group of this call: place by place
                where = _row_numbers(picked, n)
                _computed_alone(model, rows, where, inputs, outputs, overlay, missing_as_nan, found, together=False)
            else:
                _province_group(model, rows, picked, region_index, day, inputs, outputs, overlay, missing_as_nan, found)
            continue
        given = {name: _take(value, picked, n) for name, value in inputs.items()}
        if "work_region" in inputs:
            given["work_region"] = region_index
        sim = Simulation(model, day.astype(dt.date), model.regions.codes[region_index], given, overlay, trace=trace)
        _one_group(model, rows, picked, sim, outputs, missing_as_nan, explain, found)
    return RowsResult(
        values={name: _scatter(parts, n) for name, parts in found.parts.items()},
        warning_rows=found.warnings,
        verification={
            "weakest": max(found.levels, key=VERIFICATION_ORDER.__getitem__, default="V1") if explain else None,
            "unverified_parameters": sorted(found.unverified),
        },
        trace=found.traced,
    )


@dataclass
class _Found:
    """What `evaluate_rows` gathers from its groups: each output's values by rows, and what the answer says besides."""

    parts: dict[str, list[tuple[np.ndarray | slice, Any]]]
    warnings: dict[str, int] = field(default_factory=dict)
    levels: list[str] = field(default_factory=list)
    unverified: set[str] = field(default_factory=set)
    traced: list[dict[str, Any]] = field(default_factory=list)

    def add(self, picked: np.ndarray | slice, values: Mapping[str, Any]) -> None:
        for name, parts in self.parts.items():
            parts.append((picked, values[name]))

    def take(self, other: RowsResult, explain: bool) -> None:
        _add_counts(self.warnings, other.warning_rows)
        if explain:
            self.levels.append(other.verification["weakest"])
            self.unverified.update(other.verification["unverified_parameters"])
        self.traced.extend(other.trace)


def _one_group(
    model: Model,
    rows: Rows,
    picked: np.ndarray | slice,
    sim: Simulation,
    outputs: list[str],
    missing_as_nan: bool,
    explain: bool,
    found: _Found,
) -> None:
    """The outputs of the rows `picked`, computed in `sim` (their place and the day standing for their span of days),
    added to `found`; outputs that read the date itself are computed again at the rows' own days."""
    n = len(rows.region)
    rows_here = _count(picked, n)
    spans_days = rows.exact_day is not None and bool((rows.exact_day[picked] != rows.day[picked]).any())
    left: list[_LeftNaN] = []
    try:
        (values, left), failure = _group_values(model, sim, outputs, missing_as_nan), None
    except GigcoverError as exc:  # at the day standing for the span: only final if the date itself was not read
        values, failure = {}, exc
    dated = [name for name in outputs if name in sim.date_dependent or (failure is not None and sim.date_reads > 0)]
    if spans_days and dated:
        assert rows.exact_day is not None
        exact = evaluate_rows(
            model, Rows(rows.region[picked], rows.exact_day[picked]), sim.given, dated, sim.overlay, sim.tracing,
            missing_as_nan, explain,
        )  # fmt: skip
        values.update(exact.values)
        found.take(exact, explain)
        if len(dated) == len(outputs):
            found.add(picked, values)
            return
        failure = None
    if failure is not None:
        raise failure
    _add_counts(found.warnings, {nan.warning(model, sim.region, sim.date, rows_here): rows_here for nan in left})
    found.add(picked, values)
    if sim.region == NATIONAL:
        _add_counts(found.warnings, {"no region given: national values used": rows_here})
    if explain:
        _add_counts(found.warnings, sim.warnings_by_rows())
        check = sim.verification()
        found.levels.append(check["weakest"])
        found.unverified.update(check["unverified_parameters"])
    if sim.tracing:
        at = {"date": sim.date.isoformat(), "region": sim.region, "rows": _row_numbers(picked, n).tolist()}
        found.traced.extend({**entry.to_dict(), "at": at} for entry in sim.trace)


def _province_group(
    model: Model,
    rows: Rows,
    picked: np.ndarray | slice,
    region_index: int,
    day: np.datetime64,
    inputs: Mapping[str, Any],
    outputs: list[str],
    overlay: Overlay | None,
    missing_as_nan: bool,
    found: _Found,
) -> None:
    """The rows of several places of one province (one span of days), computed in one simulation at the place of
    the first row (`region_index`), then checked place by place.

    A place's rows are right if every parameter the simulation looked up at its own place (name and date) is, for
    that place, the same stored value (same region and effective date: a prefecture without its own figure falls back
    to the province's, as the place computed at does), the same first dates were asked, and no formula read the place
    itself (`p.region`, a cached table, an input defaulting to the place): then each formula, on those rows, read the
    same values as it would have at that place (the values of a row depend on its inputs and those values only). Inputs
    that default to the place are given row by row. The places that differ are computed again, together where they
    agree with each other; a failure (whose error names the place) has every place of the group computed on its own.
    An amount left NaN is said for each place that agrees, in the words of its own look-up."""
    n = len(rows.region)
    regions_here = rows.region[picked]
    given = {name: _take(value, picked, n) for name, value in inputs.items()}
    for name in model.call_region_inputs:
        if name not in inputs or name == "work_region":
            given[name] = regions_here
    sim = Simulation(model, day.astype(dt.date), model.regions.codes[region_index], given, overlay)
    try:
        values, left = _group_values(model, sim, outputs, missing_as_nan)
        failed = False
    except GigcoverError:  # said again, naming its own place, when the places are computed one by one
        values, left, failed = {}, [], True
    where = _row_numbers(picked, n)
    if sim.place_read:
        model.place_readers.add(frozenset(outputs))
    if failed or sim.place_read:
        _computed_alone(model, rows, where, inputs, outputs, overlay, missing_as_nan, found, together=False)
        return
    counts = np.bincount(regions_here)  # by region index (a few thousand): linear, where np.unique would sort
    places = np.flatnonzero(counts)
    counts = counts[places]
    signatures = {code: _place_signature(model, sim, model.regions.codes[code]) for code in places.tolist()}
    own = _place_signature(model, sim, sim.region)
    dated = [name for name in outputs if name in sim.date_dependent]
    if dated and rows.exact_day is not None and bool((rows.exact_day[picked] != day).any()):
        exact = evaluate_rows(
            model, Rows(regions_here, rows.exact_day[picked]), given, dated, overlay, missing_as_nan=missing_as_nan,
            explain=False,
        )  # fmt: skip
        values.update(exact.values)
        found.take(exact, explain=False)
    found.add(picked, values)
    for code, rows_there in zip(places.tolist(), counts.tolist(), strict=True):
        there = model.regions.codes[code]
        if signatures[code] == own:
            _add_counts(
                found.warnings,
                {nan.warning(model, there, sim.date, rows_there, nan.at(model, there)): rows_there for nan in left},
            )
    # the places that differ, in sets that agree with each other on what this simulation looked up: each computed
    # together (and checked again: with other rows, formulas may look up more)
    differ: dict[tuple[Any, ...], list[int]] = {}
    for code, signature in signatures.items():
        if signature != own:
            differ.setdefault(signature, []).append(code)
    for codes in differ.values():
        _computed_alone(
            model, rows, where[np.isin(regions_here, codes)], inputs, outputs, overlay, missing_as_nan, found
        )


def _place_signature(model: Model, sim: Simulation, code: str) -> tuple[Any, ...]:
    """What each parameter `sim` looked up at its own place gives at `code` (the stored value's region and effective
    date, or None; an overlay's value is the same everywhere), and the first dates it asked there: places with the
    signature of `sim`'s own place get from its formulas the values they would get alone."""
    store = model.store
    found: list[Any] = [
        None if sim.overlay.lookup(name, when, code) is not None else store.value_set_at(name, when, code)
        for name, when in sim.place_reads
    ]
    found.extend(store.first_date(name, code) for name in sim.place_first_dates)
    return tuple(found)


def _computed_alone(
    model: Model,
    rows: Rows,
    subset: np.ndarray,
    inputs: Mapping[str, Any],
    outputs: list[str],
    overlay: Overlay | None,
    missing_as_nan: bool,
    found: _Found,
    together: bool = True,
) -> None:
    """Rows of a province group computed again (`together=False`: place by place; else the places that agree with
    the first of them together, as in `_province_group`); added after the group's values, which they replace."""
    n = len(rows.region)
    result = evaluate_rows(
        model, rows.subset(subset), {name: _take(value, subset, n) for name, value in inputs.items()}, outputs,
        overlay, missing_as_nan=missing_as_nan, explain=False, together=together,
    )  # fmt: skip
    found.add(subset, result.values)
    found.take(result, explain=False)


def _row_numbers(picked: np.ndarray | slice, n: int) -> np.ndarray:
    """The row numbers of `picked` (a slice becomes the range it covers)."""
    if isinstance(picked, slice):
        start, stop, step = picked.indices(n)
        return np.arange(start, stop, step)
    return picked


def _constant_place(regions: np.ndarray) -> bool:
    return len(regions) == 0 or bool((regions == regions[0]).all())


@dataclass(frozen=True)
class _LeftNaN:
    """An output a group's place and date publish no figure for (`missing_as_nan`), and why. The error's words and
    look-up only, not the error: its traceback would hold the simulation's every array until the next collection."""

    output: str
    message: str
    at_place_asked: tuple[str, object] | None

    @classmethod
    def of(cls, output: str, error: NotInForceError) -> _LeftNaN:
        return cls(output, error.message, error.at_place_asked)

    def warning(self, model: Model, region: str, date: dt.date, rows: int, why: str | None = None) -> str:
        return (
            f"{self.output}: not computed for {model.regions.label(region)} on {date.isoformat()} "
            f"({rows} rows left NaN): {why or self.message}"
        )

    def at(self, model: Model, region: str) -> str:
        """What the error says at another place whose look-ups agree (see `_province_group`)."""
        if self.at_place_asked is None:
            return self.message
        name, date = self.at_place_asked
        assert isinstance(date, dt.date)
        try:
            model.store.lookup(name, date, region)
        except NotInForceError as exc:
            return exc.message
        return self.message


def _group_values(
    model: Model, sim: Simulation, outputs: list[str], missing_as_nan: bool
) -> tuple[dict[str, Any], list[_LeftNaN]]:
    values: dict[str, Any] = {}
    left: list[_LeftNaN] = []
    for name in outputs:
        try:
            value = sim.compute(name)
        except NotInForceError as exc:
            if not (missing_as_nan and model.variables[name].value_type == "float"):
                raise
            left.append(_LeftNaN.of(name, exc))
            value = np.nan
        if isinstance(value, dict):
            raise InputValueError(
                f"outputs: {name} is a record per person; ask for its fields when places or dates differ by row",
                field="outputs",
            )
        values[name] = value
    return values, left


def _add_counts(into: dict[str, int], more: Mapping[str, int]) -> None:
    for message, rows in more.items():
        into[message] = into.get(message, 0) + rows


def _count(picked: np.ndarray | slice, n: int) -> int:
    return len(range(n)[picked]) if isinstance(picked, slice) else len(picked)


def _take(value: Any, picked: np.ndarray | slice, n: int) -> Any:
    """A given value for the picked rows: a per-person array is sliced, one value for everyone stays as it is."""
    if isinstance(value, np.ndarray) and value.ndim and len(value) == n:
        return value[picked]
    if is_row_table(value) and len(value) == n:
        return value.take_rows(picked)
    return value


def _scatter(found: list[tuple[np.ndarray | slice, Any]], n: int) -> np.ndarray:
    """Each group's values put back at its rows (a value the same for the whole group is spread over it)."""
    arrays = [np.asarray(value) for _, value in found]
    if len(found) == 1 and arrays[0].shape == (n,) and isinstance(found[0][0], slice):
        return arrays[0]  # one group covering the rows in order: nothing to move
    out = np.empty(n, dtype=np.result_type(*arrays) if all(a.dtype != object for a in arrays) else object)
    for (picked, _), value in zip(found, arrays, strict=True):
        out[picked] = value
    return out
