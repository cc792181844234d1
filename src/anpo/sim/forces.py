"""Forces that can respond on the scenario's date, from the posture registry and the forces table.

A unit row is a (facility, country, type) with a count; its facility must be in operation
on the date (`posture.at`). Distances are WGS-84 geodesics from the facility to the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo import data, posture
from anpo.core.errors import DataError
from anpo.posture.registry import Facility

FORCES_FILE = "sim/forces.yaml"
COUNTRIES = ("JPN", "USA")
TYPES = ("fighter", "tanker", "maritime_patrol", "surface_ship", "amphibious", "coast_guard")
AIRCRAFT = frozenset({"fighter", "tanker", "maritime_patrol"})
SHIPS = frozenset({"surface_ship", "amphibious", "coast_guard"})
# Military responses; tankers support only, and the Coast Guard enforces the law (it is not
# a military force: Japan Coast Guard Law art. 25).
COMBAT = ("fighter", "maritime_patrol", "surface_ship", "amphibious")


@dataclass(frozen=True)
class UnitRow:
    facility: str
    country: str
    type: str
    count: int
    start: dt.date
    end: dt.date | None
    provenance: str  # "source: ..." or "assumption: ...", as for the parameters


@cache
def unit_table() -> tuple[UnitRow, ...]:
    raw = data.read_yaml(FORCES_FILE)
    rows = []
    for i, u in enumerate(raw.get("units", [])):
        if not isinstance(u, Mapping):
            raise DataError(f"{FORCES_FILE}: units[{i}] is not a mapping")
        if u.get("country") not in COUNTRIES or u.get("type") not in TYPES:
            raise DataError(f"{FORCES_FILE}: units[{i}]: country or type")
        if ("source" in u) == ("assumption" in u) or not (u.get("source") or u.get("assumption")):
            raise DataError(f"{FORCES_FILE}: units[{i}]: needs exactly one of source, assumption")
        prov = f"source: {u['source']}" if "source" in u else f"assumption: {u['assumption']}"
        count = u.get("count")
        if not isinstance(count, int) or count <= 0:
            raise DataError(f"{FORCES_FILE}: units[{i}]: count must be a positive integer")
        rows.append(
            UnitRow(str(u["facility"]), u["country"], u["type"], count, u["from"], u.get("to"), str(prov))
        )
    known = set(posture.facilities())
    for r in rows:
        if r.facility not in known:
            raise DataError(f"{FORCES_FILE}: unknown facility {r.facility!r}")
    return tuple(rows)


@dataclass(frozen=True)
class Forces:
    """The responding units on a date, as columns (one entry per unit row)."""

    rows: tuple[UnitRow, ...]
    facilities: tuple[Facility, ...]  # per row
    distance_km: npt.NDArray[np.float64]
    host_is_japan: npt.NDArray[np.bool_]

    def column(self, fn: Any) -> npt.NDArray[Any]:
        return np.array([fn(r) for r in self.rows])


def forces_on(day: dt.date, lat: float, lon: float, closed: frozenset[str] = frozenset()) -> Forces:
    """Units present on `day` at facilities in operation (and not `closed`), with their
    distance to (lat, lon)."""
    active = {f.facility.id: f.facility for f in posture.at(day).facilities if f.facility.id not in closed}
    rows = tuple(
        r for r in unit_table() if r.facility in active and r.start <= day and (r.end is None or day < r.end)
    )
    facs = tuple(active[r.facility] for r in rows)
    if rows:
        dist = posture.distance_matrix_km([f.lat for f in facs], [f.lon for f in facs], [lat], [lon])[:, 0]
    else:
        dist = np.zeros(0)
    host = np.array([f.record.host == "JPN" for f in facs], bool)
    return Forces(rows, facs, dist, host)
