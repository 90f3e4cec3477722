"""The projection's shared tables read for a population: reads gathered and registered at once leave a call as reading
them one by one would; the distinct (place, year) pairs a projection looks values up for, in the order it reads them;
a run of people taken from histories as columns; how many rows the policy lab projects in one call."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcover.engine import Recording
from gigcover.engine.evaluate import Model, Params, Simulation
from gigcover.engine.parameters import ParameterHit, Reference
from gigcover.engine.tracer import Reads
from gigcover.policylab.measures import PROJECTION_PLACE_ROWS, projection_chunk_rows
from gigcover.rules.projection import HistoryColumns
from gigcover.rules.projection.arithmetic import _distinct_pairs
from gigcover.rules.projection.columns import layout
from gigcover.rules.projection.tables import _Reads, _Span

DAY = dt.date(2026, 12, 1)
READER = "pension_projection_as_given"  # a formula that declares the parameters below
NAMES = ["wages.provincial_average_monthly", "pension.resident.central_basic_monthly"]


def _hit(name: int, year: int, stale: bool, read: int) -> ParameterHit:
    """A value of parameter `NAMES[name]` from `year`, read on a day `read` days into the next year: past its period
    (stale) when it ends with its year, else a value without an end."""
    return ParameterHit(
        name=NAMES[name],
        value=float(year + read),
        effective_from=dt.date(year, 1, 1),
        region="310000",
        reference=Reference(document="test"),
        verified="V1",
        requested_region="310000",
        valid_until=dt.date(year, 12, 31) if stale else None,
        read_on=dt.date(year + 1, 1, 1) + dt.timedelta(days=read),
    )


def _key(hit: ParameterHit) -> tuple[str, str, dt.date]:
    return hit.name, hit.region, hit.effective_from


def _call(model: Model) -> tuple[Simulation, Params, Reads]:
    """A call in the middle of a formula: what it reads is noted for the call and for the formula."""
    sim = Simulation(model, DAY, "310000", {})
    running = Reads(1)
    sim.running.append(running)
    return sim, Params(sim, model.variable(READER)), running


hit_st = st.builds(_hit, st.integers(0, 1), st.integers(2020, 2022), st.booleans(), st.integers(0, 400))
batches_st = st.lists(st.lists(hit_st, max_size=6), max_size=6)


@settings(max_examples=200, deadline=None)
@given(before=st.lists(hit_st, max_size=3), batches=batches_st, as_spans=st.booleans())
def test_gathered_reads_leave_the_call_as_reading_them_one_by_one(
    model: Model, before: list[ParameterHit], batches: list[list[ParameterHit]], as_spans: bool
) -> None:
    """Batches of values (the same stored value read on several days; some read past their period), registered one
    by one through the engine's replay, or gathered in `_Reads` (as rows' spans or as lists) and registered once: the
    call and the running formula keep the same values, read on the same days, in the same order."""
    one_sim, one_p, one_running = _call(model)
    all_sim, all_p, all_running = _call(model)
    for hit in before:  # what the call read before the rows
        one_p.replay(Recording(hits=[hit]))
        all_p.replay(Recording(hits=[hit]))
    gathered = _Reads()
    for batch in batches:
        for hit in batch:
            one_p.replay(Recording(hits=[hit], warnings=[f"read {hit.name}"]))
        deduplicated = {_key(hit): hit for hit in batch}  # a row reads each stored value once (its first read)
        if as_spans and len(deduplicated) == len(batch):
            gathered.add_span(_Span.of((_key(hit), hit) for hit in batch), [f"read {hit.name}" for hit in batch])
        else:
            gathered.add(((_key(hit), hit) for hit in batch), [f"read {hit.name}" for hit in batch])
    gathered.register(all_p)
    assert list(all_sim.hits.items()) == list(one_sim.hits.items())
    assert [(k, h) for k, (h, _) in all_running.hits.items()] == [(k, h) for k, (h, _) in one_running.hits.items()]
    assert list(all_running.warnings) == list(one_running.warnings)


def test_a_value_read_past_its_period_is_kept_over_later_reads_within_it(model: Model) -> None:
    """Worked case of the rule gathered reads follow: read within its period, then past it, then within it again,
    the value is kept as read past its period (so the answer says it was carried forward)."""
    within, past, again = _hit(0, 2021, False, 0), _hit(0, 2021, True, 10), _hit(0, 2021, False, 20)
    sim, p, _ = _call(model)
    gathered = _Reads()
    gathered.add((_key(hit), hit) for hit in (within, past, again))
    gathered.register(p)
    assert list(sim.hits.values()) == [past]


@settings(max_examples=60, deadline=None)
@given(
    people=st.sampled_from([0, 1, 7, 4095, 4096, 6000]),
    places=st.integers(1, 400),
    years=st.integers(1, 60),
    seed=st.integers(0, 2**32 - 1),
)
def test_distinct_pairs_number_every_pair_in_the_order_it_is_read(
    people: int, places: int, years: int, seed: int
) -> None:
    """Each person's pair is found again from its number; every pair is listed once; for fewer than 4,096 people in
    the order the pairs first appear, for more sorted (the order their values, and the values' reads, are taken in)."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, places, people)
    second = rng.integers(2026, 2026 + years, people)
    pairs, inverse = _distinct_pairs(first, second)
    assert len(set(pairs)) == len(pairs)
    assert [pairs[i] for i in inverse.tolist()] == list(zip(first.tolist(), second.tolist(), strict=True))
    if people < 4096:
        assert pairs == list(dict.fromkeys(zip(first.tolist(), second.tolist(), strict=True)))
    else:
        assert pairs == sorted(pairs)


def _columns(model: Model, counts: list[int], references: bool = False) -> HistoryColumns:
    n, m = len(counts), sum(counts)
    people: dict[str, Any] = {"start_year": 1995 + np.arange(n) % 20, "hukou_region": np.full(n, "110000")}
    if references:
        people["reference_region"] = np.where(np.arange(n) % 2 == 0, "440300", "510100")
    segments = {
        "person": np.repeat(np.arange(n), counts),
        "years": np.arange(m) % 5 + 1,
        "scheme": np.where(np.arange(m) % 3 == 0, "resident", "employee"),
        "region": np.where(np.arange(m) % 2 == 0, "310000", "330100"),
        "base_index": (np.arange(m) % 7) / 5,
    }
    return HistoryColumns.of(people, segments, model.regions)


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(1, 4), min_size=1, max_size=12),
    start=st.integers(-15, 15),
    stop=st.integers(-15, 15) | st.none(),
    step=st.sampled_from([None, 1, 2, -1]),
)
def test_a_run_of_people_is_taken_as_their_rows(
    model: Model, counts: list[int], start: int, stop: int | None, step: int | None
) -> None:
    """A slice of people (how the engine hands over one place's rows) gives the histories the same row numbers give:
    their segments, renumbered from 0 — also for an empty run, a run to the end, and the rows taken again."""
    columns = _columns(model, counts)
    rows = slice(start, stop, step)
    by_slice, by_rows = columns.take_rows(rows), columns.take_rows(np.arange(len(counts))[rows])
    for name in HistoryColumns.__dataclass_fields__:
        assert np.array_equal(getattr(by_slice, name), getattr(by_rows, name)), name
    if len(by_slice):
        again = by_slice.take_rows(slice(1, None))
        assert np.array_equal(again.years, by_rows.take_rows(np.arange(1, len(by_rows))).years)


