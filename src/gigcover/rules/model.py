"""The shipped model: every rule module's variables, the parameter tree beside them and the source catalogue."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from gigcover.engine import Model, build_model
from gigcover.rules import registry

PACKAGE = Path(__file__).resolve().parent.parent
PARAMETERS = PACKAGE / "parameters"
SOURCES = Path(__file__).resolve().parent / "sources.yaml"


def load_model(parameters_root: Path | None = None) -> Model:
    """Build a fresh model from the rules (and `parameters_root` instead of the shipped parameters, for tests)."""
    return build_model(registry.variables, parameters_root or PARAMETERS, SOURCES)


@cache
def default_model() -> Model:
    """The shipped model, loaded once per process."""
    return load_model()
