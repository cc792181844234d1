"""The posture on a date: which facilities exist and under what status, units, command."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from anpo.core.dates import parse_date
from anpo.core.errors import InputError
from anpo.posture import burden, changes, command
from anpo.posture.distance import distance_matrix_km
from anpo.posture.registry import Facility, check_kind, facilities
from anpo.posture.schema import ArrangementRecord, BurdenFigure, ChangeRecord, StatusPeriod


@dataclass(frozen=True)
class FacilityOnDate:
    facility: Facility
    status: StatusPeriod
    distance_km: float | None = None

    def to_dict(self, day: dt.date) -> dict[str, object]:
        out = self.facility.to_dict(day)
        if self.distance_km is not None:
            out["distance_km"] = round(self.distance_km, 1)
        return out


@dataclass(frozen=True)
class Posture:
    """The alliance on the ground on one date."""

    date: dt.date
    facilities: tuple[FacilityOnDate, ...]  # in operation on the date (planned excluded)
    planned: tuple[FacilityOnDate, ...]
    arrangements: tuple[ArrangementRecord, ...]
    changes: tuple[ChangeRecord, ...]
    okinawa: tuple[BurdenFigure, ...] = field(default=())

    def by_status(self) -> dict[str, int]:
        return dict(Counter(f.status.legal_status for f in self.facilities))

    def by_prefecture(self) -> dict[str, int]:
        return dict(sorted(Counter(f.facility.prefecture for f in self.facilities).items()))

    def to_dict(self) -> dict[str, object]:
        d = self.date
        return {
            "date": d.isoformat(),
            "facilities_by_status": self.by_status(),
            "facilities_by_prefecture": self.by_prefecture(),
            "facilities": [f.to_dict(d) for f in self.facilities],
            "planned": [f.to_dict(d) for f in self.planned],
            "arrangements": [command.to_dict(a) for a in self.arrangements],
            "changes": [changes.to_dict(c) for c in self.changes],
            "okinawa": [f.model_dump(mode="json") for f in self.okinawa],
        }


def _as_date(day: dt.date | str) -> dt.date:
    return parse_date(day, "date")


def at(day: dt.date | str) -> Posture:
    """The posture on `day` (a date or YYYY-MM-DD)."""
    d = _as_date(day)
    active: list[FacilityOnDate] = []
    planned: list[FacilityOnDate] = []
    for f in facilities().values():
        st = f.status_on(d)
        if st is None:
            continue
        # the facility as it was on the day: its runways then (Yonaguni: 1,500 m before 2007)
        (planned if st.legal_status == "planned" else active).append(FacilityOnDate(f.on(d), st))
    latest: dict[str, BurdenFigure] = {}
    for fig in burden.okinawa().figures:
        if fig.as_of <= d:
            latest[fig.id] = fig
    return Posture(
        date=d,
        facilities=tuple(active),
        planned=tuple(planned),
        arrangements=tuple(command.in_force(d)),
        changes=tuple(changes.up_to(d)),
        okinawa=tuple(latest.values()),
    )


def bases(
    day: dt.date | str,
    *,
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    kind: str | None = None,
    include_planned: bool = False,
) -> list[FacilityOnDate]:
    """Facilities on `day`, optionally of one kind and within `radius_km` of `near`.

    With `near`, results carry their geodesic distance and are sorted nearest first.
    """
    check_kind(kind)
    if radius_km is not None:
        if not np.isfinite(radius_km) or radius_km < 0:
            raise InputError("radius_km", f"must be a number >= 0, got {radius_km!r}")
        if near is None:
            raise InputError("radius_km", "needs --near LAT LON")
    p = at(day)
    rows = list(p.facilities) + (list(p.planned) if include_planned else [])
    if kind is not None:
        rows = [r for r in rows if r.facility.kind == kind]
    if near is None:
        return rows
    lat, lon = near
    if not -90 <= lat <= 90:
        raise InputError("near", f"latitude {lat!r} is outside -90..90")
    if not -180 <= lon <= 180:
        raise InputError("near", f"longitude {lon!r} is outside -180..180")
    if not rows:
        return []
    dist = distance_matrix_km(
        [r.facility.lat for r in rows], [r.facility.lon for r in rows], [lat], [lon]
    )[:, 0]
    out = [
        FacilityOnDate(r.facility, r.status, float(km)) for r, km in zip(rows, dist, strict=True)
    ]
    if radius_km is not None:
        out = [r for r in out if r.distance_km is not None and r.distance_km <= radius_km]
    return sorted(out, key=lambda r: r.distance_km or 0.0)
