"""Variables (变量): one per legal concept, with labels, unit, period, legal basis and declared inputs.

A variable either has a formula over other variables and parameters, or is an input (a fact about the
situation). Any variable may be supplied as an input; its formula is then skipped.
Formulas are written on numpy-compatible values so the same rule serves one worker and a million.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, Self, TypeGuard, runtime_checkable

import numpy as np
from pydantic import ValidationError

from .enums import Categorical
from .errors import InputValueError, RegionError, shown
from .regions import RegionTable

ValueType = Literal["bool", "float", "int", "str", "enum", "set", "region", "date", "mapping"]
Period = Literal["day", "month", "year", "eternity"]


@runtime_checkable
class RowTable(Protocol):
    """A value holding one row per person that is not a numpy column (e.g. contribution histories as columns): the
    engine slices it by rows as it slices arrays."""

    def __len__(self) -> int: ...

    def take_rows(self, rows: Any) -> Self: ...


def is_row_table(value: object) -> TypeGuard[RowTable]:
    """is_row_table(value), at the cost of two attribute look-ups on the type: a runtime Protocol check
    inspects the protocol's members on every call (measured: a fifth of an advice's time)."""
    kind = type(value)
    return hasattr(kind, "take_rows") and hasattr(kind, "__len__")


class _CallRegion:
    """Sentinel default: the region of the call (the place of work unless given)."""

    def __repr__(self) -> str:
        return "<region of the call>"


CALL_REGION: Any = _CallRegion()

MAX_EXACT_INTEGER = 2**53
"""The largest whole number an input may be: every integer up to it is exact as a float (a 400-digit number is an
input error, not an overflow in the arrays)."""


@dataclass(frozen=True)
class Decision:
    """A formula's value together with the legal basis that made it, element by element (source keys)."""

    value: Any
    basis: Any  # the source keys used: one key, or a list
    picked: Any = None  # per row, the index of the choice that decided it (from `select`), or None
    choices: tuple[str, ...] = ()  # the source key of each choice, in order


Formula = Callable[..., Any]


