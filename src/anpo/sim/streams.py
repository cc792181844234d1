"""Random streams that do not depend on chunk size or worker count.

Trials are cut into fixed tiles of TILE trials; tile t draws from its own Generator,
`SeedSequence(seed, spawn_key=(t,))` (what `SeedSequence(seed).spawn()` would give as its
t-th child). A chunk is a run of whole tiles, so every trial sees the same numbers however
the run is chunked or spread over workers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

TILE = 1 << 14  # 16,384 trials per stream

FloatArray = npt.NDArray[np.float64]


def tile_generator(seed: int, tile: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(tile,))))


class Draws:
    """Column draws for trials [start, stop); start is a multiple of TILE."""

    def __init__(self, seed: int, start: int, stop: int) -> None:
        if start % TILE:
            raise ValueError("a chunk starts on a tile boundary")
        self.n = stop - start
        first = start // TILE
        self.bounds: list[tuple[int, int]] = []
        self.gens: list[np.random.Generator] = []
        self.tile_ids: list[int] = []
        for lo in range(0, self.n, TILE):
            self.bounds.append((lo, min(lo + TILE, self.n)))
            self.tile_ids.append(first + lo // TILE)
            self.gens.append(tile_generator(seed, self.tile_ids[-1]))

    def normal(self, cols: int = 0) -> FloatArray:
        """Standard normals, shape (n,) or (n, cols)."""
        out = np.empty((self.n, cols) if cols else self.n)
        for (lo, hi), g in zip(self.bounds, self.gens, strict=True):
            g.standard_normal(out=out[lo:hi])
        return out

    def uniform(self, cols: int = 0) -> FloatArray:
        out = np.empty((self.n, cols) if cols else self.n)
        for (lo, hi), g in zip(self.bounds, self.gens, strict=True):
            g.random(out=out[lo:hi])
        return out

    def lognormal(self, median: float, spread: float) -> FloatArray:
        """median * exp(spread * Z); exactly the median when spread is 0 (no draw)."""
        if spread == 0.0:
            return np.full(self.n, median)
        z = self.normal()
        z *= spread
        np.exp(z, out=z)
        z *= median
        return z

    def bernoulli(self, p: float) -> npt.NDArray[np.bool_]:
        if p >= 1.0:
            return np.ones(self.n, bool)
        if p <= 0.0:
            return np.zeros(self.n, bool)
        return self.uniform() < p
