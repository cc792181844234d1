"""`sigint_blocked`: a child process started in the block has SIGINT blocked for its whole
life (Ctrl+C in a terminal reaches the whole process group; its parent stops it), and the
parent's own mask comes back afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# In a fresh interpreter, where multiprocessing's resource tracker is not running yet: its
# launch, inside the first spawn, unblocked SIGINT in the calling thread (CPython 3.11).
_PROGRAM = """
import multiprocessing, signal
from anpo.core.signals import sigint_blocked

def report(conn):
    conn.send(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))

if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    mine, theirs = ctx.Pipe()
    with sigint_blocked():
        child = ctx.Process(target=report, args=(theirs,))
        child.start()
    print(mine.recv(), signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []))
    child.join()
"""


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_a_child_started_in_the_block_keeps_sigint_blocked(tmp_path: Path) -> None:
    program = tmp_path / "program.py"  # a file: the spawned child imports its `report`
    program.write_text(_PROGRAM, encoding="utf-8")
    env = dict(os.environ)
    if env.get("PYTHONPATH"):  # (a relative PYTHONPATH made absolute: the code under test)
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep))
    out = subprocess.run([sys.executable, str(program)], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]  # the child's mask, then the parent's after the block