@dataclass(frozen=True)
class Variable:
    name: str
    label_zh: str
    label_en: str
    value_type: ValueType
    period: Period = "month"
    unit: str | None = None
    references: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    formula: Formula | None = None
    default: Any = None
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""
    schema: Any = None  # a pydantic model validating a "mapping" input (e.g. a contribution history)
    enum: type[Categorical] | None = None  # the members of an "enum" value, or of the members of a "set"
    # a "region" input: GB/T 2260 code prefixes the rules refuse, each with the reason shown (e.g. places outside the
    # schemes' jurisdiction); codes under such a prefix are refused even when the table does not list them
    refused_regions: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if (self.value_type in ("enum", "set")) != (self.enum is not None):
            raise TypeError(f"{self.name}: an enum or set variable declares its Categorical (enum=...), others none")

    @property
    def is_input(self) -> bool:
        return self.formula is None

    def decode(self, value: Any, regions: RegionTable) -> Any:
        """A value as the JSON contract shows it: names for codes, lists of names for bit sets, GB/T 2260 codes."""
        if self.value_type == "region":
            return regions.decode(value)
        if self.enum is None:
            return value
        if self.value_type == "set":
            return self.enum.decode_set(value)
        return self.enum.decode(value)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "type": {"enum": "str", "set": "list"}.get(self.value_type, self.value_type),  # as the JSON shows it
            "period": self.period,
            "unit": self.unit,
            "allowed": list(self.enum.ids()) if self.enum else list(self.allowed) if self.allowed else None,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "inputs": list(self.inputs),
            "parameters": list(self.parameters),
            "references": list(self.references),
            "is_input": self.is_input,
            "default": None
            if self.default is None or self.default is CALL_REGION
            else self.enum.decode(self.default)
            if self.enum
            else self.default,
            "description": self.description,
        }

    def validate(self, raw: Any, regions: RegionTable, field: str | None = None) -> Any:
        """Check and normalise a given value (scalar or list of values for many people)."""
        where = field or f"inputs.{self.name}"
        if self.value_type in ("region", "enum") and isinstance(raw, list | tuple | np.ndarray) and len(raw) == 0:
            raise InputValueError(f"{where}: empty list", field=where)
        if self.value_type == "region":
            try:
                encoded = regions.encode(raw, where)
            except RegionError:
                self.refuse_regions(_texts(raw), where)  # a code under a refused prefix that the table lacks
                raise
            if self.refused_regions:
                self._refuse_indices(encoded, regions, where)
            return encoded
        if self.enum is not None:
            if self.value_type == "set":
                return self.enum.encode_set(raw, where)
            codes = self.enum.encode(raw, where)
            return int(codes) if np.ndim(codes) == 0 else codes  # one person: a plain int
        if isinstance(raw, list | tuple | np.ndarray):
            if self.value_type == "mapping":
                return np.asarray(
                    [None, *[self._one(item, regions, f"{where}[{i}]") for i, item in enumerate(raw)]], dtype=object
                )[1:]
            if len(raw) == 0:
                raise InputValueError(f"{where}: empty list", field=where)
            fast = self._many(raw)
            if fast is not None:
                return fast
            return np.asarray([self._one(item, regions, f"{where}[{i}]") for i, item in enumerate(raw)])
        return self._one(raw, regions, where)

    def refuse_regions(self, codes: Any, where: str) -> None:
        """Raise the rules' reason when one of `codes` (a code or a list of codes) lies under a refused prefix."""
        if not self.refused_regions:
            return
        for code in [codes] if isinstance(codes, str) else codes:
            for prefix, reason in self.refused_regions:
                if str(code).startswith(prefix):
                    raise RegionError(f"{where}: {reason}", field=where, region=str(code)[:6])

    def _refuse_indices(self, encoded: Any, regions: RegionTable, where: str) -> None:
        """The refusal on region indices: one vectorised lookup, so a population's column costs a gather."""
        key = (self.refused_regions, id(regions))
        mask = _REFUSED_MASKS.get(key)
        if mask is None:
            prefixes = tuple(prefix for prefix, _ in self.refused_regions)
            mask = _REFUSED_MASKS[key] = np.asarray([code.startswith(prefixes) for code in regions.codes])
        indices = np.asarray(encoded)
        hit = mask[indices]
        if hit.any():
            self.refuse_regions(regions.codes[int(indices.ravel()[np.flatnonzero(hit.ravel())[0]])], where)

    def _many(self, raw: Any) -> Any:
        """Whole-array validation for one value per person; None when an element needs the detailed check."""
        array = np.asarray(raw)
        kind = self.value_type
        if kind == "bool" and array.dtype == bool:
            return array
        if kind in ("float", "int") and array.dtype.kind in "if":
            ok = ~np.isnan(array) if array.dtype.kind == "f" else np.ones(array.shape, dtype=bool)
            if self.minimum is not None:
                ok &= array >= self.minimum
            if self.maximum is not None:
                ok &= array <= self.maximum
            if kind == "int" and array.dtype.kind == "f":
                ok &= array == np.floor(array)
            if ok.all():
                return array.astype(int if kind == "int" else float)
            return None
        if kind == "str" and array.dtype.kind == "U" and (not self.allowed or np.isin(array, self.allowed).all()):
            return array
        return None

    def _one(self, raw: Any, regions: RegionTable, where: str) -> Any:
        kind = self.value_type
        if isinstance(raw, np.generic):
            raw = raw.item()
        if kind == "bool":
            if not isinstance(raw, bool):
                raise InputValueError(f"{where}: expected true or false, got {shown(raw)}", field=where)
            return raw
        if kind in ("float", "int"):
            if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
                raise InputValueError(f"{where}: expected a number, got {shown(raw)}", field=where)
            if isinstance(raw, int) and abs(raw) > MAX_EXACT_INTEGER:
                raise InputValueError(
                    f"{where}: {shown(raw)} is too large (whole numbers up to {MAX_EXACT_INTEGER:,})", field=where
                )
            if self.minimum is not None and raw < self.minimum:
                raise InputValueError(f"{where}: {shown(raw)} is below the minimum {self.minimum}", field=where)
            if self.maximum is not None and raw > self.maximum:
                raise InputValueError(f"{where}: {shown(raw)} is above the maximum {self.maximum}", field=where)
            if kind == "int" and float(raw) != int(raw):
                raise InputValueError(f"{where}: expected a whole number, got {shown(raw)}", field=where)
            return int(raw) if kind == "int" else float(raw)
        if kind == "str":
            if not isinstance(raw, str) or (self.allowed and raw not in self.allowed):
                allowed = ", ".join(self.allowed or ())
                raise InputValueError(
                    f"{where}: {shown(raw)} is not allowed; expected one of: {allowed}",
                    field=where,
                    allowed=list(self.allowed or ()),
                )
            return raw
        if kind == "date":
            try:
                return dt.date.fromisoformat(str(raw)).isoformat()
            except ValueError:
                raise InputValueError(f"{where}: expected a date YYYY-MM-DD, got {shown(raw)}", field=where) from None
        if kind == "mapping" and is_row_table(raw):
            return raw  # checked when it was built (many people's records as columns)
        if kind == "mapping" and self.schema is not None:
            try:
                return self.schema.model_validate(raw, context={"regions": regions})
            except ValidationError as exc:
                first = exc.errors()[0]
                at = ".".join(str(part) for part in first["loc"])
                field = f"{where}.{at}" if at else where
                raise InputValueError(f"{field}: {first['msg']}", field=field) from None
        return raw


_REFUSED_MASKS: dict[tuple[tuple[tuple[str, str], ...], int], np.ndarray] = {}


def _texts(raw: Any) -> list[str]:
    """The 6-digit codes among what was given for a region (names are checked once resolved)."""
    values = [raw] if isinstance(raw, str) else np.asarray(raw).ravel().tolist() if np.ndim(raw) else []
    texts = [text.strip() for text in values if isinstance(text, str)]
    return [text for text in texts if len(text) == 6 and text.isdigit()]


class VariableRegistry:
    """Where rule modules declare their variables; the engine builds the graph from it."""

    def __init__(self) -> None:
        self.variables: dict[str, Variable] = {}

    def add(self, variable: Variable) -> Variable:
        if variable.name in self.variables:
            raise ValueError(f"variable {variable.name!r} declared twice")
        self.variables[variable.name] = variable
        return variable

    def input(self, name: str, label_zh: str, label_en: str, value_type: ValueType, **options: Any) -> Variable:
        """Declare a fact about the situation (an input variable)."""
        return self.add(Variable(name=name, label_zh=label_zh, label_en=label_en, value_type=value_type, **options))

    def formula(
        self,
        label_zh: str,
        label_en: str,
        value_type: ValueType,
        *,
        inputs: Sequence[str] = (),
        parameters: Sequence[str] = (),
        references: Sequence[str] = (),
        **options: Any,
    ) -> Callable[[Formula], Formula]:
        """Decorator: the function's name is the variable's name; its docstring is the description."""

        def register(function: Formula) -> Formula:
            self.add(
                Variable(
                    name=function.__name__,
                    label_zh=label_zh,
                    label_en=label_en,
                    value_type=value_type,
                    inputs=tuple(inputs),
                    parameters=tuple(parameters),
                    references=tuple(references),
                    formula=function,
                    description=(function.__doc__ or "").strip(),
                    **options,
                )
            )
            return function

        return register
