"""The places of one province computed together (`compute(..., explain=False)`): one simulation at one of them, each
other place's rows kept only if every parameter looked up there gives the same stored value.

A toy model (no gigcover rule) counts the formula's runs; the law itself checks that the lab's outputs are the same
bit for bit as one simulation per place, and that amounts left NaN are said place by place as before."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gigcover
from gigcover.advisor.model import default_model
from gigcover.engine import CALL_REGION, VariableRegistry, build_model
from gigcover.engine.evaluate import Model, Rows, evaluate_rows, missing_inputs
from gigcover.policylab.measures import PASS1, PASS2
from policylab.conftest_lab import random_population

# Guangdong: the province's rate, Shenzhen's own; Guangzhou alone publishes the "local" figure
RATE = """\
description: 玩具费率
label_en: Toy rate
unit: multiple
reference: {document: toy}
values:
  2020-01-01: {value: 1.0, verified: V1}
by_region:
  "440000":
    values:
      2020-01-01: {value: 2.0, verified: V1}
      2025-07-01: {value: 2.5, verified: V1}
  "440300":
    values:
      2020-01-01: {value: 3.0, verified: V1}
"""
LOCAL = """\
description: 玩具本地数
label_en: Toy local figure
unit: yuan
reference: {document: toy}
by_region:
  "440100":
    values:
      2020-01-01: {value: 7.0, verified: V1}
