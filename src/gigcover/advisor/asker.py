"""Questions to the engine about one worker, and what each answer rested on.

Every question is logged with the simulation that answered it (and, for a vector question, the row that matters), so
a plan item can say which parameters decided its own figures — which of them fell back to another region's value or
to a stand-in, which are UNVERIFIED — from the engine's tracer (`engine/tracer.py`), never from warning text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from gigcover.engine.errors import GigcoverError, InputValueError
from gigcover.engine.evaluate import Model, Simulation, outputs_in, place_and_date, validate_inputs
from gigcover.engine.overlay import Overlay
from gigcover.engine.parameters import VERIFICATION_ORDER, ParameterHit
from gigcover.engine.regions import NATIONAL
from gigcover.engine.tracer import Chosen, decided

from .request import AdviceRequest

T = TypeVar("T")
NOT_COMPUTED = ("not_in_force", "unknown_name")  # error kinds of a figure the place does not publish


@dataclass(frozen=True)
class Question:
    """One question asked: the simulation that answered it, its outputs, and the row that matters (None: all)."""

    sim: Simulation
    outputs: tuple[str, ...]
    row: int | None = None


@dataclass(frozen=True)
class Missing:
    """A figure the rules could not compute: the parameter with no value in force, and where it was asked."""

    parameter: str
    region: str
    outputs: tuple[str, ...]


class Asker:
    """Questions to the engine on the request's date about one worker, whose facts are validated once; engine errors
    are renamed to the profile's fields."""

    shares_simulations = True  # the benchmark's peer asks each question in a simulation of its own

    def __init__(self, model: Model, request: AdviceRequest, base: dict[str, Any], region: str) -> None:
        self.model, self.date, self.region = model, request.date, region
        self.base = as_profile_error(lambda: validate_inputs(model, base))
        self.warnings: list[str] = []
        self.simulations: dict[str, Simulation] = {}  # one per variant of the worker asked about, for reuse
        self.asked: list[Simulation] = []  # every simulation made, whose warnings the advice reports
        self.questions: list[Question] = []  # every question, in order (a plan item reads its own slice)
        self.missing: list[Missing] = []  # figures not computed for want of a parameter value

    def __call__(
        self, outputs: list[str], region: str | None = None, overrides: Mapping[str, Any] | None = None, **inputs: Any
    ) -> dict[str, Any]:
        """The outputs for the worker (with `inputs` changed, at another `region`, under `overrides`). Questions about
        the same variant share one simulation, so what one question computed the next one reuses."""

        def ask() -> dict[str, Any]:
            sim = self._simulation(region or self.region, overrides, inputs)
            answer = outputs_in(sim, outputs)
            self.questions.append(Question(sim, tuple(outputs)))
            return answer

        return as_profile_error(ask)

    def optional(self, outputs: list[str], **kwargs: Any) -> dict[str, Any] | None:
        """As __call__, but a figure the region does not publish gives None (recorded in `missing`), not a failure."""
        try:
            return self(outputs, **kwargs)
        except GigcoverError as exc:
            if exc.kind in NOT_COMPUTED:
                name = str(exc.details.get("name", ""))
                self.missing.append(Missing(name, str(kwargs.get("region") or self.region), tuple(outputs)))
                self.warnings.append(f"not computed ({', '.join(outputs)}): {exc.message}")
                return None
            raise

    def aside(self, outputs: list[str], region: str, overrides: Mapping[str, Any]) -> dict[str, Any] | None:
        """An answer under `overrides` that is not part of the advice: neither logged nor reused, so its values and
        warnings do not count toward the advice's own (an estimate the caller labels as one). None where a figure it
        needs is not in force, as in `optional`."""
        sim = self._new_simulation(region, overrides, dict(self.base))
        try:
            return outputs_in(sim, outputs)
        except GigcoverError as exc:
            if exc.kind in NOT_COMPUTED:
                return None
            raise

    def said(self, quiet: Callable[[str, Any], bool] | None = None) -> tuple[list[str], str]:
        """The warnings and the weakest verification level of everything asked (read once, at the end); `quiet`: the
        engine's defaults not to mention (by input name and value, see Simulation.warnings)."""
        warnings, levels = list(self.warnings), []
        for sim in self.asked:
            if sim.region == NATIONAL:
                warnings.append("no region given: national values used")
            warnings.extend(sim.warnings(quiet))
            levels.append(sim.verification()["weakest"])
        return warnings, max(levels or ["V1"], key=VERIFICATION_ORDER.__getitem__)

    def mark(self) -> int:
        """A position in the question log: `since(mark)` gives what was asked after it."""
        return len(self.questions)

    def since(self, mark: int) -> list[Question]:
        return self.questions[mark:]

    def _simulation(self, region: str, overrides: Mapping[str, Any] | None, inputs: dict[str, Any]) -> Simulation:
        key = json.dumps([region, overrides, inputs], sort_keys=True, default=str)
        sim = self.simulations.get(key) if self.shares_simulations else None
        if sim is None:
            changed = validate_inputs(self.model, inputs)
            base = self.simulations.get(json.dumps([region, None, {}])) if self.shares_simulations else None
            if base is not None and not overrides and "work_region" not in changed:
                sim = base.variant(changed)  # a what-if shares what does not depend on what it changes
            else:
                sim = self._new_simulation(region, overrides, {**self.base, **changed})
            self.simulations[key] = sim
            self.asked.append(sim)
        return sim

    def _new_simulation(self, region: str, overrides: Mapping[str, Any] | None, given: dict[str, Any]) -> Simulation:
        overlay = Overlay.parse(overrides, self.model.store) if overrides else None
        where = place_and_date(self.model, self.date, region, given)
        assert isinstance(where, tuple)
        return Simulation(self.model, where[0], where[1], given, overlay)


def hits_of(questions: list[Question]) -> Iterator[ParameterHit]:
    """Every parameter value that decided the answers to `questions` (for a vector question: its row only)."""
    seen: set[tuple[str, str, Any, str]] = set()
    for question in questions:
        sim = question.sim
        found = decided(sim.rows, sim.reads, sim.defaults_used, question.outputs)
        for hit, mask in found.hits.values():
            if question.row is not None and not _has_row(mask, question.row, sim.rows):
                continue
            key = (hit.name, hit.region, hit.effective_from, hit.requested_region)
            if key not in seen:
                seen.add(key)
                yield hit


def reaches(questions: list[Question], target: str) -> bool:
    """Whether `target` (a variable given as an input) decided at least one row of the answers to `questions`: the
    reads walked back from the outputs, through the branches that applied."""
    for question in questions:
        reads, seen, todo = question.sim.reads, set(), list(question.outputs)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            read = reads.get(name)
            if read is None:
                continue
            for used, scope in read.inputs.items():
                if scope is None or isinstance(scope, Chosen) or bool(np.any(scope)):
                    if used == target:
                        return True
                    todo.append(used)
    return False


def _has_row(mask: Any, row: int, rows: int) -> bool:
    if mask is None:
        return True
    array = mask.mask(rows) if isinstance(mask, Chosen) else np.broadcast_to(np.asarray(mask, dtype=bool), (rows,))
    return bool(array[row])


def as_profile_error(run: Callable[[], T]) -> T:
    """Run an engine step; an error about `inputs.x` is reported as `profile.x` (the field the worker filled in)."""
    try:
        return run()
    except GigcoverError as exc:
        field = str(exc.details.get("field", ""))
        if field.startswith("inputs."):
            raise InputValueError(
                exc.message.replace("inputs.", "profile.", 1), field=field.replace("inputs.", "profile.", 1)
            ) from None
        raise
