"""Functions run in separate processes by the store tests (two servers on one database)."""

from __future__ import annotations

from typing import Any

from anpo.store import Store


def hammer(url: str, n: int) -> list[str]:
    """Open the store (migrating), register as a server, create and finish n runs."""
    store = Store.open(url)
    store.register_server()
    ids = []
    for i in range(n):
        run = store.create_run({"i": i}, {}, trials=10, seed=i)
        assert store.start_run(run["id"])
        assert store.set_progress(run["id"], 0.5)
        assert store.finish_run(run["id"], {"i": i}, None)
        store.save_assessment({"i": i}, {"receipt": {"i": i}})
        ids.append(run["id"])
    store.unregister_server()
    store.close()
    return ids


def leave_running(url: str) -> str:
    """A server that starts a run and dies without a clean shutdown."""
    store = Store.open(url)
    store.register_server()
    run = store.create_run({"x": 1}, {}, trials=10, seed=1)
    store.start_run(run["id"])
    store.close()
    return run["id"]


def open_at_once(url: str, barrier: Any) -> str | None:
    """Open the store the moment every other process is ready; the error text if it failed."""
    barrier.wait()
    try:
        store = Store.open(url)
        store.register_server()
        store.unregister_server()
        store.close()
    except Exception as exc:  # the test reports which process failed and how
        return repr(exc)
    return None
