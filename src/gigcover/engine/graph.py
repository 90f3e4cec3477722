"""The dependency graph of variables, built and checked once at load time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import ModelDefinitionError
from .variables import Variable


def check_graph(variables: Mapping[str, Variable], parameter_names: Iterable[str], source_keys: Iterable[str]) -> None:
    """Fail at start-up on an unknown input, parameter or source, or on a cycle (naming it)."""
    params, sources = set(parameter_names), set(source_keys)
    for var in variables.values():
        for name in var.inputs:
            if name not in variables:
                raise ModelDefinitionError(f"variable {var.name!r} declares unknown input {name!r}")
        for name in var.parameters:
            if name not in params:
                raise ModelDefinitionError(f"variable {var.name!r} reads unknown parameter {name!r}")
        for key in var.references:
            if key not in sources:
                raise ModelDefinitionError(f"variable {var.name!r} cites unknown source {key!r}")
    cycle = find_cycle(variables)
    if cycle:
        raise ModelDefinitionError("dependency cycle between variables: " + " → ".join(cycle), cycle=cycle)


def find_cycle(variables: Mapping[str, Variable]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for dep in variables[name].inputs:
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return None

    for name in variables:
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def dependencies(variables: Mapping[str, Variable], outputs: Iterable[str], given: Iterable[str]) -> list[str]:
    """Every variable the outputs need, stopping at those given, in an order where inputs come first."""
    given_set, seen, order = set(given), set[str](), list[str]()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        if name not in given_set:
            for dep in variables[name].inputs:
                visit(dep)
        order.append(name)

    for name in outputs:
        visit(name)
    return order
