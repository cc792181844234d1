"""U.S. military personnel in Japan by year and service (DMDC).

data/posture/personnel.csv: one row per report (September; June before 1957) and country line
of DMDC's reports, as read from a copy (`read_from`). Until 1973 DMDC listed Okinawa as the
Ryukyu Islands, a line of its own; from 1974 "Japan" includes Okinawa Prefecture. A service
column is empty where the copy's figure does not fit the total. Rows are checked at first
load; a DataError names the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from pydantic import Field, model_validator

from anpo.core.errors import DataError, InputError
from anpo.posture.areas import SourcedRow, csv_rows, parse_rows

PERSONNEL_FILE = "posture/personnel.csv"
SERVICES = ("army", "navy", "marine_corps", "air_force")


class PersonnelRow(SourcedRow):
    year: int = Field(ge=1945, le=2100)
    as_of: dt.date
    country: str = Field(min_length=1)
    active_duty: int = Field(ge=0)
    army: int | None = Field(default=None, ge=0)
    navy: int | None = Field(default=None, ge=0)
    marine_corps: int | None = Field(default=None, ge=0)
    air_force: int | None = Field(default=None, ge=0)
    note: str | None = None

    @model_validator(mode="after")
    def _services_within_total(self) -> PersonnelRow:
        parts = [getattr(self, s) for s in SERVICES if getattr(self, s) is not None]
        if sum(parts) > self.active_duty:
            raise ValueError("the services add up to more than active_duty")
        if self.as_of.year != self.year:
            raise ValueError(f"as_of {self.as_of} is not in year {self.year}")
        return self


@dataclass(frozen=True)
class Personnel:
    rows: tuple[PersonnelRow, ...]

    def to_rows(self) -> list[dict[str, object]]:
        return [r.model_dump(mode="json") for r in self.rows]


@cache
def personnel() -> Personnel:
    """The yearly series (validated at first load; per country, years unique and ascending)."""
    rows = parse_rows(PersonnelRow, csv_rows(PERSONNEL_FILE), PERSONNEL_FILE)
    last: dict[str, int] = {}
    for line, r in enumerate(rows, start=2):
        if r.country in last and r.year <= last[r.country]:
            raise DataError(
                f"{PERSONNEL_FILE}: line {line}: year: {r.year} is not after {last[r.country]} ({r.country})"
            )
        last[r.country] = r.year
    return Personnel(tuple(rows))


def series(start: int | None = None, end: int | None = None) -> Personnel:
    """The rows with start <= year <= end; InputError if the range is empty or reversed."""
    if start is not None and end is not None and end < start:
        raise InputError("to_year", f"{end} is before from_year {start}")
    rows = tuple(
        sorted(
            (
                r
                for r in personnel().rows
                if (start is None or r.year >= start) and (end is None or r.year <= end)
            ),
            key=lambda r: (r.year, r.country),
        )
    )
    if not rows:
        years = [r.year for r in personnel().rows]
        raise InputError("from_year", f"no figures in that range; the data covers {years[0]}-{years[-1]}")
    return Personnel(rows)
