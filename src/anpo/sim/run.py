"""Running a simulation: chunks of trials, merged into streaming summaries.

    summary = run_simulation(sim, params, trials=1_000_000, seed=7, progress=callback)
    summary.to_dict()   # JSON-serialisable: metrics, legal paths, gates, parameters, receipt

Chunks are whole stream tiles, so the result is the same for any chunk size or number of
workers; only the summaries (histograms, exact sums) are kept, never all the trials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo import __version__, data
from anpo.core.errors import InputError
from anpo.law.engine import input_sha256
from anpo.law.rules import ruleset_hash
from anpo.sim.forces import COUNTRIES
from anpo.sim.parameters import Parameters
from anpo.sim.plan import Plan, compile_plan
from anpo.sim.runway import prepare_search
from anpo.sim.scenario import SimScenario
from anpo.sim.streams import TILE
from anpo.sim.summary import CountStat, Tally, TimeStat
from anpo.sim.timeline import GRID_H, JAPAN_PATHS, US_PATHS, Chunk, simulate_chunk

MAX_TRIALS = 100_000_000
DEFAULT_CHUNK = 4 * TILE  # 65,536 trials: measured fastest (cache-sized columns), small memory
Progress = Callable[[int, int], None]  # (trials done, trials in all)
TrialSink = Callable[[int, Chunk], None]  # (first trial of the chunk, its columns)


@dataclass
class Summary:
    """Streaming summaries of a run (mergeable chunk by chunk)."""

    plan: Plan
    trials: int
    seed: int
    times: dict[str, TimeStat] = field(default_factory=dict)
    counts: dict[str, CountStat] = field(default_factory=dict)
    paths: dict[str, Tally] = field(default_factory=dict)
    arrived_by: npt.NDArray[np.int64] | None = None
    curve_trials: int = 0

    def add(self, chunk: Chunk) -> None:
        for k, v in chunk.times.items():
            self.times.setdefault(k, TimeStat()).add(v)
        top = int(self.plan.count.sum())
        for k, c in chunk.counts.items():
            self.counts.setdefault(k, CountStat.up_to(top)).add(c)
        labels = {
            "japan_path": JAPAN_PATHS,
            "us_path": US_PATHS,
            "responds_before_fait_accompli": ("no", "yes"),
        }
        for k, codes in chunk.paths.items():
            self.paths.setdefault(k, Tally.of(labels[k])).add(codes)
        if chunk.arrived_by is not None:
            self.arrived_by = (
                chunk.arrived_by if self.arrived_by is None else self.arrived_by + chunk.arrived_by
            )
        self.curve_trials += chunk.curve_trials

    def on_station_curve(self) -> dict[str, list[float]]:
        """Mean forces on station per country at GRID_H."""
        assert self.arrived_by is not None
        out = {}
        for c, name in enumerate(COUNTRIES):
            m = self.plan.country == c
            n = max(self.curve_trials, 1)
            out[name] = (self.plan.count[m] @ self.arrived_by[m] / n).round(3).tolist()
        return out

    def to_dict(self) -> dict[str, Any]:
        plan = self.plan
        out: dict[str, Any] = {
            "scenario": plan.sim.to_dict(),
            "trials": self.trials,
            "seed": self.seed,
            "legal_gates": plan.gates.to_dict(),
            "legal_paths": {
                k: v.to_dict() for k, v in self.paths.items() if k != "responds_before_fait_accompli"
            },
            "metrics_h": {k: v.to_dict() for k, v in self.times.items()},
            "forces_on_station": {k: v.to_dict() for k, v in self.counts.items()},
            "forces_on_station_curve": {
                "hours": GRID_H.tolist(),
                "trials_sampled": self.curve_trials,
                **self.on_station_curve(),
            },
            "units": plan.units(),
            "parameters_overridden": plan.params.overridden(),
        }
        if "responds_before_fait_accompli" in self.paths:
            out["p_respond_before_fait_accompli"] = self.paths["responds_before_fait_accompli"].to_dict()[
                "yes"
            ]
        if plan.gates.war_powers_report_required:
            first = self.times["first_response_USA_h"].to_dict()["mean"]
            out["war_powers"] = {
                "report_due_h_after_introduction": 48,
                "clock_days": 60,
                "extension_days": 30,
                "mean_report_due_h": None if first is None else round(first + 48, 3),
                "note": "48-hour report after U.S. forces are introduced into hostilities; 60-day clock "
                "(+30 for withdrawal) unless Congress authorizes",
            }
        out["receipt"] = {
            "anpo_version": __version__,
            "ruleset_sha256": ruleset_hash(),
            "data_sha256": data.data_sha256(),
            "input_sha256": input_sha256(
                {
                    "simulation": plan.sim.to_dict(),
                    "trials": self.trials,
                    "seed": self.seed,
                    "parameters": plan.params.overridden(),
                }
            ),
            "date": dt.date.today().isoformat(),
        }
        return out


def check_run(trials: int, seed: int) -> None:
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise InputError("trials", f"{trials!r} must be a whole number from 1 to {MAX_TRIALS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError("seed", f"{seed!r} must be a whole number >= 0")


def _span_job(args: tuple[Plan, int, int, int, int]) -> Summary:
    """One worker's span of trials, chunk by chunk (the plan is sent once per span)."""
    plan, seed, lo, hi, step = args
    s = Summary(plan, hi - lo, seed)
    for a in range(lo, hi, step):
        s.add(simulate_chunk(plan, seed, a, min(a + step, hi)))
    return s


