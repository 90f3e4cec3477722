"""What an answer says it rests on, row by row (engine/tracer.py), on a toy model of its own.

A formula computes every branch for every row; the warnings, the verification and the trace name only what decided the
rows asked about: a parameter read in a branch (`p.for_rows`) that no asked row took is not named, nor a legal basis
of a `select` case no row met, nor an input read only for other rows — and a population's warnings say how many rows
each concerns. A vector call says what the one-row calls say, together."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gigcover
from gigcover.engine import Categorical, VariableRegistry, build_model, select
from gigcover.engine.evaluate import Model


class Scheme(Categorical):
    EMPLOYEE = "employee", "职工", "employee"
    RESIDENT = "resident", "居民", "resident"


def _parameter(value: float, verified: str) -> str:
    return (
        "description: 玩具\nlabel_en: toy\nunit: ratio\nreference: {document: toy}\n"
        f"values:\n  2020-01-01: {{value: {value}, verified: {verified}}}\n"
    )


SOURCES = """\
toy.employee_rule: {reference: {document: toy}, verified: V1}
toy.resident_rule: {reference: {document: toy}, verified: UNVERIFIED}
"""


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Model:
    root = tmp_path_factory.mktemp("tracer")
    folder = root / "parameters" / "toy"
    folder.mkdir(parents=True)
    (folder / "employee_rate.yaml").write_text(_parameter(0.2, "V1"), encoding="utf-8")
    (folder / "resident_rate.yaml").write_text(_parameter(0.1, "UNVERIFIED"), encoding="utf-8")
    (root / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    registry = VariableRegistry()
    registry.input("scheme", "类型", "scheme", "enum", enum=Scheme)
    registry.input("wage", "工资", "wage", "float")
    registry.input("bonus", "奖金", "bonus (assumed 0)", "float", default=0.0)

    @registry.formula(
        "缴费", "contribution", "float", inputs=("scheme", "wage", "bonus"),
        parameters=("toy.employee_rate", "toy.resident_rate"),
    )  # fmt: skip
    def contribution(v: Any, p: Any) -> Any:
        employee = v.scheme == Scheme.EMPLOYEE
        with p.for_rows(employee):
            employee_amount = (v.wage + v.bonus) * p("toy.employee_rate")
            p.warn("employee base above the ceiling", rows=v.wage > 30000)
        with p.for_rows(~employee):
            resident_amount = v.wage * p("toy.resident_rate")
        return np.where(employee, employee_amount, resident_amount)

    @registry.formula("依据", "route", "enum", enum=Scheme, inputs=("scheme",))
    def route(v: Any, p: Any) -> Any:
        return select(
            [(v.scheme == Scheme.EMPLOYEE, Scheme.EMPLOYEE, "toy.employee_rule")],
            (Scheme.RESIDENT, "toy.resident_rule"),
        )

    @registry.formula("职工缴费", "employee part", "float", inputs=("scheme", "contribution"))
    def employee_part(v: Any, p: Any) -> Any:
        employee = v.scheme == Scheme.EMPLOYEE
        with p.for_rows(employee):
            amount = v.contribution
        return np.where(employee, amount, 0.0)

    @registry.formula("高薪依据", "route of the well paid", "enum", enum=Scheme, inputs=("wage", "route"))
    def route_if_well_paid(v: Any, p: Any) -> Any:
        well_paid = v.wage > 30000
        with p.for_rows(well_paid):
            route = v.route
        return np.where(well_paid, route, int(Scheme.EMPLOYEE))

    return build_model(registry.variables, root / "parameters", root / "sources.yaml")


def _one(toy: Model, scheme: str, outputs: list[str], wage: float = 5000.0, trace: bool = False) -> dict[str, Any]:
    request = {"date": "2025-01-01", "region": "310000", "inputs": {"scheme": scheme, "wage": wage}}
    return gigcover.calculate({**request, "outputs": outputs, "trace": trace}, model=toy)


def _unverified(answer: dict[str, Any]) -> list[str]:
    return [w for w in answer["warnings"] if "UNVERIFIED" in w]


def test_a_branch_that_does_not_apply_is_not_named(toy: Model) -> None:
    employee = _one(toy, "employee", ["contribution"])
    assert employee["outputs"]["contribution"] == pytest.approx(1000.0)
    assert _unverified(employee) == []
    assert employee["verification"] == {"weakest": "V1", "unverified_parameters": []}
    resident = _one(toy, "resident", ["contribution"])
    assert resident["outputs"]["contribution"] == pytest.approx(500.0)
    assert [w.split(" ")[0] for w in _unverified(resident)] == ["toy.resident_rate"]
    assert resident["verification"] == {"weakest": "UNVERIFIED", "unverified_parameters": ["toy.resident_rate"]}


def test_an_assumed_input_read_only_in_another_branch_is_not_said(toy: Model) -> None:
    assumed = "bonus not given: assumed 0.0"
    assert assumed in _one(toy, "employee", ["contribution"])["warnings"]
    assert assumed not in _one(toy, "resident", ["contribution"])["warnings"]


def test_a_formula_warning_is_said_only_for_the_rows_it_concerns(toy: Model) -> None:
    ceiling = "employee base above the ceiling"
    assert ceiling in _one(toy, "employee", ["contribution"], wage=40000)["warnings"]
    assert ceiling not in _one(toy, "employee", ["contribution"], wage=5000)["warnings"]
    assert ceiling not in _one(toy, "resident", ["contribution"], wage=40000)["warnings"]


def test_the_legal_basis_of_a_case_no_row_met_is_not_named(toy: Model) -> None:
    assert _one(toy, "employee", ["route"])["verification"]["weakest"] == "V1"
    resident = _one(toy, "resident", ["route"])
    assert resident["verification"]["weakest"] == "UNVERIFIED"
    assert "decision rests on UNVERIFIED source toy.resident_rule" in resident["warnings"]


def test_a_legal_basis_follows_its_rows_through_a_branch(toy: Model) -> None:
    unverified = "decision rests on UNVERIFIED source toy.resident_rule"
    assert unverified in _one(toy, "resident", ["route_if_well_paid"], wage=40000)["warnings"]
    assert unverified not in _one(toy, "resident", ["route_if_well_paid"], wage=5000)["warnings"]
    schemes = np.array(["resident", "employee", "resident", "resident"])
    wages = np.array([40000.0, 40000.0, 5000.0, 50000.0])
    found = gigcover.compute({"scheme": schemes, "wage": wages}, ["route_if_well_paid"], date="2025-01-01",
                             region="310000", model=toy)  # fmt: skip
    assert found.warning_rows[unverified] == 2  # the two well-paid residents


def test_what_a_value_rests_on_follows_it_only_for_the_rows_that_read_it(toy: Model) -> None:
    # employee_part reads `contribution` only for employees: a resident's employee part (0) does not rest on the
    # resident rate, though the contribution it was computed beside does
    assert _unverified(_one(toy, "resident", ["employee_part"])) == []
    assert _unverified(_one(toy, "resident", ["employee_part", "contribution"])) != []


def test_the_trace_lists_the_parameters_that_decided(toy: Model) -> None:
    trace = _one(toy, "employee", ["contribution"], trace=True)["trace"]
    (entry,) = [e for e in trace if e["variable"] == "contribution"]
    assert [hit["name"] for hit in entry["parameters"]] == ["toy.employee_rate"]


def test_a_population_counts_the_rows_each_warning_concerns(toy: Model) -> None:
    schemes = np.array(["employee", "resident", "resident", "employee", "resident"])
    wages = np.array([5000.0, 6000.0, 7000.0, 40000.0, 8000.0])
    found = gigcover.compute({"scheme": schemes, "wage": wages}, ["contribution"], date="2025-01-01", region="310000",
                             model=toy)  # fmt: skip
    assert found["contribution"].tolist() == pytest.approx([1000.0, 600.0, 700.0, 8000.0, 800.0])
    rows = {message.split(" ")[0]: count for message, count in found.warning_rows.items()}
    assert rows["toy.resident_rate"] == 3
    assert rows["bonus"] == 2
    assert rows["employee"] == 1  # the ceiling: one employee above it
    assert "toy.employee_rate" not in rows  # V1, nothing to warn of


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["employee", "resident"]), st.sampled_from([5000.0, 40000.0])), min_size=1,
             max_size=6),
    st.sets(st.sampled_from(["contribution", "route", "employee_part", "route_if_well_paid"]), min_size=1),
)  # fmt: skip
def test_a_vector_call_says_what_its_rows_say_one_by_one(toy: Model, rows: list[tuple[str, float]],
                                                         outputs: set[str]) -> None:  # fmt: skip
    asked = sorted(outputs)
    schemes, wages = zip(*rows, strict=True)
    together = gigcover.calculate(
        {"date": "2025-01-01", "region": "310000", "inputs": {"scheme": list(schemes), "wage": list(wages)},
         "outputs": asked},
        model=toy,
    )  # fmt: skip
    alone = [_one(toy, scheme, asked, wage) for scheme, wage in rows]
    assert set(together["warnings"]) == {w for answer in alone for w in answer["warnings"]}
    assert together["verification"]["unverified_parameters"] == sorted(
        {name for answer in alone for name in answer["verification"]["unverified_parameters"]}
    )


_WARNINGS_OF_A_ZHENGZHOU_RIDER = """
import datetime as dt, json
from gigcover.advisor import advise
from gigcover.public import default_model
from gigcover.web.form import Answers, prepare

