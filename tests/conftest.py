"""Shared fixtures for the rules-core tests: the shipped model and a short way to call `calculate`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from gigcover.advisor.model import default_model
from gigcover.engine.evaluate import Model, calculate

# The parsed model is cached between processes; the tests keep theirs out of the user's cache folder.
os.environ.setdefault("GIGCOVER_CACHE_DIR", str(Path(tempfile.gettempdir()) / "gigcover-test-cache"))

# Fast, deterministic-enough property tests: the whole suite must stay well under 30 s.
settings.register_profile(
    "gigcover",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.load_profile("gigcover")


@pytest.fixture(scope="session")
def model() -> Model:
    """The shipped model (parameters, sources and variables), loaded once."""
    return default_model()


def calc(
    model: Model,
    date: Any,
    region: str | None,
    inputs: dict[str, Any],
    outputs: list[str] | tuple[str, ...],
    **kw: Any,
) -> dict[str, Any]:
    """`calculate` with the request spelled out as arguments; `kw` adds overrides=..., trace=...."""
    request: dict[str, Any] = {"date": str(date), "inputs": inputs, "outputs": list(outputs), **kw}
    if region is not None:
        request["region"] = region
    return calculate(model, request)
