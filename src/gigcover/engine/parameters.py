"""The parameter store: YAML files of dated, cited, verified values, by region (参数库).

A file's path below `gigcover/parameters/` is the parameter's name:
`pension/employee/flexible/rate.yaml` → `pension.employee.flexible.rate`. Every value carries its effective
date, a reference (its own or the file's) and a verification level (V1, V2, V3, UNVERIFIED).

A value published for a period says so (`valid_until`, or a file's `period: year` for figures published one year at
a time): read after it, the value is still used (nothing newer is known) but the hit is `stale` and the answer says so.
A place whose own rule gives way to its province's (a city's figure replaced by a province-wide one) says so with
an `ends: true` entry on that day: from then on the place reads its province's value (or the national one).
A folder's `missing.yaml` records what was searched and not found for its parameters (see `Missing`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import InputValueError, NotInForceError, ParameterFileError, UnknownNameError, closest, shown
from .regions import NATIONAL, RegionTable

Verification = Literal["V1", "V2", "V3", "UNVERIFIED"]
VERIFICATION_ORDER: dict[str, int] = {"V1": 0, "V2": 1, "V3": 2, "UNVERIFIED": 3, "OVERLAY": 4}


class Reference(BaseModel):
    """Where a value comes from: document number (文号), title, article (条款), URL, law file in reference/laws."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    document: str = Field(min_length=1)
    title: str | None = None
    article: str | None = None
    href: str | None = None
    file: str | None = None
    note: str | None = None


class DatedValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: Any = None
    verified: Verification
    reference: Reference | None = None
    note: str | None = None
    # the last day the source says the value applies to (e.g. 2025-12-31 for a figure "for 2025"); None: until changed
    valid_until: dt.date | None = None
    # True: the place's own value ends on this day and the place falls back to its province (or the national value);
    # the entry's reference is the document that replaced the local rule. Carries no value.
    ends: bool = False

    @model_validator(mode="after")
    def _value_or_end(self) -> DatedValue:
        if self.ends and self.value is not None:
            raise ValueError("an `ends: true` entry carries no value (the place falls back to its province from then)")
        if self.ends and self.valid_until is not None:
            raise ValueError("an `ends: true` entry has no valid_until (it is itself the end)")
        if not self.ends and self.value is None:
            raise ValueError("value is missing (null)")
        return self


def _as_date(key: object) -> dt.date:
    if isinstance(key, dt.datetime):
        return key.date()
    if isinstance(key, dt.date):
        return key
    if isinstance(key, str):
        return dt.date.fromisoformat(key)
    raise ValueError(f"effective date must be YYYY-MM-DD, got {key!r}")


def _date_keyed(values: Any) -> Any:
    if not isinstance(values, dict):
        raise ValueError("values must be a mapping of effective dates (YYYY-MM-DD) to {value, verified}")
    return {_as_date(k): v for k, v in values.items()}


