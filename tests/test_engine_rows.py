"""The engine on its own (no gigcover rule): a toy model checks how rows that differ in date are grouped.

Rows whose days fall in one span with the same parameter values are computed together; a formula that reads the date
itself is computed again at each row's own day (and only that formula)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gigcover
from gigcover.engine import VariableRegistry, build_model
from gigcover.engine.evaluate import Model

RATE = """\
description: 玩具费率
label_en: Toy rate
unit: multiple
reference: {document: toy}
values:
  2020-01-01: {value: 1.0, verified: V1}
  2025-07-01: {value: 2.0, verified: V1}
"""


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Model:
    root = tmp_path_factory.mktemp("toy")
    (root / "parameters" / "toy").mkdir(parents=True)
    (root / "parameters" / "toy" / "rate.yaml").write_text(RATE, encoding="utf-8")
    (root / "sources.yaml").write_text("toy.rule: {reference: {document: toy}, verified: V1}\n", encoding="utf-8")
    registry = VariableRegistry()
    registry.input("x", "数", "x", "float")
    calls: list[int] = []

    @registry.formula("乘", "scaled", "float", inputs=("x",), parameters=("toy.rate",))
    def scaled(v: Any, p: Any) -> Any:
        calls.append(np.size(v.x))
        return np.asarray(v.x) * p("toy.rate")

    @registry.formula("日", "day of year", "float", inputs=("x",))
    def day_of_year(v: Any, p: Any) -> Any:
        return np.asarray(v.x) * 0 + p.date.timetuple().tm_yday

    model = build_model(registry.variables, root / "parameters", root / "sources.yaml")
    model.memo["calls"] = calls
    return model


DAYS = ["2025-01-05", "2025-03-01", "2025-06-30", "2025-07-02", "2025-03-01"]


def test_rows_in_one_span_are_computed_together_and_date_readers_per_row(toy: Model) -> None:
    calls: list[int] = toy.memo["calls"]
    calls.clear()
    found = gigcover.compute(
        {"x": np.arange(1.0, 6.0)}, ["scaled", "day_of_year"], date=DAYS, region="310000", model=toy
    )
    assert found["scaled"].tolist() == [1.0, 2.0, 3.0, 8.0, 5.0]
    assert found["day_of_year"].tolist() == [dt.date.fromisoformat(d).timetuple().tm_yday for d in DAYS]
    assert sorted(calls) == [1, 4], "two spans (before and after 2025-07-01): the rate formula ran twice"


def test_the_same_in_any_chunking(toy: Model) -> None:
    whole = gigcover.compute(
        {"x": np.arange(1.0, 6.0)}, ["day_of_year", "scaled"], date=DAYS, region="310000", model=toy
    )
    for chunk in (1, 2, 3):
        part = gigcover.compute(
            {"x": np.arange(1.0, 6.0)}, ["day_of_year", "scaled"], date=DAYS, region="310000", model=toy,
            chunk_rows=chunk,
        )  # fmt: skip
        assert {k: v.tolist() for k, v in part.items()} == {k: v.tolist() for k, v in whole.items()}


def test_the_engine_builds_a_model_from_what_it_is_handed(toy: Model, tmp_path: Path) -> None:
    assert set(toy.variables) == {"x", "scaled", "day_of_year"}
    assert toy.store.change_dates(["toy.rate"]).astype(str).tolist() == ["2020-01-01", "2025-07-01"]
