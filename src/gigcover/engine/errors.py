"""Errors raised by the engine. Each one names what is wrong so an interface can show it as is."""

from __future__ import annotations

import difflib
import math
import reprlib
from collections.abc import Iterable

SHOWN_CHARS = 40
"""An error repeats at most this many characters of a value it refuses (then "…"): a 50 MB string sent as a region
is named by its start, not echoed back."""

MESSAGE_CHARS = 1000
DETAIL_CHARS = 200
"""Whatever a message says, an error's text and each of its details' strings are cut to these lengths."""

_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxtuple = _REPR.maxlist = _REPR.maxarray = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = 4
_REPR.maxstring = _REPR.maxlong = _REPR.maxother = SHOWN_CHARS + 2


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text` cut to `limit` characters, with "…" when cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as an error message quotes it: its repr (lone surrogates escaped), at most `limit` characters of it."""
    if isinstance(value, str):
        return repr(value[:limit]) + ("…" if len(value) > limit else "")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"an integer of {_digits(abs(value))} digits"  # no str() of it: Python refuses past 4,300 digits
    return clip(_REPR.repr(value), limit)


def _digits(number: int) -> int:
    estimate = int(math.log10(number))  # a float: off by one at most, near a power of ten
    if 10**estimate > number:
        estimate -= 1
    elif 10 ** (estimate + 1) <= number:
        estimate += 1
    return estimate + 1


def _bounded(value: object) -> object:
    if isinstance(value, str):
        return clip(value, DETAIL_CHARS)
    if isinstance(value, list | tuple):
        return [_bounded(item) for item in value[:50]]
    return value


class GigcoverError(Exception):
    """Base class: a user-facing error with a machine-readable kind and optional details."""

    kind = "error"

    def __init__(self, message: str, **details: object) -> None:
        message = clip(message, MESSAGE_CHARS)
        super().__init__(message)
        self.message = message
        self.details = {key: _bounded(value) for key, value in details.items()}

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
    # (parameter, date) when the value was looked up at the place asked about (not at a place the formula named):
    # the same look-up at another place says what that place is missing (see evaluate._province_group)
    at_place_asked: tuple[str, object] | None = None


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
