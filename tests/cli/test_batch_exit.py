"""How an `anpo` batch process starts and ends. In the `anpo` program: the collector paused
while the command's modules load, their objects frozen when it starts (`anpo.cli`); objects
frozen at exit, not walked by the interpreter's last garbage collections
(`anpo.cli.process_end.skip_teardown`); after a successful run, no teardown after the
exit handlers (`anpo.cli.process_end`)."""

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

# An exit handler registered after anpo.cli's import and before the run runs after the
# run's own (atexit is last in, first out): it sees whether more objects were frozen by
# then than during the run. An object held by a module alone reports the interpreter's
# teardown (it goes when the modules do, frozen or not); the last line is printed without
# a flush (stdout is a pipe here: buffered).
PROCESS = """
import atexit, gc, os, sys, types
from anpo.cli import main
from anpo.cli import batch
class Teardown:
    def __del__(self, write=os.write):  # (os may be None by then)
        write(1, b"teardown\\n")
sys.modules["teardown_probe"] = types.ModuleType("teardown_probe")  # freed when the modules are
sys.modules["teardown_probe"].probe = Teardown()
seen = []
run_batch = batch.run_batch
def probe_run(*args, **kwargs):
    seen.append(gc.get_freeze_count())
    print("during the run: collector on", gc.isenabled(), "frozen", seen[0] > 0, flush=True)
    return run_batch(*args, **kwargs)
batch.run_batch = probe_run
atexit.register(lambda: print("more frozen at exit:", gc.get_freeze_count() > seen[0], flush=True))
sys.argv = ["anpo", "assess", "--batch", sys.argv[1], "--out", sys.argv[2]]
main()
print("after the run: collector on", gc.isenabled(), flush=True)
print("after the run, not flushed")
"""


def _process(tmp_path: Path, out: Path, program: str = PROCESS) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(ROW) + "\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-c", program, str(src), str(out)], capture_output=True,
                          text=True, timeout=300)


def test_a_batch_process_freezes_its_objects_and_skips_the_teardown(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    run = _process(tmp_path, out)
    assert run.returncode == 0, run.stderr
    # the start's objects frozen, the collector on for the run; the handlers ran (the run's
    # gc.freeze first), the streams were flushed, no teardown
    assert run.stdout.splitlines() == ["during the run: collector on True frozen True",
                                       "after the run: collector on True", "after the run, not flushed",
                                       "more frozen at exit: True"]
    assert "1 rows: 1 good, 0 bad" in run.stderr  # the summary was written before the exit
    assert pq.read_table(out).column("article5").to_pylist() == ["applies"]


def test_a_failed_batch_process_ends_with_the_teardown(tmp_path: Path) -> None:
    run = _process(tmp_path, tmp_path / "missing" / "out.parquet")
    assert run.returncode == 2
    assert "no such directory" in run.stderr
    assert run.stdout.splitlines()[-1] == "teardown"


def test_main_called_by_another_program_keeps_its_collector_and_teardown(tmp_path: Path) -> None:
    # `main` is not the __main__ module's: the caller's collector runs as it would have
    # (nothing frozen before the run) and its process ends as it would have
    program = PROCESS.replace("from anpo.cli import main", "import anpo.cli")
    program = program.replace("main()", "anpo.cli.main()")
    run = _process(tmp_path, tmp_path / "out.parquet", program)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "during the run: collector on True frozen False"
    assert lines[-2:] == ["more frozen at exit: True", "teardown"]


def test_a_batch_run_in_process_freezes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(ROW) + "\n", encoding="utf-8")
    before = gc.get_freeze_count()
    code, _, stderr = run_main(["assess", "--batch", str(src), "--out", str(tmp_path / "o.parquet")],
                               capsys, monkeypatch)
    assert code == 0, stderr
    assert gc.get_freeze_count() == before
    assert gc.isenabled()
    from anpo.cli import process_end

    assert not process_end._armed  # pytest's process keeps its exit status and teardown


LOADING = """
import gc, sys
from anpo.cli import process_end
process_end._program = sys.argv[1] == "program"
with process_end.loading():
    paused = not gc.isenabled()
    kept = [[1]]
print(paused, gc.isenabled(), all(o is not kept for o in gc.get_objects()))
"""


@pytest.mark.parametrize(("who", "expected"), [("program", "True True True"), ("caller", "False True False")])
def test_late_imports_load_with_the_collector_paused_in_the_program(who: str, expected: str) -> None:
    # paused inside, on after, and what was made inside frozen (in no generation): the program only
    run = subprocess.run([sys.executable, "-c", LOADING, who], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == expected.split()
