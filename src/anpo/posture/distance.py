"""Geodesic distances on the WGS-84 ellipsoid (pyproj), vectorized.

`distance_matrix_km` takes m origins and n points and returns an (m, n) matrix from one
vectorized `Geod.inv` call over the broadcast grid.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from anpo.core.errors import InputError

KM_PER_NM = 1.852

FloatArray = npt.NDArray[np.float64]


@cache
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def _column(values: npt.ArrayLike, field: str, low: float, high: float) -> FloatArray:
    arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if arr.ndim != 1:
        raise InputError(field, "expected a one-dimensional column of degrees")
    bad = ~np.isfinite(arr) | (arr < low) | (arr > high)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(field, f"{arr[row]!r} is outside {low}..{high} degrees", row=row)
    return arr


def distance_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Pairwise geodesic distance in km between equal-length columns (or scalars)."""
    a = _column(lat1, "lat", -90, 90)
    b = _column(lon1, "lon", -180, 180)
    c = _column(lat2, "lat", -90, 90)
    d = _column(lon2, "lon", -180, 180)
    a, b, c, d = np.broadcast_arrays(a, b, c, d)
    _, _, metres = _geod().inv(b, a, d, c)
    return np.asarray(metres, dtype=np.float64) / 1000.0


def distance_matrix_km(
    from_lat: npt.ArrayLike,
    from_lon: npt.ArrayLike,
    to_lat: npt.ArrayLike,
    to_lon: npt.ArrayLike,
) -> FloatArray:
    """Matrix [i, j] of geodesic km from origin i to point j."""
    a = _column(from_lat, "from_lat", -90, 90)
    b = _column(from_lon, "from_lon", -180, 180)
    c = _column(to_lat, "to_lat", -90, 90)
    d = _column(to_lon, "to_lon", -180, 180)
    if a.shape != b.shape:
        raise InputError("from_lon", "needs as many values as from_lat")
    if c.shape != d.shape:
        raise InputError("to_lon", "needs as many values as to_lat")
    m, n = len(a), len(c)
    if m == 0 or n == 0:
        return np.zeros((m, n))
    la1 = np.repeat(a, n)
    lo1 = np.repeat(b, n)
    la2 = np.tile(c, m)
    lo2 = np.tile(d, m)
    _, _, metres = _geod().inv(lo1, la1, lo2, la2)
    return (np.asarray(metres, dtype=np.float64) / 1000.0).reshape(m, n)


def km_to_nm(km: FloatArray | float) -> FloatArray | float:
    """Kilometres to nautical miles."""
    return km / KM_PER_NM
