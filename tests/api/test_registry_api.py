"""GET /v1/registry, /v1/registry/share and /v1/personnel."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_registry_on_dates_and_what_if(client: TestClient) -> None:
    r = client.get("/v1/registry", params={"date": "1972-05-15"})
    assert r.status_code == 200
    ids = {f["id"] for f in r.json()["facilities"]}
    assert {"tachikawa", "kadena"} <= ids
    after = client.get("/v1/registry", params={"date": "2026-01-01", "close": "kadena"}).json()
    assert after["closed"] == ["kadena"] and "kadena" not in after["airfields_in_operation"]
    assert after["what_if_published"]["closed_km2"] > 19
    geo = client.get("/v1/registry", params={"date": "2026-01-01", "format": "geojson"}).json()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert client.get("/v1/registry", params={"close": "area-51"}).status_code == 422
    assert client.get("/v1/registry", params={"date": "2026-13-01"}).status_code == 422


def test_registry_share_series(client: TestClient) -> None:
    rows = client.get("/v1/registry/share").json()["rows"]
    by = {r["date"]: r for r in rows}
    assert by["1972-05-15"]["published_okinawa_share_pct"] == 58.7
    assert by["2020-01-01"]["registry_okinawa_share_pct"] is not None
    assert client.get("/v1/registry/share", params={"dates": "2020-01-01,bad"}).status_code == 422


def test_personnel(client: TestClient) -> None:
    rows = client.get("/v1/personnel", params={"from_year": 2020, "to_year": 2022}).json()["rows"]
    assert [r["year"] for r in rows] == [2020, 2021, 2022]
    assert client.get("/v1/personnel", params={"from_year": 2024, "to_year": 2020}).status_code == 422
