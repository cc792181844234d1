"""POST /v1/assess as a what-if (?without=, ?in_force=) and with operation_area."""

from __future__ import annotations

from fastapi.testclient import TestClient

ATTACK = {"date": "2026-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}
LEGISLATION = "jp-peace-security-legislation-2015"


def test_without_changes_the_answer_and_the_receipt_records_it(client: TestClient) -> None:
    actual = client.post("/v1/assess", json=ATTACK).json()
    assert actual["japan"]["collective_self_defense_legal_basis"] is True
    r = client.post(f"/v1/assess?without={LEGISLATION}", json=ATTACK)
    assert r.status_code == 200
    body = r.json()
    assert body["japan"]["collective_self_defense_legal_basis"] is False
    assert body["receipt"]["what_if"] == {"without": [LEGISLATION], "in_force": {}}
    assert any(c["condition"] == "rear_area_support" for c in body["what_if"]["changed"])


def test_in_force_on_a_list(client: TestClient) -> None:
    tokyo_1959 = {"date": "1959-06-01", "event": "armed_attack", "target": "JPN",
                  "lat": 35.749, "lon": 139.349}
    r = client.post("/v1/assess?in_force=us-japan-1960=1958-01-01", json=[tokyo_1959, ATTACK])
    assert r.status_code == 200
    assert [x["article5"]["status"] for x in r.json()][0] == "applies"


def test_bad_what_if_is_422_naming_it(client: TestClient) -> None:
    r = client.post("/v1/assess?without=no-such-thing", json=ATTACK)
    assert r.status_code == 422
    assert "without" in r.text and "no-such-thing" in r.text


def test_operation_area(client: TestClient) -> None:
    scenario = {**ATTACK, "target": "TWN", "lat": 24.2, "lon": 121.0,
                "us_action": "combat_operations_from_japan", "operation_area": "middle_east"}
    r = client.post("/v1/assess", json=scenario)
    assert r.status_code == 200
    assert r.json()["prior_consultation"]["far_east"] == "outside"
    bad = client.post("/v1/assess", json={**scenario, "operation_area": "mars"})
    assert bad.status_code == 422
