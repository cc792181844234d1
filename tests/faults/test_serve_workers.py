"""Fault injection (issue 20): `anpo serve` computes lists in worker processes; stopping
the server (SIGTERM) or killing it (SIGKILL) must not leave a worker behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_list_workers_end_with_the_server(sig: int, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "ANPO_WARM_MAPS": "none"}
    env.pop("ANPO_DATABASE_URL", None)
    argv = [sys.executable, "-c", "from anpo.cli import main; main()", "serve", "--port", "0"]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if re.search(r"dashboard at http://", line):
                break
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while not workers and time.monotonic() < deadline:  # spawned at startup
            workers = _children(proc.pid)
            time.sleep(0.2)
        assert workers, "no list worker started"
        proc.send_signal(sig)
        proc.wait(30)
        deadline = time.monotonic() + 30
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [w for w in workers if _alive(w)], "a list worker outlived the server"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
