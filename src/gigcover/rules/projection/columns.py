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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigcover.engine import NATIONAL, InputValueError, RegionTable
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

    def take_rows(self, rows: np.ndarray | slice) -> HistoryColumns:
        """The histories of some people (a slice or row numbers), their segments renumbered."""
        picked = np.arange(len(self))[rows] if isinstance(rows, slice) else np.asarray(rows, dtype=np.int64)
        first = np.searchsorted(self.person, np.arange(len(self)), side="left")
        counts = np.bincount(self.person, minlength=len(self))
        segment_rows = np.repeat(first[picked], counts[picked]) + _ranks(counts[picked])
        return HistoryColumns(
            self.start_year[picked], self.hukou[picked], self.reference[picked], self.account_start[picked],
            self.resident_start[picked], np.repeat(np.arange(len(picked)), counts[picked]), self.years[segment_rows],
            self.scheme[segment_rows], self.region[segment_rows], self.index[segment_rows], self.tier[segment_rows],
        )  # fmt: skip


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, c−1 for each count c, concatenated."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    ranks: np.ndarray = np.arange(int(counts.sum())) - starts
    return ranks


def layout(columns: HistoryColumns, retirement_year: np.ndarray, default_reference: str, regions: RegionTable) -> Plans:
    """`tables.Plans` (people × calendar years from the earliest start), truncated at retirement: the same matrices
    `tables.build_plans` makes from JSON histories, in a few numpy calls."""
    n = len(columns)
    person, years = columns.person, columns.years
    cum_before = np.cumsum(years) - years  # years of every earlier segment, all people together
    first_segment = np.searchsorted(person, np.arange(n))
    offset = columns.start_year[person] + cum_before - cum_before[first_segment][person]  # each segment's first year
    ends = np.zeros(n, dtype=np.int64)
    np.add.at(ends, person, years)
    first = int(columns.start_year.min())
    last = int(max(np.max(retirement_year), np.max(columns.start_year + ends)))
    width = max(last - first, 1)
    cell_segment = np.repeat(np.arange(len(years)), years)
    cell_year = np.repeat(offset - first, years) + _ranks(years)
    keep = (cell_year < width) & (columns.scheme[cell_segment] != NONE)
    cell_segment, cell_year = cell_segment[keep], cell_year[keep]
    cell_person = person[cell_segment]
    region = np.full((n, width), -1, dtype=np.int64)
    scheme = np.zeros((n, width), dtype=np.int8)
    index = np.zeros((n, width))
    tier = np.zeros((n, width))
    region[cell_person, cell_year] = columns.region[cell_segment]
    scheme[cell_person, cell_year] = columns.scheme[cell_segment]
    index[cell_person, cell_year] = columns.index[cell_segment]
    tier[cell_person, cell_year] = columns.tier[cell_segment]
    working = (first + np.arange(width))[None, :] < np.asarray(retirement_year)[:, None]
    scheme = np.where(working, scheme, NONE).astype(np.int8)
    region = np.where(working, region, -1)
    reference = np.where(columns.reference >= 0, columns.reference, regions.position[default_reference])
    # regions as positions in the short list of codes present, as build_plans numbers them
    present = np.unique(np.concatenate([region[region >= 0], columns.hukou, reference]))
    position = np.full(len(regions.codes), -1, dtype=np.int64)
    position[present] = np.arange(len(present))
    return Plans(
        first,
        np.where(region >= 0, position[np.maximum(region, 0)], -1).astype(np.int32),
        scheme,
        index,
        tier,
        position[columns.hukou],
        position[reference],
        columns.account_start.astype(float),
        columns.resident_start.astype(float),
        [regions.codes[i] for i in present.tolist()],
    )


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
            f"{name}.{key}[{row}]: {values[row].item()!r} is outside {low:g}–{high:g}"
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
            f"segments.scheme[{row}]: {values[row]!r} is not allowed; expected one of: employee, resident, none",
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
    text = raw.astype(str)
    missing = needed & np.isin(text, ["", "None", "nan"])
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise InputValueError(f"segments.region[{row}]: required for an employee or resident segment",
                              field=f"segments.region[{row}]")  # fmt: skip
    out[needed] = np.asarray(regions.encode(text[needed], "segments.region"))
    return out
