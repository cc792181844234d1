"""What-if calculator: change one SMA rule and see the totals against the agreed figures.

The calculator works on differences: for each JFY of a period it starts from the agreed
level and adds the change each rule makes, writing the arithmetic down as it goes.

- labor cap:   Δ = (new cap − agreed cap) × cost per worker. The cost per worker is the
  budgeted SMA labor cost of the nearest JFY with a verified figure divided by the cap in
  force that year, unless given (an assumption either way: wages change yearly).
- utilities share: new = agreed utilities × new share / agreed share (the U.S. utility bill
  is assumed unchanged). The agreed amount per JFY is the agreed figure, or the cap.
- utilities cap: new = min(utilities after any share change, cap).
- training relocation: Δ = new amount − agreed amount per JFY.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from anpo.core.errors import InputError
from anpo.costs import series
from anpo.costs.ledger import agreed_total_for_jfy, period, period_for_jfy, periods, term
from anpo.costs.schema import Period

# Plausibility bounds of what-if inputs (the agreed caps have stayed near 23,000 workers and
# JPY 25 bn of utilities; these bounds only reject inputs that cannot be meant).
MAX_LABOR_CAP = 100_000  # workers; all Japanese base workers numbered about 25,000 (2005)
MAX_COST_PER_WORKER_JPY = 1e8  # JPY 100 M a worker a year
MAX_JPY_BN = 1_000.0  # a single HNS category per JFY; total HNS has never reached JPY 300 bn


@dataclass
class YearResult:
    jfy: int
    agreed_total_jpy_bn: float | None
    agreed_basis: str
    delta_jpy_bn: dict[str, float] = field(default_factory=dict)

    @property
    def scenario_total_jpy_bn(self) -> float | None:
        if self.agreed_total_jpy_bn is None:
            return None
        return round(self.agreed_total_jpy_bn + sum(self.delta_jpy_bn.values()), 3)

    def to_dict(self) -> dict[str, object]:
        return {
            "jfy": self.jfy,
            "agreed_total_jpy_bn": self.agreed_total_jpy_bn,
            "agreed_basis": self.agreed_basis,
            "delta_jpy_bn": {k: round(v, 3) for k, v in self.delta_jpy_bn.items()},
            "scenario_total_jpy_bn": self.scenario_total_jpy_bn,
        }


@dataclass
class WhatIf:
    period: str
    years: list[YearResult]
    arithmetic: list[str]
    assumptions: list[str]

    @property
    def agreed_total_jpy_bn(self) -> float | None:
        vals = [y.agreed_total_jpy_bn for y in self.years]
        return None if any(v is None for v in vals) else round(sum(v or 0.0 for v in vals), 3)

    @property
    def delta_total_jpy_bn(self) -> float:
        return round(sum(sum(y.delta_jpy_bn.values()) for y in self.years), 3)

    @property
    def scenario_total_jpy_bn(self) -> float | None:
        a = self.agreed_total_jpy_bn
        return None if a is None else round(a + self.delta_total_jpy_bn, 3)

    def to_dict(self) -> dict[str, object]:
        return {
            "period": self.period,
            "years": [y.to_dict() for y in self.years],
            "agreed_total_jpy_bn": self.agreed_total_jpy_bn,
            "delta_total_jpy_bn": self.delta_total_jpy_bn,
            "scenario_total_jpy_bn": self.scenario_total_jpy_bn,
            "arithmetic": self.arithmetic,
            "assumptions": self.assumptions,
        }


def _check_number(value: float | None, field: str, low: float, high: float | None = None) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < low or (high is not None and value > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise InputError(field, f"must be a number {bound}, got {value!r}")


def labor_cost_per_worker_jpy(p: Period) -> tuple[float, str]:
    """Budgeted SMA labor cost per capped worker in the verified JFY nearest to the period."""
    mid = (p.jfy_from + p.jfy_to) / 2
    best = None
    for f in series.figures():
        if f.line != "sma_labor" or f.basis != "budget":
            continue
        bp = period_for_jfy(f.jfy)
        cap = None if bp is None else term(bp, "labor_cap_workers")
        if cap is None:
            continue
        key = abs(f.jfy - mid)
        if best is None or key < best[0]:
            best = (key, f, cap)
    if best is None:
        raise InputError("labor_cap", "no verified labor cost to derive a cost per worker")
    _, f, cap = best
    cost = f.value_jpy_bn * 1e9 / cap.value
    why = (
        f"cost per worker = JFY{f.jfy} SMA labor {f.value_jpy_bn} bn / cap "
        f"{int(cap.value):,} = JPY {cost / 1e6:.2f} M ({f.confidence}; "
        f"{f.source or f.document})"
    )
    return cost, why


def what_if(
    period_id: str = "2022-26",
    *,
    labor_cap: float | None = None,
    labor_cost_per_worker_jpy: float | None = None,
    utilities_share: float | None = None,
    utilities_cap_jpy_bn: float | None = None,
    training_relocation_jpy_bn: float | None = None,
) -> WhatIf:
    """Totals per JFY and over the period under changed rules, with the arithmetic shown."""
    p = period(period_id, "period")
    _check_number(None if labor_cap is None else float(labor_cap), "labor_cap", 0, MAX_LABOR_CAP)
    if labor_cap is not None and float(labor_cap) != int(labor_cap):
        raise InputError("labor_cap", f"must be a whole number of workers, got {labor_cap!r}")
    _check_number(labor_cost_per_worker_jpy, "labor_cost_per_worker_jpy", 0,
                  MAX_COST_PER_WORKER_JPY)
    _check_number(utilities_share, "utilities_share", 0, 1)
    _check_number(utilities_cap_jpy_bn, "utilities_cap_jpy_bn", 0, MAX_JPY_BN)
    _check_number(training_relocation_jpy_bn, "training_relocation_jpy_bn", 0, MAX_JPY_BN)
    if labor_cost_per_worker_jpy is not None and labor_cap is None:
        raise InputError("labor_cost_per_worker_jpy", "only used with --labor-cap")

    arithmetic: list[str] = []
    assumptions: list[str] = []
    years: list[YearResult] = []

    cost_per_worker = 0.0
    agreed_cap = term(p, "labor_cap_workers")
    if labor_cap is not None:
        if agreed_cap is None:
            raise InputError("labor_cap", f"period {p.id} has no agreed labor cap in the ledger")
        if labor_cost_per_worker_jpy is None:
            cost_per_worker, why = labor_cost_per_worker_jpy_default(p)
            assumptions.append(why)
        else:
            cost_per_worker = labor_cost_per_worker_jpy
            assumptions.append(f"cost per worker given: JPY {cost_per_worker / 1e6:.2f} M")
    share_term = term(p, "utilities_share")
    if utilities_share is not None:
        if share_term is None:
            ok = [q.id for q in periods() if term(q, "utilities_share") is not None]
            raise InputError(
                "utilities_share",
                f"period {p.id} states no utilities share; periods with one: {', '.join(ok)}",
            )
        assumptions.append(
            f"utilities scale with Japan's share; U.S. utility bill unchanged "
            f"(agreed share {share_term.value:.0%}, {share_term.confidence})"
        )
    if training_relocation_jpy_bn is not None:
        missing = [y for y in p.years if term(p, "training_relocation_jpy_bn", y) is None]
        if missing:
            ok = [
                q.id
                for q in periods()
                if all(term(q, "training_relocation_jpy_bn", y) for y in q.years)
            ]
            raise InputError(
                "training_relocation_jpy_bn",
                f"no agreed training-relocation amount for period {p.id}; periods with one: "
                f"{', '.join(ok)}",
            )

    for y in p.years:
        value, basis, _, _ = agreed_total_for_jfy(y)
        yr = YearResult(y, value, basis)
        head = f"JFY{y}"
        if value is None:
            arithmetic.append(f"{head} agreed total: missing (no verified figure)")
        elif basis == "period_average":
            arithmetic.append(
                f"{head} agreed total: period total / {len(p.years)} = {value:.2f} bn"
            )
        else:
            arithmetic.append(f"{head} agreed total: {value:.2f} bn ({basis})")
        if labor_cap is not None and agreed_cap is not None:
            d = (labor_cap - agreed_cap.value) * cost_per_worker / 1e9
            yr.delta_jpy_bn["labor"] = d
            arithmetic.append(
                f"{head} labor: ({int(labor_cap):,} - {int(agreed_cap.value):,}) x JPY "
                f"{cost_per_worker / 1e6:.2f} M = {d:+.2f} bn"
            )
        if utilities_share is not None or utilities_cap_jpy_bn is not None:
            ut = term(p, "utilities_jpy_bn", y)
            basis_u = "agreed amount"
            if ut is None:
                ut = term(p, "utilities_cap_jpy_bn", y)
                basis_u = "agreed cap, assumed paid in full"
            if ut is None:
                raise InputError(
                    "utilities_share" if utilities_share is not None else "utilities_cap_jpy_bn",
                    f"no agreed utilities amount or cap for JFY{y}",
                )
            new = ut.value
            text = f"{head} utilities: {ut.value:.2f} ({basis_u})"
            if utilities_share is not None and share_term is not None:
                new = ut.value * utilities_share / share_term.value
                text += f" x {utilities_share:.2f} / {share_term.value:.2f} = {new:.2f}"
            if utilities_cap_jpy_bn is not None and new > utilities_cap_jpy_bn:
                text += f", capped at {utilities_cap_jpy_bn:.2f}"
                new = utilities_cap_jpy_bn
            d = new - ut.value
            yr.delta_jpy_bn["utilities"] = d
            arithmetic.append(f"{text}; change {d:+.2f} bn")
        if training_relocation_jpy_bn is not None:
            tr = term(p, "training_relocation_jpy_bn", y)
            assert tr is not None
            d = training_relocation_jpy_bn - tr.value
            yr.delta_jpy_bn["training_relocation"] = d
            arithmetic.append(
                f"{head} training relocation: {training_relocation_jpy_bn:.2f} - "
                f"{tr.value:.2f} (agreed) = {d:+.2f} bn"
            )
        years.append(yr)

    result = WhatIf(p.id, years, arithmetic, assumptions)
    a, s = result.agreed_total_jpy_bn, result.scenario_total_jpy_bn
    if a is None:
        arithmetic.append(
            f"period: agreed total missing; change {result.delta_total_jpy_bn:+.2f} bn"
        )
    else:
        arithmetic.append(
            f"period: {a:.2f} agreed {result.delta_total_jpy_bn:+.2f} change = {s:.2f} bn"
        )
    return result


def labor_cost_per_worker_jpy_default(p: Period) -> tuple[float, str]:
    return labor_cost_per_worker_jpy(p)
