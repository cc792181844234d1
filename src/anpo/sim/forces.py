"""Forces that can respond on the scenario's date, from the posture registry and the forces table.

A unit row is a named unit's (facility, country, type) with a count over a period [from, to):
an order of battle by date. Its facility must also be in operation on the date (`posture.at`).
The count is what the runs use; `count_range` is what the public record supports (required
for an assumed count). Distances are WGS-84 geodesics from the facility to the event.
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


KEYS = frozenset(
    {"unit", "facility", "country", "type", "count", "count_range", "from", "to", "source", "assumption"}
)


@dataclass(frozen=True)
class UnitRow:
    facility: str
    country: str
    type: str
    count: int
    start: dt.date
    end: dt.date | None
    provenance: str  # "source: ..." or "assumption: ...", as for the parameters
    unit: str = ""
    low: int | None = None  # the count's range where only a range is known
    high: int | None = None

    def on(self, day: dt.date) -> bool:
        """Whether the row is in the order of battle on `day` (its facility aside)."""
        return self.start <= day and (self.end is None or day < self.end)


@cache
def unit_table() -> tuple[UnitRow, ...]:
    raw = data.read_yaml(FORCES_FILE)
    rows = [_row(i, u) for i, u in enumerate(raw.get("units", []))]
    _check_periods(rows)
    known = set(posture.facilities())
    for r in rows:
        if r.facility not in known:
            raise DataError(f"{FORCES_FILE}: unknown facility {r.facility!r}")
    return tuple(rows)


def _row(i: int, u: object) -> UnitRow:
    where = f"{FORCES_FILE}: units[{i}]"
    if not isinstance(u, Mapping):
        raise DataError(f"{where} is not a mapping")
    extra = set(u) - KEYS
    if extra:
        raise DataError(f"{where}: unknown keys {sorted(extra)}")
    if u.get("country") not in COUNTRIES or u.get("type") not in TYPES:
        raise DataError(f"{where}: country or type")
    if ("source" in u) == ("assumption" in u) or not (u.get("source") or u.get("assumption")):
        raise DataError(f"{where}: needs exactly one of source, assumption")
    prov = f"source: {u['source']}" if "source" in u else f"assumption: {u['assumption']}"
    count = u.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
        raise DataError(f"{where}: count must be a positive integer")
    low, high = _count_range(where, u.get("count_range"), count)
    if "assumption" in u and low is None:
        raise DataError(f"{where}: an assumed count needs count_range: [low, high]")
    start, end = u.get("from"), u.get("to")
    if not isinstance(start, dt.date) or not (end is None or isinstance(end, dt.date)):
        raise DataError(f"{where}: from must be a date, to a date or null")
    if end is not None and end <= start:
        raise DataError(f"{where}: to ({end}) must be after from ({start})")
    return UnitRow(
        str(u["facility"]),
        u["country"],
        u["type"],
        count,
        start,
        end,
        prov,
        str(u.get("unit") or ""),
        low,
        high,
    )


def _count_range(where: str, value: object, count: int) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    ):
        raise DataError(f"{where}: count_range must be [low, high], whole numbers >= 0")
    low, high = value
    if not low <= count <= high:
        raise DataError(f"{where}: count {count} is outside count_range [{low}, {high}]")
    return low, high


def _check_periods(rows: list[UnitRow]) -> None:
    """The periods of one named unit must not overlap: a unit is in one place at a time,
    and a move or a change of aircraft is a new row."""
    by_unit: dict[str, list[UnitRow]] = {}
    for r in rows:
        if r.unit:
            by_unit.setdefault(r.unit, []).append(r)
    for name, periods in by_unit.items():
        periods.sort(key=lambda r: r.start)
        for a, b in zip(periods, periods[1:], strict=False):
            if a.end is None or b.start < a.end:
                raise DataError(f"{FORCES_FILE}: unit {name!r}: periods overlap ({a.start} and {b.start})")


def order_of_battle(day: dt.date) -> tuple[UnitRow, ...]:
    """The unit rows in the order of battle on `day`, at facilities in operation then."""
    active = {f.facility.id for f in posture.at(day).facilities}
    return tuple(r for r in unit_table() if r.facility in active and r.on(day))


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
    rows = tuple(r for r in unit_table() if r.facility in active and r.on(day))
    facs = tuple(active[r.facility] for r in rows)
    if rows:
        dist = posture.distance_matrix_km([f.lat for f in facs], [f.lon for f in facs], [lat], [lon])[:, 0]
    else:
        dist = np.zeros(0)
    host = np.array([f.record.host == "JPN" for f in facs], bool)
    return Forces(rows, facs, dist, host)
