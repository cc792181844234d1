"""A small event-driven reference implementation of the timeline, in SimPy.

Strikes are not drawn here; their legal events are (each event of the plan is detected at
its hour and its gates authorize Japan and U.S. sorties from Japan on their own). The
missile defenses of struck bases are (`engagements`): each unit's interceptors are a
container that salvos draw from, until it is empty.

It reads the same compiled plan (legal gates, units, distances) but re-implements every
stage as processes and events, trial by trial, with its own random numbers: agreement with
the vectorized core is then a statistical check of the stage logic.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from anpo.core.codes import Event
from anpo.sim.forces import COMBAT, COUNTRIES, TYPES
from anpo.sim.gates import JapanGate, LegalGates
from anpo.sim.plan import Plan

HORIZON = 1.0e6


def _ln(rng: np.random.Generator, plan: Plan, name: str) -> float:
    p = plan.params
    return p[name] * math.exp(p.spread(name) * rng.standard_normal())


def later(ev: simpy.Event, at: float) -> simpy.events.ProcessGenerator:
    # A later event of the run, detected at `at` hours.
    yield ev.env.timeout(at)
    ev.succeed()


class _Fleet:
    """One aircraft unit's sorties (forces that fly): a ledger brought up to date at every
    change of its state (departure, a salvo, its runway closing or reopening), counting
    until the deadline only."""

    def __init__(self, rate: float, deadline: float) -> None:
        self.rate, self.deadline = rate, deadline
        self.alive, self.departed, self.open = 1.0, math.inf, True
        self.last = math.inf
        self.gen = self.n = 0.0  # sorties per aircraft (times the share alive / not)

    def advance(self, now: float) -> None:
        end = min(now, self.deadline)
        if self.open and end > self.last:
            self.gen += self.alive * self.rate * (end - self.last)
            self.n += self.rate * (end - self.last)
        if self.last < math.inf:  # flying (departed)
            self.last = max(self.last, end)

    def depart(self, now: float) -> None:
        self.departed = self.last = now


def air(plan: Plan, trials: int, seed: int) -> dict[str, np.ndarray]:
    """`run` with the plan's strikes and the forces that fly: each trial's runway closures
    come from the strike stage (`strikes.closures`, drawn with this seed's streams: its own
    numbers), then runways close and reopen, salvos hit the aircraft on the ground and
    units fly their sorties as events (`one_trial` with `salvo`)."""
    from anpo.sim.streams import TILE, stream
    from anpo.sim.strikes import closures

    rng = np.random.default_rng(seed)
    salvos = closures(plan.bases, plan.params, trials) if plan.bases else None
    if salvos is not None:
        for lo in range(0, trials, TILE):
            salvos.draw(stream(seed, lo // TILE), lo, min(lo + TILE, trials))
    none = (np.zeros(0), np.zeros((0, 2, 0)))
    rows = [
        one_trial(plan, rng, none if salvos is None else (salvos.starts, salvos.ends[i]))
        for i in range(trials)
    ]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def one_trial(
    plan: Plan, rng: np.random.Generator, salvo: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[str, float]:
    """One trial; with `salvo` (the salvos' hours and this trial's closure ends [base,
    class, salvo]), the strikes close runways and the sortie model runs (`air`)."""
    env = simpy.Environment()
    p = plan.params
    detected, consulted = env.event(), env.event()
    jp_go, us_go, us_japan_go = env.event(), env.event(), env.event()
    mso_go, pso_go = env.event(), env.event()  # Japan's ships and landing force may act
    out: dict[str, float] = {}
    arrivals: dict[int, float] = {}
    consulted_at = [math.inf]
    # Japan's single answer in prior consultation: drawn by the first event that asks.
    consent: dict[str, float | bool] = {}

    def fire(ev: simpy.Event, key: str) -> None:
        if not ev.triggered:
            out[key] = env.now
            ev.succeed()

    def japan_go() -> None:  # a defense operation lets every Japanese unit act
        fire(jp_go, "japan_combat_authorized_h")
        fire(mso_go, "japan_maritime_forces_authorized_h")
        fire(pso_go, "japan_landing_force_authorized_h")

    def ladder() -> simpy.events.ProcessGenerator:
        # Below an armed attack: maritime security and public security operations, each
        # ordered (or not) a delay after detection, independently.
        yield detected
        steps = []
        if plan.gates.determinations["maritime_security_operations_available"] and (
            rng.random() < p["ladder.coast_guard_outmatched_probability"]
        ):
            delay = _ln(rng, plan, "ladder.maritime_security_order_delay_h")
            steps.append((delay, mso_go, "japan_maritime_forces_authorized_h"))
        if rng.random() < p["ladder.armed_landing_probability"]:
            delay = _ln(rng, plan, "ladder.public_security_order_delay_h")
            steps.append((delay, pso_go, "japan_landing_force_authorized_h"))
        for delay, ev, key in steps:
            env.process(order(delay, ev, key))

    def order(delay: float, ev: simpy.Event, key: str) -> simpy.events.ProcessGenerator:
        yield env.timeout(delay)
        fire(ev, key)

    def detection() -> simpy.events.ProcessGenerator:
        yield env.timeout(_ln(rng, plan, plan.event_detection_params()[0]))
        detected.succeed()
        yield env.timeout(_ln(rng, plan, plan.consultation_param))
        consulted_at[0] = env.now
        consulted.succeed()

    def japan(gates: LegalGates, seen: simpy.Event) -> simpy.events.ProcessGenerator:
        yield seen
        if gates.japan is JapanGate.individual_self_defense:
            yield env.timeout(_ln(rng, plan, "japan.defense_order_delay_h"))
            japan_go()
        elif gates.japan is JapanGate.armed_attack_judgment:
            judged = rng.random() < p["japan.armed_attack_judgment_probability"]
            if not judged:
                return
            yield env.timeout(_ln(rng, plan, "japan.armed_attack_judgment_delay_h"))
            yield env.timeout(_ln(rng, plan, "japan.defense_order_delay_h"))
            japan_go()
        elif gates.japan is JapanGate.survival_certification:
            certified = gates.survival_certified_by_assumption or (
                rng.random() < p["japan.survival_certification_probability"]
            )
            if not certified:
                return
            yield consulted
            yield env.timeout(_ln(rng, plan, "japan.survival_certification_delay_h"))
            japan_go()

    def united_states(seen: list[simpy.Event]) -> simpy.events.ProcessGenerator:
        if rng.random() >= p["us.intervention_probability"]:
            return
        # U.S. combat answers an armed attack (not a gray-zone incident): the first one seen
        attacks = [seen[e] for e, event in enumerate(plan.events) if event.us_combat and happens[e]]
        if not attacks:
            return
        yield env.any_of(attacks)
        yield env.timeout(_ln(rng, plan, "us.decision_delay_h"))
        us_go.succeed()
        for e, event in enumerate(plan.events):
            if event.us_combat and happens[e]:
                env.process(access(event.gates, seen[e]))

    def access(gates: LegalGates, seen: simpy.Event) -> simpy.events.ProcessGenerator:
        # Bases in Japan open to U.S. combat sorties under this event's gates.
        if gates.prior_consultation_required:
            if "yes" not in consent:
                consent["yes"] = bool(rng.random() < p["us.consent_probability"])
                if consent["yes"]:
                    consent["delay"] = _ln(rng, plan, "us.consent_delay_h")
            if not consent["yes"]:
                return
            yield consulted
            # the answer comes a delay after consultation, but not before the decision
            answer = consulted_at[0] + float(consent["delay"])
            yield env.timeout(max(0.0, answer - env.now))
        else:
            yield consulted & seen
        fire(us_japan_go, "us_sorties_from_japan_h")

    seen = [detected]
    happens = [True]
    for event, det in zip(plan.events[1:], plan.event_detection_params()[1:], strict=True):
        ev = env.event()
        happens.append(bool(rng.random() < event.probability))
        if happens[-1]:
            at = event.at_h * math.exp(event.spread * rng.standard_normal())
            env.process(later(ev, at + _ln(rng, plan, det)))
        seen.append(ev)

    factor = [math.exp(p["readiness.spread"] * rng.standard_normal()) for _ in COUNTRIES]
    at_sea = [rng.random() < p["us.ships_at_sea_probability"] for _ in COUNTRIES]
    tanker_up = {c: env.event() for c in range(len(COUNTRIES))}

    japan_gate = {
        "coast_guard": detected,
        "surface_ship": mso_go,
        "maritime_patrol": mso_go,
        "amphibious": pso_go,
    }

    # Forces that fly (with `salvo`): runways per struck base and class, each unit's fleet.
    deadline = math.inf if plan.sim.fait_accompli_h is None else plan.sim.fait_accompli_h
    struck = salvo is not None and bool(plan.bases)
    cls = [0 if c == "fighter" else 1 for c in plan.mos_class]
    fleets = {
        u: _Fleet(float(plan.air.rate[u]), deadline)
        for u in range(len(plan.count))
        if salvo is not None and (plan.base[u] >= 0 and struck or plan.air.rate[u] > 0)
    }
    closed: dict[tuple[int, int], simpy.Event | None] = {}  # the reopening, while closed
    shut: Closures = {}  # closures, as they happen

    def runway(b: int, k: int) -> simpy.events.ProcessGenerator:
        assert salvo is not None
        starts, ends = salvo
        for s, st in enumerate(starts):
            yield env.timeout(st - env.now)
            if ends[b, k, s] <= st:
                continue
            users = [(u, f) for u, f in fleets.items() if plan.base[u] == b and cls[u] == k]
            for u, f in users:  # up to the closure at the rate before it, then one repaired strip
                f.advance(env.now)
                f.open = False
                if st < deadline:
                    f.rate = float(plan.air.rate_one[u])
            closed[b, k] = env.event()
            shut.setdefault((b, k), []).append((st, ends[b, k, s]))
            yield env.timeout(ends[b, k, s] - st)
            for _, f in users:
                f.advance(env.now)
                f.open = True
            reopen, closed[b, k] = closed[b, k], None
            assert reopen is not None
            reopen.succeed()

    def salvo_hits(b: int) -> simpy.events.ProcessGenerator:
        # A salvo that closes the base for either class hit it: the aircraft in the open burn.
        assert salvo is not None
        starts, ends = salvo
        for s, st in enumerate(starts):
            yield env.timeout(st - env.now)
            if st > deadline or not (ends[b, 0, s] > st or ends[b, 1, s] > st):
                continue
            for u, f in fleets.items():
                if plan.base[u] == b:
                    f.advance(env.now)
                    on_ground = 1.0 if f.departed == math.inf else float(plan.air.ground[u])
                    exposed = max(on_ground - float(plan.air.sheltered[u]), 0.0)
                    f.alive *= 1.0 - p["sortie.ground_kill_share"] * exposed

    def unit(u: int) -> simpy.events.ProcessGenerator:
        c = int(plan.country[u])
        if c == COUNTRIES.index("JPN"):
            gate = japan_gate.get(TYPES[plan.kind[u]], jp_go)
        else:
            gate = us_japan_go if plan.from_japan[u] and not (plan.ship[u] and at_sea[c]) else us_go
        yield gate
        if not (plan.ship[u] and at_sea[c]):
            yield env.timeout(plan.readiness_h[u] * factor[c])
        if struck and plan.base[u] >= 0:  # its runway closed: it waits for the repair
            reopen = closed.get((int(plan.base[u]), cls[u]))
            if reopen is not None:
                yield reopen
        if TYPES[plan.kind[u]] == "tanker" and not tanker_up[c].triggered:
            tanker_up[c].succeed()
        if plan.needs_tanker[u]:
            yield tanker_up[c]
            yield env.timeout(p["tanker.join_delay_h"])
        if u in fleets:
            fleets[u].depart(env.now)
        if math.isfinite(plan.transit_h[u]):
            yield env.timeout(plan.transit_h[u])
            arrivals[u] = env.now

    env.process(detection())
    if plan.sim.scenario.event is Event.gray_zone:
        env.process(ladder())
    for event, ev in zip(plan.events, seen, strict=True):
        env.process(japan(event.gates, ev))
    env.process(united_states(seen))
    if struck:
        for b in range(len(plan.bases)):
            env.process(salvo_hits(b))
            for k in (0, 1):
                env.process(runway(b, k))
    for u in range(len(plan.count)):
        env.process(unit(u))
    env.run(until=HORIZON)
    if salvo is not None:
        fight = jp_go.triggered or us_go.triggered  # an armed attack answered: attrition in the air
        out.update(_air_outcomes(plan, fleets, shut, arrivals, deadline, cls, fight))
    for c, name in enumerate(COUNTRIES):
        times = [t for u, t in arrivals.items() if plan.country[u] == c and TYPES[plan.kind[u]] in COMBAT]
        out[f"first_response_{name}_h"] = min(times, default=math.inf)
    out.setdefault("us_sorties_from_japan_h", math.inf)
    for key in ("japan_combat_authorized_h", "japan_maritime_forces_authorized_h",
                "japan_landing_force_authorized_h"):  # fmt: skip
        out.setdefault(key, math.inf)
    return out


Closures = dict[tuple[int, int], list[tuple[float, float]]]  # (base, class): (start, end) as they happen


def _air_outcomes(plan: Plan, fleets: dict[int, _Fleet], shut: Closures, arrivals: dict[int, float],
                  deadline: float, cls: list[int], fight: bool) -> dict[str, float]:  # fmt: skip
    """Sorties, aircraft lost on the ground and in the air, and the combat units held on
    station at the deadline, from the fleets' ledgers and the closures that happened."""
    log_keep = math.log1p(-plan.params["sortie.attrition_per_sortie"]) if fight else 0.0
    out = {"sorties_by_deadline": 0.0, "aircraft_lost_in_air_by_deadline": 0.0,
           "aircraft_lost_on_ground": 0.0, "held": 0.0}  # fmt: skip
    for u, f in fleets.items():
        f.advance(deadline)
        n = int(plan.count[u])
        out["aircraft_lost_on_ground"] += n * (1.0 - f.alive)
        if math.isinf(deadline) or TYPES[plan.kind[u]] not in COMBAT or f.rate == 0.0:
            continue
        surv = math.exp(log_keep * f.n)
        out["sorties_by_deadline"] += n * f.gen
        out["aircraft_lost_in_air_by_deadline"] += n * f.alive * (1.0 - surv)
        if arrivals.get(u, math.inf) <= deadline:
            closures = [(s, e) for s, e in shut.get((int(plan.base[u]), cls[u]), []) if s < deadline]
            pres = plan.air.presence_one[u] if closures else plan.air.presence[u]
            on = float(plan.air.on_station_h[u])
            lo, hi = max(f.departed, deadline - plan.transit_h[u] - on), deadline - plan.transit_h[u]
            shut_h = sum(max(0.0, min(e, hi) - max(s, lo)) for s, e in closures)
            out["held"] += n * pres * f.alive * surv * (1.0 - shut_h / on)
    for u in range(len(plan.count)):  # ships and the landing force: whole once there
        ship = u not in fleets and TYPES[plan.kind[u]] in COMBAT and plan.air.rate[u] == 0.0
        if ship and arrivals.get(u, math.inf) <= deadline:
            out["held"] += int(plan.count[u]) * float(plan.air.presence[u])
    return out


