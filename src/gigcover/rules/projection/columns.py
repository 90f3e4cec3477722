"""Contribution histories for many people as columns (缴费历史，列式): one row per person, one row per segment.

One person's history still enters as JSON (`schema.ContributionHistory`). A population's enters as two tables of
arrays, checked as arrays (no per-person Python), and is laid out as people × years matrices in a few numpy calls:

    people:   start_year, hukou_region, [reference_region], [account_balance_start], [resident_balance_start]
    segments: person (row number in people, ascending), years, scheme ("employee"/"resident"/"none" or 1/2/0),
              region (needed for employee and resident years), [base_index = 0.6], [tier = 0]

The same limits as the JSON schema apply (years 1–70, base index 0–10, tier 0–100,000, start year 1992–2100, at most
60 segments a person); a bad value is an error naming the column and the row.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigcover.engine import NATIONAL, InputValueError, RegionTable, shown
from gigcover.rules.projection.schema import NONE, SCHEME_CODES
from gigcover.rules.projection.tables import Plans


@dataclass(frozen=True)
class HistoryColumns:
    """Validated columns; regions as indices into the region table (−1: none). The engine slices it by person like a
    column (`take_rows`), so a population's histories go through `gigcover.compute` in chunks."""

    start_year: np.ndarray
    hukou: np.ndarray
    reference: np.ndarray
    account_start: np.ndarray
    resident_start: np.ndarray
    person: np.ndarray  # per segment, ascending
    years: np.ndarray
    scheme: np.ndarray
    region: np.ndarray
    index: np.ndarray
    tier: np.ndarray

    def __len__(self) -> int:
        return len(self.start_year)

    @classmethod
    def of(cls, people: Mapping[str, Any], segments: Mapping[str, Any], regions: RegionTable) -> HistoryColumns:
        n = _length(people, "people.start_year")
        start = _numbers(people, "start_year", "people", n, 1992, 2100, whole=True)
        hukou = np.asarray(regions.encode(_column(people, "hukou_region", "people", n), "people.hukou_region"))
        reference = (
            np.asarray(regions.encode(_column(people, "reference_region", "people", n), "people.reference_region"))
            if "reference_region" in people
            else np.full(n, -1, dtype=np.int64)
        )
        account = _numbers(people, "account_balance_start", "people", n, 0, np.inf, default=0.0)
        resident = _numbers(people, "resident_balance_start", "people", n, 0, np.inf, default=0.0)
        m = _length(segments, "segments.person")
        person = _numbers(segments, "person", "segments", m, 0, n - 1, whole=True).astype(np.int64)
        if m and (np.diff(person) < 0).any():
            raise InputValueError("segments.person: rows must be grouped by person, in ascending order",
                                  field="segments.person")  # fmt: skip
        counts = np.bincount(person, minlength=n)
        if (counts == 0).any() or (counts > 60).any():
            row = int(np.flatnonzero((counts == 0) | (counts > 60))[0])
            raise InputValueError(f"segments: person {row} has {counts[row]} segments (1–60 allowed)", field="segments")
        years = _numbers(segments, "years", "segments", m, 1, 70, whole=True).astype(np.int64)
        scheme = _schemes(_column(segments, "scheme", "segments", m))
        region = _segment_regions(segments, scheme, m, regions)
        index = _numbers(segments, "base_index", "segments", m, 0, 10, default=0.6)
        tier = _numbers(segments, "tier", "segments", m, 0, 100_000, default=0.0)
        return cls(
            start.astype(np.int64), hukou, reference, account, resident, person, years, scheme, region, index, tier
        )

    @functools.cached_property
    def _segment_counts(self) -> np.ndarray:
        """How many segments each person has (worked out once: the engine takes a chunk's rows place by place)."""
        counts: np.ndarray = np.bincount(self.person, minlength=len(self))
        return counts

    @functools.cached_property
    def _first_segment(self) -> np.ndarray:
        """Each person's first segment row (segments are grouped by person, ascending)."""
        first: np.ndarray = np.cumsum(self._segment_counts) - self._segment_counts
        return first

    def take_rows(self, rows: np.ndarray | slice) -> HistoryColumns:
        """The histories of some people (a slice or row numbers), their segments renumbered. A run of people (a
        slice, as the engine hands over a place's rows in order) takes views of a run of segments."""
        if isinstance(rows, slice) and rows.step in (None, 1):
            start, stop, _ = rows.indices(len(self))
            stop = max(start, stop)
            low = int(self._first_segment[start]) if start < len(self) else len(self.person)
            high = int(self._first_segment[stop - 1] + self._segment_counts[stop - 1]) if stop > start else low
            run = slice(low, high)
            return HistoryColumns(
                self.start_year[start:stop], self.hukou[start:stop], self.reference[start:stop],
                self.account_start[start:stop], self.resident_start[start:stop], self.person[run] - start,
                self.years[run], self.scheme[run], self.region[run], self.index[run], self.tier[run],
            )  # fmt: skip
        picked = np.arange(len(self))[rows] if isinstance(rows, slice) else np.asarray(rows, dtype=np.int64)
        counts = self._segment_counts[picked]
        segment_rows = np.repeat(self._first_segment[picked], counts) + _ranks(counts)
        return HistoryColumns(
            self.start_year[picked], self.hukou[picked], self.reference[picked], self.account_start[picked],
            self.resident_start[picked], np.repeat(np.arange(len(picked)), counts), self.years[segment_rows],
            self.scheme[segment_rows], self.region[segment_rows], self.index[segment_rows], self.tier[segment_rows],
        )  # fmt: skip


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, c−1 for each count c, concatenated."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    ranks: np.ndarray = np.arange(int(counts.sum())) - starts
    return ranks


