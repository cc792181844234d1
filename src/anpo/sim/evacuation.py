"""Evacuation of Japanese nationals from an emergency abroad: legal gates, lift and people moved.

A simulation file with an `evacuation:` block runs here instead of the crisis kernels. The law
engine says, for the scenario's date and country (`event: emergency_abroad`), what Japan may do:
SDF transport of nationals (SDF Act Art. 100-8 from 1994, Art. 84-3 from 2007, Art. 84-4 from
2016-03-29, the number the engine cites on the day) and, from 2016-03-29, protection measures
(Art. 84-3: guarding and rescuing nationals, only with the territorial state's consent, local
order kept and no combat where they are; the Minister of Defense at the Foreign Minister's
request with the Prime Minister's approval). Before 1994-11-18 the SDF may not transport them.

Per trial, hour by hour: evacuees reach the departure point (some on their own, the rest
rescued under Art. 84-3 where the law and that trial's conditions allow it, else unaided and
later); SDF lift (sorties from the Minister's transport order) and other means (commercial
flights, ferries, other states' evacuations) carry them out; a queue takes whatever seats a
sortie has for the people waiting. The same draws are rerun with each legal gate taking no
time, so the output says what each gate costs in share evacuated by the deadline.

Trials are drawn tile by tile from SeedSequence(seed).spawn, as in `anpo.sim.disaster`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo import data
from anpo.core.codes import Event
from anpo.core.errors import InputError
from anpo.core.scenario import Scenario
from anpo.sim.disaster import Delay
from anpo.sim.run_text import GateCosts, OverTime, Reach, run_text, spread
from anpo.sim.uncertain import (
    Chance,
    FloatArray,
    Range,
    basis,
    chance,
    checkpoints,
    delay,
    mapping,
    number,
    ramp,
    spread_stats,
    value_range,
    whole,
)

TILE = 1 << 11  # trials x hours arrays stay a few MB
MAX_TRIALS = 1_000_000
MAX_HORIZON_H = 24 * 120
MAX_EVACUEES = 10_000_000
FIELDS = (
    "crisis",
    "evacuees",
    "deadline_h",
    "request_h",
    "order_h",
    "self_assembly",
    "protection",
    "lift",
    "other_means",
    "checkpoints_h",
)
EVACUEE_FIELDS = ("count", "source", "assumption")
SELF_FIELDS = ("share", "start_h", "ramp_h")
PROTECTION_FIELDS = ("host_consent", "no_combat", "approval_h", "ramp_h", "unaided_start_h", "unaided_ramp_h")
LIFT_FIELDS = ("type", "count", "first_h", "cycle_h", "seats", "source", "assumption")
OTHER_FIELDS = ("name", "per_h", "start_h", "stop_h")
NOW = Delay(0.0, 0.0, "at the onset")
GATES = ("foreign_minister_request", "transport_order", "protection_approval")


@dataclass(frozen=True)
class Lift:
    type: str
    count: int
    first: Delay  # from the transport order to the first sortie leaving the departure point
    cycle: Delay  # round trip, turnaround included
    seats: Range  # evacuees per sortie
    basis: str


@dataclass(frozen=True)
class OtherMeans:
    name: str
    per_h: Range  # evacuees per hour once running
    start: Delay  # from the onset
    stop: Delay | None  # from the onset: airport or port closed (None: runs on)


@dataclass(frozen=True)
class Evacuation:
    crisis: str
    evacuees: int
    evacuees_basis: str
    deadline_h: float
    request: Delay  # onset -> the Foreign Minister's request to the Minister of Defense
    order: Delay  # request -> the Minister of Defense's transport order
    self_share: Range  # share who reach the departure point on their own
    self_start: Delay  # from the onset: when they set out (0: at once)
    self_ramp: Delay
    host_consent: bool
    no_combat: Chance  # local order kept and no combat where the rest are (Art. 84-3 conditions)
    approval: Delay  # request -> the protection order with the Prime Minister's approval
    rescue_ramp: Delay
    unaided_start: Delay
    unaided_ramp: Delay
    lift: tuple[Lift, ...]
    other: tuple[OtherMeans, ...]
    checkpoints_h: tuple[float, ...]


def lift_types() -> dict[str, Range]:
    """Seats per sortie of each lift type (src/anpo/data/sim/evacuation.yaml)."""
    raw = data.read_yaml("sim/evacuation.yaml")["lift_types"]
    return {name: value_range(row["seats"], f"evacuation.yaml: {name}.seats") for name, row in raw.items()}


def parse_evacuation(raw: object) -> Evacuation:
    """Strictly parse the `evacuation:` block; InputError names the field (and row)."""
    m = mapping(raw, "evacuation", FIELDS)
    crisis = m.get("crisis")
    if not isinstance(crisis, str) or not crisis:
        raise InputError("evacuation.crisis", "name the crisis (e.g. korean_peninsula_contingency)")
    ev = mapping(m.get("evacuees"), "evacuation.evacuees", EVACUEE_FIELDS)
    count = whole(ev.get("count"), "evacuation.evacuees.count", 1, MAX_EVACUEES)
    deadline = number(m.get("deadline_h"), "evacuation.deadline_h", 1.0, MAX_HORIZON_H)
    sa = mapping(m.get("self_assembly"), "evacuation.self_assembly", SELF_FIELDS)
    pr = mapping(m.get("protection"), "evacuation.protection", PROTECTION_FIELDS)
    consent = pr.get("host_consent")
    if not isinstance(consent, bool):
        raise InputError("evacuation.protection.host_consent", "expected true or false (the state's consent)")
    types = lift_types()
    rows = m.get("lift") or []
    if not isinstance(rows, list):
        raise InputError("evacuation.lift", "expected a list of lift rows")
    lift = []
    for i, r in enumerate(rows):
        where = f"evacuation.lift[{i}]"
        r = mapping(r, where, LIFT_FIELDS)
        kind = r.get("type")
        if kind not in types:
            raise InputError(f"{where}.type", f"{kind!r}; accepted: {', '.join(types)}")
        seats = value_range(r["seats"], f"{where}.seats", 1.0) if "seats" in r else types[kind]
        lift.append(
            Lift(
                kind,
                whole(r.get("count"), f"{where}.count", 1, 1000),
                delay(r.get("first_h"), f"{where}.first_h"),
                delay(r.get("cycle_h"), f"{where}.cycle_h"),
                seats,
                basis(r, where),
            )
        )
    others = m.get("other_means") or []
    if not isinstance(others, list):
        raise InputError("evacuation.other_means", "expected a list of {name, per_h, start_h}")
    other = []
    for i, r in enumerate(others):
        where = f"evacuation.other_means[{i}]"
        r = mapping(r, where, OTHER_FIELDS)
        name = r.get("name")
        if not isinstance(name, str) or not name:
            raise InputError(f"{where}.name", "name the means (e.g. commercial flights)")
        stop = delay(r["stop_h"], f"{where}.stop_h") if "stop_h" in r else None
        other.append(
            OtherMeans(
                name,
                value_range(r.get("per_h"), f"{where}.per_h"),
                delay(r.get("start_h"), f"{where}.start_h"),
                stop,
            )
        )
    if not lift and not other:
        raise InputError("evacuation.lift", "give SDF lift rows or other means: nothing carries the evacuees")
    cps = checkpoints(m.get("checkpoints_h"), "evacuation.checkpoints_h", (24, 72, 168, 336))
    if max(cps) > MAX_HORIZON_H:
        raise InputError("evacuation.checkpoints_h", f"at most {MAX_HORIZON_H} h")
    return Evacuation(
        crisis,
        count,
        basis(ev, "evacuation.evacuees"),
        deadline,
        delay(m.get("request_h"), "evacuation.request_h"),
        delay(m.get("order_h"), "evacuation.order_h"),
        value_range(sa.get("share"), "evacuation.self_assembly.share", 0.0, 1.0),
        delay(sa["start_h"], "evacuation.self_assembly.start_h") if "start_h" in sa else NOW,
        delay(sa.get("ramp_h"), "evacuation.self_assembly.ramp_h"),
        consent,
        chance(pr.get("no_combat"), "evacuation.protection.no_combat"),
        delay(pr.get("approval_h"), "evacuation.protection.approval_h"),
        delay(pr.get("ramp_h"), "evacuation.protection.ramp_h"),
        delay(pr.get("unaided_start_h"), "evacuation.protection.unaided_start_h"),
        delay(pr.get("unaided_ramp_h"), "evacuation.protection.unaided_ramp_h"),
        tuple(lift),
        tuple(other),
        cps,
    )


def check_scenario(sc: Scenario) -> None:
    """An evacuation is from an emergency abroad: the law engine's event and the country."""
    if sc.event is not Event.emergency_abroad:
        raise InputError("evacuation", "an evacuation scenario has `event: emergency_abroad`")
    if sc.target in (None, "JPN"):
        raise InputError("scenario.target", "the country where the emergency happens (not Japan)")


