"""What to do next for each plan item: where and how to enrol, how to pay, by when, whom to call (下一步怎么办).

The steps are parameters (`advisor.next_steps.<scheme>`: dated, cited, verified, by region where a province differs),
read for the place the item is held, so they are cited like any rule and a province's own steps override the
national ones.
"""

from __future__ import annotations

from typing import Any

from gigcover.engine.errors import NotInForceError, UnknownNameError

from .context import Context

HOTLINES = {  # whom to call, by item (人社 12333; 医保 12393)
    "occupational_injury": "12333",
    "medical": "12393",
    "pension": "12333",
    "unemployment": "12333",
}
STEP_FIELDS = ("zh", "en", "channel", "channel_en", "url", "deadline", "deadline_en")


def next_steps(c: Context, item: str, scheme: str, place: str) -> tuple[list[dict[str, Any]], dict[str, object] | None]:
    """The steps for `scheme` held at `place` (work_place / hukou_place / none), and the citation they rest on."""
    region = c.places.get(place, c.places["work_place"])
    try:
        hit = c.ask.model.store.lookup(f"advisor.next_steps.{scheme}", c.request.date, region)
    except (NotInForceError, UnknownNameError):
        return [], None
    insured_away = place == "hukou_place" and c.away_from_home
    steps = [
        {key: step.get(key) for key in STEP_FIELDS}
        for step in hit.value
        if step.get("when") is None or (step.get("when") == "insured_away" and insured_away)
    ]
    citation: dict[str, object] = {
        "key": f"advisor.next_steps.{scheme}",
        **hit.reference.model_dump(exclude_none=True),
        "verified": hit.verified,
    }
    citation.pop("file", None)  # a repository path is no source a worker can open
    return steps, citation


def hotline(item: str) -> str:
    return HOTLINES.get(item, "12333")
