"""Dates as integer day numbers (days since 1970-01-01), the form every column uses.

Intervals are half-open: a rule in force `[start, end)` applies on day d when
start <= d < end. A change takes effect on its own day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from anpo.core.errors import InputError

EPOCH = dt.date(1970, 1, 1)
FIRST_DATE = dt.date(1945, 9, 2)  # Instrument of Surrender: where anpo's history begins
LAST_DATE = dt.date(2100, 12, 31)
FOREVER = 10**6  # a day number beyond any date anpo accepts

DayArray = npt.NDArray[np.int32]


def to_day(d: dt.date) -> int:
    """Day number of a date."""
    return (d - EPOCH).days


def from_day(day: int) -> dt.date:
    """Date of a day number."""
    return EPOCH + dt.timedelta(days=int(day))


def parse_date(text: object, field: str = "date", *, bounded: bool = True) -> dt.date:
    """Parse a strict `YYYY-MM-DD` calendar date; InputError names `field` otherwise."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        value = text
    elif isinstance(text, str):
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise InputError(field, f"expected a date YYYY-MM-DD, got {text!r}")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise InputError(field, f"{text!r} is not a real calendar day") from None
    else:
        raise InputError(field, f"expected a date string YYYY-MM-DD, got {type(text).__name__}")
    if bounded and not FIRST_DATE <= value <= LAST_DATE:
        raise InputError(
            field, f"{value.isoformat()} is outside {FIRST_DATE.isoformat()}..{LAST_DATE.isoformat()}"
        )
    return value


def days_from_dates(dates: list[dt.date]) -> DayArray:
    """Column of day numbers from a list of dates."""
    return np.fromiter((to_day(d) for d in dates), dtype=np.int32, count=len(dates))
