"""Risk profile by industry (风险识别): the paper's first step of unbundled provision (四（4）). Parameters:
parameters/risk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gigcover.advisor.heuristics import registry
from gigcover.engine import Array, Categorical, Inputs, Params, gather
from gigcover.rules.employment.classification import Industry


class RiskLevel(Categorical):
    """How large a risk is for an industry (风险程度)."""

    HIGH = "high", "高", "high"
    MEDIUM = "medium", "中", "medium"
    LOW = "low", "低", "low"


LEVELS = RiskLevel.ids()
RISKS = ("accident", "illness", "unemployment", "old_age")
RISK_LABELS = {
    "accident": ("意外伤害风险", "Accident risk"),
    "illness": ("疾病风险", "Illness risk"),
    "unemployment": ("失业（收入中断）风险", "Unemployment (income loss) risk"),
    "old_age": ("老年收入风险", "Old-age income risk"),
}


def _levels_by_industry(levels: Any, risk: str) -> np.ndarray:
    return Industry.dense(
        {industry: RiskLevel.of(by_risk[risk]) for industry, by_risk in dict(levels).items()}, dtype=np.int8
    )


def _level(risk: str) -> Callable[[Inputs, Params], Array]:
    def formula(v: Inputs, p: Params) -> Array:
        table = p.derived("risk.by_industry", lambda levels: _levels_by_industry(levels, risk), key=risk)
        return gather(table, v.industry)

    formula.__name__ = formula.__qualname__ = f"{risk}_risk_level"
    formula.__doc__ = f"{RISK_LABELS[risk][1]} of the worker's industry (high / medium / low)."
    return formula


for _risk in RISKS:
    registry.formula(
        RISK_LABELS[_risk][0],
        RISK_LABELS[_risk][1],
        "enum",
        enum=RiskLevel,
        inputs=("industry",),
        parameters=("risk.by_industry",),
        references=("seed_paper.unbundling",),
    )(_level(_risk))
