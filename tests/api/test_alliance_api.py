"""GET /v1/okinawa, /v1/realignment, /v1/governance."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_okinawa(client: TestClient) -> None:
    doc = client.get("/v1/okinawa").json()
    assert doc["rows"] and all(c["ok"] for c in doc["sum_checks"]) and doc["gaps"]
    one = client.get("/v1/okinawa", params={"series": "aircraft-accidents"}).json()
    assert {r["series"] for r in one["rows"]} == {"aircraft-accidents"}
    r = client.get("/v1/okinawa", params={"series": "noise"})
    assert r.status_code == 422 and "series" in r.text
    csv = client.get("/v1/okinawa", params={"format": "csv"})
    assert csv.status_code == 200 and csv.text.startswith("series,period,value")


def test_okinawa_yearly_series_rates_and_checks(client: TestClient) -> None:
    doc = client.get("/v1/okinawa", params={"series": "sofa-crimes-okinawa"}).json()
    assert any("per_10k_sofa" in r for r in doc["rows"]) and doc["bound_checks"]
    assert doc["series"][0]["years_missing"]
    text = client.get("/v1/okinawa", params={"series": "spills-us-records", "format": "csv"}).text
    assert text.startswith("series,period,value") and "futenma" in text


def test_realignment(client: TestClient) -> None:
    doc = client.get("/v1/realignment").json()
    futenma = next(i for i in doc["items"] if i["id"] == "saco-futenma")
    assert futenma["status"] == "open" and futenma["slippage_at_least"]
    assert doc["schedules"][0]["projected_completion"].startswith("2035")
    assert client.get("/v1/realignment", params={"plan": "nope"}).status_code == 422


def test_governance(client: TestClient) -> None:
    doc = client.get("/v1/governance", params={"section": "protection"}).json()
    assert {y["year"] for y in doc["protection"]} >= {2022, 2023}
    early = client.get("/v1/governance", params={"section": "command", "date": "1960-01-01"}).json()
    assert [a["id"] for a in early["command"]] == ["usfj"]
    assert client.get("/v1/governance", params={"date": "2015-13-01"}).status_code == 422
    assert client.get("/v1/governance", params={"section": "x"}).status_code == 422


def test_okinawa_carries_japanese_text(client: TestClient) -> None:
    doc = client.get("/v1/okinawa").json()
    assert all(s["title_ja"] and s["counts_ja"] and s["publisher_ja"] for s in doc["series"])
    assert all(g["text_ja"] for g in doc["gaps"])


def test_realignment_carries_japanese_text(client: TestClient) -> None:
    doc = client.get("/v1/realignment", params={"plan": "consolidation-2013"}).json()
    assert doc["plans"][0]["title_ja"] == "沖縄における在日米軍施設・区域に関する統合計画"
    assert all(i["item_ja"] and i["target_ja"] and i["outcome_ja"] for i in doc["items"])


def test_governance_carries_japanese_text(client: TestClient) -> None:
    doc = client.get("/v1/governance", params={"section": "scc"}).json()
    assert all(m["decided_ja"] for m in doc["scc"]) and all(g["text_ja"] for g in doc["gaps"])
    first = next(m for m in doc["scc"] if m["id"] == "scc-2024-07-28")
    assert "自衛隊統合作戦司令部" in first["decided_ja"]
    info = client.get("/v1/governance", params={"section": "information"}).json()["information"]
    assert all(i["name_ja"] and i["summary_ja"] for i in info)