answers = {"date": "2026-06-01", "work_city": "other", "work_code": "郑州", "hukou_region": "河南周口",
    "hukou_type": "rural", "industry": "food_delivery", "platform": "meituan", "labor_contract": "no",
    "managed": "yes", "weekly_hours": "60", "monthly_income": "7000", "birth_year": "1995", "birth_month": "3",
    "sex": "male"}
found = []
def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            found.append(value) if key == "warnings" else walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(advise(default_model(), prepare(Answers(answers), "zh", dt.date(2026, 6, 1)).request))
print(json.dumps(found, ensure_ascii=False))
"""


def test_the_warnings_come_in_the_same_order_in_every_process() -> None:
    """Several warnings (fallbacks, UNVERIFIED values) in one order whatever the process's string hashing: the order
    once followed a set's iteration, so the same answer listed its warnings differently from run to run."""
    import os
    import subprocess
    import sys

    def warnings_with(seed: str) -> list[list[str]]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", _WARNINGS_OF_A_ZHENGZHOU_RIDER], env=env, capture_output=True, text=True, check=True
        )
        return list(json.loads(run.stdout))

    first = warnings_with("1")
    assert max(len(each) for each in first) >= 2  # an order to keep
    assert warnings_with("2") == first
    assert warnings_with("3") == first
