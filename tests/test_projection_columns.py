"""Contribution histories as columns (a population) give what the same histories as JSON give, one by one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gigcover
from gigcover.engine.errors import GigcoverError, InputValueError
from gigcover.engine.evaluate import Model, calculate
from gigcover.rules.projection import HistoryColumns
from test_projection import FIELDS

PLACES = ["310000", "440300", "110000", "510100", "411600", "330100"]
segment = st.fixed_dictionaries(
    {
        "years": st.integers(1, 12),
        "scheme": st.sampled_from(["employee", "employee", "resident", "none"]),
        "region": st.sampled_from(PLACES),
        "base_index": st.sampled_from([0.4, 0.6, 1.0, 2.5]),
        "tier": st.sampled_from([0, 200, 500, 2000]),
    }
)
person = st.fixed_dictionaries(
    {
        "start_year": st.integers(1995, 2026),
        "hukou_region": st.sampled_from(PLACES),
        "segments": st.lists(segment, min_size=1, max_size=5),
        "birth": st.sampled_from(["1965-04", "1975-09", "1990-01", "1999-12"]),
        "age": st.sampled_from([50, 55, 60]),
    }
)


def as_columns(people: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = {
        "start_year": np.array([p["start_year"] for p in people]),
        "hukou_region": np.array([p["hukou_region"] for p in people]),
    }
    segs = [(i, s) for i, p in enumerate(people) for s in p["segments"]]
    table = {
        "person": np.array([i for i, _ in segs]),
        "years": np.array([s["years"] for _, s in segs]),
        "scheme": np.array([s["scheme"] for _, s in segs]),
        "region": np.array([s["region"] if s["scheme"] != "none" else "" for _, s in segs]),
        "base_index": np.array([s["base_index"] for _, s in segs]),
        "tier": np.array([float(s["tier"]) for _, s in segs]),
    }
    return rows, table


def _json_history(p: dict[str, Any]) -> dict[str, Any]:
    segments = [{k: v for k, v in s.items() if not (s["scheme"] == "none" and k == "region")} for s in p["segments"]]
    return {"start_year": p["start_year"], "hukou_region": p["hukou_region"], "segments": segments}


@given(people=st.lists(person, min_size=1, max_size=8), chunk=st.sampled_from([1, 3, 100]))
def test_columns_equal_json_person_by_person(model: Model, people: list[dict[str, Any]], chunk: int) -> None:
    rows, table = as_columns(people)
    histories = HistoryColumns.of(rows, table, model.regions)
    found = gigcover.compute(
        {
            "contribution_history": histories,
            "birth_date": np.array([p["birth"] for p in people]),
            "original_retirement_age": np.array([p["age"] for p in people]),
        },
        FIELDS,
        date="2025-09-01",
        region="310000",
        chunk_rows=chunk,
    )
    for i, p in enumerate(people):
        inputs = {
            "contribution_history": _json_history(p),
            "birth_date": p["birth"],
            "original_retirement_age": p["age"],
        }
        one = calculate(model, {"date": "2025-09-01", "region": "310000", "inputs": inputs, "outputs": FIELDS})
        got = {name: found[name][i] for name in FIELDS}
        got = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in got.items()}
        assert got == pytest.approx(one["outputs"]), f"person {i}: {p}"


def test_bad_columns_are_named_with_their_row(model: Model) -> None:
    rows = {"start_year": np.array([2020, 2021]), "hukou_region": np.array(["310000", "411600"])}
    table = {
        "person": np.array([0, 1, 1]),
        "years": np.array([5, 3, 0]),
        "scheme": np.array(["employee", "resident", "employee"]),
        "region": np.array(["310000", "411600", "310000"]),
    }
    with pytest.raises(InputValueError) as years:
        HistoryColumns.of(rows, table, model.regions)
    assert years.value.details["field"] == "segments.years[2]"
    with pytest.raises(InputValueError) as scheme:
        HistoryColumns.of(rows, {**table, "years": np.array([5, 3, 1]), "scheme": np.array(["employee", "x", "none"])},
                          model.regions)  # fmt: skip
    assert scheme.value.details["field"] == "segments.scheme[1]"
    with pytest.raises(GigcoverError) as region:
        HistoryColumns.of(
            rows, {**table, "years": np.array([5, 3, 1]), "region": np.array(["310000", "", "atlantis"]),
                   "scheme": np.array(["employee", "none", "employee"])}, model.regions,
        )  # fmt: skip
    assert region.value.details["field"] == "segments.region[2]"
    with pytest.raises(InputValueError, match="person 1 has 0 segments"):
        HistoryColumns.of(rows, {k: v[:1] for k, v in table.items()}, model.regions)
    with pytest.raises(InputValueError, match="ascending"):
        HistoryColumns.of(rows, {**table, "person": np.array([1, 0, 1]), "years": np.array([5, 3, 1])}, model.regions)


def test_sixty_segments_a_person_are_the_limit(model: Model) -> None:
    """As the JSON schema: at most 60 segments a person (one year each here)."""
    rows = {"start_year": np.array([2000]), "hukou_region": np.array(["310000"])}

    def segments(k: int) -> dict[str, Any]:
        return {"person": np.zeros(k, dtype=int), "years": np.ones(k, dtype=int), "scheme": np.array(["none"] * k)}

    assert len(HistoryColumns.of(rows, segments(60), model.regions)) == 1
    with pytest.raises(InputValueError, match="61 segments"):
        HistoryColumns.of(rows, segments(61), model.regions)
