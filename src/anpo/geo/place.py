"""Place columns: what the geography tells the law about each row."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo.core.codes import NULL, Zone, country_name


@dataclass(frozen=True)
class AdminPeriod:
    """Who administers a unit from `start` (inclusive) until the next period starts."""

    start: dt.date
    administered_by: str | None
    claimed_by: tuple[str, ...]
    event: str  # what happened on `start`, e.g. "reversion to Japan (Okinawa Reversion Agreement)"
    source: str
    confidence: str
    instrument: str | None = None  # provision id of the instrument behind this period


@dataclass(frozen=True)
class Unit:
    """An island group, territory or country: land plus the sea nearest to it."""

    code: int
    id: str
    name: str
    regime: str  # "japan" (3 nm before 1977-07-01, 12 nm after, 3 nm in specified areas) | "12nm" | "none"
    history: tuple[AdminPeriod, ...]

    def period_on(self, day: dt.date) -> AdminPeriod | None:
        current = None
        for p in self.history:
            if p.start <= day:
                current = p
        return current

    def first_japanese_administration_after(self, day: dt.date) -> AdminPeriod | None:
        for p in self.history:
            if p.start > day and p.administered_by == "JPN":
                return p
        return None


@dataclass
class Place:
    """Per-row geography. Codes are small integers; NULL (-1) means none."""

    zone: npt.NDArray[np.int8]  # Zone code; NULL when the row has no location
    unit: npt.NDArray[np.int16]  # index into units(); NULL for open sea or no location
    administered_by: npt.NDArray[np.int16]  # country code or NULL
    claims: npt.NDArray[np.int16]  # index into CLAIM_SETS (0 = no claimant)
    coast_distance_nm: npt.NDArray[np.float32]  # to the nearest coast; 0 on land; NaN if unknown
    territorial_sea_nm: npt.NDArray[np.float32]  # breadth that applies here today; NaN if none
    specified_area: npt.NDArray[np.int8]  # index into SPECIFIED_AREAS or NULL
    # index into internal_waters() (reported as territorial sea) or NULL; None: not resolved
    internal_waters: npt.NDArray[np.int8] | None = None

    def __len__(self) -> int:
        return len(self.zone)

    def row(self, i: int, units: list[Unit], claim_sets: list[tuple[str, ...]]) -> dict[str, Any]:
        """The `place` object of the output contract for row i."""
        z = int(self.zone[i])
        u = int(self.unit[i])
        if z == NULL:
            return {"zone": None, "administered_by": None, "claimed_by": [], "name": None}
        return {
            "zone": Zone(z).name,
            "administered_by": country_name(int(self.administered_by[i])),
            "claimed_by": list(claim_sets[int(self.claims[i])]),
            "name": units[u].name if u != NULL and z != Zone.outside else None,
        }

    def detail(
        self, i: int, specified_areas: list[str], internal_waters: Sequence[str] = ()
    ) -> dict[str, Any]:
        """Distances behind the zone, for explanations."""
        d = float(self.coast_distance_nm[i])
        b = float(self.territorial_sea_nm[i])
        s = int(self.specified_area[i])
        out: dict[str, Any] = {
            "coast_distance_nm": None if math.isnan(d) else round(d, 2),
            "territorial_sea_nm": None if math.isnan(b) else b,
            "specified_area": None if s == NULL else specified_areas[s],
        }
        w = NULL if self.internal_waters is None else int(self.internal_waters[i])
        if w != NULL and internal_waters:
            out["internal_waters"] = internal_waters[w]
        return out
