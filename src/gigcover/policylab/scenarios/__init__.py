"""Policy-lab scenarios (政策情景): a reform path as a file — the date whose rules apply, a parameter overlay (named
overlays from `gigcover.scenarios` plus inline overrides), input assumptions where the reform changes a fact rather
than a parameter, and behaviour assumptions on top of `behaviour.yaml`.

The five built-in scenarios are the YAML files beside this module; a user-written file loads the same way
(`load_scenario(path)`), and a bad file is an error naming the file and the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gigcover import scenarios as named_overlays
from gigcover.engine import GigcoverError, InputValueError, Model
from gigcover.engine.errors import UnknownNameError, closest
from gigcover.engine.overlay import Overlay
from gigcover.policylab.behaviour import Behaviour, default_behaviour

BASELINE = "baseline-2021"
"""The scenario every other is compared with (the rules as the paper found them)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputAssumption(_Strict):
    """A fact the reform changes: `set` these engine inputs on the rows matching `where` (column → allowed values;
    all rows when empty). `note` says what and why, in words."""

    set: dict[str, Any] = Field(min_length=1)
    where: dict[str, Any] = Field(default_factory=dict)
    note: str = Field(min_length=1)


class LabScenario(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    source: str = Field(min_length=1)
    date: dt.date | None = None
    overlays: tuple[str, ...] = ()
    overrides: dict[str, Any] = Field(default_factory=dict)
    # used only where a place has no value of its own in force (see engine/overlay.py): an assumption the run states
    stand_ins: dict[str, Any] = Field(default_factory=dict)
    inputs: tuple[InputAssumption, ...] = ()
    behaviour: dict[str, Any] = Field(default_factory=dict)

    def parameter_overrides(self) -> dict[str, Any]:
        """The named overlays' overrides, in order, then the inline ones (the later wins)."""
        merged: dict[str, Any] = {}
        for name in self.overlays:
            merged.update(named_overlays.scenario(name).overrides)
        merged.update(self.overrides)
        return merged

    def overlay(self, model: Model) -> Overlay:
        """The overrides checked against the parameter store (unknown names and wrong kinds are errors)."""
        return Overlay.parse(
            self.parameter_overrides(),
            model.store,
            name=f"scenario {self.name}: overrides",
            stand_ins=self.stand_ins,
            stand_ins_name=f"scenario {self.name}: stand_ins",
        )

    def assumptions(self, base: Behaviour | None = None) -> Behaviour:
        return (base or default_behaviour()).overlay(self.behaviour, where=f"scenario {self.name}: behaviour")

    def check(self, model: Model) -> None:
        """Every part checked against the model: overlays named, overrides known and of the right kind, inputs
        known variables with valid values, behaviour assumptions known and in range."""
        for i, name in enumerate(self.overlays):
            try:
                named_overlays.scenario(name)
            except UnknownNameError as exc:
                raise InputValueError(
                    f"scenario {self.name}: overlays[{i}]: unknown overlay {name!r}; known: "
                    f"{', '.join(named_overlays.scenarios())}",
                    field=f"overlays[{i}]",
                    suggestions=exc.details.get("suggestions", []),
                ) from None
        try:
            self.overlay(model)
        except UnknownNameError as exc:
            unknown = str(exc.details.get("name"))
            part = (
                "stand_ins" if unknown in self.stand_ins and unknown not in self.parameter_overrides() else "overrides"
            )
            raise InputValueError(
                f"scenario {self.name}: {part}.{unknown}: unknown parameter", field=f"{part}.{unknown}",
                suggestions=exc.details.get("suggestions", []),
            ) from None  # fmt: skip
        for i, assumption in enumerate(self.inputs):
            for name, value in assumption.set.items():
                where = f"scenario {self.name}: inputs[{i}].set.{name}"
                if name not in model.variables:
                    raise InputValueError(
                        f"{where}: no engine variable of that name", field=f"inputs[{i}].set.{name}",
                        suggestions=closest(name, model.variables),
                    )  # fmt: skip
                try:
                    model.variable(name).validate(np.asarray([value]), model.regions)
                except GigcoverError as exc:
                    raise InputValueError(f"{where}: {exc.message}", field=f"inputs[{i}].set.{name}") from None
        self.assumptions()


def parse_scenario(raw: Any, origin: str, model: Model) -> LabScenario:
    """A scenario from parsed YAML; `origin` (a file name) heads every error."""
    if not isinstance(raw, Mapping):
        raise InputValueError(
            f"{origin}: expected a mapping with name, title_zh, … (see the built-in files)", field="scenario"
        )
    try:
        found = LabScenario.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first["loc"]) or "scenario"
        raise InputValueError(f"{origin}: {location}: {first['msg']}", field=location, file=origin) from None
    try:
        found.check(model)
    except GigcoverError as exc:
        raise InputValueError(f"{origin}: {exc.message}", file=origin, **exc.details) from None
    return found


def load_scenario(path: Path, model: Model) -> LabScenario:
    """A user-written scenario file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputValueError(f"{path}: cannot read the scenario file ({exc.strerror})", field="scenario") from None
    except yaml.YAMLError as exc:
        raise InputValueError(f"{path}: not valid YAML ({exc})", field="scenario") from None
    return parse_scenario(raw, str(path), model)


@cache
def _builtin_texts() -> dict[str, str]:
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in resources.files(__package__).iterdir()
        if entry.name.endswith(".yaml")
    }


def builtin_scenarios(model: Model) -> dict[str, LabScenario]:
    """The shipped scenarios, by name, in the order baseline-2021, law-2026, paper-package, formalization, universal."""
    found = [
        parse_scenario(yaml.safe_load(text), f"policylab/scenarios/{name}", model)
        for name, text in _builtin_texts().items()
    ]
    order = [BASELINE, "law-2026", "paper-package", "formalization", "universal"]
    found.sort(key=lambda s: (order.index(s.name) if s.name in order else len(order), s.name))
    return {s.name: s for s in found}


def resolve(name_or_path: str, model: Model) -> LabScenario:
    """A built-in scenario by name, or a scenario file by path (ending in .yaml or .yml)."""
    builtin = builtin_scenarios(model)
    if name_or_path in builtin:
        return builtin[name_or_path]
    if name_or_path.endswith((".yaml", ".yml")) or Path(name_or_path).is_file():
        return load_scenario(Path(name_or_path), model)
    raise InputValueError(
        f"scenario: {name_or_path!r} is neither a built-in scenario ({', '.join(builtin)}) nor a .yaml file",
        field="scenario",
        suggestions=closest(name_or_path, builtin),
    )
