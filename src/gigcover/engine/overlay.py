"""Overlays (改革方案、情景、假设): parameter values for one call, on top of a baseline that is never mutated.

An override is either a plain value (it replaces the parameter at every date and in every region) or a
mapping of effective dates to values (from the first such date on it replaces the baseline; before it the
baseline applies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InputValueError, shown
from .parameters import ParameterHit, ParameterStore, Reference, value_kind

OVERLAY_REFERENCE = Reference(document="overlay", note="value supplied for this call (reform, scenario or what-if)")


@dataclass(frozen=True)
class Overlay:
    """Validated overrides: parameter name → {effective date → value}. `dt.date.min` marks a plain value."""

    values: Mapping[str, Mapping[dt.date, Any]] = field(default_factory=dict)
    name: str = "overrides"

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None, store: ParameterStore, name: str = "overrides") -> Overlay:
        if raw is None:
            return cls(name=name)
        if not isinstance(raw, Mapping):
            raise InputValueError(f"{name}: expected a mapping of parameter names to values", field=name)
        parsed: dict[str, dict[dt.date, Any]] = {}
        for param_name, spec in raw.items():
            parameter = store.get(param_name)
            kind = parameter.kind()
            dated = _dated(spec, kind, f"{name}.{param_name}")
            for value in dated.values():
                if value_kind(value) != kind and not (kind == "number" and value_kind(value) == "number"):
                    raise InputValueError(
                        f"{name}.{param_name}: expected a {kind} like the baseline, got {shown(value)}",
                        field=f"{name}.{param_name}",
                    )
                parameter.check_value(value, f"{name}.{param_name}")
            parsed[param_name] = dated
        return cls(values=parsed, name=name)

    def change_dates(self) -> list[dt.date]:
        """The effective dates of every value the overlay sets (see ParameterStore.change_dates)."""
        return sorted({day for dated in self.values.values() for day in dated if day != dt.date.min})

    def lookup(self, name: str, date: dt.date, region: str) -> ParameterHit | None:
        dated = self.values.get(name)
        if not dated:
            return None
        applicable = [d for d in dated if d <= date]
        if not applicable:
            return None
        start = max(applicable)
        return ParameterHit(
            name=name,
            value=dated[start],
            effective_from=start if start != dt.date.min else date,
            region=region,
            reference=OVERLAY_REFERENCE,
            verified="OVERLAY",
            requested_region=region,
        )


def _dated(spec: Any, kind: str, where: str) -> dict[dt.date, Any]:
    if isinstance(spec, Mapping) and kind != "mapping":
        out: dict[dt.date, Any] = {}
        for key, value in spec.items():
            try:
                out[dt.date.fromisoformat(str(key))] = value
            except ValueError:
                raise InputValueError(
                    f"{where}: {shown(key)} is not an effective date (YYYY-MM-DD); give a plain value or "
                    "a mapping of dates to values",
                    field=where,
                ) from None
        if not out:
            raise InputValueError(f"{where}: empty mapping", field=where)
        return out
    if spec is None:
        raise InputValueError(f"{where}: value is missing (null)", field=where)
    return {dt.date.min: spec}
