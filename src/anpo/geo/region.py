"""Constants of the geographic index shared by the build tool and the resolver."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

# The detailed region: GSHHG full-resolution land and territorial seas.
WEST, SOUTH, EAST, NORTH = 115.0, 10.0, 160.0, 55.0
# Land is kept this far beyond the region so coasts just outside it still count.
MARGIN_DEG = 0.5
CELLS_PER_DEG = 128  # grid cell of 1/128 degree (about 0.87 km)
NCOLS = int((EAST - WEST) * CELLS_PER_DEG)
NROWS = int((NORTH - SOUTH) * CELLS_PER_DEG)

NM_KM = 1.852  # the international nautical mile
TS_NARROW_NM = 3.0
TS_WIDE_NM = 12.0
COAST_SAMPLE_KM = 0.25  # spacing of coast samples used for distances (error <= half of it)
SIMPLIFY_DEG = 0.0005  # Douglas-Peucker tolerance applied to GSHHG (about 50 m)

# WGS-84 ellipsoid
_A = 6378.137
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)


class CellClass(IntEnum):
    """What a grid cell says about every point inside it."""

    boundary = 0  # decide each point exactly
    land = 1  # every point is land of the cell's unit
    open_sea = 2  # every point is farther than 12 nm from any coast
    near_sea = 3  # every point is within 3 nm of the cell's unit, which is the nearest
    band_sea = 4  # every point is 3-12 nm from the cell's unit, which is the nearest
    # (sub-cells only) a coastline crosses it: land is decided by the cell's land edges
    # (`geo.land_edges`); a point at sea is near sea of the sub-cell's unit
    coast = 5


# Classes of a row (a point) besides its cell's CellClass, in the passes of `geo.resolve`.
OUTSIDE_REGION = 254  # located, outside the detailed region: Natural Earth decides
UNLOCATED = 255  # no lat/lon: no place


def pack_cell(
    cls: npt.NDArray[np.uint8], unit: npt.NDArray[np.int16], sa: npt.NDArray[np.int8]
) -> npt.NDArray[np.uint16]:
    """One uint16 per cell (one memory gather per point): class | area+1 << 3 | unit+1 << 6."""
    return (
        cls.astype(np.uint16) | ((sa.astype(np.int32) + 1) << 3).astype(np.uint16)
        | ((unit.astype(np.int32) + 1) << 6).astype(np.uint16)
    )


def unpack_cell(
    cell: npt.NDArray[np.uint16],
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int16], npt.NDArray[np.int8]]:
    """(class, unit, specified area) of packed cells."""
    cls = (cell & 7).astype(np.uint8)
    sa = ((cell >> 3) & 7).astype(np.int8) - 1
    unit = (cell >> 6).astype(np.int16) - 1
    return cls, unit, sa


BLOCK = 8  # the grid is shipped as 8x8-cell blocks: uniform blocks cost one value


def encode_grid(cell: npt.NDArray[np.uint16]) -> dict[str, npt.NDArray[np.generic]]:
    """Compact form of the packed grid for shipping: most 8x8 blocks hold one value.

    Decoding the 66 MB grid from this form is several times faster than inflating it
    from a compressed array, which keeps the index load under a second.
    """
    grid = cell.reshape(NROWS, NCOLS)
    tiles = grid.reshape(NROWS // BLOCK, BLOCK, NCOLS // BLOCK, BLOCK).transpose(0, 2, 1, 3)
    blocks = tiles.reshape(-1, BLOCK * BLOCK)
    mixed = np.flatnonzero(~(blocks == blocks[:, :1]).all(axis=1))
    return {"block_value": blocks[:, 0].copy(), "mixed_block": mixed.astype(np.int32),
            "mixed_cells": blocks[mixed]}


def decode_grid(block_value: npt.NDArray[np.uint16], mixed_block: npt.NDArray[np.int32],
                mixed_cells: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint16]:
    """The flat packed grid (row-major cells) from its compact form."""
    nbr, nbc = NROWS // BLOCK, NCOLS // BLOCK
    blocks = np.repeat(block_value[:, None], BLOCK * BLOCK, axis=1)
    blocks[mixed_block] = mixed_cells
    grid = blocks.reshape(nbr, nbc, BLOCK, BLOCK).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(grid).reshape(-1)


class BlockGrid(NamedTuple):
    """The packed grid kept in its shipped block form (7 MB instead of 66 MB flat).

    A uniform 8x8 block is one value; a mixed block (about 6% of them) has its 64 cells.
    `mixed_index[b]` is block b's row in `mixed_cells`, or -1 when it is uniform. numba
    takes the named tuple as one argument.
    """

    block_value: npt.NDArray[np.uint16]
    mixed_index: npt.NDArray[np.int32]
    mixed_cells: npt.NDArray[np.uint16]

    @classmethod
    def of(cls, block_value: npt.NDArray[np.uint16], mixed_block: npt.NDArray[np.int32],
           mixed_cells: npt.NDArray[np.uint16]) -> BlockGrid:
        index = np.full(len(block_value), -1, np.int32)
        index[mixed_block] = np.arange(len(mixed_block), dtype=np.int32)
        return cls(block_value, index, mixed_cells)

    def values(self, flat: npt.NDArray[np.intp]) -> npt.NDArray[np.uint16]:
        """The packed cells at flat (row-major) cell indices."""
        row, col = np.divmod(flat, NCOLS)
        block = (row // BLOCK) * (NCOLS // BLOCK) + col // BLOCK
        where = self.mixed_index[block]
        out = self.block_value[block]
        mixed = where >= 0
        out[mixed] = self.mixed_cells[where[mixed], (row[mixed] % BLOCK) * BLOCK + col[mixed] % BLOCK]
        return out

    def flat(self) -> npt.NDArray[np.uint16]:
        """The whole grid, flat (66 MB: for tests and tools)."""
        mixed = np.flatnonzero(self.mixed_index >= 0)
        cells = self.mixed_cells[self.mixed_index[mixed]]
        return decode_grid(self.block_value, mixed.astype(np.int32), cells)


FINE_SPLIT = 4  # a boundary cell is cut into 4x4 sub-cells of 1/512 degree (about 200 m)


class FineGrid(NamedTuple):
    """Sub-cells of every boundary cell (`tools/build_fine_grid.py`), packed like cells.

    Boundary cells are numbered block by block (block index, then the cell's place in its
    8x8 block): cell `o` of block `b` is row `base[b] + rank` of `cells`, where `rank` is
    `rank[mixed_index[b], o]` in a mixed block and `o` in a wholly boundary block. A row
    holds FINE_SPLIT x FINE_SPLIT sub-cells, row-major. Only `cells` is shipped (memory-
    mapped); `base` and `rank` follow from the grid.
    """

    base: npt.NDArray[np.int32]
    rank: npt.NDArray[np.uint8]
    cells: npt.NDArray[np.uint16]

    @classmethod
    def of(cls, grid: BlockGrid, cells: npt.NDArray[np.uint16]) -> FineGrid:
        is_b = (grid.mixed_cells & 7) == CellClass.boundary
        count = np.where((grid.block_value & 7) == CellClass.boundary, BLOCK * BLOCK, 0)
        mixed = np.flatnonzero(grid.mixed_index >= 0)
        count[mixed] = is_b.sum(axis=1)[grid.mixed_index[mixed]]
        base = np.zeros(len(count), np.int32)
        np.cumsum(count[:-1], out=base[1:])
        rank = (np.cumsum(is_b, axis=1, dtype=np.uint8) - is_b).astype(np.uint8)
        if int(count.sum()) != len(cells):
            raise ValueError(f"fine grid has {len(cells)} rows for {int(count.sum())} boundary cells")
        return cls(base, rank, cells)

    def locate(self, grid: BlockGrid, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> tuple[
        npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]
    ]:
        """(boundary-cell number, sub-cell, cell row, cell col) of points in boundary cells."""
        rr = ((lat - SOUTH) * (CELLS_PER_DEG * FINE_SPLIT)).astype(np.intp)
        cc = ((lon - WEST) * (CELLS_PER_DEG * FINE_SPLIT)).astype(np.intp)
        row = np.minimum(rr // FINE_SPLIT, NROWS - 1)
        col = np.minimum(cc // FINE_SPLIT, NCOLS - 1)
        block = (row // BLOCK) * (NCOLS // BLOCK) + col // BLOCK
        offset = (row % BLOCK) * BLOCK + col % BLOCK
        m = grid.mixed_index[block]
        rank = np.where(m >= 0, self.rank[np.maximum(m, 0), offset], offset)
        sub = (np.minimum(rr - row * FINE_SPLIT, FINE_SPLIT - 1) * FINE_SPLIT
               + np.minimum(cc - col * FINE_SPLIT, FINE_SPLIT - 1))
        return self.base[block] + rank, sub, row, col

    def values(self, grid: BlockGrid, lat: npt.NDArray[np.float64],
               lon: npt.NDArray[np.float64]) -> npt.NDArray[np.uint16]:
        """The packed sub-cells of points that lie in boundary cells of the region."""
        number, sub, _, _ = self.locate(grid, lat, lon)
        return self.cells[number, sub]


# Where in a boundary cell the reference point of its edge list lies (fractions of the cell,
# away from its centre and edges, where shipped vertices, on a 1/2**k lattice, rarely are).
REFERENCE_FRACTION = (0.2718281828, 0.3141592654)  # (lat, lon)


def land_edge_reference(row: npt.NDArray[np.intp], col: npt.NDArray[np.intp]) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64]
]:
    """(lat, lon) of the reference point of cells (row, col); `geo.land_edges` computes the
    same numbers operand for operand."""
    step = 1.0 / CELLS_PER_DEG
    lat = SOUTH + (row + REFERENCE_FRACTION[0]) * step
    lon = WEST + (col + REFERENCE_FRACTION[1]) * step
    return lat.astype(np.float64), lon.astype(np.float64)


def ecef_km(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Earth-centred coordinates (km) of points on the WGS-84 ellipsoid.

    The straight-line (chord) distance between two such points differs from the geodesic
    by under a centimetre at territorial-sea distances, so a k-d tree over them gives
    geodesic nearest-coast distances.
    """
    phi = np.radians(lat)
    lam = np.radians(lon)
    sin_phi = np.sin(phi)
    n = _A / np.sqrt(1 - _E2 * sin_phi * sin_phi)
    cos_phi = np.cos(phi)
    out = np.empty((len(phi), 3), dtype=np.float64)
    out[:, 0] = n * cos_phi * np.cos(lam)
    out[:, 1] = n * cos_phi * np.sin(lam)
    out[:, 2] = n * (1 - _E2) * sin_phi
    return out


def cell_of(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
    """(inside-region mask, flat cell index) of each point; index is 0 outside."""
    inside = (lat >= SOUTH) & (lat < NORTH) & (lon >= WEST) & (lon < EAST)
    row = ((np.where(inside, lat, SOUTH) - SOUTH) * CELLS_PER_DEG).astype(np.intp)
    col = ((np.where(inside, lon, WEST) - WEST) * CELLS_PER_DEG).astype(np.intp)
    return inside, row * NCOLS + col
