"""GET endpoints: where, coverage, bases, costs, instruments, meta, the dashboard's files."""

from __future__ import annotations

from typing import Any

import shapely
from fastapi.testclient import TestClient

OKINAWA = (26.35, 127.77)
SENKAKU = (25.743, 123.473)


def _area(fc: dict[str, Any], **props: str) -> shapely.Geometry:
    feats = [f for f in fc["features"] if all(f["properties"].get(k) == v for k, v in props.items())]
    assert len(feats) <= 1
    return shapely.geometry.shape(feats[0]["geometry"]) if feats else shapely.GeometryCollection()


def test_where(client: TestClient) -> None:
    r = client.get("/v1/where", params={"lat": OKINAWA[0], "lon": OKINAWA[1], "date": "1965-01-01"})
    assert r.status_code == 200
    assert r.json()["administered_by"] == "USA"
    assert client.get("/v1/where", params={"lat": 95, "lon": 0}).status_code == 422
    assert client.get("/v1/where", params={"lat": 1, "lon": 0, "date": "2026-13-01"}).status_code == 422


def test_coverage_follows_reversion_and_article5(client: TestClient) -> None:
    before = client.get("/v1/coverage", params={"date": "1965-06-01"}).json()
    after = client.get("/v1/coverage", params={"date": "2026-01-01"}).json()
    ok = shapely.Point(OKINAWA[1], OKINAWA[0])
    sen = shapely.Point(SENKAKU[1], SENKAKU[0])
    assert _area(before, administered_by="USA").contains(ok)
    assert not _area(before, layer="article5").contains(ok)
    assert _area(after, administered_by="JPN").contains(ok)
    assert _area(after, layer="article5").contains(sen)
    assert after["effective_from"] <= "2026-01-01"


def test_coverage_has_no_article5_area_before_the_1960_treaty(client: TestClient) -> None:
    fc = client.get("/v1/coverage", params={"date": "1955-01-01"}).json()
    assert [f for f in fc["features"] if f["properties"]["layer"] == "article5"] == []
    assert any(f["properties"].get("administered_by") == "JPN" for f in fc["features"])


def test_bases(client: TestClient) -> None:
    r = client.get("/v1/bases", params={"date": "2026-01-01", "lat": SENKAKU[0], "lon": SENKAKU[1],
                                        "radius_km": 500})
    assert r.status_code == 200
    rows = r.json()["facilities"]
    assert rows and all(x["distance_km"] <= 500 for x in rows)
    geo = client.get("/v1/bases", params={"date": "2026-01-01", "format": "geojson"}).json()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    kadena = next(f for f in geo["features"] if f["properties"]["id"] == "kadena")
    assert kadena["properties"]["status_legal_status"] == "us_exclusive"  # flat, typed (GIS tools)
    assert not any(isinstance(v, dict | list) for f in geo["features"] for v in f["properties"].values())
    lon, lat = kadena["geometry"]["coordinates"]
    assert 127.7 < lon < 127.8 and round(lon, 6) == lon  # [lon, lat], 6 decimals
    assert client.get("/v1/bases", params={"radius_km": 5}).status_code == 422
    assert client.get("/v1/bases", params={"kind": "castle"}).status_code == 422


def test_costs(client: TestClient) -> None:
    assert client.get("/v1/costs").json()["rows"]
    assert "sum_checks" in client.get("/v1/costs", params={"by": "year"}).json()
    w = client.get("/v1/costs/what-if", params={"period": "2022-26", "utilities_share": 0.5})
    assert w.status_code == 200 and w.json()["delta_total_jpy_bn"] > 0
    bad = client.get("/v1/costs/what-if", params={"period": "1900-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][0] == "query"


def test_instruments(client: TestClient) -> None:
    listed = client.get("/v1/instruments").json()["instruments"]
    assert any(i["id"] == "us-japan-1960" for i in listed)
    one = client.get("/v1/instruments/us-japan-1960").json()
    assert any(p["id"] == "us-japan-1960/art-5/para-1" for p in one["provisions"])
    assert client.get("/v1/instruments/no-such-thing").status_code == 404
    assert client.get("/v1/instruments/..%2Fetc").status_code in (404, 422)


def test_meta_and_dashboard_files(client: TestClient) -> None:
    assert client.get("/v1/meta").json()["simulation_available"] is True
    page = client.get("/")
    assert page.status_code == 200 and "anpo" in page.text
    assert client.get("/js/main.js").status_code == 200
    assert client.get("/docs").status_code == 200
    assert client.get("/../pyproject.toml").status_code == 404
