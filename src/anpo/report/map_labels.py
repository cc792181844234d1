"""Labels for the dashboard's map: the places the law names, placed on anpo's own geography.

No coordinate is typed here. An island group's label sits on a point inside the largest land
polygon of its unit (`geo/land.npz`, GSHHG), a strait's inside its specified area
(`geo/specified_areas.yaml`), so a label moves with the data it names. Each label carries
the zoom from which the map shows it (larger units first).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from anpo import data
from anpo.geo.units_table import specified_areas, units


def _polygon_areas(coords: np.ndarray, ring_offsets: np.ndarray, poly_offsets: np.ndarray) -> np.ndarray:
    """Area (square degrees) of each polygon's outer ring, by the shoelace formula."""
    areas = np.zeros(len(poly_offsets) - 1)
    for p in range(len(poly_offsets) - 1):
        ring = coords[ring_offsets[poly_offsets[p]]:ring_offsets[poly_offsets[p] + 1]].astype(np.float64)
        x, y = ring[:, 0], ring[:, 1]
        areas[p] = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    return areas


def _min_zoom(area_deg2: float) -> int:
    # Larger land shows its name earlier; a rock such as Okinotorishima from zoom 6 anyway,
    # because the law names it.
    return 4 if area_deg2 > 1.0 else 5 if area_deg2 > 0.05 else 6


@cache
def labels() -> list[dict[str, Any]]:
    """GeoJSON-ready label points: island groups of the detailed region and the five straits."""
    import shapely

    npz = np.load(data.path("geo/land.npz"))
    coords, rings, polys, unit = npz["coords"], npz["ring_offsets"], npz["poly_offsets"], npz["unit"]
    areas = _polygon_areas(coords, rings, polys)
    out: list[dict[str, Any]] = []
    for u in units():
        if u.id.startswith(("country-", "world-")):
            continue
        mine = np.flatnonzero(unit == u.code)
        if not len(mine):
            continue
        p = int(mine[np.argmax(areas[mine])])
        ring = coords[rings[polys[p]]:rings[polys[p] + 1]].astype(np.float64)
        point = shapely.Polygon(ring).representative_point()
        out.append({"kind": "island_group", "id": u.id, "name": u.name,
                    "lon": round(point.x, 4), "lat": round(point.y, 4),
                    "min_zoom": _min_zoom(float(areas[mine].sum()))})
    for a in specified_areas():
        point = shapely.Polygon(a.ring).representative_point()
        out.append({"kind": "strait", "id": a.id, "name": a.name,
                    "lon": round(point.x, 4), "lat": round(point.y, 4), "min_zoom": 5})
    return out


def labels_geojson() -> dict[str, Any]:
    """The labels as a GeoJSON FeatureCollection (RFC 7946: [lon, lat])."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lab["lon"], lab["lat"]]},
         "properties": {k: v for k, v in lab.items() if k not in ("lon", "lat")}}
        for lab in labels()]}
