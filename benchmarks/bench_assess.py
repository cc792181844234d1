"""Throughput and latency of `anpo assess`, in process.

1. Batch: 1,000,000 random scenarios in 10N-55N, 115E-160E (random events, targets, dates,
   U.S. actions), assessed as columns: geography (`anpo.geo.resolve`) plus the law, no
   explanation. Target: at least 2 million scenarios/s.
2. One scenario with explanation (parse, geography with exact distances, law, result dict
   with trace and citations). Target: under 2 ms.

Prints the machine, the command and the median of several runs.
    .venv/bin/python benchmarks/bench_assess.py [--rows N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np

from anpo.core.codes import NULL, Event, UsAction, country_code
from anpo.core.dates import FOREVER, to_day
from anpo.core.scenario import TRI_NONE, ScenarioFrame
from anpo.law.assess import assess_frame, assess_raw

SCENARIO = {"id": "bench", "date": "2026-01-15", "event": "armed_attack", "target": "USA",
            "lat": 26.35, "lon": 127.77, "us_action": "combat_operations_from_japan"}


def random_frame(n: int, seed: int = 0) -> ScenarioFrame:
    rng = np.random.default_rng(seed)
    import datetime as dt

    targets = np.array([country_code(c) for c in ("JPN", "USA", "TWN", "KOR", "CHN")], dtype=np.int16)
    event = rng.integers(0, len(Event), n).astype(np.int8)
    target = targets[rng.integers(0, len(targets), n)]
    target[event == Event.none] = NULL
    return ScenarioFrame(
        day=rng.integers(to_day(dt.date(1945, 9, 2)), to_day(dt.date(2100, 12, 31)), n).astype(np.int32),
        event=event,
        target=target,
        lat=rng.uniform(10.0, 55.0, n),
        lon=rng.uniform(115.0, 160.0, n),
        us_action=rng.integers(0, len(UsAction), n).astype(np.int8),
        termination_notice_day=np.full(n, FOREVER, dtype=np.int32),
        armed_attack_judged=np.full(n, TRI_NONE, dtype=np.int8),
        survival_threatening_certified=np.full(n, TRI_NONE, dtype=np.int8),
        ids=[],
    )


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs, {system}, Python {platform.python_version()}"


def main() -> None:
    warnings.simplefilter("ignore", RuntimeWarning)
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")

    frame = random_frame(args.rows)
    assess_frame(random_frame(1000, seed=1))  # warm caches (data, geo index, instruments)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        ev = assess_frame(frame)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    applies = int((ev["article5"] == 1).sum())
    print(f"batch: {args.rows:,} scenarios, geography + law, no explanation: median {median:.3f} s "
          f"over {args.runs} runs = {args.rows / median / 1e6:.2f} million scenarios/s "
          f"(Article V applies in {applies:,})")

    assess_raw(SCENARIO)
    single = []
    for _ in range(max(args.runs, 50)):
        t0 = time.perf_counter()
        assess_raw(SCENARIO)
        single.append(time.perf_counter() - t0)
    print(f"single: one scenario with explanation (parse, geography, law, trace, citations): "
          f"median {statistics.median(single) * 1e3:.3f} ms over {len(single)} runs")


if __name__ == "__main__":
    main()
