"""The yearly tables a projection reads (wages, base floors, interest, 计发基数) and a history laid out as matrices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from gigcover.engine import NATIONAL, ParameterHit, Recording
from gigcover.rules.projection.schema import NONE, SCHEME_CODES, ContributionHistory

PARAMETERS = (
    "wages.provincial_average_monthly",
    "wages.private_sector_average_annual",
    "projection.wage_growth",
    "projection.resident_account_interest",
    "pension.employee.account_interest_rate",
    "pension.employee.account_interest_assumption",
    "pension.employee.flexible.account_rate",
    "pension.employee.flexible.rate",
    "pension.employee.benefit_base_monthly",
    "pension.employee.divisor_months",
    "pension.employee.divisor_month_interpolation",
    "pension.employee.temporary_account_ages",
    "pension.employee.pension_place_min_years",
    "pension.employee.pooled_transfer_rate",
    "pension.employee.pooled_transfer_first_year",
    "pension.employee.base_floor_ratio",
    "pension.employee.base_ceiling_ratio",
    "pension.employee.base_floor_monthly",
    "pension.resident.central_basic_monthly",
    "pension.resident.local_top_up_monthly",
    "pension.resident.account_divisor",
    "pension.resident.minimum_years",
    "pension.resident.subsidy_low_tier_annual",
    "pension.resident.subsidy_high_tier_annual",
    "pension.resident.subsidy_high_tier_threshold_annual",
    "retirement.minimum_contribution_years",
)


@dataclass
class Plans:
    """Histories as matrices: people × calendar years from `first_year`."""

    first_year: int
    region: np.ndarray  # int index into `codes`, −1 where no scheme
    scheme: np.ndarray  # NONE / EMPLOYEE / RESIDENT
    index: np.ndarray  # base index (employee years)
    tier: np.ndarray  # resident tier, yuan/year
    hukou: np.ndarray  # index into `codes`
    reference: np.ndarray  # index into `codes`
    account_start: np.ndarray
    resident_start: np.ndarray
    codes: list[str]
    # when every year with a scheme is in one region per person (the comparisons without moves): that region, so
    # tables by region × year are read a row per person
    row_region: np.ndarray | None = None

    def as_record(self) -> dict[str, np.ndarray]:
        """Per-person columns (people first); the calendar and the region codes ride along as read-only broadcast
        views, which cost no memory."""
        people, years = self.scheme.shape
        calendar = np.broadcast_to(self.first_year + np.arange(years), (people, years))
        codes = np.broadcast_to(np.asarray(self.codes, dtype=str).reshape(1, -1), (people, len(self.codes)))
        return {
            "calendar": calendar,
            "region": self.region,
            "scheme": self.scheme,
            "index": self.index,
            "tier": self.tier,
            "hukou": self.hukou,
            "reference": self.reference,
            "account_start": self.account_start,
            "resident_start": self.resident_start,
            "codes": codes,
        }

    @classmethod
    def of_record(cls, record: dict[str, np.ndarray]) -> Plans:
        """The matrices back from `as_record`."""
        return cls(
            int(record["calendar"][0, 0]) if record["calendar"].size else 0,
            record["region"],
            record["scheme"],
            record["index"],
            record["tier"],
            record["hukou"],
            record["reference"],
            record["account_start"],
            record["resident_start"],
            record["codes"][0].tolist() if len(record["codes"]) else [],
        )


@dataclass(frozen=True)
class People:
    """What every projection of the same people reads: the history as matrices, the retirement facts, and the wage,
    floor and interest tables for its regions and years (read once per call, so the parameter values are noted in
    the order a single projection reads them)."""

    plans: Plans
    retirement_year: np.ndarray
    age_months: np.ndarray  # statutory retirement age (法定退休年龄), months
    birth_year: np.ndarray
    male: np.ndarray
    wages: np.ndarray  # region × year
    floors: np.ndarray  # region × year
    rates: np.ndarray  # by year: 记账利率

    def as_record(self) -> dict[str, np.ndarray]:
        """A record of per-person columns (how a variable holds a value the engine traces and slices by person); the
        tables ride along as read-only broadcast views."""
        n = len(self.retirement_year)
        facts = {"retirement_year": self.retirement_year, "retirement_age_months": self.age_months}
        tables = {name: _per_person(getattr(self, name), n) for name in ("wages", "floors", "rates")}
        return self.plans.as_record() | facts | {"birth_year": self.birth_year, "male": self.male} | tables

    @classmethod
    def of_record(cls, record: dict[str, np.ndarray]) -> People:
        """The people back from `as_record`."""
        return cls(
            Plans.of_record(record),
            record["retirement_year"],
            record["retirement_age_months"],
            record["birth_year"],
            record["male"],
            record["wages"][0],
            record["floors"][0],
            record["rates"][0],
        )


def _per_person(table: np.ndarray, people: int) -> np.ndarray:
    """The same table for each person: a view, no copy."""
    return np.broadcast_to(table, (people, *table.shape))


def build_plans(histories: list[ContributionHistory], retirement_year: np.ndarray, default_reference: str) -> Plans:
    """Lay segments out year by year, truncated at the retirement year."""
    codes: dict[str, int] = {}

    def code(c: str) -> int:
        return codes.setdefault(c, len(codes))

    first = min(h.start_year for h in histories)
    last = int(max(np.max(retirement_year), max(h.start_year + sum(s.years for s in h.segments) for h in histories)))
    n, years = len(histories), max(last - first, 1)
    region = np.full((n, years), -1, dtype=np.int32)
    scheme = np.zeros((n, years), dtype=np.int8)
    index = np.zeros((n, years))
    tier = np.zeros((n, years))
    for i, history in enumerate(histories):
        t = history.start_year - first
        for segment in history.segments:
            span = slice(t, t + segment.years)
            if segment.scheme != "none":
                region[i, span] = code(str(segment.region))
                scheme[i, span] = SCHEME_CODES[segment.scheme]
                index[i, span] = segment.base_index
                tier[i, span] = segment.tier
            t += segment.years
    hukou = np.asarray([code(h.hukou_region) for h in histories])
    reference = np.asarray([code(h.reference_region or default_reference) for h in histories])
    before_retirement = (first + np.arange(years))[None, :] < np.asarray(retirement_year)[:, None]
    scheme = np.where(before_retirement, scheme, NONE).astype(np.int8)
    region = np.where(before_retirement, region, -1)
    return Plans(
        first,
        region,
        scheme,
        index,
        tier,
        hukou,
        reference,
        np.asarray([h.account_balance_start for h in histories], dtype=float),
        np.asarray([h.resident_balance_start for h in histories], dtype=float),
        list(codes),
    )


Cell = tuple[float, list[ParameterHit]]  # a table's value for one region and year, and the parameter values it read


class _Tables:
    """Parameter values by region × year, read once per projection (with growth beyond the last figure)."""

    def __init__(self, p: Any, codes: list[str], first_year: int, years: int) -> None:
        self.p, self.codes, self.first_year, self.years = p, codes, first_year, years
        self.growth = float(p("projection.wage_growth"))
        self.floor_ratio = float(p("pension.employee.base_floor_ratio"))

    def grown(self, name: str, year: int, code: str) -> Cell | None:
        """The value in force mid-year, grown (or discounted) from the nearest published figure, with what was read."""
        first = self.p.first_date(name, code)
        if first is None:
            return None
        # before the first published figure, that figure (discounted); asking for it directly avoids a not-in-force
        # error per year
        hit = self.p.hit(name, max(dt.date(year, 7, 1), first), code, projected=True)
        if hit is None:
            return None
        return float(hit.value) * float((1 + self.growth) ** (year - hit.effective_from.year)), [hit]

    def wage_cell(self, code: str, year: int) -> Cell:
        """The provincial 全口径 average for a region and year; where a province publishes none in the parameters, the
        national private-sector average stands in (a low proxy, said in the warnings)."""
        if self.p.first_date("wages.provincial_average_monthly", code) is None:
            self.p.warn(
                f"pension projection: no average wage for {code}; the national private-sector average stands in"
            )
            # the national figure, as the warning says (the provinces' private-sector wages are for the
            # occupational-injury items; a projection's stand-in stays one series everywhere)
            value, hits = self.grown("wages.private_sector_average_annual", year, NATIONAL) or (0.0, [])
            return value / 12, hits
        return self.grown("wages.provincial_average_monthly", year, code) or (0.0, [])

    def floor_cell(self, code: str, year: int) -> Cell:
        """The published base floor where a region has one (grown like wages), else the 60 % ratio × the average."""
        if self.p.first_date("pension.employee.base_floor_monthly", code) is not None:
            found = self.grown("pension.employee.base_floor_monthly", year, code)
            if found is not None:
                return found
        wage, hits = self.wage_cell(code, year)
        return wage * self.floor_ratio, hits

    def benefit_cell(self, code: str, year: int) -> Cell:
        """The published 计发基数 (grown beyond the last figure); where none is published, the average wage the
        projection's contribution bases use there (`wage_cell`: the provincial average, or the national
        private-sector stand-in where a province publishes none) — never 0, which would pay no basic pension."""
        found = self.grown("pension.employee.benefit_base_monthly", year, code)
        if found is not None:
            return found
        self.p.warn(f"pension projection: no published 计发基数 for {code}; its average wage stands in")
        return self.wage_cell(code, year)

    def interest_cell(self, code: str, year: int) -> Cell:
        """The published 记账利率 for a year that has one; the assumption otherwise."""
        hit = self.p.hit("pension.employee.account_interest_rate", dt.date(year, 7, 1))
        if hit is not None and hit.effective_from.year == year:
            return float(hit.value), [hit]
        when = dt.date(max(year, 2026), 7, 1)
        assumed = self.p.hit("pension.employee.account_interest_assumption", when)
        if assumed is None:  # no assumption in force: the engine's not-in-force error, naming the parameter
            self.p.at("pension.employee.account_interest_assumption", when)
        return float(assumed.value), [assumed] if hit is None else [hit, assumed]


# Rows of the tables are built once per (parameter kind, region) over a fixed span of years and shared by later
# projections (baseline only); a projection replays only the parameter reads of the years it uses.
ROW_FIRST_YEAR, ROW_LAST_YEAR = 1992, 2100  # histories start from 1992 (the schema's floor); later years: direct

HitKey = tuple[str, str, dt.date]


@dataclass(frozen=True)
class _Span:
    """The parameter values a row read for a span of years, in the order it first read them, and whether any was read
    past its period (see `_Reads`)."""

    hits: dict[HitKey, ParameterHit]
    stale: bool

    @classmethod
    def of(cls, reads: Iterable[tuple[HitKey, ParameterHit]]) -> _Span:
        hits = dict(reads)
        return cls(hits, any(hit.stale for hit in hits.values()))


@dataclass
class _Row:
    values: np.ndarray  # by year from ROW_FIRST_YEAR
    served: list[tuple[int, int, HitKey, ParameterHit]]  # (first year, last year) each parameter value was read for
    warnings: list[str]
    # the reads of a span of years, worked out once per span (a population's groups mostly share a few spans)
    spans: dict[tuple[int, int], _Span] = field(default_factory=dict)

    def reads(self, first_year: int, last_year: int) -> _Span:
        """The parameter values read for the years `first_year`…`last_year`, in the order the row first read them."""
        found = self.spans.get((first_year, last_year))
        if found is None:
            found = self.spans[(first_year, last_year)] = _Span.of(
                (key, hit) for low, high, key, hit in self.served if low <= last_year and high >= first_year
            )
        return found

    def replay(self, p: Any, first_year: int, years: int, reads: _Reads | None = None) -> np.ndarray:
        """The values of `years` from `first_year`, their reads registered in the call (or gathered in `reads`)."""
        last = first_year + years - 1
        if reads is None:
            p.replay(Recording(hits=list(self.reads(first_year, last).hits.values()), warnings=self.warnings))
        else:
            reads.add_span(self.reads(first_year, last), self.warnings)
        return self.values[first_year - ROW_FIRST_YEAR : last - ROW_FIRST_YEAR + 1]


class _Reads:
    """Parameter values and warnings read from shared rows, registered in the call at once (`register`).

    The engine keeps, for each stored value (name, region, effective date), the last read of it — a read past the
    value's period once made is kept (`Simulation.note_hit`) — and remembers the order values were first read in.
    Gathering the reads here with the same rule and registering each value once leaves the call exactly as reading
    them one by one would, without the engine's bookkeeping per read (a projection reads a few hundred rows)."""

    def __init__(self) -> None:
        self.hits: dict[HitKey, ParameterHit] = {}
        self.warnings: dict[str, None] = {}
        self.stale = False  # whether any value kept was read past its period

    def add(self, reads: Iterable[tuple[HitKey, ParameterHit] | None], warnings: Iterable[str] = ()) -> None:
        known = self.hits
        for read in reads:
            if read is None:
                continue
            key, hit = read
            before = known.get(key)
            if before is None or not before.stale or hit.stale:
                known[key] = hit
                self.stale = self.stale or hit.stale
        for message in warnings:
            self.warnings[message] = None

    def add_span(self, span: _Span, warnings: Iterable[str] = ()) -> None:
        """A row's reads of a span: with no read past its period on either side, each later read replaces the one
        kept, which is what `dict.update` does (keeping the order of first reads)."""
        if span.stale or self.stale:
            self.add(span.hits.items(), warnings)
            return
        self.hits.update(span.hits)
        for message in warnings:
            self.warnings[message] = None

    def register(self, p: Any) -> None:
        if self.hits or self.warnings:
            p.replay(Recording(hits=list(self.hits.values()), warnings=list(self.warnings)))
        self.hits, self.warnings, self.stale = {}, {}, False


