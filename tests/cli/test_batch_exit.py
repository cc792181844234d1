"""How an `anpo assess --batch` process ends: objects frozen at exit, not walked by the
interpreter's last garbage collections (`anpo.cli.batch.skip_final_collection`)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cli_runner import run_main

ROW = {"date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 24.34, "lon": 124.16}

# An exit handler registered before the run runs after the run's own (atexit is last in,
# first out): it sees whether the objects were frozen by then.
PROCESS = """
import atexit, gc, sys
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0, flush=True))
from anpo.cli import main
sys.argv = ["anpo", "assess", "--batch", sys.argv[1], "--out", sys.argv[2]]
main()
print("frozen after the run:", gc.get_freeze_count() > 0, flush=True)
"""


def test_a_batch_process_freezes_its_objects_only_at_exit(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(ROW) + "\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    run = subprocess.run([sys.executable, "-c", PROCESS, str(src), str(out)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["frozen after the run: False", "frozen at exit: True"]
    assert "1 rows: 1 good, 0 bad" in run.stderr  # the summary was written before the exit
    assert pq.read_table(out).column("article5").to_pylist() == ["applies"]


def test_a_batch_run_in_process_freezes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(ROW) + "\n", encoding="utf-8")
    before = gc.get_freeze_count()
    code, _, stderr = run_main(["assess", "--batch", str(src), "--out", str(tmp_path / "o.parquet")],
                               capsys, monkeypatch)
    assert code == 0, stderr
    assert gc.get_freeze_count() == before
