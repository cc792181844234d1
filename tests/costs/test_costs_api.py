"""GET /v1/costs: every view of the ledger over HTTP, and what-if bounds as 422s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from anpo.api.app import create_app  # noqa: E402
from anpo.api.settings import Settings  # noqa: E402
from anpo.store import Store  # noqa: E402


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = Store.open(f"sqlite:///{tmp_path / 'costs.db'}")
    try:
        yield TestClient(create_app(Settings(), store=store), base_url="http://127.0.0.1")
    finally:
        store.close()


def test_year_view_is_the_ledger(client: TestClient) -> None:
    doc = client.get("/v1/costs", params={"by": "year"}).json()
    years = [r["jfy"] for r in doc["rows"]]
    assert years[0] == 1978 and years[-1] == 2026
    assert doc["sum_checks"] and all(c["ok"] for c in doc["sum_checks"])
    assert "hns_total" in doc["lines"] and doc["history"]
    cov = {r["line"]: r for r in doc["coverage"]}  # which years each line has, and the gaps
    assert cov["hns_total"]["gaps"].startswith("1981-1988")


@pytest.mark.parametrize("by", ["line", "comparison", "category", "period"])
def test_other_views(client: TestClient, by: str) -> None:
    r = client.get("/v1/costs", params={"by": by})
    assert r.status_code == 200 and r.json()["rows"]


def test_unknown_view_is_422(client: TestClient) -> None:
    assert client.get("/v1/costs", params={"by": "month"}).status_code == 422


def test_what_if_period_forms_and_bounds(client: TestClient) -> None:
    ok = client.get("/v1/costs/what-if", params={"period": "JFY2022-2026", "utilities_share": 0.5})
    assert ok.status_code == 200 and ok.json()["period"] == "2022-26"
    bad = client.get("/v1/costs/what-if", params={"labor_cap": 500_000})
    assert bad.status_code == 422
    assert "labor_cap" in str(bad.json())