def layout(
    columns: HistoryColumns, retirement_year: np.ndarray, default_reference: str | None, regions: RegionTable
) -> Plans:
    """`tables.Plans` (people × calendar years from the earliest start to the latest retirement), truncated at
    retirement: the matrices `tables.build_plans` makes from JSON histories (years after retirement hold no scheme,
    region, index or tier), without the years after everyone's retirement that build_plans keeps for the yearly
    paths of one person.

    A person's row is a run of pieces — the years before the start, each segment's years before retirement, the
    rest — so each matrix is one `np.repeat` of a value per piece, written in order (no scatter per year).
    `default_reference` stands in for the histories that name no reference region (None: every one names one)."""
    n, person = len(columns), columns.person
    counts = np.bincount(person, minlength=n)
    first_segment = np.cumsum(counts) - counts
    cum_before = np.cumsum(columns.years) - columns.years  # years of every earlier segment, all people together
    offset = columns.start_year[person] + cum_before - cum_before[first_segment][person]  # each segment's first year
    first = int(columns.start_year.min())
    # up to the latest retirement: later years hold nothing (no scheme), whatever the segments planned
    width = max(int(np.max(retirement_year)) - first, 1)
    # a segment's years before retirement: the rest of it, and every later segment, fall after it
    retirement = np.asarray(retirement_year)[person]
    kept = np.clip(np.minimum(offset + columns.years, retirement) - offset, 0, columns.years)
    active = (columns.scheme != NONE) & (kept > 0)
    if default_reference is None:  # every history names its reference region
        reference = columns.reference
    else:
        reference = np.where(columns.reference >= 0, columns.reference, regions.position[default_reference])
    # regions as positions in the short list of codes present, as build_plans numbers them
    present = np.unique(np.concatenate([columns.region[active], columns.hukou, reference]))
    position = np.full(len(regions.codes), -1, dtype=np.int32)
    position[present] = np.arange(len(present), dtype=np.int32)
    pieces = _Pieces.of(person, first_segment, counts, kept, np.minimum(columns.start_year - first, width), width)
    return Plans(
        first,
        pieces.spread(np.where(active, position[np.maximum(columns.region, 0)], -1), -1, n, width),
        pieces.spread(np.where(active, columns.scheme, NONE).astype(np.int8), NONE, n, width),
        pieces.spread(np.where(active, columns.index, 0.0), 0.0, n, width),
        pieces.spread(np.where(active, columns.tier, 0.0), 0.0, n, width),
        position[columns.hukou].astype(np.int64),
        position[reference].astype(np.int64),
        columns.account_start.astype(float),
        columns.resident_start.astype(float),
        [regions.codes[i] for i in present.tolist()],
    )


