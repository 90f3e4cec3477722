"""The advisor's heuristics (建议口径): risk levels by industry and the lines the advice draws (affordability, the
income from which employee insurance is advised, the suggested resident tier). They are not law, so they live here,
not in gigcover.rules; they are variables in their own registry so overlays, traces and `calc` reach them like any
rule (`gigcover.advisor.model` puts them beside the law's)."""

from gigcover.engine import VariableRegistry

registry = VariableRegistry()

from gigcover.advisor.heuristics import advice, risk  # noqa: E402  (modules register into `registry`)

__all__ = ["advice", "registry", "risk"]
