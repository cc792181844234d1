"""The records of arrays that the compiled geography kernels read (`coast_buckets`,
`land_edges`, `world_kernel`), apart from the kernels: the geography index builds them without importing
numba, and `anpo.core.ahead_of_time`'s extension reads them as they are.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from anpo.core import array_cache
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
    # (rows * cols, 6) per bucket: its samples' least x, y, z, then greatest (inf, -inf: none)
    box: Floats

    @classmethod
    def cached(cls, lat: npt.NDArray[np.float32], lon: npt.NDArray[np.float32],
               key: str | None = None) -> CoastBuckets:
        """`of(lat, lon)`, from a file that the first build wrote (`make install` does it):
        building takes 0.06-0.12 s (the Earth-centred coordinates of 440,000 samples), which
        the first chunk of every batch process waited for. The file is named by the SHA-256
        of the samples and of the code that builds from them (this module, `region`), so a
        change to either builds afresh; its arrays are mapped, copy on write, and read in as
        the buckets are visited. Where it cannot be written, the buckets are simply built.
        `key` names the samples instead (the index gives its archive's size and time, as
        `geo.npz_cache` names its copies): hashing them cost every batch process 5 ms."""
        samples = key if key is not None else lat.tobytes() + lon.tobytes()
        stem = array_cache.derived_stem("coast_buckets", samples, (__file__, R.__file__))
        folder = Path(__file__).parent / "__pycache__"
        found = array_cache.load(folder, stem)
        if found is not None:
            (south, west, rows, cols), arrays = found
            return cls(south, west, rows, cols, *(arrays[n] for n in ("start", "xyz", "order", "box")))
        built = cls.of(lat, lon)
        array_cache.save(folder, stem, {"start": built.start, "xyz": built.xyz, "order": built.order,
                                        "box": built.box},
                         meta=[built.south, built.west, built.rows, built.cols],
                         stale="coast_buckets-cache.*")  # from other samples or code
        return built

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
        xyz = np.ascontiguousarray(R.ecef_km(lat[order].astype(np.float64), lon[order].astype(np.float64)))
        box = np.empty((rows * cols, 6))
        box[:, :3], box[:, 3:] = np.inf, -np.inf
        full = np.flatnonzero(start[1:] > start[:-1])
        box[full, :3] = np.minimum.reduceat(xyz, start[full], axis=0)
        box[full, 3:] = np.maximum.reduceat(xyz, start[full], axis=0)
        return cls(south, west, rows, cols, start, xyz, order.astype(np.int64), box)


class LandEdges(NamedTuple):
    """Per boundary cell (numbered as `region.FineGrid` numbers them): edges
    `edges[edge_offsets[c]:edge_offsets[c + 1]]` (edge k joins vertex k and k + 1 of `xy`),
    the cell's one unit (-2: two units, ask shapely) and whether its reference point is land."""

    edge_offsets: npt.NDArray[np.int32]
    edges: npt.NDArray[np.int32]
    unit: npt.NDArray[np.int16]
    reference_on_land: npt.NDArray[np.bool_]
    xy: npt.NDArray[np.float64]


# The world's cells (`geo.world_cells`): an eighth of a degree, over the whole globe (a
# quarter had twice the edges a cell near coasts: 20% slower).
WORLD_CELLS_PER_DEG = 8
WORLD_STEP = 1.0 / WORLD_CELLS_PER_DEG
WORLD_ROWS, WORLD_COLS = 180 * WORLD_CELLS_PER_DEG, 360 * WORLD_CELLS_PER_DEG


class WorldEdges(NamedTuple):
    """Per world cell c (row-major from (-90, -180)): the country edges meeting it,
    entries `offsets[c]:offsets[c + 1]` grouped by country (edge k joins vertex k and k + 1
    of `xy`; `ref_in`: whether that country holds the cell's reference point), and `base`,
    the last country holding the reference point among those without edges there (-1: none)."""

    offsets: npt.NDArray[np.int32]
    edge: npt.NDArray[np.int32]
    country: npt.NDArray[np.int16]
    ref_in: npt.NDArray[np.bool_]
    base: npt.NDArray[np.int16]
    xy: npt.NDArray[np.float64]
