"""The facility registry: every facility, validated against its schema when loaded."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from anpo import data
from anpo.core.errors import DataError, InputError
from anpo.posture.runways import Runway, current_runways, longest_open_runway, runways
from anpo.posture.schema import (
    KINDS,
    FacilitiesFile,
    FacilityRecord,
    JointUsePeriod,
    PointsFile,
    StatusPeriod,
    UnitPresence,
    validate,
)

FACILITIES_FILE = "posture/facilities.yaml"
POINTS_FILE = "posture/points.yaml"


@dataclass(frozen=True)
class Facility:
    """A facility with its coordinates resolved and its runways attached.

    `runways` are the rows in force today (or, for a facility taken from `posture.at(day)`,
    those in force on that day: see `on`); `all_runways` every dated row.
    """

    record: FacilityRecord
    lat: float
    lon: float
    runways: tuple[Runway, ...]
    all_runways: tuple[Runway, ...] = ()

    def on(self, day: dt.date) -> Facility:
        """This facility with the runways in force on `day`."""
        return dataclasses.replace(self, runways=tuple(r for r in self.all_runways if r.in_force(day)))

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def prefecture(self) -> str:
        return self.record.prefecture

    @property
    def approximate(self) -> bool:
        return self.record.location.approximate

    def status_on(self, day: dt.date) -> StatusPeriod | None:
        """The status period in force on `day` (half-open intervals), or None."""
        for p in self.record.status:
            if p.start <= day and (p.end is None or day < p.end):
                return p
        return None

    def joint_use_on(self, day: dt.date) -> JointUsePeriod | None:
        """The SOFA Art. II-4(a) joint-use period in force on `day`, or None."""
        for p in self.record.joint_use:
            if p.start <= day and (p.end is None or day < p.end):
                return p
        return None

    def units_on(self, day: dt.date) -> list[UnitPresence]:
        """Dated unit entries present on `day`."""
        return [
            u
            for u in self.record.units
            if (u.start is None or u.start <= day) and (u.end is None or day < u.end)
        ]

    def to_dict(self, day: dt.date | None = None) -> dict[str, object]:
        r = self.record
        out: dict[str, object] = {
            "id": r.id,
            "name": r.name,
            "name_ja": r.name_ja,
            "kind": r.kind,
            "prefecture": r.prefecture,
            "host": r.host,
            "services": list(r.services),
            "principal_units": r.principal_units,
            "icao": r.icao,
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "location": {
                "basis": r.location.basis,
                "approximate": r.location.approximate,
                "source": r.location.source,
                "confidence": r.location.confidence,
            },
            "runways": [rw.to_dict() for rw in self.runways],
            "source": r.source,
            "read_from": r.read_from,
            "confidence": r.confidence,
        }
        if r.area_km2 is not None:
            out["area_km2"] = r.area_km2.model_dump()
        if day is not None:
            st = self.status_on(day)
            out["status"] = None if st is None else _status_dict(st)
            ju = self.joint_use_on(day)
            out["joint_use"] = None if ju is None else _joint_dict(ju)
            out["units"] = [_unit_dict(u) for u in self.units_on(day)]
        else:
            out["status_history"] = [_status_dict(p) for p in r.status]
            out["joint_use_history"] = [_joint_dict(p) for p in r.joint_use]
            out["units"] = [_unit_dict(u) for u in r.units]
        return out


def _status_dict(p: StatusPeriod) -> dict[str, object]:
    return {
        "legal_status": p.legal_status,
        "from": p.start.isoformat(),
        "to": None if p.end is None else p.end.isoformat(),
        "precision": p.precision,
        "source": p.source,
        "read_from": p.read_from,
        "confidence": p.confidence,
        "note": p.note,
    }


def _joint_dict(p: JointUsePeriod) -> dict[str, object]:
    return {
        "basis": "SOFA Art. II-4(a)",
        "from": p.start.isoformat(),
        "to": None if p.end is None else p.end.isoformat(),
        "source": p.source,
        "read_from": p.read_from,
        "confidence": p.confidence,
        "note": p.note,
    }


def _unit_dict(u: UnitPresence) -> dict[str, object]:
    return {
        "name": u.name,
        "from": None if u.start is None else u.start.isoformat(),
        "to": None if u.end is None else u.end.isoformat(),
        "source": u.source,
        "confidence": u.confidence,
        "note": u.note,
    }


def _resolve_point(
    basis: str, lat: float | None, lon: float | None, icao: str | None, where: str
) -> tuple[float, float]:
    if basis == "runway_midpoint":
        if icao is None:
            raise DataError(f"{where}: runway_midpoint needs an icao code")
        return longest_open_runway(icao).midpoint()
    if lat is None or lon is None:
        raise DataError(f"{where}: reference point needs lat and lon")
    return lat, lon


@cache
def facilities() -> dict[str, Facility]:
    """Every facility in the registry, by id (validated at load)."""
    parsed = validate(FacilitiesFile, data.read_yaml(FACILITIES_FILE), FACILITIES_FILE)
    table = runways()
    out: dict[str, Facility] = {}
    for rec in parsed.facilities:
        where = f"{FACILITIES_FILE}: {rec.id}"
        if rec.id in out:
            raise DataError(f"{where}: id defined twice")
        if rec.icao is not None and rec.icao not in table:
            raise DataError(f"{where}: icao {rec.icao} has no rows in runways.csv")
        loc = rec.location
        lat, lon = _resolve_point(loc.basis, loc.lat, loc.lon, rec.icao, where)
        every = table.get(rec.icao, ()) if rec.icao else ()
        now = current_runways(rec.icao) if rec.icao else ()
        out[rec.id] = Facility(rec, lat, lon, now, every)
    return out


def facility(facility_id: str) -> Facility:
    """One facility by id; InputError lists the accepted ids."""
    table = facilities()
    if facility_id not in table:
        raise InputError("facility", f"unknown id {facility_id!r}; accepted: {', '.join(table)}")
    return table[facility_id]


@dataclass(frozen=True)
class Point:
    id: str
    name: str
    lat: float
    lon: float
    approximate: bool
    source: str
    confidence: str


@cache
def points() -> dict[str, Point]:
    """Named reference points (Senkaku, Taipei, ...) for distance questions."""
    parsed = validate(PointsFile, data.read_yaml(POINTS_FILE), POINTS_FILE)
    out: dict[str, Point] = {}
    for p in parsed.points:
        lat, lon = _resolve_point(p.basis, p.lat, p.lon, p.icao, f"{POINTS_FILE}: {p.id}")
        out[p.id] = Point(p.id, p.name, lat, lon, p.approximate, p.source, p.confidence)
    return out


def check_kind(kind: str | None, field: str = "kind") -> str | None:
    """Validate a facility kind; InputError lists the accepted kinds."""
    if kind is not None and kind not in KINDS:
        raise InputError(field, f"unknown kind {kind!r}; accepted: {', '.join(KINDS)}")
    return kind


def coordinates(ids: list[str]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """lat, lon columns of the given facility or point ids (facilities first, then points)."""
    f, p = facilities(), points()
    lat = np.empty(len(ids))
    lon = np.empty(len(ids))
    for i, key in enumerate(ids):
        if key in f:
            lat[i], lon[i] = f[key].lat, f[key].lon
        elif key in p:
            lat[i], lon[i] = p[key].lat, p[key].lon
        else:
            raise InputError("id", f"unknown facility or point {key!r}", row=i)
    return lat, lon
