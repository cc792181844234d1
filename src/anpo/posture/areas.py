"""The SOFA facility registry: every facility and area by name, FAC number, prefecture, legal
basis and dates, with areas by date and the totals MOD and Okinawa Prefecture publish.

Three tables under data/posture/, each checked row by row when first loaded (a DataError names
the file, the line and the field):

- registry.csv: one row per facility or area. `basis` is SOFA Art. II-1(a) (MOD's
  "exclusive-use" list, including those the SDF also uses: `joint_use_from` dates the
  II-4(a) flag) or II-4(b) (an SDF facility the U.S. may use for limited periods). `from`/`to`
  date the provision and the return (half-open). Where the start is not known, `listed_on`
  is a date on which a published list includes the row; it is in the registry from then.
- registry_areas.csv: areas (km²) by facility and date, each with its `measure`: MOD's
  exclusive-use measure (blank) or a local government's own land figure (`local`).
- published_totals.csv: the totals (count, km², Okinawa's share) that the publishers print,
  against which the registry's computed totals are checked; Okinawa's share is also computed
  from their areas of one date (footprint.published_share_on). Never summed into the registry.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from anpo import data
from anpo.core.errors import DataError
from anpo.posture.schema import Confidence, Precision, dated

REGISTRY_FILE = "posture/registry.csv"
AREAS_FILE = "posture/registry_areas.csv"
TOTALS_FILE = "posture/published_totals.csv"

# The 1960 SOFA replaced the 1952 Administrative Agreement (Art. II) on this day.
SOFA_IN_FORCE = dt.date(1960, 6, 23)
# Okinawa reverted to Japan on this day; before it its bases were not facilities provided by
# Japan and are not in the registry (facilities.yaml models them as `us_administration`).
OKINAWA_REVERSION = dt.date(1972, 5, 15)
Basis = Literal["II-1(a)", "II-4(b)"]
BASIS_LABELS = {
    "II-1(a)": "U.S. facility, SOFA Art. II-1(a) (exclusive use)",
    "II-4(b)": "SDF facility, U.S. temporary use, SOFA Art. II-4(b)",
}

R = TypeVar("R", bound=BaseModel)


def _blank_to_none(v: object) -> object:
    return None if v == "" else v


class SourcedRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: str = Field(min_length=1)
    read_from: str | None = None
    confidence: Confidence

    @field_validator("*", mode="before")
    @classmethod
    def _blank(cls, v: object) -> object:
        return _blank_to_none(v)


class RegistryRow(SourcedRow):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    fac: str | None = Field(default=None, pattern=r"^[0-9]{4}$")
    name: str = Field(min_length=1)
    name_ja: str = Field(min_length=1)
    prefecture: str = Field(min_length=1)
    basis: Basis
    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="to")
    precision: Precision | None = None
    listed_on: dt.date | None = None
    joint_use_from: dt.date | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    point_source: str | None = None
    facility: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _checks(self) -> RegistryRow:
        if self.start is None and self.listed_on is None:
            raise ValueError("needs 'from' or 'listed_on'")
        first = self.start or self.listed_on
        if self.end is not None and first is not None and self.end <= first:
            raise ValueError(f"'to' {self.end} is not after {first}")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        if self.lat is not None and not self.point_source:
            raise ValueError("a point needs point_source")
        if self.joint_use_from is not None and self.basis != "II-1(a)":
            raise ValueError("joint_use_from (SOFA II-4(a)) applies to II-1(a) facilities only")
        return self

    @property
    def first_day(self) -> dt.date:
        """The first day the row is in the registry: its start, or the list that names it."""
        day = self.start or self.listed_on
        assert day is not None  # checked by the validator
        return day

    def in_force(self, day: dt.date) -> bool:
        return self.first_day <= day and (self.end is None or day < self.end)


Measure = Literal["local"]
MEASURE_LABELS = {
    None: "MOD's exclusive-use measure (or the Okinawa statistics that follow it)",
    "local": "a prefecture's or municipality's own land figure for the whole facility",
}


class AreaRow(SourcedRow):
    id: str
    as_of: dt.date
    area_km2: float = Field(gt=0)
    # blank: MOD's measure of the exclusive-use (II-1(a)) area, or a figure on it; "local": a
    # local government's land figure, which may count parts MOD does not (Kanagawa's says it
    # includes the parts the SDF also use), so sums of such rows may exceed MOD's totals
    measure: Measure | None = None
    note: str | None = None

    @property
    def local(self) -> bool:
        return self.measure == "local"


class TotalRow(SourcedRow):
    as_of: dt.date
    # "year": only the year is printed (stored as its first day); `as_of_label` says so
    precision: Precision | None = None
    scope: str = Field(min_length=1)  # "Japan" or a prefecture
    facilities: int | None = Field(default=None, gt=0)
    area_km2: float | None = Field(default=None, gt=0)
    okinawa_share_pct: float | None = Field(default=None, gt=0, le=100)
    note: str | None = None

    @model_validator(mode="after")
    def _some_figure(self) -> TotalRow:
        if self.facilities is None and self.area_km2 is None and self.okinawa_share_pct is None:
            raise ValueError("needs facilities, area_km2 or okinawa_share_pct")
        return self

    @property
    def as_of_label(self) -> str:
        return dated(self.as_of, self.precision or "day")


def csv_rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    with data.path(name).open(encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh), start=2)


def parse_rows(model: type[R], rows: Iterator[tuple[int, dict[str, str]]], name: str) -> list[R]:
    """Validate CSV rows against a model; DataError names the file, the line and the field."""
    out = []
    for line, raw in rows:
        if None in raw:
            raise DataError(f"{name}: line {line}: more cells than columns")
        try:
            out.append(model.model_validate(raw))
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "row"
            raise DataError(f"{name}: line {line}: {field}: {first['msg']}") from None
    return out


@dataclass(frozen=True)
class Registry:
    rows: tuple[RegistryRow, ...]
    areas: dict[str, tuple[AreaRow, ...]]  # by id, in date order
    totals: tuple[TotalRow, ...]

    def row(self, rid: str) -> RegistryRow | None:
        return next((r for r in self.rows if r.id == rid), None)


@cache
def registry() -> Registry:
    """The registry, its areas and the published totals (validated at first load)."""
    from anpo.posture.registry import facilities  # the linked facilities (points, runways)

    rows = parse_rows(RegistryRow, csv_rows(REGISTRY_FILE), REGISTRY_FILE)
    seen: set[str] = set()
    known = facilities()
    for line, r in enumerate(rows, start=2):
        if r.id in seen:
            raise DataError(f"{REGISTRY_FILE}: line {line}: id: {r.id!r} defined twice")
        seen.add(r.id)
        if r.facility is not None and r.facility not in known:
            raise DataError(f"{REGISTRY_FILE}: line {line}: facility: unknown facility {r.facility!r}")
    areas: dict[str, list[AreaRow]] = {}
    for line, a in enumerate(parse_rows(AreaRow, csv_rows(AREAS_FILE), AREAS_FILE), start=2):
        if a.id not in seen:
            raise DataError(f"{AREAS_FILE}: line {line}: id: {a.id!r} is not in {REGISTRY_FILE}")
        areas.setdefault(a.id, []).append(a)
    totals = parse_rows(TotalRow, csv_rows(TOTALS_FILE), TOTALS_FILE)
    return Registry(
        tuple(rows),
        {k: tuple(sorted(v, key=lambda a: a.as_of)) for k, v in areas.items()},
        tuple(sorted(totals, key=lambda t: (t.as_of, t.scope))),
    )


def legal_basis_on(row: RegistryRow, day: dt.date) -> str:
    """The instrument the row rests on at `day`: the SOFA article, or before 1960-06-23 the
    1952 Administrative Agreement (Art. II), which the SOFA replaced."""
    if day < SOFA_IN_FORCE:
        return "Administrative Agreement (1952) Art. II"
    return f"SOFA Art. {row.basis}"