# --- the law ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvacuationLaw:
    transport: bool  # SDF transport of nationals (Art. 100-8 / 84-3 / 84-4 by date)
    protection: bool  # Art. 84-3 protection measures exist in law (from 2016-03-29)
    citations: tuple[dict[str, Any], ...]
    decides: Mapping[str, str]
    hints: tuple[str, ...]


def evacuation_law(sc: Scenario) -> EvacuationLaw:
    """What the law engine finds for the scenario (under any applied what-if)."""
    from anpo.core.scenario import ScenarioFrame
    from anpo.law.assess import assess, assess_frame
    from anpo.law.common import active_context

    (res,) = assess([sc], explain=False)
    jp = res["japan"]
    ev = assess_frame(ScenarioFrame.from_scenarios([sc]), active_context())
    names = ("transport_of_nationals_available", "protection_of_nationals_abroad")
    hints = tuple(h for h in (ev.hint(name, 0) for name in names) if h)
    return EvacuationLaw(
        "transport_of_nationals_abroad" in jp["measures"],
        jp["protection_of_nationals_abroad"] == "case_by_case",
        tuple(c for c in jp["citations"] if c["id"].startswith("jp-sdf-act/art-")),
        dict(jp.get("decides", {})),
        hints,
    )


def _steps(law: EvacuationLaw, e: Evacuation) -> list[dict[str, Any]]:
    """Who decides at each step, as the law engine and the statute say."""
    transport = next((c for c in law.citations if c["id"] != "jp-sdf-act/art-84-3"), None)
    steps: list[dict[str, Any]] = [
        {
            "step": "foreign_minister_request",
            "who_decides": "the Foreign Minister asks the Minister of Defense (the statute starts every "
            "SDF evacuation with this request)",
            "available": law.transport or law.protection,
        },
        {
            "step": "transport_order",
            "basis": transport["id"] if transport else None,
            "url": transport["url"] if transport else None,
            "who_decides": law.decides.get(
                "transport_of_nationals_abroad", "no one: the SDF may not transport"
            ),
            "available": law.transport,
        },
    ]
    protection: dict[str, Any] = {
        "step": "protection_approval",
        "basis": "jp-sdf-act/art-84-3" if law.protection else None,
        "who_decides": law.decides.get(
            "protection_of_nationals_abroad", "no one: no protection measures in law"
        ),
        "available": law.protection,
    }
    if law.protection:
        protection["conditions"] = {
            "host_consent": e.host_consent,
            "p_no_combat_and_order_kept": e.no_combat.p,
            "no_combat_basis": e.no_combat.basis,
        }
    steps.append(protection)
    return steps


