"""`anpo simulate --keep-trials`: the per-trial table agrees with the run's summary."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
ANPO = Path(sys.executable).parent / "anpo"  # the anpo of the venv running the tests
TRIALS = 40_000  # more than two chunks of 16,384-trial tiles, the last one partial


def test_the_trial_table_is_the_run_behind_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "run"
    subprocess.run(
        [str(ANPO), "simulate", str(ROOT / "examples/sim/taiwan-strikes-2026.yaml"), "--trials", str(TRIALS),
         "--seed", "5", "--out", str(out), "--keep-trials", "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    table = pq.read_table(out / "trials.parquet")
    assert table.num_rows == TRIALS
    assert table.column("trial").to_pylist() == list(range(TRIALS))
    for name, stat in summary["metrics_h"].items():
        col = table.column(name).to_numpy()
        finite = col[np.isfinite(col)]
        assert stat["p_never"] == round(1 - finite.size / TRIALS, 4), name
        if finite.size:
            assert stat["mean"] == round(math.fsum(finite) / finite.size, 4), name
    for name, stat in summary["forces_on_station"].items():
        assert stat["mean"] == round(float(table.column(name).to_numpy().mean()), 4), name
    shares = list(summary["legal_paths"]["japan_path"].values())
    japan = np.bincount(table.column("japan_path").to_numpy(), minlength=len(shares)) / TRIALS
    np.testing.assert_allclose(japan[: len(shares)], shares, atol=1e-6)
