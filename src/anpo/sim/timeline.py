"""The crisis as column operations over a chunk of trials: one row per possible course.

Stages, in order (hours from the event):
  detection/attribution -> Art. IV consultation (by the arrangement in force) ->
  Japan's gate (defense order | judgment | certification | rear-area only | nothing) and the
  U.S. gate (decision; Japan's consent where prior consultation is required) ->
  optional strikes on air bases (closure intervals) -> force flow from every unit ->
  arrivals, forces on station, response before the adversary's fait accompli.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo.sim.forces import COMBAT, COUNTRIES, TYPES
from anpo.sim.gates import JapanGate
from anpo.sim.plan import Plan
from anpo.sim.streams import Draws
from anpo.sim.strikes import CLASSES, Closures, closures

JAPAN_PATHS = (
    "defense_operation",
    "judged_armed_attack",
    "survival_certified",
    "rear_area_support_only",
    "stays_out",
)
US_PATHS = ("no_consent_needed", "consent_granted", "consent_refused", "no_intervention")
GRID_H = np.arange(0.0, 169.0, 3.0)  # forces-on-station curve: every 3 h for a week
ON_STATION_H = (24.0, 72.0)
CURVE_EVERY = 8
INF = np.inf

FloatArray = npt.NDArray[np.float64]


@dataclass
class Chunk:
    """Per-trial columns of one chunk (kept only for --keep-trials and for the summaries)."""

    times: dict[str, FloatArray] = field(default_factory=dict)
    counts: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)
    paths: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)
    # per unit: trials with arrival <= each GRID_H time (integer, for the on-station curve)
    arrived_by: npt.NDArray[np.int64] | None = None
    curve_trials: int = 0


def _japan(plan: Plan, d: Draws, detect: FloatArray, consult: FloatArray) -> tuple[FloatArray, Any]:
    """When Japan's combat forces are authorized (inf: never) and the path taken."""
    p, gate, n = plan.params, plan.gates.japan, d.n
    path = np.full(n, JAPAN_PATHS.index("stays_out"), np.int64)
    t = np.full(n, INF)

    def lg(name: str) -> FloatArray:
        return d.lognormal(p[name], p.spread(name))

    if gate is JapanGate.individual_self_defense:
        t = detect + lg("japan.defense_order_delay_h")
        path[:] = JAPAN_PATHS.index("defense_operation")
        return t, path
    if gate is JapanGate.armed_attack_judgment:
        yes = d.bernoulli(p["japan.armed_attack_judgment_probability"])
        when = detect + lg("japan.armed_attack_judgment_delay_h") + lg("japan.defense_order_delay_h")
        t = np.where(yes, when, INF)
        path[yes] = JAPAN_PATHS.index("judged_armed_attack")
    elif gate is JapanGate.survival_certification:
        yes = (
            np.ones(n, bool)
            if plan.gates.survival_certified_by_assumption
            else d.bernoulli(p["japan.survival_certification_probability"])
        )
        t = np.where(yes, consult + lg("japan.survival_certification_delay_h"), INF)
        path[yes] = JAPAN_PATHS.index("survival_certified")
    else:
        yes = np.zeros(n, bool)
    if plan.gates.rear_area_available:
        path[~yes] = JAPAN_PATHS.index("rear_area_support_only")
    return t, path


def _us(plan: Plan, d: Draws, detect: FloatArray, consult: FloatArray) -> tuple[FloatArray, FloatArray, Any]:
    """(decision time, time combat sorties from bases in Japan are allowed, path)."""
    p = plan.params
    acts = d.bernoulli(p["us.intervention_probability"])
    decision = np.where(
        acts, detect + d.lognormal(p["us.decision_delay_h"], p.spread("us.decision_delay_h")), INF
    )
    if plan.gates.prior_consultation_required:
        consent = d.bernoulli(p["us.consent_probability"])
        answer = consult + d.lognormal(p["us.consent_delay_h"], p.spread("us.consent_delay_h"))
        from_japan = np.where(consent, np.maximum(decision, answer), INF)
        path = np.where(consent, US_PATHS.index("consent_granted"), US_PATHS.index("consent_refused"))
    else:
        # Coordinated through the Art. IV consultation / alliance mechanism in force.
        from_japan = np.maximum(decision, consult)
        path = np.full(d.n, US_PATHS.index("no_consent_needed"), np.int64)
    path = np.where(acts, path, US_PATHS.index("no_intervention"))
    return decision, from_japan, path


