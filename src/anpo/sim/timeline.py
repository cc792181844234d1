"""The crisis for a chunk of trials: one row per possible course, one column per measure.

Stages, in order (hours from the event):
  detection/attribution -> Art. IV consultation (by the arrangement in force) ->
  Japan's gate (defense order | judgment | certification | rear-area only | nothing) and the
  U.S. gate (decision; Japan's consent where prior consultation is required) ->
  optional strikes on air bases (closure intervals) -> force flow from every unit ->
  arrivals, forces on station, response before the adversary's fait accompli; sorties
  generated while runways are open, aircraft lost on the ground to the salvos and in the
  air to attrition (`sorties`), and the forces held on station at the deadline.

The stages run compiled, trial by trial (`timeline_kernel`, `strike_kernel`); this module
packs the plan into the kernels' arrays and names their output columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from anpo.core.codes import Event
from anpo.sim import timeline_kernel as tk
from anpo.sim.fold import Fold
from anpo.sim.forces import COMBAT, COUNTRIES, TYPES
from anpo.sim.gates import JapanGate
from anpo.sim.plan import Plan
from anpo.sim.streams import TILE, stream
from anpo.sim.strikes import CLASSES, closures
from anpo.sim.summary import NBINS

JAPAN_PATHS = (
    "defense_operation",
    "judged_armed_attack",
    "survival_certified",
    "rear_area_support_only",
    "stays_out",
    "maritime_security_operation",
    "public_security_operation",
    "coast_guard_only",
)
US_PATHS = ("no_consent_needed", "consent_granted", "consent_refused", "no_intervention", "no_armed_attack")
GRID_H = np.arange(0.0, 169.0, 3.0)  # forces-on-station curve: every 3 h for a week
ON_STATION_H = tk.ON_STATION_H
CURVE_EVERY = 8
# Measures of the sortie model (counts of sorties and aircraft, folded as the times are):
# with a deadline, sorties generated and aircraft lost in the air by it; with strikes,
# aircraft lost on the ground (by the deadline, if any).
AIR_MEASURES = ("sorties_by_deadline", "aircraft_lost_in_air_by_deadline", "aircraft_lost_on_ground")
FORCE_GENERAL = False  # tests: draw every trial with the general `_decide`, never the fast path (`_draw_one`)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_GATES = {
    JapanGate.individual_self_defense: tk.GATE_DEFENSE_ORDER,
    JapanGate.armed_attack_judgment: tk.GATE_JUDGMENT,
    JapanGate.survival_certification: tk.GATE_CERTIFICATION,
}


@dataclass
class Chunk:
    """The summaries of some chunks of trials (see `fold.Fold`), and their trials if kept.

    `time_rows` gives each time measure's row in the fold, in the order they are listed;
    `tile_sums` holds one row of sums (per measure) for every stream tile folded in.
    `times`, `counts` and `paths` hold per-trial columns only when the trials are kept.
    """

    time_rows: list[tuple[str, int]]
    count_names: list[str]
    fold: Fold
    tile_sums: list[FloatArray] = field(default_factory=list)
    arrived_by: IntArray | None = None  # per unit: sampled trials with arrival <= each GRID_H time
    curve_trials: int = 0
    trials: int = 0
    times: dict[str, FloatArray] = field(default_factory=dict)
    counts: dict[str, IntArray] = field(default_factory=dict)
    paths: dict[str, IntArray] = field(default_factory=dict)
    defense: IntArray | None = None  # strike engagement sums (strikes.Salvos.tally), when struck


def _groups(plan: Plan) -> list[tuple[int, int]]:
    """(country, type) pairs that have units, in the order their arrival columns are named."""
    return sorted({(int(c), int(k)) for c, k in zip(plan.country, plan.kind, strict=True)})


def pack_parameters(plan: Plan) -> tuple[FloatArray, IntArray]:
    """The parameter vector q and the flags f of `timeline_kernel`."""
    p = plan.params
    q = np.zeros(tk.NQ)

    def put(at: int, name: str) -> None:
        q[at], q[at + 1] = p[name], p.spread(name)

    put(tk.CONSULT, plan.consultation_param)
    put(tk.ORDER, "japan.defense_order_delay_h")
    q[tk.JUDGE_P] = p["japan.armed_attack_judgment_probability"]
    put(tk.JUDGE, "japan.armed_attack_judgment_delay_h")
    q[tk.CERT_P] = p["japan.survival_certification_probability"]
    put(tk.CERT, "japan.survival_certification_delay_h")
    q[tk.US_P] = p["us.intervention_probability"]
    put(tk.US_DEC, "us.decision_delay_h")
    q[tk.CONSENT_P] = p["us.consent_probability"]
    put(tk.CONSENT, "us.consent_delay_h")
    q[tk.READY_S] = p["readiness.spread"]
    q[tk.AT_SEA_P] = p["us.ships_at_sea_probability"]
    q[tk.TANKER_JOIN] = p["tanker.join_delay_h"]
    fa = plan.sim.fait_accompli_h
    q[tk.FAIT] = np.inf if fa is None else fa
    q[tk.MSO_P] = p["ladder.coast_guard_outmatched_probability"]
    put(tk.MSO, "ladder.maritime_security_order_delay_h")
    q[tk.PSO_P] = p["ladder.armed_landing_probability"]
    put(tk.PSO, "ladder.public_security_order_delay_h")
    q[tk.DENY_NEED] = required_units(plan)
    q[tk.KILL] = p["sortie.ground_kill_share"]
    q[tk.ATTR_LOG] = np.log1p(-p["sortie.attrition_per_sortie"])  # -inf at 1: every sortie lost
    f = np.zeros(tk.NF, np.int64)
    f[tk.HAS_SHIPS] = bool(plan.ship.any())
    f[tk.HAS_FAIT] = fa is not None
    f[tk.GROUPS] = len(_groups(plan))
    f[tk.STRUCK] = bool(plan.bases)
    f[tk.LADDER] = plan.sim.scenario.event is Event.gray_zone
    f[tk.MSO_OK] = bool(plan.gates.determinations["maritime_security_operations_available"])
    rows = dict(time_names(plan))
    f[tk.ROW_LADDER] = rows.get("japan_maritime_forces_authorized_h", -1)
    f[tk.ROW_OUTCOME] = rows.get("access_lost_japan_decision_h", -1)
    f[tk.ROW_AIR] = rows.get("sorties_by_deadline", -1)
    f[tk.ROW_GROUND] = rows.get("aircraft_lost_on_ground", -1)
    f[tk.GENERAL] = FORCE_GENERAL
    return q, f


def required_units(plan: Plan) -> float:
    """Alliance combat units on station at the deadline that deny the objective: the stated
    force ratio times the adversary's committed force (`denial.*`, assumptions)."""
    p = plan.params
    return float(p["denial.required_ratio"] * p["denial.adversary_units"])


