"""Employment classification (用工形式与法律关系): parameters/employment, tests/rules/employment."""

from gigcover.rules.employment.classification import (
    COUNTERPARTIES,
    INDUSTRIES,
    Counterparty,
    EmploymentForm,
    Industry,
    LegalRelation,
    NewFormCategory,
)

__all__ = [
    "COUNTERPARTIES",
    "INDUSTRIES",
    "Counterparty",
    "EmploymentForm",
    "Industry",
    "LegalRelation",
    "NewFormCategory",
]
