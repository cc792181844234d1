"""The Dask backend on a real LocalCluster (2 worker processes): same answers as a local run."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from anpo.cluster import dask_client, dask_mapper, scheduler_address
from anpo.cluster.cluster import local_workers
from anpo.core.errors import InputError
from anpo.io.batch import assess_table
from anpo.io.grid import grid_spec, write_grid

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sim"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client("local:2") as c:
        c.wait_for_workers(2, timeout=120)
        yield c


def random_rows(n: int, seed: int = 3) -> pa.Table:
    rng = np.random.default_rng(seed)
    events = np.array(["none", "armed_attack", "cyber_attack", "gray_zone", "missile_inbound"])
    ev = events[rng.integers(0, len(events), n)]
    target = np.array(["JPN", "USA", "TWN", "KOR"])[rng.integers(0, 4, n)].astype(object)
    target[ev == "none"] = None
    days = rng.integers(-8800, 47000, n)  # 1945-11-30 .. 2098-09-05
    dates = [str(np.datetime64(int(d), "D")) for d in days]
    dates[7] = "2026-02-30"  # one bad row
    return pa.table({
        "id": [f"s{i}" for i in range(n)], "date": dates, "event": ev.tolist(), "target": target.tolist(),
        "lat": rng.uniform(20.0, 46.0, n), "lon": rng.uniform(122.0, 150.0, n),
    })


def test_batch_on_dask_is_identical_to_the_local_run(client: Any, tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    pq.write_table(random_rows(3000), src)
    local, remote = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    a = assess_table(src, local, chunk_rows=700)
    b = assess_table(src, remote, chunk_rows=500, mapper=dask_mapper(client))
    assert (a.rows, a.bad) == (b.rows, b.bad) == (3000, 1)
    ta, tb = pq.read_table(local), pq.read_table(remote)
    assert ta.num_rows == 3000
    assert ta.to_pylist() == tb.to_pylist()
    assert set(ta.column("article5").to_pylist()) >= {"applies", "does_not_apply"}


def test_grid_on_dask_is_identical_to_the_local_run(client: Any, tmp_path: Path) -> None:
    spec = grid_spec("123,24,126,26", 20.0, "1971-01-01,2026-01-01", "armed_attack", "JPN")
    local, remote = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    write_grid(spec, local, chunk_rows=97)
    write_grid(spec, remote, chunk_rows=97, mapper=dask_mapper(client))
    assert pq.read_table(local).equals(pq.read_table(remote))


def test_seeded_simulation_on_dask_is_bit_identical(client: Any) -> None:
    from anpo import sim
    from anpo.cluster.sim import run_simulation_on_dask

    spec = sim.parse_sim_scenario(yaml.safe_load((EXAMPLES / "senkaku-2026.yaml").read_text()))
    params = sim.load_parameters()
    trials = 3 * 16_384 + 123
    local = sim.run_simulation(spec, params, trials=trials, seed=11, chunk=16_384)
    remote = run_simulation_on_dask(client, spec, params, trials=trials, seed=11, chunk=16_384)
    assert json.dumps(local.to_dict(), sort_keys=True) == json.dumps(remote.to_dict(), sort_keys=True)


def test_scheduler_address_from_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANPO_DASK_SCHEDULER", raising=False)
    assert scheduler_address(None) is None
    monkeypatch.setenv("ANPO_DASK_SCHEDULER", "tcp://10.0.0.1:8786")
    assert scheduler_address(None) == "tcp://10.0.0.1:8786"
    assert scheduler_address("local:3") == "local:3"
    assert local_workers("local:3") == 3 and local_workers("tcp://x:1") is None
    for bad in ("local:", "local:0", "local:two"):
        with pytest.raises(InputError, match="--dask"):
            local_workers(bad)


def test_an_unreachable_scheduler_is_an_input_error() -> None:
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"), \
            dask_client("tcp://127.0.0.1:9", timeout_s=1.0):
        pass


def test_the_same_input_twice_in_a_row(client: Any, tmp_path: Path) -> None:
    """Identical chunks in consecutive runs must not share (and lose) their scattered data."""
    src = tmp_path / "in.parquet"
    pq.write_table(random_rows(200), src)
    mapper = dask_mapper(client)
    outs = []
    for k in range(4):
        out = tmp_path / f"out{k}.parquet"
        assess_table(src, out, mapper=mapper)
        outs.append(pq.read_table(out))
    assert all(t.equals(outs[0]) for t in outs)


def test_a_local_cluster_leaves_nothing_in_the_temporary_folder(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # dask's default scratch folder, $TMPDIR/dask-scratch-space, outlived every run
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with dask_client("local:1") as c:
        c.wait_for_workers(1, timeout=120)
        assert c.submit(sum, [1, 2], pure=False).result(timeout=60) == 3
        assert list(tmp_path.iterdir()) != []  # the run's scratch folder
    assert list(tmp_path.iterdir()) == []
