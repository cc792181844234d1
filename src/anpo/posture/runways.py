"""Runway geometry from the shipped OurAirports extract (public domain; see NOTICE.md)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache

from anpo import data
from anpo.core.errors import DataError

RUNWAYS_FILE = "posture/runways.csv"
RUNWAYS_SOURCE = "https://ourairports.com/data/"


@dataclass(frozen=True)
class Runway:
    """One runway; endpoints are None where OurAirports has no coordinates."""

    icao: str
    ident: str  # e.g. "05L/23R"
    length_ft: int
    width_ft: int | None
    surface: str
    closed: bool
    le_lat: float | None
    le_lon: float | None
    he_lat: float | None
    he_lon: float | None

    @property
    def has_geometry(self) -> bool:
        return None not in (self.le_lat, self.le_lon, self.he_lat, self.he_lon)

    def midpoint(self) -> tuple[float, float]:
        """Arithmetic midpoint of the two ends (good to metres over a runway's length)."""
        if not self.has_geometry:
            raise DataError(f"runway {self.icao} {self.ident} has no endpoint coordinates")
        assert self.le_lat is not None and self.he_lat is not None
        assert self.le_lon is not None and self.he_lon is not None
        return (self.le_lat + self.he_lat) / 2, (self.le_lon + self.he_lon) / 2

    def to_dict(self) -> dict[str, object]:
        return {
            "ident": self.ident,
            "length_ft": self.length_ft,
            "width_ft": self.width_ft,
            "surface": self.surface,
            "closed": self.closed,
            "low_end": None if self.le_lat is None else [self.le_lat, self.le_lon],
            "high_end": None if self.he_lat is None else [self.he_lat, self.he_lon],
            "source": RUNWAYS_SOURCE,
        }


def _float(text: str) -> float | None:
    if text == "":
        return None
    value = float(text)
    if not math.isfinite(value):
        raise DataError(f"{RUNWAYS_FILE}: non-finite coordinate {text!r}")
    return value


@cache
def runways() -> dict[str, tuple[Runway, ...]]:
    """Runways by ICAO code, longest first."""
    out: dict[str, list[Runway]] = {}
    with data.path(RUNWAYS_FILE).open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            try:
                rw = Runway(
                    icao=row["airport_ident"],
                    ident=f"{row['le_ident']}/{row['he_ident']}",
                    length_ft=int(row["length_ft"]),
                    width_ft=int(row["width_ft"]) if row["width_ft"] else None,
                    surface=row["surface"],
                    closed=row["closed"] == "1",
                    le_lat=_float(row["le_latitude_deg"]),
                    le_lon=_float(row["le_longitude_deg"]),
                    he_lat=_float(row["he_latitude_deg"]),
                    he_lon=_float(row["he_longitude_deg"]),
                )
            except (KeyError, ValueError) as err:
                raise DataError(f"{RUNWAYS_FILE}: line {i}: {err}") from None
            if rw.length_ft <= 0:
                raise DataError(f"{RUNWAYS_FILE}: line {i}: length_ft must be positive")
            out.setdefault(rw.icao, []).append(rw)
    # Stable sort: among equal lengths the file order decides (as in the simulation reference).
    return {k: tuple(sorted(v, key=lambda r: -r.length_ft)) for k, v in out.items()}


def longest_open_runway(icao: str) -> Runway:
    """The longest open runway with endpoint coordinates; DataError if there is none."""
    for rw in runways().get(icao, ()):
        if not rw.closed and rw.has_geometry:
            return rw
    raise DataError(f"{RUNWAYS_FILE}: no open runway with coordinates for {icao}")
