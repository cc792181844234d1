"""Schemas of the posture data files, checked when they are loaded.

Unknown fields are errors, dates must be ordered, and every value carries a source and a
confidence tag. A file that fails raises DataError naming the file and the bad field.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from anpo.core.errors import DataError
from anpo.posture.japanese import JaText

M = TypeVar("M", bound=BaseModel)

Confidence = Literal["confirmed", "partly", "UNVERIFIED"]
Precision = Literal["day", "month", "year"]


def dated(day: dt.date, precision: Precision = "day") -> str:
    """A date printed no more exactly than it is known: 1960, 1960-06 or 1960-06-23."""
    return {"year": f"{day.year}", "month": f"{day:%Y-%m}"}.get(precision, day.isoformat())

LEGAL_STATUS_LABELS = {
    "us_exclusive": "U.S. facility (SOFA Art. II-1(a))",
    "temporary_use": "SDF facility, U.S. temporary use (SOFA Art. II-4(b))",
    "jsdf": "JSDF",
    "civil": "civil",
    "us_administration": "U.S. facility under U.S. administration (before reversion)",
    "us_territory": "U.S. territory",
    "planned": "planned, not in operation",
}
Kind = Literal["airfield", "port", "camp", "radar", "headquarters"]
# A II-1(a) facility that the SDF also uses is still "us_exclusive" (MOD counts it among the
# exclusive-use facilities); the II-4(a) joint use is a dated flag on the facility.
LegalStatus = Literal[
    "us_exclusive",
    "temporary_use",
    "jsdf",
    "civil",
    "us_administration",
    "us_territory",
    "planned",
]
# The accepted values, for messages and CLI choices: read off the types, never listed twice.
KINDS: tuple[str, ...] = get_args(Kind)
LEGAL_STATUSES: tuple[str, ...] = get_args(LegalStatus)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Sourced(_Strict):
    """`source` names the publisher's page or document; `read_from` the copy actually read."""

    source: str = Field(min_length=1)
    read_from: str | None = None
    confidence: Confidence


class Location(Sourced):
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    basis: Literal["runway_midpoint", "reference"]
    approximate: bool

    @model_validator(mode="after")
    def _point_or_runway(self) -> Location:
        has_point = self.lat is not None and self.lon is not None
        if self.basis == "reference" and not has_point:
            raise ValueError("basis 'reference' needs lat and lon")
        if self.basis == "runway_midpoint" and (self.lat is not None or self.lon is not None):
            raise ValueError(
                "basis 'runway_midpoint' is computed from runways.csv: give no lat/lon"
            )
        return self


class Quantity(Sourced):
    value: float = Field(gt=0)


class _DatedSourced(Sourced):
    """A sourced record in force on [from, to); `to` must come after `from`."""

    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> _DatedSourced:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"'to' {self.end} is not after 'from' {self.start}")
        return self


class StatusPeriod(_DatedSourced):
    legal_status: LegalStatus
    precision: Precision = "day"
    note: str | None = None


class JointUsePeriod(_DatedSourced):
    """SDF use of a U.S. (II-1(a)) facility under SOFA Art. II-4(a), in force on [from, to)."""

    precision: Precision = "day"
    note: str | None = None


class UnitPresence(Sourced):
    name: str
    start: dt.date | None = Field(alias="from")
    end: dt.date | None = Field(alias="to")
    precision: Precision = "day"
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> UnitPresence:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"'to' {self.end} is not after 'from' {self.start}")
        return self


class FacilityRecord(Sourced):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    # The Japanese name: MOD's name of the facility and area for U.S. facilities (as in the
    # registry), the operator's (JSDF, airport) name otherwise.
    name_ja: str | None = None
    kind: Kind
    prefecture: str
    host: Literal["JPN", "USA"]
    services: tuple[str, ...] = Field(min_length=1)
    principal_units: str
    icao: str | None = Field(default=None, pattern=r"^[A-Z]{4}$")
    location: Location
    area_km2: Quantity | None = None
    status: tuple[StatusPeriod, ...] = Field(min_length=1)
    joint_use: tuple[JointUsePeriod, ...] = ()
    units: tuple[UnitPresence, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _checks(self) -> FacilityRecord:
        for a, b in zip(self.status, self.status[1:], strict=False):
            if a.end is None or a.end > b.start:
                raise ValueError(f"status periods overlap or are out of order at {b.start}")
        for ja, jb in zip(self.joint_use, self.joint_use[1:], strict=False):
            if ja.end is None or ja.end > jb.start:
                raise ValueError(f"joint_use periods overlap or are out of order at {jb.start}")
        if self.location.basis == "runway_midpoint" and self.icao is None:
            raise ValueError("a runway_midpoint location needs an icao code")
        return self


class FacilitiesFile(_Strict):
    facilities: tuple[FacilityRecord, ...]


class ChangeRecord(Sourced):
    id: str
    date: dt.date
    precision: Precision
    facilities: tuple[str, ...]
    status: Literal["decided", "planned", "reaffirmed", "implemented", "under_way", "target_missed"]
    summary: str


class ChangesFile(_Strict):
    changes: tuple[ChangeRecord, ...]


class ArrangementRecord(_DatedSourced):
    id: str
    name: str
    name_ja: JaText | None = None  # the official Japanese name
    kind: Literal["command", "consultative_body", "guidelines", "coordination_mechanism", "plan"]
    status: Literal["in_force", "announced", "partly_implemented", "uncertain"]
    summary: str
    summary_ja: JaText | None = None
    note: str | None = None


class CommandFile(_Strict):
    arrangements: tuple[ArrangementRecord, ...]


class BurdenFigure(Sourced):
    id: str
    value: float = Field(ge=0)
    unit: Literal["percent", "count", "hectare", "persons"]
    as_of: dt.date
    precision: Precision = "day"
    measure: str


class BurdenNote(Sourced):
    text: str


class BurdenFile(_Strict):
    figures: tuple[BurdenFigure, ...]
    notes: tuple[BurdenNote, ...] = ()


class PointRecord(Sourced):
    id: str
    name: str
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    icao: str | None = None
    basis: Literal["runway_midpoint", "reference"]
    approximate: bool


class PointsFile(_Strict):
    points: tuple[PointRecord, ...]


def validate(model: type[M], raw: object, name: str) -> M:
    """Validate parsed YAML against a schema; DataError names the file and the field."""
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DataError(f"{name}: {where}: {first['msg']}") from None
