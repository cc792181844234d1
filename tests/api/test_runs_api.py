"""Simulation runs over HTTP (fake runner), the write token and the bind policy."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from anpo.api.settings import BindRefused, check_bind
from anpo.store import Store

from .conftest import make_client
from .fakes import FakeRunner

SCENARIO = {"date": "2026-01-01", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473}


def _wait(client: TestClient, run_id: str, until: tuple[str, ...]) -> dict[str, Any]:
    for _ in range(3000):  # polls (up to ~30 s on a loaded machine), not a timing assertion
        run: dict[str, Any] = client.get(f"/v1/simulations/{run_id}").json()
        if run["status"] in until:
            return run
        time.sleep(0.01)
    raise AssertionError(f"run stayed {run['status']}")


def test_run_lifecycle(client: TestClient, runner: FakeRunner) -> None:
    r = client.post("/v1/simulations", json={"scenario": SCENARIO, "trials": 10_000, "seed": 7})
    assert r.status_code == 202
    run = _wait(client, r.json()["id"], ("done",))
    assert run["progress"] == 1.0 and run["seed"] == 7 and run["trials"] == 10_000
    assert run["summaries"]["trials"] == 10_000 and run["receipt"] == {"input_sha256": "x"}
    assert runner.calls[0]["spec"] == {"scenario": {**SCENARIO, "us_action": "none"}}
    listed = client.get("/v1/runs").json()
    assert listed["total"] == 1 and listed["runs"][0]["id"] == run["id"]
    assert "summaries" not in listed["runs"][0]
    assert client.get("/v1/runs", params={"status": "failed"}).json()["total"] == 0


def test_progress_is_visible_while_running(client: TestClient, runner: FakeRunner) -> None:
    import threading

    runner.gate = threading.Event()
    run_id = client.post("/v1/simulations", json={"scenario": SCENARIO}).json()["id"]
    for _ in range(500):
        run = client.get(f"/v1/simulations/{run_id}").json()
        if run["progress"] == 0.5:
            break
        time.sleep(0.01)
    assert run["status"] == "running" and run["progress"] == 0.5
    runner.gate.set()
    _wait(client, run_id, ("done",))


def test_failing_run_is_recorded(store: Store) -> None:
    with make_client(store, FakeRunner(fail=True)) as c:
        run_id = c.post("/v1/simulations", json={"scenario": SCENARIO}).json()["id"]
        run = _wait(c, run_id, ("failed",))
    assert "boom" in run["error"]


def test_bad_simulation_input_is_422_and_not_stored(client: TestClient) -> None:
    no_place = {"date": "2026-01-01", "event": "cyber_attack", "target": "JPN"}
    r = client.post("/v1/simulations", json={"scenario": no_place})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "scenario", "lat"]
    assert client.post("/v1/simulations", json={"scenario": SCENARIO, "trials": True}).status_code == 422
    assert client.post("/v1/simulations", json={"scenario": SCENARIO, "trials": 0}).status_code == 422
    assert client.get("/v1/runs").json()["total"] == 0


def test_no_simulation_library_is_503(store: Store) -> None:
    with make_client(store, None) as c:
        r = c.post("/v1/simulations", json={"scenario": SCENARIO})
        assert r.status_code == 503
        assert c.get("/v1/meta").json()["simulation_available"] is False


def test_unknown_run_is_404(client: TestClient) -> None:
    assert client.get("/v1/simulations/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/v1/simulations/not-an-id").status_code == 422


TOKEN = "s3cret-s3cret-s3cret"


def test_token_guards_writes_and_stored_data(store: Store, runner: FakeRunner) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with make_client(store, runner, token=TOKEN) as c:
        assert c.post("/v1/assess", json=SCENARIO).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert c.post("/v1/assess", json=SCENARIO, headers=wrong).status_code == 401
        ok = c.post("/v1/assess", json=SCENARIO, headers=auth)
        assert ok.status_code == 200
        assert c.get("/v1/where", params={"lat": 35, "lon": 139}).status_code == 200
        saved = c.post("/v1/assessments", json=SCENARIO, headers=auth).json()["id"]
        run_id = c.post("/v1/simulations", json={"scenario": SCENARIO}, headers=auth).json()["id"]
        for path in (f"/v1/assessments/{saved}", f"/v1/simulations/{run_id}", "/v1/runs"):
            assert c.get(path).status_code == 401, path
            assert c.get(path, headers=wrong).status_code == 401, path
            assert c.get(path, headers=auth).status_code == 200, path


def test_short_tokens_are_refused(store: Store) -> None:
    from anpo.api.settings import WeakToken

    with pytest.raises(WeakToken, match="at least 16"):
        make_client(store, None, token="x")


def test_bind_policy() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_bind(host, None)
    with pytest.raises(BindRefused):
        check_bind("0.0.0.0", None)
    with pytest.raises(BindRefused):
        check_bind("192.168.1.10", "")
    check_bind("0.0.0.0", "token")


def test_real_simulation_library_runs(store: Store) -> None:
    from anpo.api.runs import sim_runner

    real = sim_runner()
    if real is None:
        pytest.skip("anpo.sim is not in this build")
    with make_client(store, real) as c:
        body = {"scenario": SCENARIO, "trials": 2000, "seed": 3}
        run_id = c.post("/v1/simulations", json=body).json()["id"]
        run = _wait(c, run_id, ("done", "failed"))
    assert run["status"] == "done", run["error"]
    assert run["summaries"]["trials"] == 2000 and run["receipt"]["anpo_version"]
