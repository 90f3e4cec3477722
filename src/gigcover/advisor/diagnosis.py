"""Where the worker stands now (诊断): the legal relation, each scheme's route and place, what is held, what is
missing — and the same in a worker's words, the paper's Table 2 and the document numbers kept for the sources."""

from __future__ import annotations

from typing import Any

from . import text
from .context import Context

NEEDS = {  # a plan item and the schemes that meet it
    "occupational_injury": {"work_injury", "occupational_injury"},
    "medical": {"employee_medical", "resident_medical"},
    "pension": {"employee_pension", "resident_pension"},
    "unemployment": {"unemployment"},
}
CATEGORY_SOURCES = {
    "labor_relation": "mohrss_2021_56.category1",
    "incomplete_labor_relation": "mohrss_2021_56.category2",
    "civil_relation": "mohrss_2021_56.category3",
}
SCHEMES_WITH_PLACE = ("employee_pension", "employee_medical", "resident_pension", "resident_medical")


def diagnosis(c: Context, schemes: tuple[str, ...]) -> dict[str, Any]:
    """{legal_relation, employment_form, …, schemes, covered, gaps, summary_zh, summary_en, sources}."""
    facts = c.facts
    rows = []
    for s in schemes:
        held = s in c.enrolled or facts[f"{s}_access"] in ("employer", "platform")
        told = c.profile.enrolment_places.get(s) if s in c.enrolled else None
        rows.append(
            {
                "scheme": s,
                "access": facts[f"{s}_access"],
                "place": told or facts[f"{s}_place"],
                "payers": facts[f"{s}_payers"],
                "enrolled": held,
                "place_told": told is not None,
            }
        )
    covered = {row["scheme"] for row in rows if row["enrolled"]}
    gaps = [item for item, options in NEEDS.items() if not covered & options]
    found = {
        key: facts[key]
        for key in (
            "legal_relation",
            "employment_form",
            "new_form_category",
            "table2_cell",
            "table2_severity",
            "table2_options",
        )
    }
    found |= {"schemes": rows, "covered": sorted(covered), "gaps": gaps}
    found["summary_zh"], found["summary_en"] = text.summary(found, c.profile.industry, c.profile.own_business)
    found["trade_zh"], found["trade_en"] = text.trade(c.profile.industry)
    sources = ["seed_paper.table1", "seed_paper.table2"]
    category = CATEGORY_SOURCES.get(str(facts["new_form_category"]))
    if category:
        sources.append(category)
    found["sources"] = c.cite(*sources)
    return found