# --- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draws:
    request: FloatArray
    order: FloatArray
    approval: FloatArray
    protect: npt.NDArray[np.bool_]  # Art. 84-3 used in the trial
    self_share: FloatArray
    self_on: FloatArray  # trials x hours: share of the self-assembling at the departure point
    rescue: FloatArray  # from the protection order to everyone rescued
    unaided: FloatArray  # trials x hours: share of the rest arrived unaided
    lift: tuple[tuple[FloatArray, FloatArray, FloatArray, int], ...]  # first, cycle, seats, count
    other: FloatArray  # trials x hours: cumulative seats of other means


def _draw(e: Evacuation, law: EvacuationLaw, rng: np.random.Generator, n: int, grid: FloatArray) -> _Draws:
    # The order of the draws is fixed: a seed repeats whatever is switched on or off.
    request = e.request.draw(rng, n)
    order = e.order.draw(rng, n)
    approval = e.approval.draw(rng, n)
    conditions = e.no_combat.draw(rng, n)
    share = e.self_share.draw(rng, n)
    self_on = ramp(grid, e.self_start.draw(rng, n), e.self_ramp.draw(rng, n))
    rescue = e.rescue_ramp.draw(rng, n)
    unaided = ramp(grid, e.unaided_start.draw(rng, n), e.unaided_ramp.draw(rng, n))
    lift = tuple((r.first.draw(rng, n), r.cycle.draw(rng, n), r.seats.draw(rng, n), r.count) for r in e.lift)
    other = np.zeros((n, grid.size))
    for o in e.other:
        rate, start = o.per_h.draw(rng, n), o.start.draw(rng, n)
        stop = np.full(n, np.inf) if o.stop is None else o.stop.draw(rng, n)
        running = np.clip(np.minimum(grid[None, :], stop[:, None]) - start[:, None], 0.0, None)
        other += rate[:, None] * running
    protect = conditions & law.protection & e.host_consent
    return _Draws(request, order, approval, protect, share, self_on, rescue, unaided, lift, other)


