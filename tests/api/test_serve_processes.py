"""`anpo serve` with ANPO_SERVE_PROCESSES=2 (issue 19: single requests on several CPUs): two
server processes on one port answer as one server does, and all of them stop with it."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from anpo.api.models import ScenarioIn
from anpo.api.routes.assess import answer

SCENARIO = {"id": "p", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
            "lat": 25.743, "lon": 123.473, "us_action": "combat_operations_from_japan"}


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
            out += [int(c) for c in fh.read().split()]
    return out


def _post(port: int) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/v1/assess", body=json.dumps(SCENARIO),
                     headers={"content-type": "application/json"})
        got = conn.getresponse()
        return got.status, got.read()
    finally:
        conn.close()


def test_two_server_processes_answer_as_one_and_stop_with_it(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "ANPO_SERVE_PROCESSES": "2",
           "ANPO_WARM_MAPS": "none", "ANPO_LIST_PROCESSES": "0"}
    env.pop("ANPO_DATABASE_URL", None)
    command = [sys.executable, "-c", "from anpo.cli import main; main()", "serve", "--port", "0"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = re.search(r"dashboard at http://127\.0\.0\.1:(\d+)/.*2 server processes", line)
        assert m, line
        port = int(m.group(1))
        deadline, status, body = time.monotonic() + 120, 0, b""
        while time.monotonic() < deadline and status != 200:
            try:
                status, body = _post(port)
            except OSError:  # the processes are still starting
                time.sleep(0.5)
        assert status == 200
        want = bytes(answer(ScenarioIn.model_validate(SCENARIO), None, None, None, "full").body)
        assert body == want
        assert len(_children(proc.pid)) >= 2  # the two server processes (uvicorn's supervisor)
        workers = _children(proc.pid)
    finally:
        proc.terminate()
        proc.wait(60)
    assert proc.returncode is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    assert not any(_alive(w) for w in workers)


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return False
