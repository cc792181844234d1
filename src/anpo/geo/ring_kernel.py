"""Even-odd test of many points against one small ring (a specified area, an internal
water), compiled: the arithmetic of `point_in_polygon.ring_contains`, point by point, so a
batch answers these tests without importing shapely or preparing its polygons."""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


@numba.njit(cache=True, nogil=True)
def ring_contains(ring: Floats, x: Floats, y: Floats) -> npt.NDArray[np.bool_]:
    """Is each point (x, y) inside the closed ring (m, 2)?"""
    out = np.zeros(len(x), dtype=np.bool_)
    m = len(ring) - 1
    west, east = ring[:, 0].min(), ring[:, 0].max()
    south, north = ring[:, 1].min(), ring[:, 1].max()
    for k in range(len(x)):
        px, py = x[k], y[k]
        if not (west <= px <= east and south <= py <= north):
            continue
        inside = False
        for j in range(m):
            x0, y0, x1, y1 = ring[j, 0], ring[j, 1], ring[j + 1, 0], ring[j + 1, 1]
            if (y0 > py) != (y1 > py) and px < x0 + (py - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
        out[k] = inside
    return out
