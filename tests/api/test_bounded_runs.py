"""Bounded work (issue 20): run budget, bounded queue, cancel, retention and quotas."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from anpo.api.app import create_app
from anpo.api.settings import Settings
from anpo.store import Store

from .fakes import FakeRunner
from .test_runs_api import SCENARIO, _wait


def _until(done: Callable[[], bool], seconds: float = 60) -> None:
    """Poll until `done()`: the run's own thread may be held up for seconds on a loaded machine
    (a bound to the wait, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the run did not end"
        time.sleep(0.01)


def _client(store: Store, runner: Any, **limits: Any) -> TestClient:
    return TestClient(create_app(Settings(**limits), store=store, runner=runner), base_url="http://127.0.0.1")


def test_a_run_over_the_work_budget_is_422_naming_it(store: Store) -> None:
    with _client(store, FakeRunner(), max_run_work=1_000_000) as c:
        body = {"scenario": SCENARIO, "trials": 10_000, "strikes": {"bases": ["kadena", "futenma"]}}
        resp = c.post("/v1/simulations", json=body)
        assert resp.status_code == 422
        d = resp.json()["detail"][0]
        assert d["loc"] == ["body", "trials"] and "20,010,000 work units" in d["msg"]
        assert "ANPO_MAX_RUN_WORK" in d["msg"] and "1,000,000" in d["msg"]
        assert c.get("/v1/runs").json()["total"] == 0
        assert c.post("/v1/simulations", json={"scenario": SCENARIO, "trials": 1000}).status_code == 202
        assert c.get("/v1/meta").json()["limits"]["run_work"] == 1_000_000


def test_the_queue_is_bounded_per_client_and_per_server(store: Store) -> None:
    runner = FakeRunner()
    runner.gate = threading.Event()
    with _client(store, runner, max_queued=3, max_queued_per_client=2) as c:
        ids = [c.post("/v1/simulations", json={"scenario": SCENARIO}).json()["id"] for _ in range(2)]
        resp = c.post("/v1/simulations", json={"scenario": SCENARIO})
        assert resp.status_code == 429 and int(resp.headers["retry-after"]) > 0
        assert "at most 2 a client" in resp.json()["detail"]
        runner.gate.set()
        for run_id in ids:
            _wait(c, run_id, ("done",))
        time.sleep(0.05)  # the worker releases its slot right after the store says done
        assert c.post("/v1/simulations", json={"scenario": SCENARIO}).status_code == 202


def test_delete_cancels_a_running_or_queued_run(store: Store) -> None:
    runner = FakeRunner()
    runner.gate = threading.Event()
    with _client(store, runner) as c:
        first = c.post("/v1/simulations", json={"scenario": SCENARIO}).json()["id"]
        second = c.post("/v1/simulations", json={"scenario": SCENARIO}).json()["id"]  # queued behind
        _wait(c, first, ("running",))
        for run_id in (first, second):
            resp = c.delete(f"/v1/simulations/{run_id}")
            assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
        runner.gate.set()
        time.sleep(0.2)
        assert c.get(f"/v1/simulations/{first}").json()["status"] == "cancelled"  # never turned done
        assert c.get(f"/v1/simulations/{second}").json()["status"] == "cancelled"
        assert len(runner.calls) == 1  # the queued one never ran
        assert c.delete(f"/v1/simulations/{first}").status_code == 409
        assert c.delete("/v1/simulations/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_cancelled_run_stops_at_its_next_progress_report(store: Store) -> None:
    from anpo.api.runs import RunManager

    reports: list[float] = []

    class Slow(FakeRunner):
        def run(self, spec: dict[str, Any], *, trials: int, seed: int, progress: Any) -> Any:
            for k in range(1, 101):
                reports.append(k / 100)
                progress(k / 100)
                if k == 3:
                    store.cancel_run(run_id)
            return {}, None

    manager = RunManager(store, Slow())
    run_id = manager.submit({"scenario": SCENARIO}, trials=10, seed=0)["id"]
    _until(lambda: not manager._live)  # the run has ended, however it ended
    manager.shutdown()
    assert store.run_status(run_id) == "cancelled" and len(reports) == 4


def test_a_run_past_its_time_limit_fails(store: Store) -> None:
    from anpo.api.runs import RunManager

    class Slow(FakeRunner):
        def run(self, spec: dict[str, Any], *, trials: int, seed: int, progress: Any) -> Any:
            progress(0.1)
            time.sleep(0.05)
            progress(0.2)
            raise AssertionError("not stopped")

    manager = RunManager(store, Slow(), max_seconds=0.01)
    run_id = manager.submit({"scenario": SCENARIO}, trials=10, seed=0)["id"]
    _until(lambda: not manager._live)  # the run has ended, however it ended
    manager.shutdown()
    run = store.get_run(run_id)
    assert run is not None and run["status"] == "failed" and "ANPO_MAX_RUN_SECONDS" in run["error"]


def test_retention_and_quotas(store: Store) -> None:
    ids = []
    for k in range(5):
        r = store.create_run({"k": k}, {}, trials=1, seed=k)
        store.fail_run(r["id"], "x")
        ids.append(r["id"])
        store.save_assessment({"k": k}, {"receipt": {}})
    live = store.create_run({"k": "live"}, {}, trials=1, seed=0)
    assert store.prune(max_runs=2, max_assessments=3) == 3 + 2
    left = {r["id"] for r in store.list_runs(limit=50)[0]}
    assert left == {ids[3], ids[4], live["id"]}  # the newest ended ones, and the live one
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert store.prune(older_than=dt.timedelta(days=365), now=later) == 2 + 3
    assert {r["id"] for r in store.list_runs(limit=50)[0]} == {live["id"]}


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    resp = client.request("PUT", "/v1/simulations/00000000-0000-0000-0000-000000000000")
    assert resp.status_code == 405 and resp.headers["allow"] == "DELETE, GET"