def _build_row(p: Any, cell: Callable[[int], Cell]) -> _Row:
    """cell(year) for every year of the span, with the years each parameter value was read for (kept apart from the
    call that happens to build the row: it replays only its own years)."""
    values = np.zeros(ROW_LAST_YEAR - ROW_FIRST_YEAR + 1)
    served: dict[HitKey, list[Any]] = {}
    with p.detached() as record:
        for t, year in enumerate(range(ROW_FIRST_YEAR, ROW_LAST_YEAR + 1)):
            values[t], hits = cell(year)
            for hit in hits:
                key = (hit.name, hit.region, hit.effective_from)
                span = served.setdefault(key, [year, year, key, hit])
                span[1] = year
    return _Row(values, [(low, high, key, hit) for low, high, key, hit in served.values()], record.warnings)


CELLS = {
    "wages": _Tables.wage_cell,
    "floors": _Tables.floor_cell,
    "interest": _Tables.interest_cell,
    "benefit": _Tables.benefit_cell,
}


def _shared_rows(p: Any, tables: _Tables, kind: str) -> dict[str, _Row]:
    """The shared rows of one kind of table, by region code (filled as regions are asked for)."""
    key = ("projection_rows", kind, tables.growth, tables.floor_ratio)
    rows = p.memo.get(key)
    if rows is None:
        rows = p.memo[key] = {}
    return cast(dict[str, _Row], rows)


