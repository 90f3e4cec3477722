"""The model every surface serves: the law (gigcover.rules) and the advisor's heuristics, checked together."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from gigcover.advisor.heuristics import registry as heuristics
from gigcover.engine import Model, build_model
from gigcover.rules import registry as law
from gigcover.rules.model import PARAMETERS, SOURCES, cache_dir


def load_model(parameters_root: Path | None = None) -> Model:
    """A fresh model of the law and the heuristics (and `parameters_root` instead of the shipped parameters)."""
    variables = {**law.variables, **heuristics.variables}
    return build_model(variables, parameters_root or PARAMETERS, SOURCES, cache_dir())


@cache
def default_model() -> Model:
    """The shipped model, loaded once per process."""
    return load_model()
