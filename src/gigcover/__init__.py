"""gigcover: social protection for China's internet-platform flexible workers (互联网平台灵活就业群体的社会保障).

The Python API: `gigcover.calculate(request)` (the `calc` contract, JSON-ready in and out) and
`gigcover.compute(inputs, outputs, date=..., region=...)` (numpy arrays in and out; see `gigcover.public`), and
`gigcover.simulate(population, scenarios)` (the policy lab).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Computed", "calculate", "compute", "simulate"]

if TYPE_CHECKING:
    from gigcover.public import Computed, calculate, compute, simulate


def __getattr__(name: str) -> Any:
    """Imported on first use, so `import gigcover` (and the CLI's start-up) does not load the rules."""
    if name in __all__:
        from gigcover import public

        return getattr(public, name)
    raise AttributeError(f"module 'gigcover' has no attribute {name!r}")
