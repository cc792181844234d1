"""Geography of administration through the real shipped index (GSHHG + Natural Earth)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely
import shapely.ops
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer

from anpo.core.dates import to_day
from anpo.core.errors import InputError
from anpo.geo import resolve, units
from anpo.geo.index import geo_index
from anpo.geo.resolver import claim_sets, internal_water_names, specified_area_names


def place(lat: float, lon: float, date: str) -> dict[str, object]:
    p = resolve(
        np.array([lat]), np.array([lon]),
        np.array([to_day(dt.date.fromisoformat(date))], dtype=np.int32), exact=True,
    )
    out = p.row(0, units(), claim_sets())
    out.update(p.detail(0, specified_area_names(), internal_water_names()))
    return out


def day_before(date: str) -> str:
    return (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()


# (name, lat, lon, reversion day, unit name): land points on each reverted island group.
REVERSIONS = [
    ("Tokara: Nakanoshima", 29.842, 129.875, "1952-02-10", "Tokara Islands"),
    ("Amami: Naze", 28.377, 129.494, "1953-12-25", "Amami Islands"),
    ("Ogasawara: Chichijima", 27.07, 142.21, "1968-06-26", "Ogasawara (Bonin) and Volcano Islands"),
    ("Volcano Islands: Iwo To", 24.783, 141.317, "1968-06-26", "Ogasawara (Bonin) and Volcano Islands"),
    ("Minamitorishima", 24.287, 153.981, "1968-06-26", "Minamitorishima (Marcus Island)"),
    ("Okinotorishima (GSHHG ring)", 20.425, 136.086, "1968-06-26", "Okinotorishima"),
    ("Okinawa: Kadena", 26.352, 127.769, "1972-05-15", "Ryukyu Islands (Okinawa, Miyako, Yaeyama)"),
    ("Yonaguni", 24.455, 122.985, "1972-05-15", "Ryukyu Islands (Okinawa, Miyako, Yaeyama)"),
    ("Daito: Minamidaito", 25.845, 131.245, "1972-05-15", "Daito Islands"),
    ("Senkaku: Uotsuri (surveyed)", 25.743, 123.473, "1972-05-15", "Senkaku Islands"),
    ("Main islands: Tokyo", 35.68, 139.76, "1952-04-28", "Japan (main islands)"),
    ("Izu: Hachijojima", 33.11, 139.79, "1952-04-28", "Izu Islands"),
]


@pytest.mark.parametrize(("label", "lat", "lon", "reversion", "name"), REVERSIONS)
def test_reversion_changes_administration_on_its_day(
    label: str, lat: float, lon: float, reversion: str, name: str
) -> None:
    before = place(lat, lon, day_before(reversion))
    on = place(lat, lon, reversion)
    assert before["zone"] == on["zone"] == "land", label
    assert before["name"] == on["name"] == name
    assert before["administered_by"] == "USA"
    assert on["administered_by"] == "JPN"


def test_senkakus_at_surveyed_coordinates_are_japanese_land_claimed_by_china_and_taiwan() -> None:
    p = place(25.743, 123.473, "2026-01-15")
    assert p == {**p, "zone": "land", "administered_by": "JPN", "claimed_by": ["CHN", "TWN"]}


def test_uotsuri_is_no_longer_drawn_at_the_datasets_offset_position() -> None:
    # GSHHG draws Uotsuri about 6 km ENE (25.7665N 123.5273E); the shipped data moved it.
    p = place(25.7665, 123.5273, "2026-01-15")
    assert p["zone"] == "territorial_sea"
    assert p["name"] == "Senkaku Islands"


def test_senkaku_claims_follow_their_dates() -> None:
    assert place(25.743, 123.473, "1971-06-10")["claimed_by"] == []
    assert place(25.743, 123.473, "1971-06-11")["claimed_by"] == ["TWN"]
    assert place(25.743, 123.473, "1971-12-30")["claimed_by"] == ["CHN", "TWN"]


def test_okinotorishima_test_point_is_in_its_territorial_sea() -> None:
    p = place(20.425, 136.081, "2026-01-01")
    assert p["zone"] == "territorial_sea" and p["administered_by"] == "JPN"
    assert p["name"] == "Okinotorishima"


def test_northern_territories_are_russian_administered_and_claimed_by_japan() -> None:
    land = place(45.0, 147.9, "2026-01-01")  # Etorofu
    assert land["zone"] == "land" and land["administered_by"] == "RUS"
    assert land["claimed_by"] == ["JPN"]
    sea = place(43.6, 145.6, "2026-01-01")  # Nemuro Strait, nearer Kunashiri than Hokkaido
    assert sea["zone"] == "territorial_sea" and sea["administered_by"] == "RUS"


def test_takeshima_is_korean_administered_territorial_sea_claimed_by_japan() -> None:
    p = place(37.242, 131.867, "2026-01-01")  # nominal position; GSHHG draws the rocks 0.7 km NE
    assert p["zone"] == "territorial_sea"
    assert p["administered_by"] == "KOR" and p["claimed_by"] == ["JPN"]
    assert p["name"] == "Takeshima (Dokdo / Liancourt Rocks)"


def test_three_to_twelve_nm_switch_on_1977_07_01_off_a_straight_coast() -> None:
    lat, lon = 36.1, 140.76  # Kashima-nada, about 7 nm off the Ibaraki coast
    before = place(lat, lon, "1977-06-30")
    after = place(lat, lon, "1977-07-01")
    assert 6.5 < before["coast_distance_nm"] < 7.5  # type: ignore[operator]
    assert before["zone"] == "outside" and before["territorial_sea_nm"] == 3.0
    assert after["zone"] == "territorial_sea" and after["administered_by"] == "JPN"
    assert after["territorial_sea_nm"] == 12.0


STRAITS = [
    ("Soya Strait", 45.567, 141.79),
    ("Tsugaru Strait", 41.45, 140.55),
    ("Tsushima Strait (East Channel)", 33.9604, 129.7846),
    ("Tsushima Strait (West Channel)", 34.7806, 129.3227),
    ("Osumi Strait", 30.8968, 130.4716),
]


@pytest.mark.parametrize(("strait", "lat", "lon"), STRAITS)
def test_specified_straits_keep_three_nm(strait: str, lat: float, lon: float) -> None:
    p = place(lat, lon, "2026-01-01")
    assert p["specified_area"] == strait
    assert 3.0 < p["coast_distance_nm"] < 12.0  # type: ignore[operator]
    assert p["territorial_sea_nm"] == 3.0
    assert p["zone"] == "outside" and p["administered_by"] is None


@pytest.mark.parametrize(
    ("lat", "lon", "admin", "name"),
    [
        (37.56, 126.97, "KOR", "South Korea"),
        (39.03, 125.75, "PRK", "North Korea"),
        (39.9, 116.4, "CHN", "China"),
        (25.03, 121.56, "TWN", "Taiwan"),
        (43.12, 131.9, "RUS", "Russia"),
        (14.6, 120.98, "PHL", "Philippines"),
        (13.45, 144.78, "USA", "Guam"),
    ],
)
def test_neighbours_land(lat: float, lon: float, admin: str, name: str) -> None:
    p = place(lat, lon, "2000-01-01")
    assert (p["zone"], p["administered_by"], p["name"]) == ("land", admin, name)


def test_open_ocean_is_outside() -> None:
    p = place(28.0, 135.0, "2026-01-01")
    assert p == {**p, "zone": "outside", "administered_by": None, "claimed_by": [], "name": None}


@pytest.mark.parametrize(
    ("lat", "lon", "zone", "admin"),
    [(19.6, -155.5, "land", "USA"), (48.86, 2.35, "land", "FRA"), (30.0, -40.0, "outside", None)],
)
def test_points_outside_the_detailed_region(lat: float, lon: float, zone: str, admin: str | None) -> None:
    p = place(lat, lon, "2026-01-01")
    assert (p["zone"], p["administered_by"]) == (zone, admin)


@pytest.mark.parametrize(("lat", "lon", "field"), [(95.0, 130.0, "lat"), (30.0, 200.0, "lon")])
def test_invalid_coordinates(lat: float, lon: float, field: str) -> None:
    with pytest.raises(InputError) as err:
        resolve(np.array([lat]), np.array([lon]), np.array([0], dtype=np.int32))
    assert err.value.field == field and err.value.row == 0


def test_rows_without_location_have_no_place() -> None:
    p = resolve(np.array([np.nan]), np.array([np.nan]), np.array([0], dtype=np.int32))
    assert p.row(0, units(), claim_sets())["zone"] is None


REGION_POINTS = st.tuples(
    st.floats(10.0, 54.99), st.floats(115.0, 159.99),
    st.dates(dt.date(1945, 9, 2), dt.date(2100, 12, 31)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(REGION_POINTS, min_size=1, max_size=200))
def test_administered_by_is_null_exactly_when_outside(rows: list[tuple[float, float, dt.date]]) -> None:
    lat = np.array([r[0] for r in rows])
    lon = np.array([r[1] for r in rows])
    day = np.array([to_day(r[2]) for r in rows], dtype=np.int32)
    p = resolve(lat, lon, day)
    assert np.array_equal(p.administered_by == -1, p.zone == 2)


def test_grid_and_exact_resolution_agree_near_coasts() -> None:
    rng = np.random.default_rng(3)
    gi = geo_index()
    # points in cells the grid decides by itself, near coasts, on both sides of 1977-07-01
    cells = np.flatnonzero((gi.cls == 3) | (gi.cls == 4))
    pick = rng.choice(cells, 20_000)
    from anpo.geo import region as R

    row, col = np.divmod(pick, R.NCOLS)
    lat = R.SOUTH + (row + rng.random(len(pick))) / R.CELLS_PER_DEG
    lon = R.WEST + (col + rng.random(len(pick))) / R.CELLS_PER_DEG
    day = rng.choice([to_day(dt.date(1977, 6, 30)), to_day(dt.date(1977, 7, 1))], len(pick)).astype(np.int32)
    fast = resolve(lat, lon, day)
    exact = resolve(lat, lon, day, exact=True)
    assert np.array_equal(fast.zone, exact.zone)
    assert np.array_equal(fast.administered_by, exact.administered_by)


def test_land_agrees_with_the_coastline_within_one_km() -> None:
    """Every land/sea answer matches GSHHG, except points closer than 1 km to its coast."""
    rng = np.random.default_rng(5)
    gi = geo_index()
    lat = rng.uniform(30.0, 36.0, 50_000)
    lon = rng.uniform(129.0, 141.0, 50_000)
    p = resolve(lat, lon, np.full(len(lat), to_day(dt.date(2000, 1, 1)), dtype=np.int32))
    truth = shapely.contains_xy(gi.all_land, lon, lat)
    mismatch = np.flatnonzero((p.zone == 0) != truth)
    if len(mismatch):
        exact = resolve(lat[mismatch], lon[mismatch], np.zeros(len(mismatch), np.int32), exact=True)
        assert np.all(exact.coast_distance_nm < 1.0 / 1.852)


def test_coast_distances_are_within_half_a_nautical_mile_of_the_geodesic() -> None:
    """Compare the k-d tree distance with an exact distance to the polygons in a local AEQD."""
    rng = np.random.default_rng(11)
    gi = geo_index()
    cells = np.flatnonzero(gi.cls == 0)
    from anpo.geo import region as R

    pick = rng.choice(cells, 60)
    row, col = np.divmod(pick, R.NCOLS)
    lat = R.SOUTH + (row + 0.5) / R.CELLS_PER_DEG + 0.05
    lon = R.WEST + (col + 0.5) / R.CELLS_PER_DEG + 0.05
    p = resolve(lat, lon, np.zeros(len(lat), np.int32), exact=True)
    geod = Geod(ellps="WGS84")
    checked = 0
    for i in np.flatnonzero(p.zone != 0):
        near = gi.land_tree.query(shapely.box(lon[i] - 0.6, lat[i] - 0.6, lon[i] + 0.6, lat[i] + 0.6))
        if not len(near):
            continue
        aeqd = Transformer.from_crs(
            "EPSG:4326", f"+proj=aeqd +lat_0={lat[i]} +lon_0={lon[i]} +datum=WGS84 +units=m",
            always_xy=True,
        )
        land = shapely.transform(
            shapely.union_all(gi.land_polygons[near]),
            lambda xy, t=aeqd: np.column_stack(t.transform(xy[:, 0], xy[:, 1])),
        )
        nearest = shapely.ops.nearest_points(shapely.Point(0, 0), land)[1]
        back = aeqd.transform(nearest.x, nearest.y, direction="INVERSE")
        true_nm = geod.inv(lon[i], lat[i], back[0], back[1])[2] / 1852.0
        if true_nm < 20:
            checked += 1
            assert abs(float(p.coast_distance_nm[i]) - true_nm) < 0.5, (lat[i], lon[i])
    assert checked >= 20


@pytest.mark.parametrize(
    ("lat", "lon", "water"),
    [
        (34.05, 133.3, "Seto Inland Sea"),  # Hiuchi-nada, far beyond 3 nm from any coast
        (33.92, 130.93, "Seto Inland Sea"),  # Kanmon Strait, inside the western closing line
        (35.45, 139.85, "Tokyo Bay"),
        (34.85, 136.8, "Ise Bay"),
    ],
)
def test_internal_waters_are_japanese_territory_before_1977(lat: float, lon: float, water: str) -> None:
    p = place(lat, lon, "1965-07-01")
    assert p["zone"] == "territorial_sea" and p["administered_by"] == "JPN"
    assert p["internal_waters"] == water


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(33.1, 132.1), (33.7, 134.95)],  # Bungo and Kii channels, outside the closing lines
)
def test_waters_beyond_the_seto_closing_lines_follow_the_coastline_rule(lat: float, lon: float) -> None:
    p = place(lat, lon, "1965-07-01")
    assert p["zone"] == "outside" and "internal_waters" not in p


def test_two_threads_resolving_at_once_get_the_serial_answers() -> None:
    """The exact steps share prepared geometries: concurrent calls must not crash or differ."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(8)
    gi = geo_index()
    from anpo.geo import region as R

    cells = rng.choice(np.flatnonzero(gi.cls == R.CellClass.boundary), 20_000)
    row, col = np.divmod(cells, R.NCOLS)
    lat = R.SOUTH + (row + rng.random(len(cells))) / R.CELLS_PER_DEG
    lon = R.WEST + (col + rng.random(len(cells))) / R.CELLS_PER_DEG
    day = np.full(len(cells), to_day(dt.date(2000, 1, 1)), dtype=np.int32)
    chunks = np.array_split(np.arange(len(cells)), 8)
    serial = [resolve(lat[c], lon[c], day[c]).zone for c in chunks]
    with ThreadPoolExecutor(2) as pool:
        parallel = list(pool.map(lambda c: resolve(lat[c], lon[c], day[c]).zone, chunks))
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel, strict=True))