def pack_events(plan: Plan) -> tuple[FloatArray, IntArray]:
    """The legal events of `timeline_kernel` (ev, ef), in the plan's order."""
    p = plan.params
    ev = np.zeros((len(plan.events), tk.NEV))
    ef = np.zeros((len(plan.events), tk.NEF), np.int64)
    for e, (event, det) in enumerate(zip(plan.events, plan.event_detection_params(), strict=True)):
        g = event.gates
        ev[e, tk.EV_AT], ev[e, tk.EV_AT_S], ev[e, tk.EV_P] = event.at_h, event.spread, event.probability
        ev[e, tk.EV_DET], ev[e, tk.EV_DET_S] = p[det], p.spread(det)
        ef[e, tk.EF_GATE] = _GATES.get(g.japan, tk.GATE_NONE)
        ef[e, tk.EF_REAR_AREA] = g.rear_area_available
        ef[e, tk.EF_CERT_ASSUMED] = g.survival_certified_by_assumption
        ef[e, tk.EF_PRIOR_CONSULT] = g.prior_consultation_required
        ef[e, tk.EF_US_COMBAT] = event.us_combat
    return ev, ef


@dataclass(frozen=True)
class Units:
    """The unit table of `timeline_kernel`, tankers first; `order[k]`: the plan's unit of row k."""

    table: IntArray
    ready_h: FloatArray
    transit_h: FloatArray
    air: FloatArray  # (units, tk.NA): the sortie model (`sorties.AirUnits`)
    order: IntArray