"""
GUANGZHOU, SHENZHEN, SHANTOU, FOSHAN, BEIJING = "440100", "440300", "440500", "440600", "110000"


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Model:
    root = tmp_path_factory.mktemp("toy")
    (root / "parameters" / "toy").mkdir(parents=True)
    (root / "parameters" / "toy" / "rate.yaml").write_text(RATE, encoding="utf-8")
    (root / "parameters" / "toy" / "local.yaml").write_text(LOCAL, encoding="utf-8")
    (root / "sources.yaml").write_text("toy.rule: {reference: {document: toy}, verified: V1}\n", encoding="utf-8")
    registry = VariableRegistry()
    registry.input("x", "数", "x", "float")
    registry.input("place", "地", "place", "region", default=CALL_REGION)
    runs: dict[str, list[str]] = {"scaled": [], "named": []}

    @registry.formula("乘", "scaled", "float", inputs=("x",), parameters=("toy.rate",))
    def scaled(v: Any, p: Any) -> Any:
        runs["scaled"].append(p.region_for_warning)
        return np.asarray(v.x) * p("toy.rate")

    @registry.formula("名", "named", "float", inputs=("x",))
    def named(v: Any, p: Any) -> Any:  # a value that depends on the place's code itself
        runs["named"].append(p.region_for_warning)
        return np.asarray(v.x) * 0 + int(p.region)

    @registry.formula("本地", "local", "float", inputs=("x",), parameters=("toy.local",))
    def local(v: Any, p: Any) -> Any:
        return np.asarray(v.x) + p("toy.local")

    @registry.formula("地码", "place code", "int", inputs=("place",))
    def place_code(v: Any, p: Any) -> Any:
        return np.asarray(v.place, dtype=np.int64)

    model = build_model(registry.variables, root / "parameters", root / "sources.yaml")
    model.memo["runs"] = runs
    return model


def _ask(toy: Model, places: list[str], outputs: list[str], explain: bool, **more: Any) -> Any:
    return gigcover.compute(
        {"x": np.arange(1.0, len(places) + 1)}, outputs, region=places, date=more.pop("date", "2025-03-01"),
        model=toy, explain=explain, **more,
    )  # fmt: skip


def test_places_without_their_own_figures_are_computed_together(toy: Model) -> None:
    runs: list[str] = toy.memo["runs"]["scaled"]
    places = [SHANTOU, GUANGZHOU, SHENZHEN, FOSHAN, SHANTOU, BEIJING]
    runs.clear()
    explained = _ask(toy, places, ["scaled"], explain=True)
    assert len(runs) == 5, "explained: one simulation per place"
    runs.clear()
    bare = _ask(toy, places, ["scaled"], explain=False)
    # Guangzhou, Shantou and Foshan fall back to Guangdong's 2.0; Shenzhen has its own 3.0; Beijing the national 1.0
    assert bare["scaled"].tolist() == [2.0, 4.0, 9.0, 8.0, 10.0, 6.0] == explained["scaled"].tolist()
    assert len(runs) == 3, f"Guangdong's places together, Shenzhen again on its own, Beijing: ran at {runs}"


def test_days_of_one_span_in_several_places_are_one_group_and_a_change_of_value_splits_them(toy: Model) -> None:
    runs: list[str] = toy.memo["runs"]["scaled"]
    places = [SHANTOU, FOSHAN, SHANTOU, FOSHAN]
    days = ["2025-03-02", "2025-03-01", "2025-07-05", "2025-08-01"]
    runs.clear()
    bare = _ask(toy, places, ["scaled"], explain=False, date=days)
    assert bare["scaled"].tolist() == [2.0, 4.0, 7.5, 10.0]
    assert len(runs) == 2, "one simulation before Guangdong's change of 2025-07-01, one after"


def test_a_formula_that_reads_the_place_itself_is_computed_place_by_place(toy: Model) -> None:
    places = [SHANTOU, GUANGZHOU, FOSHAN]
    toy.place_readers.clear()
    bare = _ask(toy, places, ["named", "scaled"], explain=False)
    assert bare["named"].tolist() == [440500.0, 440100.0, 440600.0]
    assert frozenset(["named", "scaled"]) in toy.place_readers
    runs = toy.memo["runs"]["named"]
    runs.clear()
    _ask(toy, places, ["named", "scaled"], explain=False)
    assert sorted(runs) == sorted(places), "known to read the place: not tried together again"


def test_an_input_defaulting_to_the_place_is_given_row_by_row(toy: Model) -> None:
    places = [SHANTOU, GUANGZHOU, FOSHAN, SHANTOU]
    bare = _ask(toy, places, ["place_code", "scaled"], explain=False, decode=False)
    assert bare["place_code"].tolist() == [toy.regions.position[code] for code in places]


def test_amounts_left_nan_are_said_for_each_place_in_its_own_words(toy: Model) -> None:
    places = [SHANTOU, GUANGZHOU, FOSHAN, SHANTOU, FOSHAN, SHANTOU]
    bare = _ask(toy, places, ["local"], explain=False, missing="nan")
    assert np.isnan(bare["local"][[0, 2, 3, 4, 5]]).all() and bare["local"][1] == 9.0
    alone = evaluate_rows(
        toy, Rows(np.asarray([toy.regions.position[c] for c in places], dtype=np.int16),
                  np.full(len(places), np.datetime64("2025-03-01"))),
        {"x": np.arange(1.0, 7.0)}, ["local"], missing_as_nan=True, explain=False, together=False,
    )  # fmt: skip
    assert sorted(bare.warnings) == sorted(alone.warnings)
    by_place = {w.split("not computed for ")[1].split(" on ")[0]: w for w in bare.warnings}
    assert set(by_place) == {toy.regions.label(SHANTOU), toy.regions.label(FOSHAN)}
    assert "(3 rows left NaN)" in by_place[toy.regions.label(SHANTOU)]
    assert toy.regions.label(SHANTOU) in by_place[toy.regions.label(SHANTOU)].split(": ", 1)[1]


def test_an_overlay_applies_to_every_place_computed_together(toy: Model) -> None:
    places = [SHANTOU, SHENZHEN, FOSHAN]
    bare = _ask(toy, places, ["scaled"], explain=False, overrides={"toy.rate": 5.0})
    assert bare["scaled"].tolist() == [5.0, 10.0, 15.0]


# -- the law: the lab's outputs, every place of a generated population ----------------------------------------------


def _lab_outputs() -> list[str]:
    """The lab's outputs that a random population's inputs suffice for (the others need the scenario's inputs)."""
    people = random_population(10, seed=0)
    model = default_model()
    names = [*PASS1, *[name for name in PASS2 if name not in PASS1]]
    return [name for name in names if not missing_inputs(model, [name], people.inputs, True)]


LAB_OUTPUTS = _lab_outputs()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    day=st.sampled_from(["2021-06-01", "2024-03-15", "2025-07-01", "2026-12-01"]),
    spread_days=st.booleans(),
)
def test_the_law_computed_by_province_equals_one_simulation_per_place(seed: int, day: str, spread_days: bool) -> None:
    assert len(LAB_OUTPUTS) >= 15, LAB_OUTPUTS
    people = random_population(400, seed=seed)
    inputs = dict(people.inputs)
    rng = np.random.default_rng(seed)
    first = np.datetime64(day)
    dates: Any = first + rng.integers(0, 400, len(people.weight)) if spread_days else day
    asked = {"date": dates, "region": people.region, "decode": False, "missing": "nan"}
    explained = gigcover.compute(inputs, LAB_OUTPUTS, **asked)
    bare = gigcover.compute(inputs, LAB_OUTPUTS, **asked, explain=False)
    for name in LAB_OUTPUTS:
        assert np.array_equal(explained[name], bare[name], equal_nan=explained[name].dtype.kind == "f"), name
    assert sorted(w for w in explained.warnings if "not computed for" in w) == sorted(bare.warnings)


def test_places_with_their_own_figures_keep_them() -> None:
    # Shenzhen and Guangzhou set their own flexible-medical rate and base band; Guangdong publishes none for its other
    # cities (Shantou's amount is left NaN, and said): together or not, each place gets its own answer
    places = [SHANTOU, SHENZHEN, GUANGZHOU, SHANTOU]
    inputs = {"pension_base_index_chosen": 1.5}
    outputs = ["employee_medical_flexible_monthly"]
    bare = gigcover.compute(inputs, outputs, date="2025-09-01", region=places, explain=False, missing="nan")
    for i, code in enumerate(places):
        one = gigcover.compute(inputs, outputs, date="2025-09-01", region=code, missing="nan")
        assert np.array_equal(bare[outputs[0]][i : i + 1], one[outputs[0]], equal_nan=True), code
    found = bare[outputs[0]]
    assert np.isnan(found[[0, 3]]).all() and found[1] > 0 and found[2] > 0 and found[1] != found[2]
    assert [w for w in bare.warnings if "(2 rows left NaN)" in w and "440500" in w]
