"""The rules engine: dated, cited parameters; variables with declared inputs; evaluation with traces.

It knows no rule: a rules package declares its variables in a `VariableRegistry` and hands them, with the folders of
its parameters and sources, to `build_model`. What a rules package may use is exported here; the rest is the engine's
own business (a layering contract in `make test` holds both directions).

A formula reads like the article it cites: `def name(v: Inputs, p: Params) -> Array`, where `v.<input>` is a numpy
array (one row per person) and `p("parameter")` the value in force on the question's date and place.
"""

from gigcover.engine import periods
from gigcover.engine.enums import Categorical, bitset
from gigcover.engine.errors import GigcoverError, InputValueError, NotInForceError, shown
from gigcover.engine.evaluate import Inputs, Model, Params, Recording
from gigcover.engine.model import build_model
from gigcover.engine.money import round_money
from gigcover.engine.parameters import ParameterHit
from gigcover.engine.regions import NATIONAL, RegionTable
from gigcover.engine.variables import CALL_REGION, Decision, RowTable, ValueType, VariableRegistry
from gigcover.engine.vector import Array, choose, gather, select

__all__ = [
    "CALL_REGION",
    "NATIONAL",
    "Array",
    "Categorical",
    "Decision",
    "GigcoverError",
    "InputValueError",
    "Inputs",
    "Model",
    "NotInForceError",
    "ParameterHit",
    "Params",
    "Recording",
    "RegionTable",
    "RowTable",
    "ValueType",
    "VariableRegistry",
    "bitset",
    "build_model",
    "choose",
    "gather",
    "periods",
    "round_money",
    "select",
    "shown",
]
