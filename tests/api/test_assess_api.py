"""POST /v1/assess: the CLI's contract over HTTP; strict requests; 422 naming the field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from anpo.api.settings import MAX_BATCH, MAX_BODY_BYTES
from anpo.law.assess import assess_raw

SENKAKU = {"date": "2026-01-01", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473}


def _locs(resp: Any) -> list[list[Any]]:
    return [d["loc"] for d in resp.json()["detail"]]


def test_one_scenario_is_the_cli_contract(client: TestClient) -> None:
    r = client.post("/v1/assess", json=SENKAKU)
    assert r.status_code == 200
    expected, _ = assess_raw(dict(SENKAKU))
    assert r.json() == expected[0]
    assert r.json()["article5"]["status"] == "applies"


def test_a_list_gives_a_list(client: TestClient) -> None:
    okinawa_1971 = {**SENKAKU, "date": "1971-05-01", "lat": 26.35, "lon": 127.77, "target": "USA"}
    r = client.post("/v1/assess", json=[SENKAKU, okinawa_1971])
    assert r.status_code == 200
    body = r.json()
    assert [x["article5"]["status"] for x in body] == ["applies", "does_not_apply"]


def test_boolean_as_number_is_422_naming_the_field(client: TestClient) -> None:
    r = client.post("/v1/assess", json={**SENKAKU, "lon": False})
    assert r.status_code == 422
    assert _locs(r) == [["body", "lon"]]


def test_unknown_field_is_422(client: TestClient) -> None:
    r = client.post("/v1/assess", json={**SENKAKU, "place": "Tokyo"})
    assert r.status_code == 422
    assert _locs(r) == [["body", "place"]]


def test_string_number_is_not_coerced(client: TestClient) -> None:
    r = client.post("/v1/assess", json={**SENKAKU, "lat": "25.7"})
    assert r.status_code == 422
    assert _locs(r) == [["body", "lat"]]


def test_library_errors_name_field_and_row(client: TestClient) -> None:
    no_lon = {k: v for k, v in SENKAKU.items() if k != "lon"}
    r = client.post("/v1/assess", json=[SENKAKU, no_lon])
    assert r.status_code == 422
    assert _locs(r) == [["body", 1, "lon"]]
    r = client.post("/v1/assess", json={**SENKAKU, "date": "2026-02-30"})
    assert r.status_code == 422 and _locs(r) == [["body", "date"]]
    r = client.post("/v1/assess", json={**SENKAKU, "target": "XXX"})
    assert r.status_code == 422 and _locs(r) == [["body", "target"]]


def test_batch_limit(client: TestClient) -> None:
    r = client.post("/v1/assess", json=[SENKAKU] * (MAX_BATCH + 1))
    assert r.status_code == 422
    r = client.post("/v1/assess", json=[])
    assert r.status_code == 422


def test_body_size_limit(client: TestClient) -> None:
    big = b'{"id": "' + b"x" * MAX_BODY_BYTES + b'"}'
    r = client.post("/v1/assess", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_saved_assessment_round_trip(client: TestClient) -> None:
    r = client.post("/v1/assessments", json=SENKAKU)
    assert r.status_code == 201
    saved = r.json()
    assert saved["result"]["article5"]["status"] == "applies"
    assert r.headers["location"] == f"/v1/assessments/{saved['id']}"
    again = client.get(saved["location"] if "location" in saved else r.headers["location"])
    assert again.status_code == 200
    assert again.json()["receipt"] == saved["result"]["receipt"]
    assert client.get("/v1/assessments/00000000-0000-0000-0000-000000000000").status_code == 404


def test_explanation_only_when_asked_for_a_list(client: TestClient) -> None:
    okinawa_1971 = {**SENKAKU, "date": "1971-05-01", "lat": 26.35, "lon": 127.77, "target": "USA"}
    plain = client.post("/v1/assess", json=[SENKAKU, okinawa_1971]).json()
    assert all("explanation" not in x for x in plain)
    expected, _ = assess_raw([dict(SENKAKU), dict(okinawa_1971)], explain=False)
    assert plain == expected
    explained = client.post("/v1/assess?explain=true", json=[SENKAKU, okinawa_1971]).json()
    assert explained == assess_raw([dict(SENKAKU), dict(okinawa_1971)])[0]
    # the determinations are the same either way
    assert [x["article5"] for x in plain] == [x["article5"] for x in explained]
    one = client.post("/v1/assess?explain=false", json=SENKAKU).json()
    assert "explanation" not in one and one["article5"] == explained[0]["article5"]
