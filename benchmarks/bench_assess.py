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
import json
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import Row, machine, median_seconds  # noqa: E402

from anpo.core.codes import NULL, Event, UsAction, country_code  # noqa: E402
from anpo.core.compiled import COMPILED_FROM_ROWS  # noqa: E402
from anpo.core.dates import FOREVER, to_day  # noqa: E402
from anpo.core.scenario import TRI_NONE, ScenarioFrame  # noqa: E402
from anpo.law.assess import assess_frame, assess_raw  # noqa: E402

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


def run(rows: int, runs: int) -> list[Row]:
    warnings.simplefilter("ignore", RuntimeWarning)
    frame = random_frame(rows)
    # warm caches (data, geo index, instruments) and the compiled passes of large inputs
    assess_frame(random_frame(COMPILED_FROM_ROWS, seed=1))
    median = median_seconds(lambda: assess_frame(frame), runs)
    assess_raw(SCENARIO)
    # 500 calls (about half a second): a burst of load on the shared CPUs moves a median
    # of 50 calls (0.05 s) by up to a third.
    single = median_seconds(lambda: assess_raw(SCENARIO), max(runs, 500))
    return [
        Row(
            f"`anpo assess` in process: {rows:,} random scenarios in the region (random events, "
            "targets, dates, U.S. actions), geography + law, no explanation",
            f"{median:.3f} s = **{rows / median / 1e6:.2f} million scenarios/s**",
            ">= 2 million/s",
        ),
        Row(
            "one scenario with explanation (parse, geography with exact distances, law, trace, citations); "
            "median of 500 calls",
            f"**{single * 1e3:.2f} ms**",
            "< 2 ms",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for row in run(args.rows, args.runs):
        print(json.dumps(row.__dict__))


if __name__ == "__main__":
    main()
