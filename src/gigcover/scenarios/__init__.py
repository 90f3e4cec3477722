"""Reform scenarios (改革情景): named overlays of parameter values, shipped as YAML beside this file."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from gigcover.engine.errors import ParameterFileError, UnknownNameError, closest, shown
from gigcover.engine.evaluate import Model
from gigcover.engine.overlay import Overlay


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    title_zh: str
    title_en: str
    description: str
    source: str
    overrides: dict[str, Any] = Field(min_length=1)

    def overlay(self, model: Model) -> Overlay:
        """The overrides, checked against the parameter store (unknown names and wrong kinds are errors)."""
        return Overlay.parse(self.overrides, model.store, name=f"scenario {self.name}")


@cache
def scenarios() -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    for entry in resources.files(__package__).iterdir():
        if not entry.name.endswith(".yaml"):
            continue
        try:
            scenario = Scenario.model_validate(yaml.safe_load(entry.read_text(encoding="utf-8")))
        except Exception as exc:  # pydantic or YAML: name the file
            raise ParameterFileError(f"scenarios/{entry.name}: {exc}", file=entry.name) from exc
        found[scenario.name] = scenario
    return found


def scenario(name: str) -> Scenario:
    try:
        return scenarios()[name]
    except KeyError:
        raise UnknownNameError(
            f"unknown scenario {shown(name)}", name=name, suggestions=closest(name, scenarios())
        ) from None
