"""A synthetic population of platform workers (平台从业人员合成人口), calibrated to published figures.

`generate(size, seed)` gives Arrow tables (`.people`, `.segments`); `write_population(path, size, seed)` writes them
as Parquet in chunks; `read_population(path)` gives the engine's inputs (codes), ready for `gigcover.compute`;
`describe(path)` the margins beside their targets.
"""

from gigcover.policylab.population.build import (
    DEFAULT_CHUNK_ROWS,
    generate,
    generate_chunks,
    read_population,
    write_population,
)
from gigcover.policylab.population.calibration import Calibration, default_calibration, load_calibration
from gigcover.policylab.population.margins import MarginResult, describe
from gigcover.policylab.population.storage import EngineInputs, Population

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "Calibration",
    "EngineInputs",
    "MarginResult",
    "Population",
    "default_calibration",
    "describe",
    "generate",
    "generate_chunks",
    "load_calibration",
    "read_population",
    "write_population",
]
