"""Overlays (改革方案、情景、假设): parameter values for one call, on top of a baseline that is never mutated.

An override is either a plain value (it replaces the parameter at every date and in every region) or a
mapping of effective dates to values (from the first such date on it replaces the baseline; before it the
baseline applies).

A stand-in (替代值) is written the same way but replaces nothing: it is used only where the baseline has no value
in force for the place and date (a city whose flexible-worker medical rule is not in the parameters), so a policy
run can price what the rules cannot, as a stated assumption, without touching the places that publish their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InputValueError, UnknownNameError, shown
from .parameters import ParameterHit, ParameterStore, Reference, value_kind

OVERLAY_REFERENCE = Reference(document="overlay", note="value supplied for this call (reform, scenario or what-if)")
STAND_IN_REFERENCE = Reference(
    document="stand-in",
    note="value supplied for this call, used only where the place has no value of its own in force (an assumption)",
)


@dataclass(frozen=True)
class Overlay:
    """Validated overrides: parameter name → {effective date → value}. `dt.date.min` marks a plain value."""

    values: Mapping[str, Mapping[dt.date, Any]] = field(default_factory=dict)
    name: str = "overrides"
    stand_ins: Mapping[str, Mapping[dt.date, Any]] = field(default_factory=dict)

    @classmethod
    def parse(
        cls,
        raw: Mapping[str, Any] | None,
        store: ParameterStore,
        name: str = "overrides",
        stand_ins: Mapping[str, Any] | None = None,
        stand_ins_name: str = "stand_ins",
    ) -> Overlay:
        return cls(
            values=_parsed(raw, store, name),
            name=name,
            stand_ins=_parsed(stand_ins, store, stand_ins_name),
        )

    @property
    def empty(self) -> bool:
        return not self.values and not self.stand_ins

    def change_dates(self) -> list[dt.date]:
        """The effective dates of every value the overlay sets (see ParameterStore.change_dates)."""
        every = (*self.values.values(), *self.stand_ins.values())
        return sorted({day for dated in every for day in dated if day != dt.date.min})

    def lookup(self, name: str, date: dt.date, region: str) -> ParameterHit | None:
        return _hit(self.values, OVERLAY_REFERENCE, name, date, region)

    def stand_in(self, name: str, date: dt.date, region: str) -> ParameterHit | None:
        """The stand-in for `name` on `date`, for a place the baseline has no value for (the caller asks only then)."""
        return _hit(self.stand_ins, STAND_IN_REFERENCE, name, date, region)


def _parsed(raw: Mapping[str, Any] | None, store: ParameterStore, name: str) -> dict[str, dict[dt.date, Any]]:
    """Parameter name → {effective date → value}, each checked against the baseline's kind and domain."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InputValueError(f"{name}: expected a mapping of parameter names to values", field=name)
    parsed: dict[str, dict[dt.date, Any]] = {}
    for param_name, spec in raw.items():
        try:
            parameter = store.get(param_name)
        except UnknownNameError as exc:  # said as the field it came from (overrides.x, stand_ins.x)
            details = {**exc.details, "field": f"{name}.{param_name}"}
            raise UnknownNameError(f"{name}.{param_name}: {exc.message}", **details) from None
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
    return parsed


def _hit(
    values: Mapping[str, Mapping[dt.date, Any]], reference: Reference, name: str, date: dt.date, region: str
) -> ParameterHit | None:
    dated = values.get(name)
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
        reference=reference,
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