def _merge(into: Summary, other: Summary) -> None:
    for k, v in other.times.items():
        into.times.setdefault(k, TimeStat()).merge(v)
    for k, c in other.counts.items():
        if k in into.counts:
            into.counts[k].merge(c)
        else:
            into.counts[k] = c
    for k, t in other.paths.items():
        if k in into.paths:
            into.paths[k].merge(t)
        else:
            into.paths[k] = t
    if other.arrived_by is not None:
        into.arrived_by = other.arrived_by if into.arrived_by is None else into.arrived_by + other.arrived_by
    into.curve_trials += other.curve_trials


def run_plan(
    plan: Plan,
    trials: int,
    seed: int,
    *,
    chunk: int = DEFAULT_CHUNK,
    workers: int = 1,
    progress: Progress | None = None,
    sink: TrialSink | None = None,
) -> Summary:
    """Run a compiled plan. `chunk` is rounded up to whole stream tiles; results do not depend on it."""
    check_run(trials, seed)
    if chunk < 1:
        raise InputError("chunk", "must be >= 1")
    if workers < 1:
        raise InputError("workers", "must be >= 1")
    step = -(-chunk // TILE) * TILE
    bounds = [(lo, min(lo + step, trials)) for lo in range(0, trials, step)]
    total = Summary(plan, trials, seed)
    done = 0
    if workers == 1 or sink is not None or len(bounds) == 1:
        for lo, hi in bounds:
            ch = simulate_chunk(plan, seed, lo, hi)
            if sink is not None:
                sink(lo, ch)
            total.add(ch)
            done += hi - lo
            if progress:
                progress(done, trials)
        return total
    if plan.bases:
        prepare_search()  # forked workers inherit the compiled runway search
    per = -(-len(bounds) // (2 * workers))  # about two spans per worker
    spans = [
        (plan, seed, bounds[i][0], bounds[min(i + per, len(bounds)) - 1][1], step)
        for i in range(0, len(bounds), per)
    ]
    with ProcessPoolExecutor(workers) as pool:
        for part in pool.map(_span_job, spans):
            _merge(total, part)  # in chunk order: merges are exact anyway
            done += part.trials
            if progress:
                progress(done, trials)
    return total


def run_simulation(
    sim: SimScenario,
    params: Parameters,
    trials: int = 100_000,
    seed: int = 7,
    *,
    chunk: int = DEFAULT_CHUNK,
    workers: int = 1,
    progress: Progress | None = None,
    sink: TrialSink | None = None,
) -> Summary:
    """Compile the scenario (law, posture, parameters) and run it."""
    check_run(trials, seed)
    params = params.with_overrides(sim.parameters)
    return run_plan(
        compile_plan(sim, params), trials, seed, chunk=chunk, workers=workers, progress=progress, sink=sink
    )
