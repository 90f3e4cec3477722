"""Scheme access (参保路径) by labour relation and hukou: the paper's Table 2, and how the law moved since.

parameters/coverage (table2/, hukou/), tests/rules/coverage. Modules: categories (the categoricals), table2 (cell,
stars, routes), hukou (limits at the place of work), access (each scheme's route, place and payers).
"""

from gigcover.rules.coverage import access, hukou, table2
from gigcover.rules.coverage.categories import (
    ACCESS,
    PLACES,
    PLATFORMS,
    SCHEME_LABELS,
    SCHEME_OUTPUTS,
    SCHEMES,
    TABLE2_CELLS,
    TABLE2_OPTIONS,
    TABLE2_OUTPUTS,
    Access,
    Payer,
    Place,
    Platform,
    Table2Cell,
    Table2Option,
)

__all__ = [
    "ACCESS",
    "PLACES",
    "PLATFORMS",
    "SCHEMES",
    "SCHEME_LABELS",
    "SCHEME_OUTPUTS",
    "TABLE2_CELLS",
    "TABLE2_OPTIONS",
    "TABLE2_OUTPUTS",
    "Access",
    "Payer",
    "Place",
    "Platform",
    "Table2Cell",
    "Table2Option",
    "access",
    "hukou",
    "table2",
]
