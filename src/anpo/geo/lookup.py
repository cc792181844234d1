"""One point, one date: the place with its explanation (what `anpo where` prints)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from anpo.core.dates import parse_date, to_day
from anpo.core.errors import InputError
from anpo.geo.resolver import (
    claim_sets,
    internal_water_names,
    resolve,
    specified_area_names,
    units,
)


def _coordinate(value: float, field: str, limit: float) -> float:
    if not np.isfinite(value) or abs(value) > limit:
        raise InputError(field, f"{value} is outside [-{limit:g}, {limit:g}]")
    return float(value)


def where(lat: float, lon: float, date: str | dt.date) -> dict[str, Any]:
    """Who administers the point (lat, lon) on `date`, with distances and the unit's history."""
    lat = _coordinate(lat, "lat", 90.0)
    lon = _coordinate(lon, "lon", 180.0)
    day = parse_date(date.isoformat() if isinstance(date, dt.date) else date, "date")
    place = resolve(
        np.array([lat]), np.array([lon]), np.array([to_day(day)], dtype=np.int32), exact=True
    )
    out: dict[str, Any] = {"lat": lat, "lon": lon, "date": day.isoformat()}
    out.update(place.row(0, units(), claim_sets()))
    out.update(place.detail(0, specified_area_names(), internal_water_names()))
    u = int(place.unit[0])
    if u >= 0:
        unit = units()[u]
        period = unit.period_on(day)
        out["unit"] = unit.id
        out["nearest_unit" if out["zone"] == "outside" else "unit_name"] = unit.name
        if period is not None and out["zone"] != "outside":
            out["since"] = {
                "date": period.start.isoformat(),
                "event": period.event,
                "source": period.source,
                "confidence": period.confidence,
            }
    return out
