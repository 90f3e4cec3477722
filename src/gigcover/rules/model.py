"""The shipped model: every rule module's variables, the parameter tree beside them and the source catalogue."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from gigcover.engine import Model, build_model
from gigcover.rules import registry

PACKAGE = Path(__file__).resolve().parent.parent
PARAMETERS = PACKAGE / "parameters"
SOURCES = Path(__file__).resolve().parent / "sources.yaml"


def cache_dir() -> Path | None:
    """Where the parsed parameters are kept between processes: $GIGCOVER_CACHE_DIR ("off" for none), else the user's
    cache folder ($XDG_CACHE_HOME or ~/.cache)/gigcover."""
    chosen = os.environ.get("GIGCOVER_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gigcover"


def load_model(parameters_root: Path | None = None) -> Model:
    """Build a fresh model from the rules (and `parameters_root` instead of the shipped parameters, for tests)."""
    return build_model(registry.variables, parameters_root or PARAMETERS, SOURCES, cache_dir())


@cache
def default_model() -> Model:
    """The shipped model, loaded once per process."""
    return load_model()
