"""The calc subset of Table 2 (cell severity from labour relation and hukou) written for openfisca-core, timed.

Run by bench_advice.py with the peer venv's Python; prints one JSON object of timings. Same question, same parameter
values (the paper's stars, dated 2011-07-01) as gigcover's `table2_severity`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import MONTH
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Person = build_entity(key="person", plural="persons", label="A worker", is_person=True)
STARS = {"local_urban": 1, "local_rural": 2, "nonlocal_urban": 3, "nonlocal_rural": 4}


class has_labor_contract(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Has a labour contract"


class hukou_local(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Local hukou"


class hukou_rural(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Rural hukou"


class table2_severity(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Table 2 severity"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        stars = parameters(period).coverage.table2.severity
        labor = person("has_labor_contract", period)
        local, rural = person("hukou_local", period), person("hukou_rural", period)
        return np.select(
            [labor, local & ~rural, local & rural, ~local & ~rural],
            [0, stars.local_urban, stars.local_rural, stars.nonlocal_urban],
            default=stars.nonlocal_rural,
        )


def system() -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([Person])
    for variable in (has_labor_contract, hukou_local, hukou_rural, table2_severity):
        tbs.add_variable(variable)
    severity = {cell: {"values": {"2011-07-01": stars}} for cell, stars in STARS.items()}
    tbs.parameters = ParameterNode("", data={"coverage": {"table2": {"severity": severity}}})
    return tbs


def main() -> None:
    calls, people = int(sys.argv[1]), int(sys.argv[2])
    tbs = system()
    timings = []
    for i in range(calls):
        situation = {
            "persons": {
                "w": {
                    "has_labor_contract": {"2021-06": i % 5 == 0},
                    "hukou_local": {"2021-06": i % 3 == 0},
                    "hukou_rural": {"2021-06": i % 2 == 0},
                }
            }
        }
        t0 = time.perf_counter()
        simulation = SimulationBuilder().build_from_entities(tbs, situation)
        simulation.calculate("table2_severity", "2021-06")
        timings.append(time.perf_counter() - t0)
    rng = np.random.default_rng(7)
    simulation = SimulationBuilder().build_default_simulation(tbs, count=people)
    for name, share in (("has_labor_contract", 0.2), ("hukou_local", 0.35), ("hukou_rural", 0.6)):
        simulation.set_input(name, "2021-06", rng.random(people) < share)
    t0 = time.perf_counter()
    result = simulation.calculate("table2_severity", "2021-06")
    vector = time.perf_counter() - t0
    assert len(result) == people
    print(json.dumps({"scalar_p50": statistics.median(timings), "vector_seconds": vector, "people": people}))


if __name__ == "__main__":
    main()