def simulate_chunk(plan: Plan, seed: int, start: int, stop: int) -> Chunk:
    """All stages for trials [start, stop) (start on a tile boundary)."""
    p = plan.params
    d = Draws(seed, start, stop)
    n = d.n
    clos: Closures | None = None
    if plan.bases:
        tiles = [(lo, hi, g) for (lo, hi), g in zip(d.bounds, d.gens, strict=True)]
        clos = closures(tiles, n, plan.bases, p)
    detect = d.lognormal(p[plan.detection_param], p.spread(plan.detection_param))
    consult = detect + d.lognormal(p[plan.consultation_param], p.spread(plan.consultation_param))
    jp_t, jp_path = _japan(plan, d, detect, consult)
    us_dec, us_from_japan, us_path = _us(plan, d, detect, consult)

    spread = p["readiness.spread"]
    factor = np.exp(spread * d.normal(len(COUNTRIES))) if spread else np.ones((n, len(COUNTRIES)))
    # Whether each country's forward-deployed ships are at sea when the crisis starts.
    at_sea = d.uniform(len(COUNTRIES)) < p["us.ships_at_sea_probability"] if plan.ship.any() else None

    units = len(plan.count)
    departs: list[FloatArray] = [np.empty(0)] * units
    for u in range(units):
        c = int(plan.country[u])
        if c == COUNTRIES.index("JPN"):
            auth = jp_t
        elif plan.from_japan[u]:
            auth = us_from_japan
        else:
            auth = us_dec
        ready = auth + plan.readiness_h[u] * factor[:, c]
        if plan.ship[u]:
            assert at_sea is not None
            sea = at_sea[:, c]
            # A ship already at sea neither waits in port nor sails from a base in Japan.
            ready = np.where(sea, us_dec if c == COUNTRIES.index("USA") else jp_t, ready)
        b = int(plan.base[u])
        if clos is not None and b >= 0:
            ready = clos.open_after(b, plan.mos_class[u], ready)
        departs[u] = ready

    # Fighters beyond their radius wait for the first tanker of their country to get airborne.
    tanker_up = []
    for c in range(len(COUNTRIES)):
        tks = [departs[u] for u in range(units) if plan.country[u] == c and TYPES[plan.kind[u]] == "tanker"]
        tanker_up.append(np.minimum.reduce(tks) if tks else np.full(n, INF))
    arrivals = np.empty((units, n))
    for u in range(units):
        dep = departs[u]
        if plan.needs_tanker[u]:
            dep = np.maximum(dep, tanker_up[int(plan.country[u])]) + p["tanker.join_delay_h"]
        np.add(dep, plan.transit_h[u], out=arrivals[u])

    out = Chunk()
    out.times["detection_h"] = detect
    out.times["consultation_h"] = consult
    out.times["japan_combat_authorized_h"] = jp_t
    out.times["us_decision_h"] = us_dec
    out.times["us_sorties_from_japan_h"] = us_from_japan
    firsts = []
    for c, name in enumerate(COUNTRIES):
        for k, typ in enumerate(TYPES):
            rows = np.flatnonzero((plan.country == c) & (plan.kind == k))
            if len(rows):
                out.times[f"arrival_{name}_{typ}_h"] = np.minimum.reduce(arrivals[rows])
        combat = np.flatnonzero((plan.country == c) & np.isin(plan.kind, [TYPES.index(t) for t in COMBAT]))
        first = np.minimum.reduce(arrivals[combat]) if len(combat) else np.full(n, INF)
        out.times[f"first_response_{name}_h"] = first
        firsts.append(first)
        for h in ON_STATION_H:
            total = np.zeros(n, np.int64)
            for v in np.flatnonzero(plan.country == c):
                total += (arrivals[v] <= h) * int(plan.count[v])
            out.counts[f"on_station_{name}_{int(h)}h"] = total
    first_any = np.minimum(firsts[0], firsts[1])
    out.times["first_response_h"] = first_any
    if clos is not None:
        for b, base in enumerate(plan.bases):
            for cls in CLASSES:
                out.times[f"runway_closed_{base.facility}_{cls}_h"] = clos.closed_hours(b, cls)
    out.paths["japan_path"] = jp_path
    out.paths["us_path"] = np.asarray(us_path, np.int64)
    fa = plan.sim.fait_accompli_h
    if fa is not None:
        out.paths["responds_before_fait_accompli"] = (first_any <= fa).astype(np.int64)
    # The on-station curve is for plotting: every CURVE_EVERY-th stream tile is enough, and
    # choosing by tile keeps it independent of the chunking.
    sample = np.concatenate(
        [np.arange(lo, hi) for (lo, hi), t in zip(d.bounds, d.tile_ids, strict=True) if t % CURVE_EVERY == 0]
        or [np.zeros(0, np.int64)]
    )
    out.curve_trials = len(sample)
    step = GRID_H[1] - GRID_H[0]
    out.arrived_by = np.zeros((units, len(GRID_H)), np.int64)
    if len(sample):
        idx = np.minimum(np.ceil(arrivals[:, sample] / step), len(GRID_H)).astype(np.int64)
        for u in range(units):  # arrival <= GRID_H[j] iff ceil(arrival / step) <= j
            out.arrived_by[u] = np.cumsum(np.bincount(idx[u], minlength=len(GRID_H) + 1))[:-1]
    return out
