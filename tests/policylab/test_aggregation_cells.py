"""Sums by group through the rows' cells (one pass over the rows) equal a pass over the rows for each dimension."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcover.policylab.simulate import _Cells, _sum_by


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 12), min_size=0, max_size=5),
    rows=st.integers(1, 400),
    seed=st.integers(0, 2**16),
)
def test_sums_by_cell_equal_sums_by_dimension(sizes: list[int], rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    index: list[tuple[np.ndarray, int]] = [(np.zeros(rows, dtype=np.int64), 0)]
    offset = 1
    for size in sizes:  # labels may be absent from the rows (a group with no rows sums to 0)
        index.append((rng.integers(0, size, rows).astype(np.int64), offset))
        offset += size
    values = rng.normal(size=rows) * rng.integers(0, 2, rows)
    cells = _Cells.of(index, offset)
    assert cells is not None
    expected = _sum_by(index, values, offset)
    assert np.allclose(cells.sum(values), expected, rtol=1e-12, atol=1e-12)
    assert cells.sum(np.ones(rows)).tolist() == _sum_by(index, np.ones(rows), offset).tolist()  # counts exactly


def test_too_many_cells_fall_back_to_sums_by_dimension() -> None:
    codes = np.arange(2000, dtype=np.int64)
    index = [(np.zeros(2000, dtype=np.int64), 0), (codes, 1), (codes, 2001)]
    assert _Cells.of(index, 4001) is None  # 2000 × 2000 cells


@settings(max_examples=60, deadline=None)
@given(labels=st.lists(st.sampled_from(["frequent", "occasional", "regular", "", "高频", "b", "a"]), max_size=300))
def test_groups_of_labels_held_as_objects_are_those_of_np_unique(labels: list[str]) -> None:
    from gigcover.policylab.measures import Grouping

    values = np.asarray(labels, dtype=object)
    distinct, inverse = np.unique(values, return_inverse=True)
    found = Grouping.of(values)
    assert found.labels == tuple(str(v) for v in distinct.tolist())
    assert found.codes.tolist() == inverse.reshape(-1).tolist()


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(
        st.sampled_from([0.0, 1.5, 2.0, 3.25, -1.0, 7.0, float("nan")]) | st.floats(-1e6, 1e6), min_size=1, max_size=300
    )
)
def test_the_deciles_order_is_the_stable_sort(values: list[float]) -> None:
    from gigcover.policylab.measures import _stable_order

    array = np.asarray(values)
    assert _stable_order(array).tolist() == np.argsort(array, kind="stable").tolist()
