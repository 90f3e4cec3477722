"""Risk profile by industry (风险识别): the paper's first step of unbundled provision (四（4）)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gigcover.engine.vector import lookup, scalar_if_0d
from gigcover.rules import registry

LEVELS = ("high", "medium", "low")
RISKS = ("accident", "illness", "unemployment", "old_age")
RISK_LABELS = {
    "accident": ("意外伤害风险", "Accident risk"),
    "illness": ("疾病风险", "Illness risk"),
    "unemployment": ("失业（收入中断）风险", "Unemployment (income loss) risk"),
    "old_age": ("老年收入风险", "Old-age income risk"),
}


def _level(risk: str) -> Any:
    def formula(v: Any, p: Any) -> Any:
        table = {industry: levels[risk] for industry, levels in dict(p("risk.by_industry")).items()}
        return scalar_if_0d(np.asarray(lookup(table, v.industry), dtype=str))

    formula.__name__ = formula.__qualname__ = f"{risk}_risk_level"
    formula.__doc__ = f"{RISK_LABELS[risk][1]} of the worker's industry (high / medium / low)."
    return formula


for _risk in RISKS:
    registry.formula(
        RISK_LABELS[_risk][0],
        RISK_LABELS[_risk][1],
        "str",
        allowed=LEVELS,
        inputs=("industry",),
        parameters=("risk.by_industry",),
        references=("seed_paper.unbundling",),
    )(_level(_risk))
