"""Loading the model: every rule module, the parameter tree and the source catalogue, checked together."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from .evaluate import Model
from .graph import check_graph
from .parameters import ParameterStore
from .regions import region_table
from .sources import load_sources


def load_model(parameters_root: Path | None = None) -> Model:
    """Build a fresh model; raises a clear error on bad parameter data or a bad variable graph."""
    from gigcover.rules import registry  # imports every rule module

    package = Path(str(resources.files("gigcover")))
    store = ParameterStore.load(parameters_root or package / "parameters", region_table())
    sources = load_sources(package / "rules" / "sources.yaml")
    check_graph(registry.variables, store.parameters, sources)
    return Model(variables=dict(registry.variables), store=store, sources=sources)


@cache
def default_model() -> Model:
    """The shipped model, loaded once per process."""
    return load_model()
