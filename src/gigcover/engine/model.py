"""Building a model: variables, the parameter tree and the source catalogue, checked together.

The engine knows no rules: a rules package hands it its variables and the folders of its parameters and sources
(see gigcover.rules.model).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .evaluate import Model
from .graph import check_graph
from .parameters import ParameterStore
from .regions import region_table
from .sources import load_sources
from .variables import Variable


def build_model(variables: Mapping[str, Variable], parameters_root: Path, sources_file: Path) -> Model:
    """A fresh model; raises a clear error on bad parameter data or a bad variable graph (unknown input, unknown
    parameter or source, a cycle)."""
    store = ParameterStore.load(parameters_root, region_table())
    sources = load_sources(sources_file)
    check_graph(variables, store.parameters, sources)
    return Model(variables=dict(variables), store=store, sources=sources)
