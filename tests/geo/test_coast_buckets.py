"""The compiled bucket search finds the k-d tree's nearest coast sample, bit for bit."""

from __future__ import annotations

import numpy as np

from anpo.geo import region as R
from anpo.geo.coast_buckets import nearest
from anpo.geo.index import geo_index


def test_bucket_search_is_the_trees_within_the_bound() -> None:
    gi = geo_index()
    rng = np.random.default_rng(7)
    i = rng.integers(0, len(gi.coast_lat), 40_000)
    lat = np.r_[gi.coast_lat[i] + rng.normal(0, 0.1, len(i)), rng.uniform(R.SOUTH, R.NORTH, 10_000)]
    lon = np.r_[gi.coast_lon[i] + rng.normal(0, 0.1, len(i)), rng.uniform(R.WEST, R.EAST, 10_000)]
    pts = R.ecef_km(lat, lon)
    bound = R.TS_WIDE_NM * R.NM_KM + 1.0
    d, k = nearest(gi.coast_buckets, lat, lon, pts, bound)
    d_tree, k_tree = gi.coast_tree.query(pts, k=1, distance_upper_bound=bound)
    assert np.array_equal(d, d_tree)  # the same chord, summed the same way
    found = np.isfinite(d)
    assert 0.3 < found.mean() < 1.0  # both outcomes occur
    assert np.all(k[~found] == len(gi.coast_lat)) and np.all(k_tree[~found] == len(gi.coast_lat))
    # the same sample, or a duplicate of it at the same place (the unit is what matters)
    assert np.array_equal(gi.coast_unit[k[found]], gi.coast_unit[k_tree[found]])


def test_the_index_s_cached_buckets_are_the_built_ones() -> None:
    """The index names its cached buckets by the coast archive (not by hashing the samples):
    what it maps is what `CoastBuckets.of` builds from its samples."""
    from anpo.geo.kernel_records import CoastBuckets

    gi = geo_index()
    built = CoastBuckets.of(gi.coast_lat, gi.coast_lon)
    got = gi.coast_buckets
    assert got[:4] == built[:4]
    for a, b in zip(got[4:], built[4:], strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)
