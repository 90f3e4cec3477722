"""Building a model: variables, the parameter tree and the source catalogue, checked together.

The engine knows no rules: a rules package hands it its variables and the folders of its parameters and sources
(see gigcover.rules.model).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .evaluate import Model
from .graph import check_graph
from .parameters import ParameterStore
from .regions import region_table
from .sources import load_sources
from .variables import Variable

CACHE_FORMAT = 3  # bump when what is pickled changes shape


def build_model(
    variables: Mapping[str, Variable], parameters_root: Path, sources_file: Path, cache_dir: Path | None = None
) -> Model:
    """A fresh model; raises a clear error on bad parameter data or a bad variable graph (unknown input, unknown
    parameter or source, a cycle).

    With `cache_dir`, the parsed parameters and sources are kept there, keyed by the content of every file they come
    from (and this module's format number), so a process starts without parsing YAML; any change rebuilds them."""
    parsed = _cached(parameters_root, sources_file, cache_dir) if cache_dir else None
    if parsed is None:
        loaded = ParameterStore.load(parameters_root, region_table())
        parsed = loaded.parameters, loaded.missing, load_sources(sources_file)
        if cache_dir:
            _store(parsed, _cache_file(parameters_root, sources_file, cache_dir))
    parameters, missing, sources = parsed
    store = ParameterStore(region_table(), dict(parameters), dict(missing))
    check_graph(variables, store.parameters, sources)
    return Model(variables=dict(variables), store=store, sources=sources)


def _cache_file(parameters_root: Path, sources_file: Path, cache_dir: Path) -> Path:
    digest = hashlib.sha256(f"gigcover-model {CACHE_FORMAT}".encode())
    for path in sorted(parameters_root.rglob("*.yaml")):
        digest.update(path.relative_to(parameters_root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(sources_file.read_bytes())
    return cache_dir / f"model-{digest.hexdigest()[:24]}.pickle"


def _cached(parameters_root: Path, sources_file: Path, cache_dir: Path) -> Any:
    try:
        with _cache_file(parameters_root, sources_file, cache_dir).open("rb") as file:
            return pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # no cache yet, or one from another version: parse


def _store(parsed: Any, target: Path) -> None:
    """Write atomically (a process reading at the same time sees the old file or the whole new one); a cache that
    cannot be written (read-only home, full disk) only costs the next start its parse."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as file:
            pickle.dump(parsed, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, target)
    except OSError:
        return
