"""Point-in-polygon over ragged polygon arrays, in numpy, for a few points.

The land of the index ships as ragged arrays (coords, ring_offsets, poly_offsets: the
layout of `shapely.from_ragged_array`). A single point (`anpo where`, one scenario) needs
one or two polygon tests; building shapely's prepared geometries for them would cost more
than the test itself, and importing shapely more than both. Here a point is tested by the
even-odd rule over every ring of the polygons whose bounding box holds it (holes included),
which is what `shapely.contains_xy` answers except on the boundary line itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
# A process's first calls of `RaggedPolygons.candidates` (one request's few points) compare
# every bounding box; later ones search the 1-degree bins, built once (about the cost of
# this many calls).
BRUTE_CALLS = 32


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
    _calls: int = field(default=0, init=False, repr=False, compare=False)

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

    @cached_property
    def _bins(self) -> tuple[float, float, int, int, npt.NDArray[np.int64], npt.NDArray[np.intp]]:
        """The polygons listed by the 1-degree bins their bounding boxes meet: (west, south,
        columns, rows, bin start offsets, polygons in ascending order within each bin)."""
        b = self.bounds
        if not len(b):
            return 0.0, 0.0, 0, 0, np.zeros(1, np.int64), np.zeros(0, np.intp)
        west, south = float(np.floor(b[:, 0].min())), float(np.floor(b[:, 1].min()))
        c0, c1 = np.floor(b[:, 0] - west).astype(np.int64), np.floor(b[:, 2] - west).astype(np.int64)
        r0, r1 = np.floor(b[:, 1] - south).astype(np.int64), np.floor(b[:, 3] - south).astype(np.int64)
        cols, rows = int(c1.max()) + 1, int(r1.max()) + 1
        width = c1 - c0 + 1
        per = width * (r1 - r0 + 1)
        polygon = np.repeat(np.arange(len(b)), per)
        step = np.arange(len(polygon)) - np.repeat(np.cumsum(per) - per, per)
        cell = (r0[polygon] + step // width[polygon]) * cols + c0[polygon] + step % width[polygon]
        order = np.argsort(cell, kind="stable")  # polygons stay ascending within a bin
        start = np.zeros(rows * cols + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell, minlength=rows * cols), out=start[1:])
        return west, south, cols, rows, start, polygon[order]

    def candidates(self, x: float, y: float) -> npt.NDArray[np.intp]:
        """Polygons whose bounding box holds (x, y), in ascending order. The first
        BRUTE_CALLS calls compare every box (40 us a point for the region's land); later
        ones only the boxes listed in the point's 1-degree bin (a box holding the point
        meets its bin: floor is monotonic), 6 us, once the bins are built (2-4 ms)."""
        self._calls += 1
        if self._calls <= BRUTE_CALLS:
            b = self.bounds
            return np.flatnonzero((b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3]))
        west, south, cols, rows, start, members = self._bins
        col, row = math.floor(x - west), math.floor(y - south)
        if not (0 <= col < cols and 0 <= row < rows):
            return np.zeros(0, dtype=np.intp)
        k = row * cols + col
        near = members[start[k]:start[k + 1]]
        b = self.bounds[near]
        return near[(b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])]

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
        found = self.candidates(x, y)
        if among is not None:
            found = found[among[found]]  # (in order, as tested one by one)
        for p in found.tolist():
            if self.contains(p, x, y):
                return p
        return -1