def pack_units(plan: Plan) -> Units:
    group = {gk: i for i, gk in enumerate(_groups(plan))}
    tanker, combat = TYPES.index("tanker"), [TYPES.index(t) for t in COMBAT]
    # Japan's units by the step of the ladder that lets them act (a defense operation lets
    # them all): the Coast Guard on detection, ships and patrol aircraft under a maritime
    # security operation, the landing force under a public security operation.
    steps = ("coast_guard", "surface_ship", "maritime_patrol", "amphibious")
    japan = np.select(
        [plan.kind == TYPES.index(t) for t in steps],
        [tk.AUTH_COAST_GUARD, tk.AUTH_MSO, tk.AUTH_MSO, tk.AUTH_PSO],
        tk.AUTH_JAPAN,
    )
    source = np.where(
        plan.country == COUNTRIES.index("JPN"),
        japan,
        np.where(plan.from_japan, tk.AUTH_US_FROM_JAPAN, tk.AUTH_US),
    )
    u = np.zeros((len(plan.count), tk.NU), np.int64)
    u[:, tk.U_COUNTRY] = plan.country
    u[:, tk.U_COUNT] = plan.count
    u[:, tk.U_SOURCE] = source
    u[:, tk.U_SHIP] = plan.ship
    u[:, tk.U_TANKER] = plan.kind == tanker
    u[:, tk.U_NEEDS_TANKER] = plan.needs_tanker
    u[:, tk.U_COMBAT] = np.isin(plan.kind, combat)
    u[:, tk.U_GROUP] = [group[(int(c), int(k))] for c, k in zip(plan.country, plan.kind, strict=True)]
    u[:, tk.U_BASE] = plan.base
    u[:, tk.U_CLASS] = [CLASSES.index(c) for c in plan.mos_class]
    a = plan.air
    air = np.zeros((len(plan.count), tk.NA))
    air[:, tk.A_PRES], air[:, tk.A_PRES_ONE] = a.presence, a.presence_one
    air[:, tk.A_RATE], air[:, tk.A_RATE_ONE] = a.rate, a.rate_one
    air[:, tk.A_SHELTER], air[:, tk.A_ON_STATION], air[:, tk.A_GROUND] = a.sheltered, a.on_station_h, a.ground
    order = np.argsort(plan.kind != tanker, kind="stable")
    u, air, ready = u[order], air[order], plan.readiness_h[order]
    # Units that fly from bases not struck, with the same authorization, readiness, need of a
    # tanker and sortie rate depart at the same hour in every trial: they share the
    # survival in the air, computed once (`timeline_kernel._fly`).
    first: dict[tuple[int, int, float, int, float], int] = {}
    u[:, tk.U_SAME] = -1
    for k in range(len(u)):
        if u[k, tk.U_COMBAT] and not u[k, tk.U_SHIP] and u[k, tk.U_BASE] < 0 and air[k, tk.A_RATE] > 0:
            key = (int(u[k, tk.U_SOURCE]), int(u[k, tk.U_COUNTRY]), float(ready[k]),
                   int(u[k, tk.U_NEEDS_TANKER]), float(air[k, tk.A_RATE]))  # fmt: skip
            if key in first:
                u[k, tk.U_SAME] = first[key]
            else:
                first[key] = k
    return Units(u, ready, plan.transit_h[order], air, order)


def time_names(plan: Plan) -> list[tuple[str, int]]:
    """(measure, row of the times block), in the order the summaries list them."""
    groups = _groups(plan)
    first = tk.T_FIXED + len(groups)
    out = [
        ("detection_h", tk.T_DETECT),
        ("consultation_h", tk.T_CONSULT),
        ("japan_combat_authorized_h", tk.T_JAPAN),
        ("us_decision_h", tk.T_US_DECISION),
        ("us_sorties_from_japan_h", tk.T_US_FROM_JAPAN),
    ]
    # Rows after the runway closures: the ladder's two steps (gray zone), then the hours the
    # gates cost (with a deadline): measured only where they mean something, since each
    # measure costs a fold per trial.
    last = first + 3 + len(plan.bases) * len(CLASSES)
    if plan.sim.scenario.event is Event.gray_zone:
        out += [("japan_maritime_forces_authorized_h", last), ("japan_landing_force_authorized_h", last + 1)]
        last += 2
    if plan.sim.fait_accompli_h is not None:
        out += [("access_lost_japan_decision_h", last), ("access_lost_prior_consultation_h", last + 1)]
        out += [(AIR_MEASURES[0], last + 2), (AIR_MEASURES[1], last + 3)]
        last += 4
    if plan.bases:
        out.append((AIR_MEASURES[2], last))
    for c, name in enumerate(COUNTRIES):
        out += [
            (f"arrival_{name}_{TYPES[k]}_h", tk.T_FIXED + g) for g, (cc, k) in enumerate(groups) if cc == c
        ]
        out.append((f"first_response_{name}_h", first + c))
    out.append(("first_response_h", first + 2))
    for b, base in enumerate(plan.bases):
        out += [
            (f"runway_closed_{base.facility}_{cls}_h", first + 3 + b * len(CLASSES) + i)
            for i, cls in enumerate(CLASSES)
        ]
    return out


