"""The calibration file (`calibration.yaml`): the margins a population must match, each with its source, URL and
verification level, and the model's other parameters (most of them stated ASSUMPTIONS).

The generator draws from the same file, so a margin changed here changes the population and its check together.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gigcover.engine import InputValueError

Verification = Literal["V1", "V2", "V3", "UNVERIFIED", "ASSUMPTION"]
Statistic = Literal["share", "mean", "max_share_deviation"]
Compare = Literal["equal", "at_least", "at_most"]
Where = dict[str, list[Any]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(_Strict):
    verification: Verification
    source: str | None = None
    url: str | None = None
    note: str | None = None


class Total(Cited):
    value: int = Field(gt=0)


class MarginRow(Cited):
    """One checked statistic. Fields left out take the margin's (column, statistic, where, tolerance, compare)."""

    target: float | None
    label: str | None = None
    category: str | bool | None = None
    between: tuple[float, float] | None = None
    column: str | None = None
    statistic: Statistic | None = None
    where: Where | None = None
    tolerance: float | None = Field(default=None, ge=0)
    compare: Compare | None = None


class Margin(_Strict):
    id: str
    title: str
    column: str
    statistic: Statistic
    where: Where = Field(default_factory=dict)
    tolerance: float | None = Field(default=None, ge=0)
    compare: Compare = "equal"
    rows: list[MarginRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _tolerances(self) -> Margin:
        for row in self.rows:
            equal = (row.compare or self.compare) == "equal"
            if equal and row.target is not None and row.tolerance is None and self.tolerance is None:
                raise ValueError(f"margin {self.id}: a row with a target to equal needs a tolerance")
        return self


class Parameter(Cited):
    value: Any


class Calibration(_Strict):
    title: str
    reference_date: dt.date
    total: Total
    margins: list[Margin]
    model: dict[str, Parameter]

    def margin(self, margin_id: str) -> Margin:
        for margin in self.margins:
            if margin.id == margin_id:
                return margin
        raise KeyError(f"no margin {margin_id!r} in the calibration")

    def target(self, margin_id: str, category: str | bool) -> float:
        """The target of one category of a share margin (the generator draws from it)."""
        for row in self.margin(margin_id).rows:
            if row.category == category and row.target is not None:
                return row.target
        raise KeyError(f"margin {margin_id!r} has no target for {category!r}")

    def value(self, name: str) -> Any:
        if name not in self.model:
            raise KeyError(f"no model parameter {name!r} in the calibration")
        return self.model[name].value


CALIBRATION_FILE = "calibration.yaml"


def load_calibration(path: Path | None = None) -> Calibration:
    """The calibration shipped with gigcover, or another file; a bad file is an error naming it and the field."""
    if path is None:
        return default_calibration()
    return _parse(path.read_text(encoding="utf-8"), str(path))


@cache
def default_calibration() -> Calibration:
    text = resources.files(__package__ or "").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    return _parse(text, CALIBRATION_FILE)


def _parse(text: str, name: str) -> Calibration:
    try:
        return Calibration.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise InputValueError(f"{name}: not valid YAML ({exc})", field="calibration") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputValueError(f"{name}: {where}: {first['msg']}", field=f"calibration.{where}") from None
