"""Chinese and English names for the values the rules produce (shown by the CLI and the web).

A categorical value's names come from its variable's enum (each member carries zh/en labels), so two variables that
share a value name ("none" as a route and as a place) keep their own labels.
"""

from __future__ import annotations

from typing import Any, Literal

from gigcover.engine.evaluate import Model

Lang = Literal["zh", "en"]


def value_label(model: Model, variable: str, value: Any, lang: Lang) -> str:
    """The label of `value` (a name in the JSON contract, or a list of names) of the categorical `variable`."""
    enum = model.variable(variable).enum
    if enum is None:
        return str(value)
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(enum.of(item).label(lang) for item in value)
    return enum.of(str(value)).label(lang)


def stars(severity: int) -> str:
    return "★" * int(severity) if severity else "—"