@dataclass(frozen=True)
class _Pieces:
    """Where each segment goes among a row's pieces (before the start, the segments, after the last), and how many
    years each piece spans."""

    at: np.ndarray  # per segment, its piece
    gaps: np.ndarray  # the pieces before the start and after the last segment
    lengths: np.ndarray

    @classmethod
    def of(
        cls, person: np.ndarray, first_segment: np.ndarray, counts: np.ndarray, kept: np.ndarray, lead: np.ndarray,
        width: int,
    ) -> _Pieces:  # fmt: skip
        n = len(counts)
        before = first_segment + 2 * np.arange(n)
        at = np.arange(len(person)) + 2 * person + 1
        after = before + counts + 1
        lengths = np.zeros(len(person) + 2 * n, dtype=np.int64)
        lengths[before] = lead
        lengths[at] = kept
        lengths[after] = width - lead - (np.add.reduceat(kept, first_segment) if n else 0)
        return cls(at, np.concatenate([before, after]), lengths)

    def spread(self, per_segment: np.ndarray, fill: Any, n: int, width: int) -> np.ndarray:
        """people × years: each segment's value over its years, `fill` elsewhere."""
        values = np.empty(len(self.lengths), dtype=per_segment.dtype)
        values[self.at] = per_segment
        values[self.gaps] = fill
        return np.repeat(values, self.lengths).reshape(n, width)


# -- checking columns -------------------------------------------------------------------------------------------
def _length(table: Mapping[str, Any], field: str) -> int:
    key = field.split(".", 1)[1]
    if not isinstance(table, Mapping) or key not in table:
        raise InputValueError(f"{field}: a column is required", field=field)
    return len(np.asarray(table[key]))


def _column(table: Mapping[str, Any], key: str, name: str, n: int) -> np.ndarray:
    if key not in table:
        raise InputValueError(f"{name}.{key}: a column is required", field=f"{name}.{key}")
    values = np.asarray(table[key])
    if values.shape != (n,):
        raise InputValueError(f"{name}.{key}: expected {n} rows, got shape {values.shape}", field=f"{name}.{key}")
    return values


def _numbers(
    table: Mapping[str, Any], key: str, name: str, n: int, low: float, high: float, *, whole: bool = False,
    default: float | None = None,
) -> np.ndarray:  # fmt: skip
    if key not in table and default is not None:
        return np.full(n, default, dtype=float)
    values = _column(table, key, name, n)
    if values.dtype.kind not in "iuf":
        raise InputValueError(f"{name}.{key}: expected numbers", field=f"{name}.{key}")
    bad = ~((values >= low) & (values <= high))
    if whole:
        bad |= values != np.floor(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputValueError(
            f"{name}.{key}[{row}]: {shown(values[row].item())} is outside {low:g}–{high:g}"
            + (" or not whole" if whole else ""),
            field=f"{name}.{key}[{row}]",
        )
    return values.astype(float)


def _schemes(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind in "iu":
        codes = values.astype(np.int8)
        bad = ~np.isin(codes, list(SCHEME_CODES.values()))
    else:
        codes = np.full(values.shape, -1, dtype=np.int8)
        for name, code in SCHEME_CODES.items():
            codes[values == name] = code
        bad = codes < 0
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputValueError(
            f"segments.scheme[{row}]: {shown(values[row])} is not allowed; expected one of: employee, resident, none",
            field=f"segments.scheme[{row}]",
        )
    return codes


def _segment_regions(segments: Mapping[str, Any], scheme: np.ndarray, m: int, regions: RegionTable) -> np.ndarray:
    out = np.full(m, -1, dtype=np.int64)
    needed = scheme != NONE
    if not needed.any():
        return out
    raw = _column(segments, "region", "segments", m)
    if raw.dtype.kind in "iu":
        codes = np.where(needed, raw, regions.position[NATIONAL])
    else:
        text = raw.astype(str)
        missing = needed & np.isin(text, ["", "None", "nan"])
        if missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise InputValueError(
                f"segments.region[{row}]: required for an employee or resident segment", field=f"segments.region[{row}]"
            )
        codes = np.where(
            needed, text, NATIONAL
        )  # rows without a scheme need no place: a valid stand-in keeps positions
    encoded = np.asarray(regions.encode(codes, "segments.region"))  # a bad one is named with its own row
    out[needed] = encoded[needed]
    return out