def _arrived(
    e: Evacuation, d: _Draws, grid: FloatArray, instant: frozenset[str], protection: bool
) -> FloatArray:
    """Evacuees at the departure point by each hour (trials x hours)."""
    request = 0.0 if "foreign_minister_request" in instant else d.request
    approved = request + (0.0 if "protection_approval" in instant else d.approval)
    rest = d.unaided
    protect = d.protect if protection else np.zeros_like(d.protect)
    if protect.any():
        rescued = ramp(grid, np.broadcast_to(approved, d.request.shape), d.rescue)
        rest = np.where(protect[:, None], np.maximum(rest, rescued), rest)
    return e.evacuees * (d.self_share[:, None] * d.self_on + (1.0 - d.self_share)[:, None] * rest)


def _seats(
    law: EvacuationLaw, d: _Draws, grid: FloatArray, instant: frozenset[str], sdf_lift: bool
) -> FloatArray:
    """Seats carried out by each hour, SDF sorties from the transport order and other means."""
    seats = d.other.copy()
    if not (law.transport and sdf_lift):
        return seats
    request = 0.0 if "foreign_minister_request" in instant else d.request
    order = request + (0.0 if "transport_order" in instant else d.order)
    tmp = np.empty_like(seats)
    for first, cycle, per_sortie, count in d.lift:
        start = order + first
        # sorties flown by t: floor((t - start) / cycle) + 1 from the first, none before it
        np.subtract(grid[None, :], start[:, None], out=tmp)
        tmp /= np.maximum(cycle, 1e-9)[:, None]
        tmp += 1.0
        np.maximum(tmp, 0.0, out=tmp)
        np.floor(tmp, out=tmp)
        tmp *= (count * per_sortie)[:, None]
        seats += tmp
    return seats


def _moved(arrived: FloatArray, seats: FloatArray) -> FloatArray:
    """A queue: out(t) = min over s <= t of arrived(s) + seats(t) - seats(s); seats that fly
    while nobody waits are lost."""
    return seats + np.minimum.accumulate(arrived - seats, axis=1)


