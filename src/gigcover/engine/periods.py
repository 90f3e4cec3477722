"""Periods and dates used by formulas (社保年度, prior-year figures, months as integers)."""

from __future__ import annotations

import datetime as dt


def month_index(date: dt.date) -> int:
    """Months since year 0: year × 12 + (month − 1). Differences give whole months."""
    return date.year * 12 + date.month - 1
