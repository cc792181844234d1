"""Where an incident happened: who administered the place, and whether it is on a facility.

Two questions the SOFA leaves to the map:

- Administration. The SOFA applies where Japan administers. A place under U.S.
  administration on the date (Okinawa before 1972-05-15, the Bonins before 1968-06-26) was
  outside it: U.S. authorities governed there directly and anpo does not model that law.
- Facilities. The posture registry has a reference point per facility, not its boundary, so
  "on a facility" is approximate: within a circle around the point, of the facility's land
  area where the registry records it, else of `DEFAULT_RADIUS_KM`. Art. XVII allocates
  jurisdiction the same way on and off a facility; the answer is context, not a ground.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo import geo, posture
from anpo.core.codes import NULL, USA, country_code, country_name
from anpo.core.dates import to_day
from anpo.posture.schema import LEGAL_STATUS_LABELS

# Facilities used by U.S. forces on a date: SOFA Art. II facilities and areas, and before
# reversion the bases under U.S. administration.
US_FACILITY_STATUSES = ("us_exclusive", "joint_use", "temporary_use", "us_administration")
DEFAULT_RADIUS_KM = 1.5  # a small base's half-width; stated in every answer
NEAR_KM = 20.0  # farther than this the nearest facility is not worth naming


@dataclass(frozen=True)
class IncidentPlace:
    """Per-row location facts (rows without lat/lon have code NULL and no facility)."""

    administered_by: npt.NDArray[np.int16]  # country code or NULL
    unit: list[str | None]  # the island group or country's name
    reverted_on: list[dt.date | None]  # U.S.-administered rows: when Japan took over
    facility: list[dict[str, Any] | None]  # nearest U.S. facility in use, within NEAR_KM

    def us_administered(self) -> npt.NDArray[np.bool_]:
        return self.administered_by == country_code(USA)


def radius_km(f: posture.Facility) -> tuple[float, str]:
    """The radius of the circle that stands for a facility, and how it was chosen."""
    area = f.record.area_km2
    if area is not None:
        return math.sqrt(area.value / math.pi), f"circle of the facility's recorded area ({area.value:g} km2)"
    return DEFAULT_RADIUS_KM, "default radius: no area recorded"


def _nearest_facilities(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], days: Sequence[dt.date]
) -> list[dict[str, Any] | None]:
    table = list(posture.facilities().values())
    out: list[dict[str, Any] | None] = [None] * len(days)
    located = np.flatnonzero(~np.isnan(lat))
    if not table or not len(located):
        return out
    km = posture.distance_matrix_km(
        lat[located], lon[located], [f.lat for f in table], [f.lon for f in table]
    )
    for row, i in enumerate(located.tolist()):
        best: tuple[float, posture.Facility, str] | None = None
        for j, f in enumerate(table):
            status = f.status_on(days[i])
            if status is None or status.legal_status not in US_FACILITY_STATUSES:
                continue
            if best is None or km[row, j] < best[0]:
                best = (float(km[row, j]), f, status.legal_status)
        if best is None:
            continue
        distance, f, legal_status = best
        if distance > NEAR_KM:
            continue
        r, basis = radius_km(f)
        out[i] = {
            "id": f.id, "name": f.name, "legal_status": legal_status,
            "legal_status_label": LEGAL_STATUS_LABELS[legal_status],
            "distance_km": round(distance, 2), "radius_km": round(r, 2), "radius_basis": basis,
        }
    return out


def locate(
    lat: Sequence[float | None], lon: Sequence[float | None], days: Sequence[dt.date]
) -> IncidentPlace:
    """Resolve a batch of incident locations through the geography and the facility registry."""
    la = np.array([np.nan if v is None else v for v in lat], dtype=np.float64)
    lo = np.array([np.nan if v is None else v for v in lon], dtype=np.float64)
    day = np.fromiter((to_day(d) for d in days), np.int32, len(days))
    place = geo.resolve(la, lo, day)
    units = geo.units()
    names: list[str | None] = []
    reverted: list[dt.date | None] = []
    usa = country_code(USA)
    for i, code in enumerate(place.unit.tolist()):
        unit = None if code == NULL else units[code]
        names.append(None if unit is None else unit.name)
        later = None
        if unit is not None and int(place.administered_by[i]) == usa:
            period = unit.first_japanese_administration_after(days[i])
            later = None if period is None else period.start
        reverted.append(later)
    return IncidentPlace(place.administered_by, names, reverted, _nearest_facilities(la, lo, days))


def location(p: IncidentPlace, i: int, lat: float, lon: float) -> dict[str, Any]:
    """The `location` object of an incident result."""
    admin = country_name(int(p.administered_by[i]))
    nearest = p.facility[i]
    on = nearest is not None and nearest["distance_km"] <= nearest["radius_km"]
    if admin == USA:
        when = p.reverted_on[i]
        note = (
            "On this date the place was under U.S. administration"
            + (f" (Japan took over on {when.isoformat()})" if when else "")
            + ": the SOFA did not apply there, and anpo does not model the law then in force."
        )
    elif admin != "JPN":
        note = (
            f"The place is not under Japanese administration (administered by {admin or 'no state'}): "
            "Art. XVII concerns offenses in Japan; anpo's determination assumes the SOFA applies."
        )
    else:
        note = "Art. XVII allocates jurisdiction the same way on and off a facility."
    return {
        "lat": lat, "lon": lon,
        "administered_by": admin, "place": p.unit[i],
        "on_facility": on,
        "facility": nearest if on else None,
        "nearest_facility": nearest,
        "approximate": True,
        "method": (
            "approximate: a point counts as on a facility within a circle around the "
            "facility's reference point in the posture registry (no boundaries are modeled)"
        ),
        "note": note,
    }
