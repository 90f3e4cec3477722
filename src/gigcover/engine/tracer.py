"""What decided each row: the parameters, legal bases, assumed inputs and warnings an answer rests on, row by row.

A formula computes every branch for every row (arrays have no `if`), so a parameter read in a branch that does not
apply to a row must not be reported as deciding it: an employee's inpatient reimbursement does not rest on the
resident scheme's deductible, though both were read. A formula marks such a branch with `p.for_rows(mask)`; every
read inside the block (parameters, inputs, warnings) then decides only those rows, and a `select` says per row which
legal basis decided it. After the run, what decided an output's rows is found by walking back through the reads: a
variable read for some rows brings what decided it, for those rows only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np

from .parameters import ParameterHit
from .variables import Decision

RowMask: TypeAlias = np.ndarray | None  # a boolean mask over a simulation's rows; None: every row
HitKey: TypeAlias = tuple[str, str, dt.date]  # (parameter, region of the value, effective date)


def either(a: RowMask, b: RowMask) -> RowMask:
    """The rows of a or of b."""
    return None if a is None or b is None else a | b


def both(a: RowMask, b: RowMask) -> RowMask:
    """The rows of a and of b."""
    if a is None:
        return b
    return a if b is None else a & b


def any_row(mask: RowMask) -> bool:
    return mask is None or bool(mask.any())


def rows_in(mask: RowMask, rows: int) -> int:
    return rows if mask is None else int(np.count_nonzero(mask))


def _merge(into: dict[Any, RowMask], key: Any, mask: RowMask) -> None:
    into[key] = either(into[key], mask) if key in into else mask


@dataclass
class Reads:
    """What one formula read while it ran, each with the rows it decides."""

    rows: int
    hits: dict[HitKey, tuple[ParameterHit, RowMask]] = field(default_factory=dict)
    inputs: dict[str, RowMask] = field(default_factory=dict)
    basis: dict[str, RowMask] = field(default_factory=dict)
    warnings: dict[str, RowMask] = field(default_factory=dict)
    scopes: list[np.ndarray] = field(default_factory=list)
    # what this value rests on through everything it read, once walked (a value and all it was computed from are
    # never recomputed in a simulation, and a what-if that shares the value shares these reads)
    walked: dict[tuple[str, Any], RowMask] | None = None

    def scope(self) -> RowMask:
        return self.scopes[-1] if self.scopes else None

    def enter(self, mask: Any) -> None:
        """Reads from here on decide only the rows of `mask` (within any enclosing block's rows)."""
        rows = np.broadcast_to(np.asarray(mask, dtype=bool), (self.rows,))
        self.scopes.append(rows if not self.scopes else rows & self.scopes[-1])

    def leave(self) -> None:
        self.scopes.pop()

    def hit(self, key: HitKey, hit: ParameterHit) -> None:
        mask = self.scope()
        self.hits[key] = (hit, either(self.hits[key][1], mask)) if key in self.hits else (hit, mask)

    def input(self, name: str) -> None:
        _merge(self.inputs, name, self.scope())

    def warning(self, message: str, rows: Any = None) -> None:
        mask = self.scope()
        if rows is not None:
            mask = both(mask, np.broadcast_to(np.asarray(rows, dtype=bool), (self.rows,)))
        _merge(self.warnings, message, mask)

    def decision(self, decision: Decision) -> list[str]:
        """The legal bases of a `select`, each for the rows it decided; returns the keys used."""
        keys = [decision.basis] if isinstance(decision.basis, str) else [str(k) for k in decision.basis]
        if decision.picked is None or len(keys) == 1:
            for key in keys:
                _merge(self.basis, key, self.scope())
            return keys
        number = {key: i for i, key in enumerate(keys)}  # choices may share a key: compare small ints, not strings
        table = np.asarray([number.get(key, -1) for key in decision.choices], dtype=np.int16)
        per_row = np.broadcast_to(table[decision.picked], (self.rows,))
        for key, i in number.items():
            _merge(self.basis, key, both(self.scope(), per_row == i))
        return keys


@dataclass
class Decided:
    """Everything the asked outputs rest on, each with the rows it decided (only what decided at least one row)."""

    rows: int
    hits: dict[HitKey, tuple[ParameterHit, RowMask]]
    basis: dict[str, RowMask]
    defaults: dict[str, RowMask]
    warnings: dict[str, RowMask]


def decided(rows: int, reads: Mapping[str, Reads], defaults: Iterable[str], outputs: Iterable[str]) -> Decided:
    """Walk back from the outputs through what each formula read, for the rows each read decides."""
    assumed = set(defaults)
    found: dict[str, dict[tuple[str, Any], RowMask]] = {}

    def of(name: str) -> dict[tuple[str, Any], RowMask]:
        if name in found:
            return found[name]
        read = reads.get(name)
        if read is not None and read.walked is not None:
            found[name] = read.walked
            return read.walked
        out: dict[tuple[str, Any], RowMask] = {}
        if name in assumed:
            out[("default", name)] = None
        if read is not None:
            for hit_key, (_, mask) in read.hits.items():
                _merge(out, ("hit", hit_key), mask)
            for source, mask in read.basis.items():
                _merge(out, ("basis", source), mask)
            for message, mask in read.warnings.items():
                _merge(out, ("warning", message), mask)
            for used, mask in read.inputs.items():
                for key, inner in of(used).items():
                    _merge(out, key, both(mask, inner))
            read.walked = out
        found[name] = out
        return out

    total: dict[tuple[str, Any], RowMask] = {}
    for name in outputs:
        for key, mask in of(name).items():
            _merge(total, key, mask)
    hits = {hit_key: read for r in reads.values() for hit_key, read in r.hits.items()}
    result = Decided(rows, {}, {}, {}, {})
    for (kind, key), mask in total.items():
        if not any_row(mask):
            continue
        if kind == "hit":
            result.hits[key] = (hits[key][0], mask)
        elif kind == "basis":
            result.basis[key] = mask
        elif kind == "default":
            result.defaults[key] = mask
        else:
            result.warnings[key] = mask
    return result
