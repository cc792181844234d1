"""Point-in-polygon over ragged polygon arrays, in numpy, for a few points.

The land of the index ships as ragged arrays (coords, ring_offsets, poly_offsets: the
layout of `shapely.from_ragged_array`). A single point (`anpo where`, one scenario) needs
one or two polygon tests; building shapely's prepared geometries for them would cost more
than the test itself, and importing shapely more than both. Here a point is tested by the
even-odd rule over every ring of the polygons whose bounding box holds it (holes included),
which is what `shapely.contains_xy` answers except on the boundary line itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def ring_contains(ring: Floats, x: Floats, y: Floats) -> npt.NDArray[np.bool_]:
    """Even-odd rule: is each point (x, y) inside the closed ring (m, 2)? One ring, many points."""
    x0, y0 = ring[:-1, 0], ring[:-1, 1]
    x1, y1 = ring[1:, 0], ring[1:, 1]
    inside = np.zeros(len(x), dtype=bool)
    for k in range(len(x)):
        px, py = x[k], y[k]
        cross = (y0 > py) != (y1 > py)
        if not cross.any():
            continue
        a0, b0, a1, b1 = x0[cross], y0[cross], x1[cross], y1[cross]
        xs = a0 + (py - b0) * (a1 - a0) / (b1 - b0)
        inside[k] = bool(np.count_nonzero(px < xs) & 1)
    return inside


@dataclass
class RaggedPolygons:
    """Polygons as ragged arrays: polygon p has rings ring_offsets[poly_offsets[p]:...]."""

    coords: Floats  # (n, 2) x, y of every ring, each ring closed
    ring_offsets: npt.NDArray[np.int32]
    poly_offsets: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.poly_offsets) - 1

    @cached_property
    def bounds(self) -> Floats:
        """(west, south, east, north) of each polygon (of its exterior ring)."""
        starts = self.ring_offsets[:-1]
        x, y = self.coords[:, 0], self.coords[:, 1]
        # rings are contiguous, so reduceat from each ring's start covers exactly that ring
        # (empty rings are never exteriors here)
        ring_bounds = np.stack([np.minimum.reduceat(x, starts), np.minimum.reduceat(y, starts),
                                np.maximum.reduceat(x, starts), np.maximum.reduceat(y, starts)], axis=1)
        return ring_bounds[self.poly_offsets[:-1]]

    def candidates(self, x: float, y: float) -> npt.NDArray[np.intp]:
        """Polygons whose bounding box holds (x, y)."""
        b = self.bounds
        return np.flatnonzero((b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3]))

    def contains(self, p: int, x: float, y: float) -> bool:
        """Is (x, y) inside polygon p (inside its exterior and in none of its holes)?"""
        px, py = np.array([x]), np.array([y])
        inside = False
        for r in range(self.poly_offsets[p], self.poly_offsets[p + 1]):
            ring = self.coords[self.ring_offsets[r]:self.ring_offsets[r + 1]]
            inside ^= bool(ring_contains(ring, px, py)[0])
        return inside

    def polygon_at(self, x: float, y: float, among: npt.NDArray[np.bool_] | None = None) -> int:
        """The first polygon (among those allowed) that holds (x, y), or -1."""
        for p in self.candidates(x, y):
            if (among is None or among[p]) and self.contains(int(p), x, y):
                return int(p)
        return -1
