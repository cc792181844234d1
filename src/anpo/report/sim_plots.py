"""Plots of a simulation run (matplotlib, Agg): response-time CDFs, forces on station,
runway closure by base, and the tornado chart of a parameter sweep."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from anpo.sim.run import Summary  # noqa: E402


def response_cdf(summary: Summary, path: Path) -> None:
    grid = np.linspace(0.0, 168.0, 337)
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, label in (
        ("first_response_JPN_h", "Japan"),
        ("first_response_USA_h", "United States"),
        ("first_response_h", "alliance (first of either)"),
    ):
        if key in summary.times:
            ax.plot(grid, summary.times[key].cdf(grid), label=label)
    fa = summary.plan.sim.fait_accompli_h
    if fa is not None:
        ax.axvline(fa, color="grey", linestyle="--", label="adversary's objective time")
    ax.set_xlabel("hours after the event")
    ax.set_ylabel("P(first forces on station by then)")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right")
    ax.set_title(f"Response times ({summary.trials:,} trials, seed {summary.seed})")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def forces_on_station(summary: Summary, path: Path) -> None:
    curve = summary.on_station_curve()
    from anpo.sim.timeline import GRID_H

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, values in curve.items():
        ax.plot(GRID_H, values, label=name)
    ax.set_xlabel("hours after the event")
    ax.set_ylabel("mean aircraft and ships on station")
    ax.legend()
    ax.set_title("Forces on station over time")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def runway_closure(summary: Summary, path: Path) -> bool:
    rows = [
        (k[len("runway_closed_") : -2], v.to_dict())
        for k, v in summary.times.items()
        if k.startswith("runway_closed_")
    ]
    if not rows:
        return False
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(rows) + 1.5))
    labels = [r[0].replace("_", " ") for r in rows]
    means = [r[1]["mean"] or 0.0 for r in rows]
    p95 = [r[1]["p95"] or 0.0 for r in rows]
    y = np.arange(len(rows))
    ax.barh(y, means, color="tab:red", label="mean")
    ax.scatter(p95, y, color="black", marker="|", s=200, label="95th percentile")
    ax.set_yticks(y, labels)
    ax.set_xlabel("hours closed (no minimum operating strip)")
    ax.legend()
    ax.set_title("Runway closure by base and aircraft class")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def tornado(sweep: Mapping[str, Any], path: Path) -> bool:
    """The sweep of `sim.sweep.run_sweep` as a tornado chart: per parameter, a bar over the
    metric's range across its values, widest on top, the base run as a line. False (nothing
    written) when no parameter has a value in every run."""
    items = [
        (name, [(p["value"], p["metric"]) for p in pts])
        for name, pts in sweep["results"].items()
        if sweep["swing"][name] is not None
    ]
    if not items:
        return False
    items.sort(key=lambda kv: sweep["swing"][kv[0]])  # barh draws bottom-up: widest last, on top
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(items) + 1.5))
    ends: list[float] = []
    for i, (_name, pts) in enumerate(items):
        lo = min(pts, key=lambda p: p[1])
        hi = max(pts, key=lambda p: p[1])
        ax.barh(i, hi[1] - lo[1], left=lo[1], color="tab:blue")
        ax.text(lo[1], i, f"{lo[0]:g} ", ha="right", va="center", fontsize=8)
        ax.text(hi[1], i, f" {hi[0]:g}", ha="left", va="center", fontsize=8)
        ends += [lo[1], hi[1]]
    if sweep["base"] is not None:
        ax.axvline(sweep["base"], color="black", linewidth=1, label="base run")
        ends.append(sweep["base"])
        ax.legend(loc="lower right", fontsize=8)
    span = max(ends) - min(ends) or abs(max(ends)) or 1.0
    ax.set_xlim(min(ends) - 0.15 * span, max(ends) + 0.15 * span)  # room for the value labels
    ax.set_yticks(range(len(items)), [k for k, _ in items])
    ax.set_xlabel(sweep["metric"])
    ax.set_title("Sensitivity: one parameter at a time, same seed", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def write_all(summary: Summary, out: Path) -> list[str]:
    """Every plot of a run into `out`; returns the file names written."""
    names = ["response_cdf.png", "forces_on_station.png"]
    response_cdf(summary, out / names[0])
    forces_on_station(summary, out / names[1])
    if runway_closure(summary, out / "runway_closure.png"):
        names.append("runway_closure.png")
    return names
