"""Errors raised by the engine. Each one names what is wrong so an interface can show it as is."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class GigcoverError(Exception):
    """Base class: a user-facing error with a machine-readable kind and optional details."""

    kind = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, object]:
        return {"error": self.kind, "message": self.message, **self.details}


class ParameterFileError(GigcoverError):
    """A parameter file is missing a date, a reference or a verification level, or is malformed."""

    kind = "parameter_file"


class ModelDefinitionError(GigcoverError):
    """The variables do not form a valid model (unknown input, unknown parameter, a cycle)."""

    kind = "model_definition"


class UnknownNameError(GigcoverError):
    """A variable or parameter name that does not exist; `suggestions` lists the closest names."""

    kind = "unknown_name"


class MissingInputError(GigcoverError):
    """The requested outputs need inputs that were not given."""

    kind = "missing_input"


class InputValueError(GigcoverError):
    """An input, date, region or override has a value that is not allowed."""

    kind = "invalid_value"


class NotInForceError(InputValueError):
    """A parameter has no value in force on the date asked (e.g. a date before the rule existed)."""

    kind = "not_in_force"


class RegionError(InputValueError):
    """A region code or name that is not a valid GB/T 2260 division."""

    kind = "invalid_region"


def closest(name: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    """The candidates most similar to `name` (for 'did you mean' messages)."""
    pool = list(candidates)
    found = difflib.get_close_matches(name, pool, n=n, cutoff=0.5)
    if len(found) < n:
        parts = set(name.replace(".", "_").split("_")) - {""}
        for cand in pool:
            if cand not in found and parts & set(cand.replace(".", "_").split("_")):
                found.append(cand)
            if len(found) >= n:
                break
    return found
