"""Runway geometry from the shipped OurAirports extract (public domain; see NOTICE.md).

Rows may carry a validity period (`valid_from`, `valid_to`, half-open) and their own
`source`/`read_from`: where the airport operator differs from OurAirports, the operator's
figure is a dated row of its own (Yonaguni: 1,500 m until 2007-03-15, 2,000 m from then).
"""

from __future__ import annotations

import csv
import datetime as dt
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
    start: dt.date | None = None  # in service from (None: not dated, as OurAirports)
    end: dt.date | None = None  # superseded on (None: still so)
    source: str = RUNWAYS_SOURCE
    read_from: str | None = None

    def in_force(self, day: dt.date) -> bool:
        """Whether this row describes the runway on `day` (half-open [start, end))."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

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
            "from": None if self.start is None else self.start.isoformat(),
            "to": None if self.end is None else self.end.isoformat(),
            "source": self.source,
            "read_from": self.read_from,
        }


def _float(text: str) -> float | None:
    if text == "":
        return None
    value = float(text)
    if not math.isfinite(value):
        raise DataError(f"{RUNWAYS_FILE}: non-finite coordinate {text!r}")
    return value


def _date(text: str | None, field: str, line: int) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(f"{RUNWAYS_FILE}: line {line}: {field} {text!r} is not YYYY-MM-DD") from None


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
                    start=_date(row.get("valid_from"), "valid_from", i),
                    end=_date(row.get("valid_to"), "valid_to", i),
                    source=row.get("source") or RUNWAYS_SOURCE,
                    read_from=row.get("read_from") or None,
                )
            except (KeyError, ValueError) as err:
                raise DataError(f"{RUNWAYS_FILE}: line {i}: {err}") from None
            if rw.length_ft <= 0:
                raise DataError(f"{RUNWAYS_FILE}: line {i}: length_ft must be positive")
            if rw.start is not None and rw.end is not None and rw.end <= rw.start:
                raise DataError(f"{RUNWAYS_FILE}: line {i}: valid_to is not after valid_from")
            out.setdefault(rw.icao, []).append(rw)
    # Stable sort: among equal lengths the file order decides (as in the simulation reference).
    return {k: tuple(sorted(v, key=lambda r: -r.length_ft)) for k, v in out.items()}


def runways_on(icao: str, day: dt.date) -> tuple[Runway, ...]:
    """The airfield's runway rows in force on `day`, longest first."""
    return tuple(r for r in runways().get(icao, ()) if r.in_force(day))


def current_runways(icao: str) -> tuple[Runway, ...]:
    """The rows not superseded (no `valid_to`), longest first."""
    return tuple(r for r in runways().get(icao, ()) if r.end is None)


def longest_open_runway(icao: str) -> Runway:
    """The longest open runway with endpoint coordinates, of any date (the airfield's reference
    point; a dated row without published ends, such as Yonaguni's 2,000 m, is skipped);
    DataError if there is none."""
    for rw in runways().get(icao, ()):
        if not rw.closed and rw.has_geometry:
            return rw
    raise DataError(f"{RUNWAYS_FILE}: no open runway with coordinates for {icao}")
