"""A small event-driven reference implementation of the timeline (no strikes), in SimPy.

It reads the same compiled plan (legal gates, units, distances) but re-implements every
stage as processes and events, trial by trial, with its own random numbers: agreement with
the vectorized core is then a statistical check of the stage logic.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from anpo.sim.forces import COMBAT, COUNTRIES, TYPES
from anpo.sim.gates import JapanGate
from anpo.sim.plan import Plan

HORIZON = 1.0e6


def _ln(rng: np.random.Generator, plan: Plan, name: str) -> float:
    p = plan.params
    return p[name] * math.exp(p.spread(name) * rng.standard_normal())


def one_trial(plan: Plan, rng: np.random.Generator) -> dict[str, float]:
    env = simpy.Environment()
    p, gates = plan.params, plan.gates
    detected, consulted = env.event(), env.event()
    jp_go, us_go, us_japan_go = env.event(), env.event(), env.event()
    out: dict[str, float] = {}
    arrivals: dict[int, float] = {}

    def detection() -> simpy.events.ProcessGenerator:
        yield env.timeout(_ln(rng, plan, plan.detection_param))
        detected.succeed()
        yield env.timeout(_ln(rng, plan, plan.consultation_param))
        consulted.succeed()

    def japan() -> simpy.events.ProcessGenerator:
        yield detected
        if gates.japan is JapanGate.individual_self_defense:
            yield env.timeout(_ln(rng, plan, "japan.defense_order_delay_h"))
            jp_go.succeed()
        elif gates.japan is JapanGate.armed_attack_judgment:
            judged = rng.random() < p["japan.armed_attack_judgment_probability"]
            if not judged:
                return
            yield env.timeout(_ln(rng, plan, "japan.armed_attack_judgment_delay_h"))
            yield env.timeout(_ln(rng, plan, "japan.defense_order_delay_h"))
            jp_go.succeed()
        elif gates.japan is JapanGate.survival_certification:
            certified = gates.survival_certified_by_assumption or (
                rng.random() < p["japan.survival_certification_probability"]
            )
            if not certified:
                return
            yield consulted
            yield env.timeout(_ln(rng, plan, "japan.survival_certification_delay_h"))
            jp_go.succeed()

    def united_states() -> simpy.events.ProcessGenerator:
        if rng.random() >= p["us.intervention_probability"]:
            return
        yield detected
        yield env.timeout(_ln(rng, plan, "us.decision_delay_h"))
        us_go.succeed()
        if gates.prior_consultation_required:
            if rng.random() < p["us.consent_probability"]:
                yield consulted
                # the answer comes a delay after consultation, but not before the decision
                answer = consulted_at[0] + _ln(rng, plan, "us.consent_delay_h")
                yield env.timeout(max(0.0, answer - env.now))
                fire(us_japan_go, "us_sorties_from_japan_h")
        else:
            yield consulted
            fire(us_japan_go, "us_sorties_from_japan_h")

    consulted_at = [math.inf]

    def fire(ev: simpy.Event, key: str) -> None:
        out[key] = env.now
        ev.succeed()

    def mark() -> simpy.events.ProcessGenerator:
        yield consulted
        consulted_at[0] = env.now

    factor = [math.exp(p["readiness.spread"] * rng.standard_normal()) for _ in COUNTRIES]
    at_sea = [rng.random() < p["us.ships_at_sea_probability"] for _ in COUNTRIES]
    tanker_up = {c: env.event() for c in range(len(COUNTRIES))}

    def unit(u: int) -> simpy.events.ProcessGenerator:
        c = int(plan.country[u])
        if c == COUNTRIES.index("JPN"):
            gate = jp_go
        else:
            gate = us_japan_go if plan.from_japan[u] and not (plan.ship[u] and at_sea[c]) else us_go
        if plan.ship[u] and at_sea[c]:
            gate = jp_go if c == COUNTRIES.index("JPN") else us_go
        yield gate
        if not (plan.ship[u] and at_sea[c]):
            yield env.timeout(plan.readiness_h[u] * factor[c])
        if TYPES[plan.kind[u]] == "tanker" and not tanker_up[c].triggered:
            tanker_up[c].succeed()
        if plan.needs_tanker[u]:
            yield tanker_up[c]
            yield env.timeout(p["tanker.join_delay_h"])
        if math.isfinite(plan.transit_h[u]):
            yield env.timeout(plan.transit_h[u])
            arrivals[u] = env.now

    env.process(mark())
    env.process(detection())
    env.process(japan())
    env.process(united_states())
    for u in range(len(plan.count)):
        env.process(unit(u))
    env.run(until=HORIZON)
    for c, name in enumerate(COUNTRIES):
        times = [t for u, t in arrivals.items() if plan.country[u] == c and TYPES[plan.kind[u]] in COMBAT]
        out[f"first_response_{name}_h"] = min(times, default=math.inf)
    out.setdefault("us_sorties_from_japan_h", math.inf)
    return out


def run(plan: Plan, trials: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = [one_trial(plan, rng) for _ in range(trials)]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}
