"""Runway cuts: when craters leave no minimum operating strip (MOS), and how many to repair.

A runway is a rectangle [0, L] x [0, W] (metres, x along the centreline). A MOS of
length Lm and width Wm may sit anywhere on it, aligned with the runway. A crater of
diameter d blocks a placement when its bounding square overlaps the strip (a slight
overstatement of a round crater, the same convention as `need()`). The runway is open
while some placement is free of craters; otherwise the crews must repair the craters of
the placement with the fewest, which sets the reopening time (reference §1.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from anpo.core.errors import InputError

FT = 0.3048
FAR = -1.0e9  # where absent craters are put: they block nothing and offer no candidate

MAX_BITS = 63  # craters per row the compiled search takes (one uint64 mask); wider: `_exact`

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def need(total: float, mos: float, d: float) -> int:
    """Fewest craters of diameter d that leave no gap of `mos` along a length `total`."""
    if total < 0 or mos <= 0 or d < 0:
        raise InputError("need", f"needs total >= 0, mos > 0, d >= 0 (got {total}, {mos}, {d})")
    if total < mos:
        return 0
    return math.floor((total - mos) / (mos + d)) + 1


def min_craters(length: float, width: float, mos_length: float, mos_width: float, d: float) -> int:
    """Deterministic lower bound of craters that close a runway to one MOS size."""
    return need(length, mos_length, d) * need(width, mos_width, d)


@dataclass(frozen=True)
class Strip:
    """A runway (metres) seen by one aircraft class's minimum operating strip."""

    length: float
    width: float
    mos_length: float
    mos_width: float
    crater_d: float

    @property
    def usable(self) -> bool:
        """Whether the undamaged runway holds a MOS at all."""
        return self.length >= self.mos_length and self.width >= self.mos_width

    @property
    def bound(self) -> int:
        return min_craters(self.length, self.width, self.mos_length, self.mos_width, self.crater_d)


def _blocks(cand: FloatArray, centre: FloatArray, r: float, mos: float) -> npt.NDArray[np.float32]:
    # cand (n, a), centre (n, k) -> (n, a, k): placement starting at cand overlaps crater j.
    c = centre[:, None, :]
    x = cand[:, :, None]
    return ((x > c - r - mos) & (x < c + r)).astype(np.float32)


def _exact(strip: Strip, cx: FloatArray, cy: FloatArray) -> IntArray:
    """Fewest craters inside any MOS placement, by rows; candidates are 0 and crater edges."""
    r = strip.crater_d / 2.0
    n = cx.shape[0]
    xs = np.concatenate([np.zeros((n, 1)), cx + r], axis=1)
    ys = np.concatenate([np.zeros((n, 1)), cy + r], axis=1)
    bx = _blocks(xs, cx, r, strip.mos_length)
    by = _blocks(ys, cy, r, strip.mos_width)
    counts = np.matmul(bx, by.transpose(0, 2, 1))  # (n, ax, ay): craters in each placement
    bad_x = (xs < 0) | (xs > strip.length - strip.mos_length)
    bad_y = (ys < 0) | (ys > strip.width - strip.mos_width)
    counts[bad_x[:, :, None] | bad_y[:, None, :]] = np.inf
    return np.rint(counts.reshape(n, -1).min(axis=1)).astype(np.int64)


def _legacy(strip: Strip, cx: FloatArray, cy: FloatArray, floor: int) -> IntArray:
    """The vectorized search grouped by crater count (rows wider than MAX_BITS craters)."""
    r = strip.crater_d / 2.0
    on = (cx > -r) & (cx < strip.length + r) & (cy > -r) & (cy < strip.width + r)
    count = on.sum(axis=1)
    out = np.zeros(cx.shape[0], np.int64)
    for k in np.unique(count[count >= max(floor, 1)]):
        rows = np.flatnonzero(count == k)
        # Compact each row's craters on the runway into its first k columns.
        order = np.argsort(~on[rows], axis=1, kind="stable")[:, :k]
        x = np.take_along_axis(cx[rows], order, axis=1)
        y = np.take_along_axis(cy[rows], order, axis=1)
        out[rows] = _exact(strip, x, y)
    return out


def repairs_needed(
    strip: Strip, cx: FloatArray, cy: FloatArray, *, shortcut: bool = True, vectorized: bool = False
) -> IntArray:
    """Craters to repair before one MOS is free, per row (rows: trials; columns: craters).

    Crater centres in runway coordinates; NaN marks a crater that did not happen. With
    `shortcut`, rows with fewer craters on the runway than the `need()` bound are open
    without the exact search (the bound guarantees it; tests run without the shortcut).
    `vectorized` forces the numpy search (`_exact`), which the compiled one reproduces.
    """
    return repairs_for_strips((strip,), cx, cy, shortcut=shortcut, vectorized=vectorized)[0]


def repairs_for_strips(
    strips: tuple[Strip, ...],
    cx: FloatArray,
    cy: FloatArray,
    *,
    shortcut: bool = True,
    vectorized: bool = False,
) -> list[IntArray]:
    """`repairs_needed` for several MOS on one runway (same craters), one array per strip.

    The search runs compiled, row by row (`runway_kernel.search_rows`), with the same answer
    as the numpy search bit for bit; the numpy search still serves rows of more than
    MAX_BITS craters, strips of different runways, and `vectorized=True` (the reference).
    """
    for s in strips:
        if not s.usable:
            raise InputError("runway", "the runway is shorter or narrower than the MOS")
    floors = np.array([max(s.bound if shortcut else 1, 1) for s in strips], np.int64)
    first = strips[0]
    same = all((s.length, s.width, s.crater_d) == (first.length, first.width, first.crater_d) for s in strips)
    if vectorized or not same or cx.shape[1] > MAX_BITS:
        return [_legacy(s, cx, cy, int(f)) for s, f in zip(strips, floors, strict=True)]
    from anpo.sim.runway_kernel import search_rows  # numba: imported on first use only

    out = np.empty((len(strips), cx.shape[0]), np.int64)
    search_rows(
        np.ascontiguousarray(cx, np.float64),
        np.ascontiguousarray(cy, np.float64),
        kernel_constants(strips),
        floors,
        out,
    )
    return list(out)


def kernel_constants(strips: tuple[Strip, ...]) -> FloatArray:
    """The compiled search's per-strip constants, with the same float operations as `_exact`."""
    return np.array(
        [
            [
                s.length,
                s.width,
                s.mos_length,
                s.mos_width,
                s.crater_d / 2.0,
                s.length - s.mos_length,
                s.width - s.mos_width,
            ]
            for s in strips
        ]
    )


def runway_strips(
    length_ft: int,
    width_ft: int | None,
    mos_length: float,
    mos_width: float,
    crater_d: float,
    default_width_ft: int = 150,
) -> Strip:
    """A registry runway (feet) as a Strip in metres; an unknown width takes `default_width_ft`."""
    width = (width_ft if width_ft else default_width_ft) * FT
    return Strip(length_ft * FT, width, mos_length, mos_width, crater_d)


__all__ = [
    "FAR",
    "MAX_BITS",
    "Strip",
    "min_craters",
    "need",
    "repairs_for_strips",
    "repairs_needed",
    "runway_strips",
]
