"""Cancel, retention and quotas in the store (issue 20), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from anpo.store import Store


def test_cancel_applies_to_live_runs_only(store: Store) -> None:
    queued = store.create_run({"k": 1}, {}, trials=1, seed=0)
    running = store.create_run({"k": 2}, {}, trials=1, seed=0)
    done = store.create_run({"k": 3}, {}, trials=1, seed=0)
    store.start_run(running["id"])
    store.start_run(done["id"])
    store.finish_run(done["id"], {}, None)
    assert store.cancel_run(queued["id"]) and store.cancel_run(running["id"])
    assert not store.cancel_run(done["id"])
    assert not store.set_progress(running["id"], 0.5)  # the worker learns it was cancelled
    assert not store.finish_run(running["id"], {}, None)  # and cannot turn it done
    assert store.run_status(running["id"]) == "cancelled" and store.run_status(done["id"]) == "done"
    assert store.run_status("00000000-0000-0000-0000-000000000000") is None


def test_prune_keeps_live_runs_and_the_newest(store: Store) -> None:
    ended = []
    for k in range(4):
        r = store.create_run({"k": k}, {}, trials=1, seed=k)
        store.fail_run(r["id"], "x")
        ended.append(r["id"])
        store.save_assessment({"k": k}, {"receipt": {}})
    live = store.create_run({"k": "live"}, {}, trials=1, seed=0)["id"]
    assert store.prune(max_runs=1, max_assessments=2) == 3 + 2
    assert {r["id"] for r in store.list_runs()[0]} == {ended[-1], live}
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    assert store.prune(older_than=dt.timedelta(days=7), now=later) == 1 + 2
    assert [r["id"] for r in store.list_runs()[0]] == [live]
