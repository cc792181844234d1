"""The run store: migrations, transitions, recovery after a crash, two processes at once."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from pathlib import Path

import pytest

from anpo.store import Store, default_sqlite_path
from anpo.store.engine import current_revision, make_engine, migrate
from anpo.store.location import database_url

from . import _workers

CTX = mp.get_context("spawn")  # fresh interpreters, like two real servers


def test_default_location_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ANPO_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_sqlite_path() == tmp_path / "anpo" / "anpo.db"
    assert database_url() == f"sqlite:///{tmp_path / 'anpo' / 'anpo.db'}"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_sqlite_path() == Path.home() / ".local" / "share" / "anpo" / "anpo.db"
    monkeypatch.setenv("ANPO_DATABASE_URL", "postgresql://u:p@h/db")
    assert database_url() == "postgresql+psycopg://u:p@h/db"


def test_migrations_are_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == "0001"
    engine.dispose()


def test_run_lifecycle(store: Store) -> None:
    store.register_server()
    run = store.create_run({"date": "2026-01-01"}, {"a": 1.0}, trials=100, seed=2**62)
    assert run["status"] == "queued" and run["seed"] == 2**62
    assert store.start_run(run["id"])
    assert not store.start_run(run["id"])  # only from queued
    assert store.set_progress(run["id"], 0.25)
    assert store.finish_run(run["id"], {"mean": 1.5}, {"input_sha256": "ab"})
    done = store.get_run(run["id"])
    assert done is not None
    assert (done["status"], done["progress"], done["summaries"]) == ("done", 1.0, {"mean": 1.5})
    assert done["finished_at"] is not None and done["created_at"].endswith("Z")
    assert not store.fail_run(run["id"], "late")  # a finished run stays finished
    assert not store.set_progress(run["id"], 0.1)


def test_list_runs_newest_first(store: Store) -> None:
    ids = [store.create_run({}, {}, trials=1, seed=i)["id"] for i in range(3)]
    rows, total = store.list_runs(limit=2)
    assert total == 3 and [r["id"] for r in rows] == ids[::-1][:2]
    assert store.list_runs(status="done") == ([], 0)


def test_assessments(store: Store) -> None:
    saved = store.save_assessment({"date": "2026-01-01"}, {"receipt": {"input_sha256": "x"}, "a": 1})
    again = store.get_assessment(saved["id"])
    assert again == saved and again["receipt"] == {"input_sha256": "x"}
    assert store.get_assessment("00000000-0000-0000-0000-000000000000") is None


def test_killed_server_runs_become_interrupted_on_restart(db_url: str) -> None:
    with CTX.Pool(1) as pool:
        run_id = pool.apply(_workers.leave_running, (db_url,))
    # the worker process is gone: its server record names a dead pid on this host
    store = Store.open(db_url)
    first = store.get_run(run_id)
    assert first is not None and first["status"] == "running"
    store.register_server()
    after = store.get_run(run_id)
    assert after is not None and after["status"] == "interrupted" and after["error"]
    assert not store.finish_run(run_id, {}, None)
    store.close()


def test_live_servers_keep_their_runs(store: Store, db_url: str) -> None:
    store.register_server()
    run = store.create_run({}, {}, trials=1, seed=1)
    store.start_run(run["id"])
    other = Store.open(db_url)
    other.register_server()  # a second live server must not touch the first one's run
    live = store.get_run(run["id"])
    assert live is not None and live["status"] == "running"
    # ...until the first server's heartbeat is stale
    assert other.recover(now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == 1
    stale = other.get_run(run["id"])
    assert stale is not None and stale["status"] == "interrupted"
    other.close()


def test_clean_shutdown_interrupts_own_runs(store: Store) -> None:
    store.register_server()
    run = store.create_run({}, {}, trials=1, seed=1)
    store.unregister_server()
    stopped = store.get_run(run["id"])
    assert stopped is not None and stopped["status"] == "interrupted"


def test_two_processes_on_one_database(db_url: str) -> None:
    n = 40
    with CTX.Pool(2) as pool:
        results = pool.starmap(_workers.hammer, [(db_url, n), (db_url, n)])
    store = Store.open(db_url)
    rows, total = store.list_runs(limit=500)
    assert total == 2 * n and len({r["id"] for r in rows}) == 2 * n
    assert {r["id"] for r in rows} == set(results[0]) | set(results[1])
    assert all(r["status"] == "done" and r["progress"] == 1.0 for r in rows)
    store.close()


def test_servers_starting_at_once_on_a_new_sqlite_file(tmp_path: Path) -> None:
    # Four processes open a file that does not exist yet at the same moment, round after
    # round: the switch to WAL raced and failed with "database is locked" in about one
    # round in ten before the switch waited out the others.
    rounds, procs = 12, 4
    with CTX.Manager() as manager, CTX.Pool(procs) as pool:
        for i in range(rounds):
            url = f"sqlite:///{tmp_path / f'round{i}.db'}"
            barrier = manager.Barrier(procs)
            errors = pool.starmap(_workers.open_at_once, [(url, barrier)] * procs)
            assert errors == [None] * procs, (i, errors)
            store = Store.open(url)
            assert current_revision(store.engine) is not None
            store.close()


def test_a_sqlite_file_and_its_present_companions_are_made_private(tmp_path: Path) -> None:
    # The -wal and -shm files come and go with other processes' connections: made private
    # when present, never created here (one removed while it was being made private used to
    # fail the opening with FileNotFoundError).
    from anpo.store.location import make_private

    db = tmp_path / "s.db"
    make_private(f"sqlite:///{db}")
    assert db.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "s.db-wal").exists() and not (tmp_path / "s.db-shm").exists()
    wal = tmp_path / "s.db-wal"
    wal.write_bytes(b"")
    wal.chmod(0o644)
    make_private(f"sqlite:///{db}")
    assert wal.stat().st_mode & 0o777 == 0o600 and not (tmp_path / "s.db-shm").exists()