class DatedSeries(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    values: dict[dt.date, DatedValue] = Field(min_length=1)
    reference: Reference | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _date_keys(cls, values: Any) -> Any:
        return _date_keyed(values)


class Domain(BaseModel):
    """The numbers a parameter may take (inclusive bounds; None: unbounded on that side). Every number in a value is
    checked: a plain number, and each number inside a list or a mapping's values (e.g. a table of ratios)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    minimum: float | None = None
    maximum: float | None = None

    def contains(self, number: float) -> bool:
        return (self.minimum is None or number >= self.minimum) and (self.maximum is None or number <= self.maximum)

    def describe(self) -> str:
        low = "−∞" if self.minimum is None else f"{self.minimum:g}"
        high = "∞" if self.maximum is None else f"{self.maximum:g}"
        return f"[{low}, {high}]"


UNIT_DOMAINS: dict[str, Domain] = {
    "ratio": Domain(minimum=0, maximum=1),  # a rate or a share; a multiple (300 % of a wage) is unit "multiple"
    "yuan": Domain(minimum=0),
    "months": Domain(minimum=0),
    "years": Domain(minimum=0),
    "year": Domain(minimum=0),
    "hours": Domain(minimum=0),
    "multiple": Domain(minimum=0),
    "stars": Domain(minimum=0),
}
"""The domain a unit implies when a file declares none: rates in [0, 1], amounts and durations ≥ 0."""


class ParameterFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    domain: Domain | None = None
    reference: Reference | None = None
    # "year": every value is published for the year from its effective date (a contribution year, a retirement year)
    # unless it states its own `valid_until`; read later, it is carried forward and said to be
    period: Literal["year"] | None = None
    values: dict[dt.date, DatedValue] = Field(default_factory=dict)
    by_region: dict[str, DatedSeries] = Field(default_factory=dict)
    notes: str | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _date_keys(cls, values: Any) -> Any:
        return _date_keyed(values)

    @field_validator("by_region", mode="before")
    @classmethod
    def _region_keys(cls, by_region: Any) -> Any:
        if not isinstance(by_region, dict):
            raise ValueError("by_region must map GB/T 2260 codes to {values: ...}")
        return {str(k): v for k, v in by_region.items()}

    @model_validator(mode="after")
    def _cited(self) -> ParameterFile:
        if not self.values and not self.by_region:
            raise ValueError("no values: give `values` and/or `by_region`")
        for date, item in self.values.items():
            if item.reference is None and self.reference is None:
                raise ValueError(f"values.{date}: no reference (give one on the value or on the file)")
            _check_validity(f"values.{date}", date, item)
            if item.ends:
                raise ValueError(f"values.{date}: the national value cannot end (there is nothing to fall back to)")
        for code, series in self.by_region.items():
            for date, item in series.values.items():
                if item.reference is None and series.reference is None and self.reference is None:
                    raise ValueError(f"by_region.{code}.values.{date}: no reference")
                _check_validity(f"by_region.{code}.values.{date}", date, item)
            first = min(series.values)
            if series.values[first].ends:
                raise ValueError(
                    f"by_region.{code}.values.{first}: `ends: true` ends nothing (the place has no value before it)"
                )
        return self

    def valid_until(self, start: dt.date, item: DatedValue) -> tuple[dt.date | None, bool]:
        """The last day a value applies to, and whether that day is stated (False: implied by `period: year`)."""
        if item.valid_until is not None:
            return item.valid_until, True
        if self.period == "year":
            return _one_year_from(start), False
        return None, False


def _check_validity(where: str, start: dt.date, item: DatedValue) -> None:
    if item.valid_until is not None and item.valid_until < start:
        raise ValueError(f"{where}: valid_until {item.valid_until.isoformat()} is before the value takes effect")


def _one_year_from(start: dt.date) -> dt.date:
    """The day before the same date a year later (2025-07-01 → 2026-06-30; 2024-02-29 → 2025-02-27)."""
    try:
        return start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return dt.date(start.year + 1, 2, 28) - dt.timedelta(days=1)


MISSING_FILE = "missing.yaml"


class Missing(BaseModel):
    """A search that found no citable value: for a parameter, the places and years searched, what was looked for,
    where and when, and what was seen but not entered (a folder's missing.yaml, keyed by parameter file name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    regions: list[str] = Field(min_length=1)
    years: list[int] = Field(min_length=1)
    searched: str = Field(min_length=1)
    where: str = Field(min_length=1)
    when: dt.date
    found: str | None = None

    def covers(self, region: str, year: int) -> bool:
        return region in self.regions and year in self.years


@dataclass(frozen=True, slots=True)
class ParameterHit:
    """One parameter value as used in a computation: what, from when, where, and on what authority."""

    name: str
    value: Any
    effective_from: dt.date
    region: str
    reference: Reference
    verified: str
    requested_region: str
    fallback: bool = False
    requested_date: dt.date | None = None
    # the last day the value applies to (stated by its source, or implied by a yearly publication); None: no end
    valid_until: dt.date | None = None
    valid_until_stated: bool = False
    read_on: dt.date | None = None  # the day the store was asked about (None: not checked against valid_until)

    @property
    def stale(self) -> bool:
        """Read after the period it was published for (still the latest value known: carried forward)."""
        return self.valid_until is not None and self.read_on is not None and self.read_on > self.valid_until

    def published_year(self) -> int:
        """The year the value was published for: that of its effective date."""
        return self.effective_from.year

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "value": self.value,
            "effective_from": self.effective_from.isoformat(),
            "region": self.region,
            "verified": self.verified,
            "reference": self.reference.model_dump(exclude_none=True),
        }
        if self.stale:
            assert self.valid_until is not None
            out |= {"valid_until": self.valid_until.isoformat(), "stale": True}
        return out


@dataclass(frozen=True)
class Parameter:
    name: str
    spec: ParameterFile
    path: str

    def domain(self) -> Domain | None:
        """The numbers this parameter may take: declared in its file, else implied by its unit (`UNIT_DOMAINS`;
        `yuan/month` is `yuan`), else None (text, flags, mappings of names)."""
        if self.spec.domain is not None:
            return self.spec.domain
        return UNIT_DOMAINS.get(self.spec.unit.split("/")[0].strip())

    def check_value(self, value: Any, where: str) -> None:
        """Raise InputValueError when a number in `value` lies outside the parameter's domain."""
        domain = self.domain()
        if domain is None:
            return
        for number in _numbers(value):
            if not domain.contains(number):
                raise InputValueError(
                    f"{where}: {shown(number)} is outside {self.name}'s domain {domain.describe()} "
                    f"(unit {self.spec.unit})",
                    field=where,
                    minimum=domain.minimum,
                    maximum=domain.maximum,
                )

    def kind(self) -> str:
        """bool, number, text, list or mapping: overrides must keep the kind."""
        everywhere = (self.spec.values, *(series.values for series in self.spec.by_region.values()))
        sample = next(item for series in everywhere for item in series.values() if not item.ends)
        return value_kind(sample.value)

    def series_for(self, code: str) -> tuple[dict[dt.date, DatedValue], Reference | None]:
        if code == NATIONAL:
            return self.spec.values, self.spec.reference
        series = self.spec.by_region.get(code)
        if series is None:
            return {}, None
        return series.values, series.reference or self.spec.reference


def _numbers(value: Any) -> Iterable[float]:
    """Every number in a value: itself, or the numbers in a list's items or a mapping's values (not its keys)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)


def value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def latest_entry(series: dict[dt.date, DatedValue], date: dt.date) -> tuple[dt.date, DatedValue] | None:
    """The place's latest entry on or before `date` — a value, or the end of the place's own rule."""
    best: tuple[dt.date, DatedValue] | None = None
    for start, item in series.items():
        if start <= date and (best is None or start > best[0]):
            best = (start, item)
    return best


def latest_on_or_before(series: dict[dt.date, DatedValue], date: dt.date) -> tuple[dt.date, DatedValue] | None:
    """The place's own value in force on `date`: None when it has none or its own rule has ended (`ends: true`: the
    caller then falls back to the next place)."""
    found = latest_entry(series, date)
    return None if found is None or found[1].ends else found


@dataclass
class ParameterStore:
    """All parameters, loaded once and never mutated (overlays sit on top, see overlay.py)."""

    regions: RegionTable
    parameters: dict[str, Parameter] = field(default_factory=dict)
    missing: dict[str, list[Missing]] = field(default_factory=dict)  # by parameter name: searches that found nothing
    _memo: dict[tuple[str, dt.date, str], ParameterHit] = field(default_factory=dict, repr=False)
    _first_dates: dict[tuple[str, str], dt.date | None] = field(default_factory=dict, repr=False)
    _set_at: dict[tuple[str, dt.date, str], tuple[str, dt.date] | None] = field(default_factory=dict, repr=False)
    _change_dates: dict[frozenset[str], np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: Path, regions: RegionTable) -> ParameterStore:
        store = cls(regions)
        for path in sorted(root.rglob("*.yaml")):
            if path.name != MISSING_FILE:
                name = ".".join(path.relative_to(root).with_suffix("").parts)
                store.parameters[name] = _load_file(path, name, root, regions)
        for path in sorted(root.rglob(MISSING_FILE)):
            for name, entries in _load_missing(path, root, store).items():
                store.missing.setdefault(name, []).extend(entries)
        return store

    def missing_for(self, name: str, region: str, year: int) -> Missing | None:
        """The recorded search that found no value of `name` for `region` in `year`, if any."""
        return next((m for m in self.missing.get(name, ()) if m.covers(region, year)), None)

    def get(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise UnknownNameError(
                f"unknown parameter {shown(name)}", name=name, suggestions=closest(name, self.parameters)
            ) from None

    def values_at_level(self, level: str) -> list[dict[str, Any]]:
        """Every dated value tagged `level` (e.g. UNVERIFIED), with where it sits and what it cites."""
        rows = []
        for name, parameter in sorted(self.parameters.items()):
            places = [(NATIONAL, parameter.spec.values, parameter.spec.reference)] + [
                (code, series.values, series.reference or parameter.spec.reference)
                for code, series in parameter.spec.by_region.items()
            ]
            for code, series, fallback in places:
                for date, item in sorted(series.items()):
                    if item.verified == level and not item.ends:
                        reference = item.reference or fallback
                        rows.append(
                            {
                                "name": name,
                                "region": code,
                                "effective_from": date.isoformat(),
                                "value": item.value,
                                "reference": reference.model_dump(exclude_none=True) if reference else {},
                                "note": item.note,
                            }
                        )
        return rows

    def change_dates(self, names: Iterable[str]) -> np.ndarray:
        """Every effective date, in any region, of the named parameters (sorted datetime64[D]): between two of them
        each parameter keeps its value everywhere, so a question asked on any day of such a span has one answer."""
        key = frozenset(names)
        found = self._change_dates.get(key)
        if found is None:
            days = {day for name in key for day in self._dates_of(name)}
            found = self._change_dates[key] = np.asarray(sorted(days), dtype="datetime64[D]")
        return found

    def _dates_of(self, name: str) -> Iterable[dt.date]:
        """Every day a value of `name` takes effect or, having run out its period, turns stale."""
        spec = self.get(name).spec
        for series in (spec.values, *(r.values for r in spec.by_region.values())):
            for start, item in series.items():
                yield start
                until, _ = spec.valid_until(start, item)
                if until is not None:
                    yield until + dt.timedelta(days=1)

    def own_values_at(self, name: str, date: dt.date) -> dict[str, Any]:
        """Each region's own value of `name` in force on `date`, by region code: what the places that publish it set
        (no national value, no fallback, no rule that has ended)."""
        parameter, found = self.get(name), {}
        for code in parameter.spec.by_region:
            latest = latest_on_or_before(parameter.series_for(code)[0], date)
            if latest is not None:
                found[code] = latest[1].value
        return found

    def first_date(self, name: str, region: str) -> dt.date | None:
        """The earliest effective date among the values `region` can fall back to (memoised, like lookup)."""
        key = (name, region)
        if key not in self._first_dates:
            parameter = self.get(name)
            dates = [
                day
                for place in self.regions.fallback_chain(region)
                for day, item in parameter.series_for(place.code)[0].items()
                if not item.ends
            ]
            self._first_dates[key] = min(dates, default=None)
        return self._first_dates[key]

    def lookup(self, name: str, date: dt.date, region: str) -> ParameterHit:
        """The value in force on `date` for `region`, falling back prefecture → province → national (memoised:
        the store never changes after loading)."""
        key = (name, date, region)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._lookup(name, date, region)
        return hit

    def value_set_at(self, name: str, date: dt.date, region: str) -> tuple[str, dt.date] | None:
        """Which stored value `lookup` finds — the region it is set for and its effective date — or None where none
        is in force; memoised, and without building the hit or the error (places are compared this way by the
        thousand: see evaluate._place_signature)."""
        key = (name, date, region)
        if key in self._set_at:
            return self._set_at[key]
        parameter, found = self.get(name), None
        for place in self.regions.fallback_chain(region):
            latest = latest_on_or_before(parameter.series_for(place.code)[0], date)
            if latest is not None:
                found = place.code, latest[0]
                break
        self._set_at[key] = found
        return found

    def _lookup(self, name: str, date: dt.date, region: str) -> ParameterHit:
        parameter = self.get(name)
        chain = self.regions.fallback_chain(region)
        for place in chain:
            series, reference = parameter.series_for(place.code)
            found = latest_on_or_before(series, date)
            if found is not None:
                start, item = found
                until, stated = parameter.spec.valid_until(start, item)
                return ParameterHit(
                    name=name,
                    value=item.value,
                    effective_from=start,
                    region=place.code,
                    reference=item.reference or reference or Reference(document="(none)"),
                    verified=item.verified,
                    requested_region=region,
                    fallback=place.code != region and bool(parameter.spec.by_region),
                    read_on=date,
                    valid_until=until,
                    valid_until_stated=stated,
                )
        raise self._not_in_force(parameter, date, region)

    def known_period(self, name: str, region: str) -> tuple[dt.date, dt.date | None] | None:
        """The span the values `region` can fall back to cover: the first effective date and the last day of the
        latest value (None: it runs until changed); None when there is no value at all."""
        parameter = self.get(name)
        dated = [
            (start, item)
            for place in self.regions.fallback_chain(region)
            for start, item in parameter.series_for(place.code)[0].items()
        ]
        if all(item.ends for _, item in dated):
            return None
        first = min(start for start, item in dated if not item.ends)
        last_start, last = max(dated, key=lambda pair: pair[0])
        if last.ends:
            return first, last_start - dt.timedelta(days=1)
        return first, parameter.spec.valid_until(last_start, last)[0]

    def _not_in_force(self, parameter: Parameter, date: dt.date, region: str) -> NotInForceError:
        """The error for a date before the first value: which period is known (the caller may still fall back)."""
        known = self.known_period(parameter.name, region)
        message = (
            f"parameter {parameter.name!r} has no value in force on {date.isoformat()} for {self.regions.label(region)}"
        )
        if known is None:
            return NotInForceError(message, name=parameter.name)
        first, last = known
        span = f"{first.isoformat()} to {last.isoformat()}" if last else f"{first.isoformat()} on"
        return NotInForceError(
            f"{message} (its first value takes effect {first.isoformat()}; values are known for {span}"
            f" / 已知数值的期间：{first.isoformat()} 至 {last.isoformat() if last else '今'})"
            + self._ended_note(parameter, date, region),
            name=parameter.name,
            known_from=first.isoformat(),
            known_until=last.isoformat() if last else None,
        )

    def _ended_note(self, parameter: Parameter, date: dt.date, region: str) -> str:
        """Where a place's own rule has ended (`ends: true`) by `date`: when, and by what document — so an error
        after it says why the place has no value of its own, not only which period is known."""
        for place in self.regions.fallback_chain(region):
            series, reference = parameter.series_for(place.code)
            found = latest_entry(series, date)
            if found is not None and found[1].ends:
                start, item = found
                document = (item.reference or reference or Reference(document="(none)")).document
                return (
                    f"; the own rule of {self.regions.label(place.code)} ended on {start.isoformat()} ({document})"
                    f" / {self.regions.label(place.code)}的本地规定自 {start.isoformat()} 起不再适用（{document}）"
                )
        return ""


def _load_file(path: Path, name: str, root: Path, regions: RegionTable) -> Parameter:
    shown = path.relative_to(root.parent).as_posix()
    import yaml  # only when parsing: a start from the model cache needs no YAML

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterFileError(f"{shown}: not valid YAML: {exc}", file=shown) from exc
    if not isinstance(raw, dict):
        raise ParameterFileError(f"{shown}: expected a mapping at the top level", file=shown)
    try:
        spec = ParameterFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{_loc(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ParameterFileError(f"{shown}: {problems}", file=shown) from exc
    for code in spec.by_region:
        if code not in regions.by_code or code == NATIONAL:
            raise ParameterFileError(f"{shown}: by_region.{code}: not a GB/T 2260 code", file=shown, key=code)
    parameter = Parameter(name=name, spec=spec, path=shown)
    _check_domain(parameter)
    return parameter


def _check_domain(parameter: Parameter) -> None:
    """Every stored value lies in the parameter's domain (the one overrides are checked against)."""
    places = [("values", parameter.spec.values)] + [
        (f"by_region.{code}.values", series.values) for code, series in parameter.spec.by_region.items()
    ]
    for where, series in places:
        for date, item in series.items():
            try:
                parameter.check_value(item.value, f"{where}.{date.isoformat()}")
            except InputValueError as exc:
                raise ParameterFileError(f"{parameter.path}: {exc.message}", file=parameter.path) from None


