"""A stop signal whose exception is lost on the way still stops the run (core.signals).

Python runs a signal's handler at the next bytecode; inside a ctypes callback (as numba's
loading of a cached kernel calls llvmlite back) the handler's SystemExit is printed as
"ignored" and the caller goes on. These tests lose a real SIGINT / SIGTERM that way (libc's
qsort calling a Python comparison) and check that the next checkpoint, the block's end and
every commit point raise it again, and that nothing is renamed into place."""

from __future__ import annotations

import ctypes
import signal
from pathlib import Path

import pyarrow as pa
import pytest

from anpo.core.files import atomic_path
from anpo.core.signals import raise_if_stopped, stop_on_signals
from anpo.io.tables import atomic_table

ROOT = Path(__file__).resolve().parents[2]

# The lost exception is reported as unraisable: that report is what these tests provoke.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

_COMPARE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_LIBC = ctypes.CDLL(None)


def lose(sig: int) -> bool:
    """Deliver `sig` inside a ctypes callback; True when the caller went on (it was lost)."""
    def compare(_a: int, _b: int) -> int:
        signal.raise_signal(sig)
        for _ in range(100):  # a few bytecodes: the handler runs here, inside the callback
            pass
        return 0

    callback = _COMPARE(compare)
    values = (ctypes.c_int * 2)(2, 1)
    _LIBC.qsort(values, 2, ctypes.sizeof(ctypes.c_int), callback)
    return True


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_lost_signal_is_raised_at_the_next_checkpoint(sig: int) -> None:
    went_on = False
    with pytest.raises(SystemExit) as stopped, stop_on_signals():
        went_on = lose(sig)
        raise_if_stopped()
        pytest.fail("the checkpoint let the run go on")
    assert went_on  # the exception really was lost in the callback
    assert stopped.value.code == 128 + sig


def test_a_block_that_ends_after_a_lost_signal_still_stops() -> None:
    with pytest.raises(SystemExit) as stopped, stop_on_signals():
        lose(signal.SIGTERM)
    assert stopped.value.code == 143


def test_outside_the_block_nothing_is_pending() -> None:
    with pytest.raises(SystemExit), stop_on_signals():
        lose(signal.SIGINT)
    raise_if_stopped()  # the stop belonged to the block that ended
    with stop_on_signals():
        raise_if_stopped()  # a new block starts with nothing pending


def test_atomic_path_renames_nothing_after_a_lost_signal(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("before", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped, stop_on_signals(), atomic_path(out) as tmp:
        tmp.write_text("after", encoding="utf-8")
        lose(signal.SIGINT)
    assert stopped.value.code == 130
    assert out.read_text(encoding="utf-8") == "before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_table_renames_nothing_after_a_lost_signal(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    out.write_bytes(b"before")
    batch = pa.record_batch({"x": pa.array([1, 2, 3])})
    with pytest.raises(SystemExit) as stopped, stop_on_signals(), atomic_table(out, batch.schema) as writer:
        writer.write(batch)
        lose(signal.SIGTERM)
    assert stopped.value.code == 143
    assert out.read_bytes() == b"before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]


@pytest.mark.parametrize("kept", [True, False])
def test_a_simulation_stops_at_the_chunk_after_a_lost_signal(kept: bool) -> None:
    """The trials kept (one chunk at a time, as `--keep-trials` runs) or folded on threads:
    the run stops after the chunk that lost the signal, not at its end."""
    import yaml

    from anpo.sim import load_parameters, parse_sim_scenario
    from anpo.sim.plan import compile_plan
    from anpo.sim.run import TILE, run_plan

    raw = yaml.safe_load((ROOT / "examples" / "sim" / "senkaku-2026.yaml").read_text(encoding="utf-8"))
    plan = compile_plan(parse_sim_scenario(raw), load_parameters())
    seen: list[int] = []

    def on_chunk(lo: int, *_: object) -> None:
        seen.append(lo)
        if len(seen) == 1:
            lose(signal.SIGINT)

    def progress(done: int, _of: int) -> None:
        on_chunk(done)

    chunks = 8
    with pytest.raises(SystemExit) as stopped, stop_on_signals():
        run_plan(plan, chunks * TILE, 7, chunk=TILE, workers=1,
                 sink=on_chunk if kept else None, progress=None if kept else progress)
    assert stopped.value.code == 130
    assert len(seen) == 1  # of 8 chunks


def test_an_inner_block_keeps_the_outer_blocks_stop() -> None:
    with pytest.raises(SystemExit) as stopped, stop_on_signals():
        lose(signal.SIGTERM)
        with stop_on_signals():  # (a command's own block inside the caller's)
            pass
        pytest.fail("the inner block forgot the stop")
    assert stopped.value.code == 143
