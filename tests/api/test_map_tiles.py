"""The dashboard's own base map and exact administration tiles (issue 22: a real map, offline)."""

from __future__ import annotations

import io
import math

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image

from anpo.report import tiles

NAHA = (26.2, 127.68)  # on Okinawa's west coast: land and sea in one tile at zoom 12


def _tile(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    assert image.size == (256, 256)
    pixels = np.asarray(image).reshape(-1, 4)
    return {tuple(int(c) for c in px[:3]) for px in np.unique(pixels[pixels[:, 3] > 0], axis=0)}


def test_base_tile_draws_land_sea_and_a_coastline_at_zoom_12(client: TestClient) -> None:
    z, x, y = _tile(*NAHA, 12)
    r = client.get(f"/v1/tiles/base/{z}/{x}/{y}.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert {tiles.LAND, tiles.SEA, tiles.COAST} <= _colours(r.content)


def test_admin_tile_follows_the_reversion_of_okinawa(client: TestClient) -> None:
    z, x, y = _tile(*NAHA, 12)
    before = _colours(client.get(f"/v1/tiles/admin/{z}/{x}/{y}.png", params={"date": "1965-01-01"}).content)
    after = _colours(client.get(f"/v1/tiles/admin/{z}/{x}/{y}.png", params={"date": "1973-01-01"}).content)
    assert tiles.PALETTE["USA"] in before and tiles.PALETTE["JPN"] not in before
    assert tiles.PALETTE["JPN"] in after and tiles.PALETTE["USA"] not in after


def test_pixel_centres_are_web_mercator() -> None:
    lat, lon = tiles.pixel_centres(0, 0, 0)
    assert abs(lon[0] + 180) < 1 and abs(lon[255] - 180) < 1
    assert 84.9 < lat[0] < 85.06 and abs(lat[-1] + lat[0]) < 1e-9


def test_bad_tile_is_a_named_4xx(client: TestClient) -> None:
    r = client.get("/v1/tiles/base/3/9/0.png")
    assert r.status_code == 422 and "x" in r.text
    assert client.get("/v1/tiles/base/20/0/0.png").status_code == 422


def test_labels_name_the_senkakus_and_the_five_straits(client: TestClient) -> None:
    fc = client.get("/v1/map-labels").json()
    props = {f["properties"]["id"]: f for f in fc["features"]}
    straits = {"soya", "tsugaru", "tsushima-east", "tsushima-west", "osumi"}
    assert {"senkaku", "okinotorishima", *straits} <= set(props)
    lon, lat = props["senkaku"]["geometry"]["coordinates"]
    assert 123.3 < lon < 123.7 and 25.6 < lat < 25.9  # [lon, lat] order (RFC 7946)


def test_coverage_status_names_the_last_change_of_administration(client: TestClient) -> None:
    cov = client.get("/v1/coverage", params={"date": "1965-07-01"}).json()
    assert cov["effective_from"] == "1960-06-23"  # the 1960 treaty changed the Article V area
    assert cov["administration_changed"] < "1960-06-23"  # not an administration change
