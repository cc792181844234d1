"""The terminal report of an own model's run (evacuation of nationals, sea-lane disruption).

Both reports have one shape: a title, the legal path, the headline share with its spread, a
table of the outcome over time, when 90 % is reached, what each legal gate costs, and a
closing line. `run_text` draws that shape; each model passes its words, widths and number
formats as parameters, and its own lines for the legal path, which differ in kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Stats = Mapping[str, Any]


def spread(s: Stats) -> str:
    """'0.757 median (0.515-1.000, mean 0.757)' of a share's spread statistics."""
    return f"{s['p50']:.3f} median ({s['p5']:.3f}-{s['p95']:.3f}, mean {s['mean']:.3f})"


@dataclass(frozen=True)
class OverTime:
    """A row of times over a row of 'p50 (p5-p95)' cells, one column per time."""

    times_label: str  # the first row's label, padded to where the columns start
    cells_label: str  # the second row's
    width: int  # of each column
    time_unit: str  # after each time ('' when the label names it)
    number: str  # format spec of p5, p50 and p95
    p50_width: int = 0  # the median padded to this width inside its cell


@dataclass(frozen=True)
class Reach:
    """When the trials get to 90 %: `reached` formats the statistic `statistic` of them."""

    reached: str  # e.g. "90 % evacuated at {:.0f} h"
    statistic: str  # "mean" or "p50"
    never: str  # the sentence's start when no trial's mean exists
    span: str  # what "within the ..." names: the horizon, the run


@dataclass(frozen=True)
class GateCosts:
    """Each legal gate: its mean hours and the outcome had it taken no time."""

    outcome: str  # e.g. "the share by the deadline"
    key: str  # the gate's field holding that outcome
    name_width: int
    hours_width: int
    hours_decimals: int


_STATISTIC = {"mean": "mean", "p50": "median"}


def run_text(
    title: str, legal_path: Sequence[str], headline: str, over_time: Mapping[str, Stats],
    table: OverTime, reach_stats: Stats, reach: Reach, gates: Mapping[str, Stats], gate_costs: GateCosts,
    closing: str,
) -> str:
    """The run as lines for the terminal."""
    cell = f">{table.p50_width}{table.number}" if table.p50_width else table.number
    lines = [title, *legal_path, headline]
    lines.append(table.times_label + "".join(f"{t}{table.time_unit}".rjust(table.width) for t in over_time))
    lines.append(
        table.cells_label
        + "".join(
            f"{format(v['p50'], cell)} ({format(v['p5'], table.number)}-{format(v['p95'], table.number)})"
            .rjust(table.width)
            for v in over_time.values()
        )
    )
    never = f"{reach_stats['p_never']:.1%}"
    lines.append(
        f"{reach.reached.format(reach_stats[reach.statistic])} ({_STATISTIC[reach.statistic]} of the trials "
        f"that get there); never within the {reach.span} in {never}"
        if reach_stats.get("mean") is not None
        else f"{reach.never} within the {reach.span} ({never} of trials)"
    )
    lines.append(f"legal gates: mean hours, and {gate_costs.outcome} if the gate took no time:")
    for g, v in gates.items():
        hours = "-" if v["mean_h"] is None else f"{v['mean_h']:.{gate_costs.hours_decimals}f} h"
        lines.append(
            f"  {g:<{gate_costs.name_width}} {hours:>{gate_costs.hours_width}}   "
            f"{v[gate_costs.key]:.3f} ({v['share_lost']:+.3f})"
        )
    lines.append(closing)
    return "\n".join(lines)
