"""A date in the query string that is not a real day is a 422 located in the query."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("url", [
    "/v1/where?lat=25.7&lon=123.5&date=2026-02-30",
    "/v1/coverage?date=2026-02-30",
    "/v1/tiles/admin/5/27/13.png?date=2026-02-30",
])
def test_an_impossible_query_date_names_the_query_field(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["query", "date"] and "2026-02-30" in err["msg"]
