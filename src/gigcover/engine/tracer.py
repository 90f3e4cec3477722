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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np

from .parameters import ParameterHit
from .variables import Decision

HitKey: TypeAlias = tuple[str, str, dt.date]  # (parameter, region of the value, effective date)
Key: TypeAlias = tuple[str, Any]  # ("hit", HitKey) | ("basis", source key) | ("default", input) | ("warning", text)


@dataclass(frozen=True)
class Chosen:
    """The rows where a `select` picked one of `choices`, or the rows of any of several such (a mask made only when
    needed: at a million rows most bases are never intersected with a branch, and comparing every row for every
    basis would cost more than the select)."""

    picked: tuple[np.ndarray, ...]
    choices: tuple[tuple[int, ...], ...]

    def mask(self, rows: int) -> np.ndarray:
        out = np.zeros(rows, dtype=bool)
        for picked, choices in zip(self.picked, self.choices, strict=True):
            out |= np.isin(picked, choices)
        return out

    def __or__(self, other: Chosen) -> Chosen:
        return Chosen(self.picked + other.picked, self.choices + other.choices)


RowMask: TypeAlias = np.ndarray | Chosen | None  # a boolean mask over a simulation's rows; None: every row


def _array(mask: np.ndarray | Chosen, rows: int) -> np.ndarray:
    return mask.mask(rows) if isinstance(mask, Chosen) else mask


def either(a: RowMask, b: RowMask, rows: int) -> RowMask:
    """The rows of a or of b."""
    if a is None or b is None:
        return None
    if a is b:  # the same basis reached through two paths
        return a
    if isinstance(a, Chosen) and isinstance(b, Chosen):
        return a | b
    union: np.ndarray = _array(a, rows) | _array(b, rows)
    return union


def both(a: RowMask, b: RowMask, rows: int) -> RowMask:
    """The rows of a and of b."""
    if a is None:
        return b
    return a if b is None else _array(a, rows) & _array(b, rows)


def any_row(mask: RowMask) -> bool:
    """Whether the mask holds a row (a select names only the choices some row took)."""
    return mask is None or isinstance(mask, Chosen) or bool(mask.any())


def rows_in(mask: RowMask, rows: int) -> int:
    return rows if mask is None else int(np.count_nonzero(_array(mask, rows)))


def _merge(into: dict[Any, RowMask], key: Any, mask: RowMask, rows: int) -> None:
    into[key] = either(into[key], mask, rows) if key in into else mask


@dataclass
class Walked:
    """What a value rests on: keys that decided every row of it, and keys that decided some rows (with their mask)."""

    # an insertion-ordered set (a dict's keys): a set's order follows string hashing, which changes from process to
    # process, and the warnings and traces are read in this order
    everywhere: dict[Key, None] = field(default_factory=dict)
    some_rows: dict[Key, RowMask] = field(default_factory=dict)

    def add(self, key: Key, mask: RowMask, rows: int) -> None:
        if mask is None:
            self.everywhere[key] = None
        elif key not in self.everywhere:
            _merge(self.some_rows, key, mask, rows)

    def take(self, other: Walked, scope: RowMask, rows: int) -> None:
        """Add what `other` rests on, for the rows of `scope` only."""
        if scope is None:
            self.everywhere.update(other.everywhere)
            for key, mask in other.some_rows.items():
                self.add(key, mask, rows)
            return
        for key in other.everywhere:
            self.add(key, scope, rows)
        for key, mask in other.some_rows.items():
            self.add(key, both(scope, mask, rows), rows)

    def masks(self) -> Iterator[tuple[Key, RowMask]]:
        yield from ((key, None) for key in self.everywhere)
        yield from ((key, mask) for key, mask in self.some_rows.items() if key not in self.everywhere)


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
    walked: Walked | None = None

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
        if key not in self.hits:
            self.hits[key] = (hit, mask)
            return
        known, rows = self.hits[key]
        # the same value read on several dates: a read past its period is kept, so that the answer says so
        self.hits[key] = (hit if hit.stale or not known.stale else known, either(rows, mask, self.rows))

    def input(self, name: str) -> None:
        _merge(self.inputs, name, self.scope(), self.rows)

    def warning(self, message: str, rows: Any = None) -> None:
        mask = self.scope()
        if rows is not None:
            mask = both(mask, np.broadcast_to(np.asarray(rows, dtype=bool), (self.rows,)), self.rows)
        _merge(self.warnings, message, mask, self.rows)

    def decision(self, decision: Decision) -> list[str]:
        """The legal bases of a `select`, each for the rows it decided; returns the keys used."""
        keys = [decision.basis] if isinstance(decision.basis, str) else [str(k) for k in decision.basis]
        if decision.picked is None or len(keys) == 1:
            for key in keys:
                _merge(self.basis, key, self.scope(), self.rows)
            return keys
        for key in keys:  # choices may share a key
            chosen = Chosen((decision.picked,), (tuple(i for i, k in enumerate(decision.choices) if k == key),))
            _merge(self.basis, key, both(self.scope(), chosen, self.rows), self.rows)
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
    found: dict[str, Walked] = {}

    def of(name: str) -> Walked:
        if name in found:
            return found[name]
        read = reads.get(name)
        if read is not None and read.walked is not None:
            found[name] = read.walked
            return read.walked
        out = Walked()
        if name in assumed:
            out.everywhere[("default", name)] = None
        if read is not None:
            for hit_key, (_, mask) in read.hits.items():
                out.add(("hit", hit_key), mask, rows)
            for source, mask in read.basis.items():
                out.add(("basis", source), mask, rows)
            for message, mask in read.warnings.items():
                out.add(("warning", message), mask, rows)
            for used, scope in read.inputs.items():
                out.take(of(used), scope, rows)
            read.walked = out
        found[name] = out
        return out

    total = Walked()
    for name in outputs:
        total.take(of(name), None, rows)
    hits = {hit_key: hit for r in reads.values() for hit_key, (hit, _) in r.hits.items()}
    result = Decided(rows, {}, {}, {}, {})
    for (kind, key), mask in total.masks():
        if not any_row(mask):
            continue
        if kind == "hit":
            result.hits[key] = (hits[key], mask)
        elif kind == "basis":
            result.basis[key] = mask
        elif kind == "default":
            result.defaults[key] = mask
        else:
            result.warnings[key] = mask
    return result
