"""The nearest coast sample of a few points, in numpy, without a k-d tree.

`geo.resolve` measures sea distances to the nearest of ~440,000 coast samples. Large inputs
query a k-d tree (scipy's cKDTree, built on first use: about 0.2 s, plus 0.2-0.4 s to import
scipy). A single point (`anpo where`, one scenario) needs neither: the samples are kept
sorted by latitude, a window of neighbours in latitude gives an upper bound on the nearest
distance, and only the samples within that many degrees of latitude can be nearer. The
distance is the same chord in WGS-84 Earth-centred coordinates, computed term by term in the
same order as the tree, so both give the same value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from anpo.geo import region as R

Floats = npt.NDArray[np.float64]

# A degree of latitude is at least 110.5 km along the meridian, and a chord over a few
# degrees is within 0.5% of the arc: a lower bound of 100 km a degree keeps every sample
# that could be nearer inside the band.
_KM_PER_DEG_LOWER = 100.0
_WINDOW = 64  # neighbours in latitude that give the first upper bound


@dataclass
class CoastSamples:
    """Coast samples sorted by latitude, with their Earth-centred coordinates."""

    lat: npt.NDArray[np.float32]  # sorted
    order: npt.NDArray[np.intp]  # index into the index's coast arrays
    xyz: Floats  # (n, 3), in `lat` order

    @classmethod
    def of(cls, lat: npt.NDArray[np.float32], lon: npt.NDArray[np.float32]) -> CoastSamples:
        order = np.argsort(lat, kind="stable")
        xyz = R.ecef_km(lat[order].astype(np.float64), lon[order].astype(np.float64))
        return cls(lat[order], order, np.ascontiguousarray(xyz))

    def query(self, pts: Floats, bound: float) -> tuple[Floats, npt.NDArray[np.intp]]:
        """(distance km, sample index) of the nearest sample to each point (n, 3); inf and
        len(samples) where none is nearer than `bound`, as cKDTree.query reports them."""
        n = len(self.lat)
        dist = np.full(len(pts), np.inf)
        index = np.full(len(pts), n, dtype=np.intp)
        plat = np.degrees(np.arctan2(pts[:, 2], np.hypot(pts[:, 0], pts[:, 1])))  # geocentric
        for k in range(len(pts)):
            p = pts[k]
            # geocentric and geodetic latitudes differ by under 0.2 degree: widen by that
            mid = int(np.searchsorted(self.lat, plat[k]))
            lo, hi = max(mid - _WINDOW, 0), min(mid + _WINDOW, n)
            d_best = np.sqrt(self._d2(p, lo, hi).min())
            reach = min(d_best, bound) / _KM_PER_DEG_LOWER + 0.2
            lo = int(np.searchsorted(self.lat, plat[k] - reach, side="left"))
            hi = int(np.searchsorted(self.lat, plat[k] + reach, side="right"))
            if hi <= lo:
                continue
            d2 = self._d2(p, lo, hi)
            i = int(np.argmin(d2))
            d = float(np.sqrt(d2[i]))
            if d < bound:
                dist[k] = d
                index[k] = self.order[lo + i]
        return dist, index

    def _d2(self, p: Floats, lo: int, hi: int) -> Floats:
        """Squared distances from p to samples lo..hi, summed x, y, z in that order."""
        s = self.xyz[lo:hi]
        dx = s[:, 0] - p[0]
        d2 = dx * dx
        dy = s[:, 1] - p[1]
        d2 += dy * dy
        dz = s[:, 2] - p[2]
        d2 += dz * dz
        return d2
