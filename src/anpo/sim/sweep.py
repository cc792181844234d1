"""Sensitivity sweeps: one run per value of each swept parameter, the others at their base.

    grid = parse_sweep(["us.decision_delay_h=6,12,24"], params)
    metric = parse_metric("p_respond_before_fait_accompli", plan)
    result = run_sweep(spec, params, grid, metric, runner, base_summary)

Every run uses the same seed as the base run (common random numbers), so the differences
between values come from the parameter, not from sampling noise. The parameters are
varied one at a time (the tornado chart's design), not over their cross product.
`tornado_grid` sweeps every parameter that states a range to its two ends, which ranks
all the stated ranges by how much they move the metric.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from anpo.core.errors import InputError
from anpo.sim.parameters import Parameters
from anpo.sim.plan import Plan, compile_plan
from anpo.sim.run import Summary
from anpo.sim.scenario import SimScenario
from anpo.sim.timeline import count_names, time_names

TIME_STATS = ("mean", "p5", "p50", "p95", "p_never")
COUNT_STATS = ("mean", "p5", "p50", "p95")
FAIT_ACCOMPLI = "p_respond_before_fait_accompli"
DENY = "p_deny_objective"
SHARES = {FAIT_ACCOMPLI: "responds_before_fait_accompli", DENY: "denies_objective"}
DEFAULT_METRIC = "first_response_h:mean"

Runner = Callable[[Plan], Summary]


@dataclass(frozen=True)
class Metric:
    """One number of a run's summary: a measure and a statistic of it."""

    measure: str
    stat: str  # "" for the fait-accompli probability

    @property
    def label(self) -> str:
        return self.measure if not self.stat else f"{self.measure} {self.stat}"

    def of(self, summary: Summary) -> float | None:
        """The metric's value in `summary` (None: the thing never happens in any trial)."""
        if self.measure in SHARES:
            return summary.paths[SHARES[self.measure]].to_dict()["yes"]
        stats = summary.times if self.measure in summary.times else summary.counts
        value = stats[self.measure].to_dict()[self.stat]
        return None if value is None else float(value)


def parse_metric(text: str, plan: Plan) -> Metric:
    """`measure[:stat]` (stat defaults to mean) for a measure this plan's summaries have."""
    measure, _, stat = text.partition(":")
    if measure in SHARES:
        if plan.sim.fait_accompli_h is None:
            raise InputError("--sweep-metric", f"{measure} needs fait_accompli_h in the scenario")
        if stat:
            raise InputError("--sweep-metric", f"{measure} takes no statistic")
        return Metric(measure, "")
    times = [name for name, _ in time_names(plan)]
    counts = count_names(plan)
    stat = stat or "mean"
    allowed: tuple[str, ...]
    if measure in times:
        allowed = TIME_STATS
    elif measure in counts:
        allowed = COUNT_STATS
    else:
        known = ", ".join([*times, *counts, *SHARES])
        raise InputError("--sweep-metric", f"{measure!r} is not a measure of this run; known: {known}")
    if stat not in allowed:
        raise InputError("--sweep-metric", f"statistic {stat!r}; accepted: {', '.join(allowed)}")
    return Metric(measure, stat)


def _value(name: str, text: str, params: Parameters) -> float | int:
    try:
        v = float(text)
    except ValueError:
        raise InputError(name, f"{text!r} is not a number") from None
    value: float | int = int(v) if v.is_integer() else v
    params.with_overrides({name: value})  # validates the name and the value for its unit
    return value


def parse_sweep(items: list[str], params: Parameters) -> list[tuple[str, list[float | int]]]:
    """`PARAM=a,b,c` items, each value checked against the parameter's unit."""
    out: list[tuple[str, list[float | int]]] = []
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name or not values:
            raise InputError("--sweep", f"{item!r}: expected PARAM=a,b,c")
        if any(name == seen for seen, _ in out):
            raise InputError("--sweep", f"{name} is swept twice")
        out.append((name, [_value(name, text.strip(), params) for text in values.split(",")]))
    return out


def tornado_grid(params: Parameters) -> tuple[list[tuple[str, list[float | int]]], list[str]]:
    """Every parameter with a `range` swept to its low and high ends (whole numbers stay
    whole); and the names of the parameters that state no range, which it cannot sweep."""
    grid: list[tuple[str, list[float | int]]] = []
    unranged: list[str] = []
    for name, p in params.table.items():
        if p.low is None or p.high is None:
            unranged.append(name)
            continue
        ends = [int(v) if p.unit == "count" else v for v in (p.low, p.high)]
        grid.append((name, ends))
    return grid, unranged


def default_tornado_metric(plan: Plan) -> str:
    """P(deny) when the scenario has an objective time, else the mean first response."""
    return DENY if plan.sim.fait_accompli_h is not None else DEFAULT_METRIC


def run_sweep(
    spec: SimScenario,
    params: Parameters,
    grid: list[tuple[str, list[float | int]]],
    metric: Metric,
    runner: Runner,
    base: Summary,
) -> dict[str, Any]:
    """The metric for each value of each swept parameter, with its swing (max - min)."""
    results: dict[str, list[dict[str, float | None]]] = {}
    for name, values in grid:
        results[name] = [
            {"value": v, "metric": metric.of(runner(compile_plan(spec, params.with_overrides({name: v}))))}
            for v in values
        ]
    return {"metric": metric.label, "base": metric.of(base), "results": results, "swing": swings(results)}


def swings(results: Mapping[str, list[dict[str, float | None]]]) -> dict[str, float | None]:
    """Per parameter, the metric's range over its values (None when a run has no value)."""
    out: dict[str, float | None] = {}
    for name, pts in results.items():
        vals = [p["metric"] for p in pts]
        finite = [v for v in vals if v is not None and math.isfinite(v)]
        out[name] = None if len(finite) < len(vals) else max(finite) - min(finite)
    return out
