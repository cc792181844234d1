"""Sea route factors computed per (ship's home port, objective): data/sim/sea_routes.csv.

`tools/sea_route_factor.py` writes the table from the shipped land (the shortest route over
water divided by the geodesic). A ship sailing from a listed port to a listed objective uses its
row; any other voyage, or a run that sets `sea_route_factor` itself (an override, a tornado
sweep), uses the parameter for every ship.
"""

from __future__ import annotations

import csv
from functools import cache

from anpo import data
from anpo.core.errors import DataError

TABLE = "sim/sea_routes.csv"
COLUMNS = ("port", "objective_lat", "objective_lon", "ratio")


@cache
def route_factors() -> dict[tuple[str, float, float], float]:
    """(port facility id, objective lat, objective lon) -> route over water / geodesic."""
    with data.path(TABLE).open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    reader = csv.DictReader(lines)
    missing = set(COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise DataError(f"{TABLE}: missing columns {sorted(missing)}")
    out: dict[tuple[str, float, float], float] = {}
    for i, row in enumerate(reader, start=1):
        try:
            key = (row["port"], float(row["objective_lat"]), float(row["objective_lon"]))
            ratio = float(row["ratio"])
        except ValueError as err:
            raise DataError(f"{TABLE}: row {i}: {err}") from None
        if not ratio >= 1.0:
            raise DataError(f"{TABLE}: row {i}: ratio {ratio} is below 1 (a route is never shorter)")
        out[key] = ratio
    return out


def route_factor(port: str, lat: float, lon: float, default: float) -> float:
    """The table's factor for this voyage, else `default` (the parameter)."""
    return route_factors().get((port, lat, lon), default)