def count_names(plan: Plan) -> list[str]:
    out = [f"on_station_{name}_{int(h)}h" for name in COUNTRIES for h in ON_STATION_H]
    if plan.sim.fait_accompli_h is not None:  # both countries' combat units at the deadline
        out.append("combat_on_station_at_deadline")
    return out


def new_chunk(plan: Plan, keep: int = 0) -> Chunk:
    """An empty accumulator for `plan` (with room for `keep` kept trials)."""
    rows = time_names(plan)
    m = max(r for _, r in rows) + 1
    k = len(count_names(plan))
    fold = Fold(
        time_hist=np.zeros((m, NBINS + 1), np.int64),
        time_sum=np.zeros(m),
        time_finite=np.zeros(m, np.int64),
        count_hist=np.zeros((k, int(plan.count.sum()) + 1), np.int64),
        count_sum=np.zeros(k, np.int64),
        tally=np.zeros((tk.PATH_ROWS, max(len(JAPAN_PATHS), len(US_PATHS), len(plan.events) + 1)), np.int64),
        keep_times=np.empty((m if keep else 0, keep)),
        keep_counts=np.empty((k if keep else 0, keep), np.int64),
        keep_paths=np.empty((tk.PATH_ROWS if keep else 0, keep), np.int64),
    )
    return Chunk(rows, count_names(plan), fold, arrived_by=np.zeros((len(plan.count), len(GRID_H)), np.int64))


def simulate_chunk(
    plan: Plan, seed: int, start: int, stop: int, *, keep: bool = False, into: Chunk | None = None
) -> Chunk:
    """All stages for trials [start, stop) (start on a tile boundary), folded into `into`
    (a new accumulator by default); with `keep`, also the per-trial columns."""
    if start % TILE:
        raise ValueError("a chunk starts on a tile boundary")
    n = stop - start
    out = into if into is not None else new_chunk(plan, n if keep else 0)
    if keep and out.fold.keep_times.shape[1] != n:
        raise ValueError("a chunk that keeps its trials is folded on its own")
    fold = out.fold
    q, f = pack_parameters(plan)
    ev, ef = pack_events(plan)
    units = pack_units(plan)
    salvos = closures(plan.bases, plan.params, n) if plan.bases else None
    curve = np.zeros((len(plan.count), len(GRID_H) + 1), np.int64)
    no_curve = curve[:0]
    step = float(GRID_H[1] - GRID_H[0])
    for lo in range(0, n, TILE):
        hi = min(lo + TILE, n)
        tile = (start + lo) // TILE
        s = stream(seed, tile)
        if salvos is not None:
            salvos.draw(s, lo, hi)
        on_curve = tile % CURVE_EVERY == 0  # by tile: independent of the chunking
        out.curve_trials += (hi - lo) if on_curve else 0
        fold.time_sum[:] = 0.0
        tk.timeline_tile(
            s, lo, hi, q, f, ev, ef, units.table, units.ready_h, units.transit_h, units.air,
            salvos.starts if salvos is not None else np.zeros(0),
            salvos.ends if salvos is not None else np.zeros((0, 0, 0, 0)),
            salvos.closed if salvos is not None else np.zeros((0, 0)),
            fold, curve if on_curve else no_curve, step,
        )  # fmt: skip
        out.tile_sums.append(fold.time_sum.copy())
    out.trials += n
    if salvos is not None:  # the missile defenses' engagement sums, exact in any order
        out.defense = salvos.tally if out.defense is None else out.defense + salvos.tally
    assert out.arrived_by is not None
    out.arrived_by[units.order] += np.cumsum(curve, axis=1)[:, :-1]
    if keep:
        out.times = {name: fold.keep_times[r] for name, r in out.time_rows}
        out.counts = dict(zip(out.count_names, fold.keep_counts, strict=True))
        out.paths = {
            "japan_path": fold.keep_paths[0],
            "us_path": fold.keep_paths[1],
            "japan_authorized_by_event": fold.keep_paths[3],
            "us_access_by_event": fold.keep_paths[4],
        }
        if plan.sim.fait_accompli_h is not None:
            out.paths["responds_before_fait_accompli"] = fold.keep_paths[2]
            out.paths["denies_objective"] = fold.keep_paths[5]
    return out
