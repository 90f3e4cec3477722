"""Periods and dates used by formulas (社保年度, prior-year figures, months as integers)."""

from __future__ import annotations

import datetime as dt


def year_start(date: dt.date, years_back: int = 0) -> dt.date:
    """1 January of the date's year, or of an earlier year (for 'prior-year' statistics)."""
    return dt.date(date.year - years_back, 1, 1)


def month_index(date: dt.date) -> int:
    """Months since year 0: year × 12 + (month − 1). Differences give whole months."""
    return date.year * 12 + date.month - 1
