"""The records of arrays that the compiled geography kernels read (`coast_buckets`,
`land_edges`), apart from the kernels: the geography index builds them without importing
numba, and `anpo.core.ahead_of_time`'s extension reads them as they are.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from anpo.geo import region as R

Floats = npt.NDArray[np.float64]

BUCKET_DEG = 0.1


class CoastBuckets(NamedTuple):
    """Coast samples sorted by bucket (row-major over `rows` x `cols` buckets of BUCKET_DEG
    from (south, west)); bucket b holds samples start[b]:start[b + 1]."""

    south: float
    west: float
    rows: int
    cols: int
    start: npt.NDArray[np.int64]
    xyz: Floats  # (n, 3), in bucket order
    order: npt.NDArray[np.int64]  # index into the index's coast arrays

    @classmethod
    def of(cls, lat: npt.NDArray[np.float32], lon: npt.NDArray[np.float32]) -> CoastBuckets:
        south = math.floor(float(lat.min()) / BUCKET_DEG) * BUCKET_DEG
        west = math.floor(float(lon.min()) / BUCKET_DEG) * BUCKET_DEG
        r = ((lat.astype(np.float64) - south) / BUCKET_DEG).astype(np.int64)
        c = ((lon.astype(np.float64) - west) / BUCKET_DEG).astype(np.int64)
        rows, cols = int(r.max()) + 1, int(c.max()) + 1
        key = r * cols + c
        order = np.argsort(key, kind="stable")
        start = np.zeros(rows * cols + 1, dtype=np.int64)
        np.cumsum(np.bincount(key, minlength=rows * cols), out=start[1:])
        xyz = R.ecef_km(lat[order].astype(np.float64), lon[order].astype(np.float64))
        return cls(south, west, rows, cols, start, np.ascontiguousarray(xyz), order.astype(np.int64))


class LandEdges(NamedTuple):
    """Per boundary cell (numbered as `region.FineGrid` numbers them): edges
    `edges[edge_offsets[c]:edge_offsets[c + 1]]` (edge k joins vertex k and k + 1 of `xy`),
    the cell's one unit (-2: two units, ask shapely) and whether its reference point is land."""

    edge_offsets: npt.NDArray[np.int32]
    edges: npt.NDArray[np.int32]
    unit: npt.NDArray[np.int16]
    reference_on_land: npt.NDArray[np.bool_]
    xy: npt.NDArray[np.float64]