def test_histories_naming_their_reference_region_need_no_place_of_question(model: Model) -> None:
    """With every history naming its reference region, the layout takes no default (None) and lays out what any
    default would give."""
    columns = _columns(model, [2, 3, 1, 4], references=True)
    retirement = np.array([2040, 2045, 2050, 2055])
    without = layout(columns, retirement, None, model.regions)
    for default in ("310000", "650000"):
        given_default = layout(columns, retirement, default, model.regions)
        assert without.codes == given_default.codes
        assert np.array_equal(without.reference, given_default.reference)
        assert np.array_equal(without.region, given_default.region)


@pytest.mark.parametrize(
    ("region", "n", "expected"),
    [
        (np.repeat(np.arange(40), 1000), 40_000, 40_000),  # no place above the bound: one call
        (np.concatenate([np.zeros(PROJECTION_PLACE_ROWS + 1), np.arange(1, 9)]), None, PROJECTION_PLACE_ROWS),
        (np.array(7), 300_000, PROJECTION_PLACE_ROWS),  # one place for all rows, above the bound
        (np.array(7), 1_000, 1_000),
        (np.array(7), 200_000, 200_000),  # one place, within the bound: one call
        (np.zeros(0), 0, 1),  # no rows: a valid chunk size
    ],
)
def test_the_lab_projects_in_one_call_unless_a_place_has_too_many_workers(
    region: np.ndarray, n: int | None, expected: int
) -> None:
    assert projection_chunk_rows(region, len(region) if n is None else n) == expected