def _shared_row(p: Any, tables: _Tables, kind: str, code: str, rows: dict[str, _Row] | None = None) -> _Row:
    """One region's shared row of a table (built on first use, its reads kept apart: see `_build_row`)."""
    rows = _shared_rows(p, tables, kind) if rows is None else rows
    row = rows.get(code)
    if row is None:
        cell = CELLS[kind]
        row = rows[code] = _build_row(p, lambda year: cell(tables, code, year))
    return row


def _shares_rows(p: Any, first_year: int, last_year: int) -> bool:
    """Whether a call reads the shared rows for these years (not when overlaid, nor outside the rows' span)."""
    return not p.overlaid and first_year >= ROW_FIRST_YEAR and last_year <= ROW_LAST_YEAR


def _row(
    p: Any, tables: _Tables, kind: str, code: str, first_year: int, years: int, reads: _Reads | None = None
) -> np.ndarray:
    """One region's (or, for interest, the nation's) values of a table for `years` from `first_year`: from the shared
    row (its reads of those years replayed, or gathered in `reads`), or computed for this call alone when overlaid or
    outside the span."""
    if not _shares_rows(p, first_year, first_year + years - 1):
        return np.asarray([CELLS[kind](tables, code, first_year + t)[0] for t in range(years)], dtype=float)
    return _shared_row(p, tables, kind, code).replay(p, first_year, years, reads)