def _grid(e: Evacuation) -> FloatArray:
    horizon = max(e.deadline_h, *e.checkpoints_h)
    return np.unique(
        np.concatenate([np.arange(0.0, math.ceil(horizon) + 1.0), [e.deadline_h], e.checkpoints_h])
    )


def run_evacuation(sc: Scenario, e: Evacuation, trials: int, seed: int) -> dict[str, Any]:
    """Share evacuated by the deadline, evacuees by checkpoint, and the cost of each legal gate."""
    law = evacuation_law(sc)
    grid = _grid(e)
    at_deadline = int(np.searchsorted(grid, e.deadline_h))
    cps = np.searchsorted(grid, e.checkpoints_h)
    none: frozenset[str] = frozenset()
    # (gates taking no time, protection measures allowed, SDF lift flying) of each rerun
    runs: dict[str, tuple[frozenset[str], bool, bool]] = {
        "actual": (none, True, True),
        **{f"instant_{g}": (frozenset({g}), True, True) for g in GATES},
        "instant_all_gates": (frozenset(GATES), True, True),
        "without_protection_measures": (none, False, True),
        "without_sdf_lift": (none, True, False),
    }
    share: dict[str, list[FloatArray]] = {k: [] for k in runs}
    by_cp: list[FloatArray] = []
    t90: list[FloatArray] = []
    gate_h: dict[str, list[FloatArray]] = {g: [] for g in GATES}
    protected: list[npt.NDArray[np.bool_]] = []
    tiles = -(-trials // TILE)
    for t, ss in enumerate(np.random.SeedSequence(seed).spawn(tiles)):
        n = min(TILE, trials - t * TILE)
        rng = np.random.Generator(np.random.PCG64(ss))
        d = _draw(e, law, rng, n, grid)
        arrivals: dict[tuple[frozenset[str], bool], FloatArray] = {}
        lifts: dict[tuple[frozenset[str], bool], FloatArray] = {}
        for name, (instant, prot, sdf) in runs.items():
            # reruns share what a gate does not touch: arrivals ignore the transport order,
            # seats the protection approval
            a_key = (instant - {"transport_order"}, prot)
            s_key = (instant - {"protection_approval"}, sdf)
            if a_key not in arrivals:
                arrivals[a_key] = _arrived(e, d, grid, *a_key)
            if s_key not in lifts:
                lifts[s_key] = _seats(law, d, grid, *s_key)
            out = _moved(arrivals[a_key], lifts[s_key])
            share[name].append(out[:, at_deadline] / e.evacuees)
            if name == "actual":
                by_cp.append(out[:, cps])
                done = out >= 0.9 * e.evacuees - 1e-6
                t90.append(np.where(done.any(axis=1), grid[np.argmax(done, axis=1)], np.inf))
        gate_h["foreign_minister_request"].append(d.request)
        gate_h["transport_order"].append(d.order if law.transport else np.full(n, np.nan))
        gate_h["protection_approval"].append(np.where(d.protect, d.approval, np.nan))
        protected.append(d.protect)
    shares = {k: np.concatenate(v) for k, v in share.items()}
    actual = spread_stats(shares["actual"])
    cp = np.concatenate(by_cp)
    hours90 = np.concatenate(t90)
    finite = hours90[np.isfinite(hours90)]
    gates = {}
    for g in GATES:
        h = np.concatenate(gate_h[g])
        h = h[np.isfinite(h)]
        gates[g] = {
            "mean_h": round(math.fsum(h.tolist()) / h.size, 3) if h.size else None,
            "share_by_deadline_if_instant": spread_stats(shares[f"instant_{g}"])["mean"],
            "share_lost": round(spread_stats(shares[f"instant_{g}"])["mean"] - actual["mean"], 4),
        }
    return {
        "crisis": e.crisis,
        "trials": trials,
        "seed": seed,
        "evacuees": e.evacuees,
        "evacuees_basis": e.evacuees_basis,
        "deadline_h": e.deadline_h,
        "legal_path": {
            "transport_available": law.transport,
            "protection_measures_in_law": law.protection,
            "citations": list(law.citations),
            "steps": _steps(law, e),
            "notes": list(law.hints),
            "article5": "does not apply (an emergency abroad is no armed attack on Japan)",
        },
        "share_evacuated_by_deadline": actual,
        "evacuated_by_h": {
            f"{h:g}": {k: round(v) for k, v in spread_stats(cp[:, i]).items()}
            for i, h in enumerate(e.checkpoints_h)
        },
        "hours_to_90pct": {
            **({k: v for k, v in spread_stats(finite).items()} if finite.size else {"mean": None}),
            "p_never": round(1.0 - finite.size / trials, 4),
        },
        "p_protection_measures_used": round(float(np.concatenate(protected).mean()), 4),
        "legal_gates": gates,
        "share_by_deadline_if_all_gates_instant": spread_stats(shares["instant_all_gates"])["mean"],
        "share_by_deadline_without_protection_measures": spread_stats(shares["without_protection_measures"])[
            "mean"
        ],
        "share_by_deadline_without_sdf_lift": spread_stats(shares["without_sdf_lift"])["mean"],
        "lift": [
            {
                "type": r.type,
                "count": r.count,
                "seats": [r.seats.low, r.seats.high],
                "first_h": r.first.median_h,
                "cycle_h": r.cycle.median_h,
                "basis": r.basis,
                "seats_basis": r.seats.basis,
            }
            for r in e.lift
        ],
        "other_means": [
            {
                "name": o.name,
                "per_h": [o.per_h.low, o.per_h.high],
                "start_h": o.start.median_h,
                "stop_h": None if o.stop is None else o.stop.median_h,
                "basis": o.per_h.basis,
            }
            for o in e.other
        ],
    }


def text(result: dict[str, Any], name: str) -> str:
    """The run as lines for the terminal."""
    lp = result["legal_path"]
    steps = []
    for st in lp["steps"]:
        avail = "in law" if st["available"] else "NOT in law on this date"
        if "conditions" in st:
            c = st["conditions"]
            avail += (
                f" (the state's consent: {'yes' if c['host_consent'] else 'no'}; "
                f"P(no combat, order kept) {c['p_no_combat_and_order_kept']:g})"
            )
        basis_ = f" [{st['basis']}]" if st.get("basis") else ""
        steps.append(f"  {st['step']}{basis_}: {avail}; who decides: {st['who_decides']}")
    return run_text(
        f"evacuation of nationals {name} ({result['crisis']}): {result['evacuees']:,} evacuees, "
        f"{result['trials']:,} trials, seed {result['seed']}",
        [*steps, *(f"  note: {note}" for note in lp["notes"])],
        f"share evacuated by {result['deadline_h']:g} h: {spread(result['share_evacuated_by_deadline'])}; "
        f"protection measures used in {result['p_protection_measures_used']:.1%} of trials",
        result["evacuated_by_h"], _OVER_TIME, result["hours_to_90pct"], _REACH,
        result["legal_gates"], _GATE_COSTS,
        f"share by the deadline: all gates instant {result['share_by_deadline_if_all_gates_instant']:.3f}; "
        f"without protection measures {result['share_by_deadline_without_protection_measures']:.3f}; "
        f"without SDF lift {result['share_by_deadline_without_sdf_lift']:.3f}",
    )


_OVER_TIME = OverTime("evacuated by  ", "p50 (p5-p95)  ", 24, " h", ",", p50_width=10)
_REACH = Reach("90 % evacuated at {:.0f} h", "mean", "90 % never evacuated", "horizon")
_GATE_COSTS = GateCosts("the share by the deadline", "share_by_deadline_if_instant", 26, 9, 1)

run = run_evacuation  # the name the simulate command calls each small model by

__all__ = ["Evacuation", "check_scenario", "evacuation_law", "parse_evacuation", "run_evacuation", "text"]
