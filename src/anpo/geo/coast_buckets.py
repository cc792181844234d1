"""The nearest coast sample of many points, compiled, without scipy's k-d tree.

A batch needs the nearest coast only for the few sea points the grid and its sub-cells
leave (0.3% of uniform points, under 1% near coasts). A k-d tree costs its process 0.2-0.4 s
to import scipy and 0.1-0.3 s to build; here the ~440,000 samples are sorted into buckets
of 0.1 degree (a stable sort at first use) and each point scans the buckets around it, ring
by ring, until no farther ring can hold a nearer sample; a bucket that cannot hold one (its
samples' box farther than the nearest sample so far) is not scanned. The distance is the chord in WGS-84
Earth-centred coordinates summed x, y, z in the tree's order, so it is the tree's value bit
for bit (`tests/geo/test_few_exact.py`).
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from anpo.geo.kernel_records import BUCKET_DEG, CoastBuckets

Floats = npt.NDArray[np.float64]

# Lower bounds of the chord per degree: 100 km a degree of latitude (the meridian degree is
# at least 110.5 km, a chord of a few degrees within 0.5% of the arc), and that times the
# cosine of the highest latitude a ring reaches for a degree of longitude.
_KM_PER_DEG = 100.0
# Buckets are skipped beyond the bound times a hair more than 1: a sample at the bound's
# distance, rounded, is never among the skipped.
_SLACK = 1.0 + 1e-9


@numba.njit(cache=True, nogil=True, inline="always")
def _box_d2(box: Floats, b: int, px: float, py: float, pz: float) -> float:
    """The squared distance from (px, py, pz) to bucket b's box, in a sample's order of sums."""
    gx = max(box[b, 0] - px, px - box[b, 3], 0.0)
    d2 = gx * gx
    gy = max(box[b, 1] - py, py - box[b, 4], 0.0)
    d2 += gy * gy
    gz = max(box[b, 2] - pz, pz - box[b, 5], 0.0)
    d2 += gz * gz
    return d2


@numba.njit(cache=True, nogil=True)
def nearest(cb: CoastBuckets, lat: Floats, lon: Floats, pts: Floats, bound: float) -> tuple[
    Floats, npt.NDArray[np.int64]
]:
    """(distance km, coast sample index) of the nearest sample to each point (`pts`: its
    Earth-centred coordinates, `lat`/`lon` its degrees); inf and the number of samples
    where none is nearer than `bound`, as cKDTree.query reports them. `bound` must be
    finite and a few tens of km: the rings' lower bounds assume a few degrees at most."""
    n = len(pts)
    nsamples = len(cb.order)
    dist = np.full(n, np.inf)
    index = np.full(n, nsamples, dtype=np.int64)
    for k in range(n):
        px, py, pz = pts[k, 0], pts[k, 1], pts[k, 2]
        r0 = int(math.floor((lat[k] - cb.south) / BUCKET_DEG))
        c0 = int(math.floor((lon[k] - cb.west) / BUCKET_DEG))
        best2 = np.inf
        best = nsamples
        limit2 = _SLACK * bound * bound  # about the square of min(bound, the nearest so far)
        ring = 0
        while True:
            # the nearest any sample of this ring (or beyond) can be
            top = abs(lat[k]) + (ring + 1) * BUCKET_DEG
            per_deg = _KM_PER_DEG * math.cos(math.radians(min(top, 89.0)))
            reach = max(ring - 1, 0) * BUCKET_DEG * per_deg
            limit = min(bound, math.sqrt(best2))
            if ring > 0 and reach > limit:
                break
            for r in range(max(r0 - ring, 0), min(r0 + ring, cb.rows - 1) + 1):
                edge_row = r == r0 - ring or r == r0 + ring
                step = 1 if edge_row else 2 * ring
                c = c0 - ring
                while c <= c0 + ring:
                    b = r * cb.cols + c
                    # a bucket whose samples' box lies farther than the nearest sample so far
                    # (or the bound) is skipped: each of its samples is strictly farther (the
                    # box's gaps, squared and summed as a sample's, are no larger), so the
                    # same sample is found
                    if 0 <= c < cb.cols and _box_d2(cb.box, b, px, py, pz) <= limit2:
                        for j in range(cb.start[b], cb.start[b + 1]):
                            dx = cb.xyz[j, 0] - px
                            d2 = dx * dx
                            dy = cb.xyz[j, 1] - py
                            d2 += dy * dy
                            dz = cb.xyz[j, 2] - pz
                            d2 += dz * dz
                            if d2 < best2:
                                best2 = d2
                                best = j
                                limit2 = min(limit2, best2)
                    c += step
            # every bucket is scanned once all rings covering the grid are done
            if r0 - ring <= 0 and r0 + ring >= cb.rows - 1 and c0 - ring <= 0 and c0 + ring >= cb.cols - 1:
                break
            ring += 1
        if best < nsamples:
            d = math.sqrt(best2)
            if d < bound:
                dist[k] = d
                index[k] = cb.order[best]
    return dist, index
