"""`anpo simulate --dask local:2` gives the local run's summary, bit for bit (a real cluster)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run_main

SCENARIO = str(Path(__file__).parents[2] / "examples" / "sim" / "senkaku-2026.yaml")
ARGS = ["simulate", SCENARIO, "--trials", "20000", "--seed", "11", "--format", "json",
        "--sweep", "us.decision_delay_h=6,24"]


def test_dask_local_cluster_matches_the_local_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, local, err = run_main(ARGS, capsys, monkeypatch)
    assert code == 0, err
    code, on_dask, err = run_main([*ARGS, "--dask", "local:2"], capsys, monkeypatch)
    assert code == 0, err
    assert json.loads(on_dask) == json.loads(local)


def test_keep_trials_is_refused_with_dask(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, err = run_main(
        [*ARGS[:2], "--dask", "local:1", "--out", str(tmp_path / "o"), "--keep-trials"], capsys, monkeypatch
    )
    assert code == 2 and out == "" and "--keep-trials" in err
    assert not (tmp_path / "o").exists()