def run(plan: Plan, trials: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = [one_trial(plan, rng) for _ in range(trials)]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


# ---------------------------------------------------------------- missile defense (strike stage)
def _defense_trial(plan: Plan, rng: np.random.Generator) -> np.ndarray:
    """One trial's salvos against the plan's struck bases, as events: per salvo and base,
    [launched, arrived, then per layer (engaged, destroyed, fired)] (strike_kernel.T_*)."""
    p = plan.params
    d = plan.bases[0].defense
    env = simpy.Environment()
    salvos = int(p["strike.salvos"])
    out = np.zeros((salvos, len(plan.bases), 8), np.int64)
    flat = p["strike.interception_probability"] if d.mode == "flat" else 0.0
    fly = p["strike.reliability"] * (1.0 - flat)
    magazines = []
    for u in d.units:
        ship = u.kind == "aegis_bmd"
        on = sum(rng.random() < p["missile_defense.aegis_on_station_probability"] for _ in range(u.count)) \
            if ship else u.count
        each = p["missile_defense." + ("sm3_per_ship" if ship else "pac3_interceptors_per_fire_unit")]
        stock = int(on * each)
        magazines.append(simpy.Container(env, init=stock, capacity=max(stock, 1)) if stock else None)

    def shots(u: int) -> int:
        return int(p["missile_defense." + ("sm3" if d.units[u].kind == "aegis_bmd" else "pac3") + "_shots"])

    def pk(u: int) -> float:
        kind = "sm3" if d.units[u].kind == "aegis_bmd" else "pac3"
        return float(p[f"missile_defense.{kind}_kill_probability"])

    def salvo(s: int) -> simpy.events.ProcessGenerator:
        yield env.timeout(p["strike.time_h"] + s * p["strike.salvo_interval_h"])
        for b, base in enumerate(plan.bases):  # the scenario's order is the defended-asset priority
            launched = sum(rw.missiles for rw in base.runways)
            flying = int((rng.random(launched) < fly).sum())
            out[s, b, :2] = launched, flying
            for layer in (0, 1):
                # In a random order (a short layer engages a uniformly random subset), each
                # missile takes one engagement from the first covering unit with interceptors.
                order = list(range(flying))
                rng.shuffle(order)
                survivors = 0
                for _ in order:
                    unit = next((u for u, m in enumerate(magazines) if m is not None and m.level > 0
                                 and d.units[u].layer == layer and d.covers[u][b]), None)
                    if unit is None:
                        survivors += 1
                        continue
                    mag = magazines[unit]
                    assert mag is not None
                    f = min(shots(unit), int(mag.level))
                    yield mag.get(f)
                    out[s, b, 2 + 3 * layer] += 1
                    out[s, b, 4 + 3 * layer] += f
                    if rng.random() < 1.0 - (1.0 - pk(unit)) ** f:
                        out[s, b, 3 + 3 * layer] += 1
                    else:
                        survivors += 1
                flying = survivors

    for s in range(salvos):
        env.process(salvo(s))
    env.run()
    return out


def engagements(plan: Plan, trials: int, seed: int) -> np.ndarray:
    """Per trial, salvo and base: the engagement counts of `_defense_trial` (trials, salvos, bases, 8)."""
    rng = np.random.default_rng(seed)
    return np.stack([_defense_trial(plan, rng) for _ in range(trials)])