def _tables(p: Any, tables: _Tables) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wages, floors (region × year) and interest (by year)."""
    first, years = tables.first_year, tables.years
    last = first + years - 1
    if not _shares_rows(p, first, last):
        wages = np.stack([_row(p, tables, "wages", code, first, years) for code in tables.codes])
        floors = np.stack([_row(p, tables, "floors", code, first, years) for code in tables.codes])
        return wages, floors, _row(p, tables, "interest", "", first, years)
    # from the shared rows, their reads gathered and registered at once (as replaying them row by row would)
    reads = _Reads()
    found = []
    for kind in ("wages", "floors"):
        shared = _shared_rows(p, tables, kind)
        rows = [_shared_row(p, tables, kind, code, shared) for code in tables.codes]
        for row in rows:
            reads.add_span(row.reads(first, last), row.warnings)
        found.append(np.stack([row.values[first - ROW_FIRST_YEAR : last - ROW_FIRST_YEAR + 1] for row in rows]))
    interest = _shared_row(p, tables, "interest", "").replay(p, first, years, reads)
    reads.register(p)
    return found[0], found[1], interest


@dataclass
class _NationalRow:
    """A national value in force on 1 January of each year of the rows' span, with the value each year read (None:
    nothing in force then), for the yearly look-ups a projection makes (the account rate, the central minimum)."""

    values: np.ndarray  # by year from ROW_FIRST_YEAR; NaN where nothing is in force
    hits: list[ParameterHit | None]
    # the reads of a span of years, gathered once per span (see `_Reads`)
    spans: dict[tuple[int, int], list[tuple[HitKey, ParameterHit]]] = field(default_factory=dict)

    def reads(self, first_year: int, last_year: int) -> list[tuple[HitKey, ParameterHit]]:
        """What reading each year of `first_year`…`last_year` in turn reads, gathered (see `_Reads`)."""
        found = self.spans.get((first_year, last_year))
        if found is None:
            gathered = _Reads()
            gathered.add(self.year_reads(year) for year in range(first_year, last_year + 1))
            found = self.spans[(first_year, last_year)] = list(gathered.hits.items())
        return found

    def year_reads(self, year: int) -> tuple[HitKey, ParameterHit] | None:
        hit = self.hits[year - ROW_FIRST_YEAR]
        return None if hit is None else ((hit.name, hit.region, hit.effective_from), hit)


def _national_row(p: Any, name: str) -> _NationalRow:
    """The shared row of a national parameter on 1 January of each year (built once, like the wage rows; not for an
    overlaid call: see `_shares_rows`)."""
    key = ("projection_national_row", name)
    row = p.memo.get(key)
    if row is None:
        values = np.full(ROW_LAST_YEAR - ROW_FIRST_YEAR + 1, np.nan)
        hits: list[ParameterHit | None] = []
        with p.detached():
            for t, year in enumerate(range(ROW_FIRST_YEAR, ROW_LAST_YEAR + 1)):
                hit = p.hit(name, dt.date(year, 1, 1))
                hits.append(hit)
                if hit is not None:
                    values[t] = float(hit.value)
        row = p.memo[key] = _NationalRow(values, hits)
    return cast(_NationalRow, row)


def _minimum_years(rows: dict[int, float], year: int) -> float:
    """The minimum years for people reaching the statutory age in `year` (the last key not after it)."""
    applicable = [k for k in rows if k <= year]
    return rows[max(applicable)] if applicable else rows[min(rows)]
