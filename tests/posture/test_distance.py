"""Geodesic distances against the simulation reference §4.3 (within 0.5%)."""

from __future__ import annotations

import numpy as np
import pytest

from anpo import posture
from anpo.core.errors import InputError
from anpo.posture.registry import coordinates

# (from, to, km) from simulation-reference.md §4.3
REFERENCE_KM = [
    ("kadena", "senkaku-uotsuri", 435),
    ("kadena", "taipei-songshan", 640),
    ("kadena", "fuzhou", 846),
    ("kadena", "shanghai", 818),
    ("kadena", "yonaguni", 525),
    ("kadena", "andersen", 2282),
    ("naha", "senkaku-uotsuri", 421),
    ("new-ishigaki", "senkaku-uotsuri", 168),
    ("shimoji", "senkaku-uotsuri", 197),
    ("shimoji", "taipei-songshan", 364),
    ("yonaguni", "taipei-songshan", 159),
    ("senkaku-uotsuri", "taipei-songshan", 207),
    ("senkaku-uotsuri", "fuzhou", 419),
    ("sasebo", "taipei-songshan", 1197),
    ("sasebo", "senkaku-uotsuri", 1021),
    ("iwakuni", "taipei-songshan", 1442),
    ("iwakuni", "kadena", 965),
    ("yokota", "kadena", 1517),
    ("yokota", "taipei-songshan", 2074),
    ("yokosuka", "taipei-songshan", 2075),
    ("yokosuka", "senkaku-uotsuri", 1877),
    ("misawa", "kadena", 2027),
    ("misawa", "taipei-songshan", 2527),
    ("andersen", "taipei-songshan", 2760),
    ("andersen", "senkaku-uotsuri", 2616),
    ("nyutabaru", "taipei-songshan", 1241),
    ("tsuiki", "taipei-songshan", 1325),
    ("osan", "kadena", 1192),
]


def test_reference_distances_within_half_percent():
    a_lat, a_lon = coordinates([r[0] for r in REFERENCE_KM])
    b_lat, b_lon = coordinates([r[1] for r in REFERENCE_KM])
    km = posture.distance_km(a_lat, a_lon, b_lat, b_lon)
    expected = np.array([r[2] for r in REFERENCE_KM], dtype=float)
    rel = np.abs(km - expected) / expected
    worst = int(np.argmax(rel))
    assert rel.max() < 0.005, f"{REFERENCE_KM[worst]}: got {km[worst]:.1f} km"


def test_matrix_matches_pairwise_and_shape():
    origins = ["kadena", "yokota", "misawa"]
    targets = ["senkaku-uotsuri", "taipei-songshan", "shanghai", "osan"]
    a_lat, a_lon = coordinates(origins)
    b_lat, b_lon = coordinates(targets)
    m = posture.distance_matrix_km(a_lat, a_lon, b_lat, b_lon)
    assert m.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            one = posture.distance_km(a_lat[i], a_lon[i], b_lat[j], b_lon[j])[0]
            assert m[i, j] == pytest.approx(one, rel=1e-12)


def test_matrix_many_points_and_symmetry():
    rng = np.random.default_rng(7)
    lat = rng.uniform(20, 45, 500)
    lon = rng.uniform(120, 150, 500)
    m = posture.distance_matrix_km(lat[:40], lon[:40], lat, lon)
    assert m.shape == (40, 500)
    np.testing.assert_allclose(np.diag(m[:, :40]), 0.0, atol=1e-6)
    back = posture.distance_matrix_km(lat, lon, lat[:40], lon[:40])
    np.testing.assert_allclose(m, back.T, rtol=1e-9)


def test_one_degree_of_latitude_at_equator():
    # WGS-84 meridian arc from 0 to 1 degree N is 110.574 km
    assert posture.distance_km(0, 0, 1, 0)[0] == pytest.approx(110.574, abs=0.01)


def test_bad_coordinates_name_the_field():
    with pytest.raises(InputError, match="to_lat"):
        posture.distance_matrix_km([26.0], [127.0], [95.0], [127.0])
    with pytest.raises(InputError, match="lon"):
        posture.distance_km(26.0, np.nan, 25.0, 121.0)