MISSING_STATUS_KEYS = ("verified", "reference")
"""A missing.yaml's own status: `verified: UNVERIFIED` (no value was found, so none is verified) and `reference`,
the document that has the figures published (what the searches looked for)."""


def _check_missing_status(raw: dict[str, Any], shown: str) -> None:
    if raw.get("verified") != "UNVERIFIED":
        raise ParameterFileError(
            f"{shown}: verified: expected UNVERIFIED (a file of searches that found no value)",
            file=shown,
            key="verified",
        )
    reference = raw.get("reference")
    if not isinstance(reference, dict) or not reference.get("document"):
        raise ParameterFileError(
            f"{shown}: reference: expected {{document, article, href}} of the rule that has the figures published",
            file=shown,
            key="reference",
        )


def _load_missing(path: Path, root: Path, store: ParameterStore) -> dict[str, list[Missing]]:
    """A folder's missing.yaml: {parameter file name (without .yaml): [Missing, ...]}, each name a parameter of the
    same folder and each region a GB/T 2260 code."""
    import yaml

    shown = path.relative_to(root.parent).as_posix()
    folder = ".".join(path.parent.relative_to(root).parts)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterFileError(f"{shown}: not valid YAML: {exc}", file=shown) from exc
    if not isinstance(raw, dict):
        raise ParameterFileError(f"{shown}: expected a mapping of parameter file names to searches", file=shown)
    _check_missing_status(raw, shown)
    out: dict[str, list[Missing]] = {}
    for stem, entries in raw.items():
        if stem in MISSING_STATUS_KEYS:
            continue
        name = f"{folder}.{stem}" if folder else str(stem)
        if name not in store.parameters:
            raise ParameterFileError(f"{shown}: {stem}: no parameter {name!r} in this folder", file=shown, key=stem)
        if not isinstance(entries, list):
            raise ParameterFileError(f"{shown}: {stem}: expected a list of searches", file=shown, key=stem)
        found = []
        for index, entry in enumerate(entries):
            try:
                found.append(Missing.model_validate(entry))
            except ValidationError as exc:
                problems = "; ".join(f"{stem}.{index}.{_loc(e['loc'])}: {e['msg']}" for e in exc.errors())
                raise ParameterFileError(f"{shown}: {problems}", file=shown) from exc
        for entry in found:
            for code in entry.regions:
                if code not in store.regions.by_code or code == NATIONAL:
                    raise ParameterFileError(f"{shown}: {stem}: {code}: not a GB/T 2260 code", file=shown, key=code)
        out[name] = found
    return out


def _loc(parts: tuple[int | str | object, ...]) -> str:
    """A pydantic error location as a dotted key path, dates written as in the file."""
    shown = [p.isoformat() if isinstance(p, dt.date) else _DATE_REPR.sub(_iso, str(p)) for p in parts]
    return ".".join(shown) or "(file)"


_DATE_REPR = re.compile(r"datetime\.date\((\d+), (\d+), (\d+)\)")


def _iso(match: re.Match[str]) -> str:
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day).isoformat()
