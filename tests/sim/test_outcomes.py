"""Outcomes that discriminate: P(deny the objective) from forces held on station at the deadline,
the hours each legal gate costs, and posture changes that move them."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from anpo import sim
from anpo.core.errors import InputError
from anpo.sim.plan import compile_plan
from anpo.sim.run import wilson
from anpo.sim.sorties import FLYING, airborne_share, endurance_h, presence
from anpo.sim.timeline import simulate_chunk

ROOT = Path(__file__).resolve().parents[2]
ANPO = Path(sys.executable).parent / "anpo"  # the anpo of the venv running the tests
TAIWAN = {"date": "2016-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}


# A stated requirement of 40 combat units held on station (80 x the 0.5 ratio): where the
# force the alliance holds off Taiwan at 72 h varies with the posture and the law.
REQUIREMENT = {"denial.adversary_units": 80}


def objective(raw: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    s = sim.parse_sim_scenario(raw)
    params = sim.load_parameters({**REQUIREMENT, **overrides})
    d = sim.run_simulation(s, params, trials=3 * 16_384, seed=7).to_dict()
    return dict(d["objective"])


def disjoint(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["p_deny_ci95"][1] < b["p_deny_ci95"][0] or b["p_deny_ci95"][1] < a["p_deny_ci95"][0])


def test_moving_the_laws_date_moves_the_denial_probability() -> None:
    # Before 2016-03-29 Japan has no collective self-defense: its forces stay out of an attack
    # on U.S. forces near Taiwan, and the alliance falls short of the requirement.
    before = objective({"scenario": {**TAIWAN, "date": "2015-06-01"}, "fait_accompli_h": 72})
    after = objective({"scenario": TAIWAN, "fait_accompli_h": 72})
    assert after["p_deny"] > before["p_deny"] + 0.1 and disjoint(before, after)


def test_closing_a_base_moves_the_denial_probability() -> None:
    raw = {"scenario": {**TAIWAN, "date": "2026-06-01"}, "fait_accompli_h": 72}
    base = objective(raw)
    closed = objective({**raw, "closed_bases": ["kadena", "naha"]})
    assert closed["p_deny"] < base["p_deny"] - 0.1 and disjoint(base, closed)


def test_denial_counts_the_forces_held_on_station_by_the_deadline() -> None:
    raw = {"scenario": {**TAIWAN, "target": "JPN", "lat": 25.743, "lon": 123.473}, "fait_accompli_h": 30}
    p = sim.load_parameters().with_overrides({"us.ships_at_sea_probability": 0.0}).deterministic()
    plan = compile_plan(sim.parse_sim_scenario(raw), p)
    ch = simulate_chunk(plan, seed=1, start=0, stop=50, keep=True)
    held = 0.0
    detect = p["detection.armed_attack_h"]
    auth = {"JPN": detect + p["japan.defense_order_delay_h"], "USA": max(detect + p["us.decision_delay_h"],
            detect + p["consultation.acm_jjoc_h"])}  # fmt: skip
    rows = plan.forces.rows
    ready = [auth[r.country] + plan.readiness_h[k] for k, r in enumerate(rows)]
    tanker_up = {
        c: min(t for t, r in zip(ready, rows, strict=True) if (r.country, r.type) == (c, "tanker"))
        for c in auth
    }
    keep = math.log1p(-p["sortie.attrition_per_sortie"])
    for k, row in enumerate(rows):
        if row.type in ("tanker", "coast_guard"):
            continue  # not combat
        t = auth[row.country] + plan.readiness_h[k]
        tanker = bool(plan.needs_tanker[k])
        if tanker:  # waits for its country's first tanker, then joins it
            t = max(t, tanker_up[row.country]) + p["tanker.join_delay_h"]
        tr = float(plan.transit_h[k])
        if not tanker and row.type == "fighter" and row.country in tanker_up:  # tanks on station if it helps
            tanker = presence(row.type, tr, True, p) > presence(row.type, tr, False, p)
        share = presence(row.type, tr, tanker, p)
        if row.type in FLYING and share > 0:  # sorties from departure, each risking attrition
            rate = airborne_share(row.type, tanker, p) / endurance_h(row.type, tanker, p)
            share *= math.exp(keep * rate * (30 - t))
        if t + plan.transit_h[k] <= 30:
            held += row.count * share
    got = ch.counts["combat_on_station_at_deadline"]
    assert (got == int(held)).all()
    need = p["denial.required_ratio"] * p["denial.adversary_units"]
    assert (ch.paths["denies_objective"] == int(held >= need)).all()


def test_presence_from_the_sortie_cycle() -> None:
    p = sim.load_parameters()
    # 0.5 h out and back from 3 h of endurance leaves 2 h of 3 on station, of the share the
    # crews keep airborne (1.25 crews flying 8 h a day: 5/12, under the cycle's 3 of 6 h)
    crews = 1.25 * 8 / 24
    assert presence("fighter", 0.5, False, p) == pytest.approx(2.0 / 3.0 * crews)
    roomy = p.with_overrides({"sortie.fighter_crew_ratio": 3.0})
    assert presence("fighter", 0.5, False, roomy) == pytest.approx(2.0 / 6.0)  # the cycle binds
    assert presence("fighter", 2.0, False, p) == 0.0  # the round trip uses it all
    assert presence("fighter", 2.0, True, p) == pytest.approx(1.0 / 5.0 * crews)  # a tanker adds 2 h
    assert presence("surface_ship", 40.0, False, p) == 1.0
    assert presence("maritime_patrol", np.inf, False, p) == 0.0


def test_hours_lost_to_prior_consultation() -> None:
    raw = {"scenario": TAIWAN, "fait_accompli_h": 72}
    sure = {"us.consent_probability": 1.0, "japan.survival_certification_probability": 1.0}
    p = sim.load_parameters().with_overrides(sure).deterministic()
    plan = compile_plan(sim.parse_sim_scenario(raw), p)
    ch = simulate_chunk(plan, seed=1, start=0, stop=10, keep=True)
    detect = p["detection.armed_attack_h"]
    consult = detect + p[plan.consultation_param]  # 2016: the ACM
    lost = consult + p["us.consent_delay_h"] - max(detect + p["us.decision_delay_h"], consult)
    np.testing.assert_allclose(ch.times["access_lost_prior_consultation_h"], lost)
    np.testing.assert_allclose(  # survival certification: consultation, then the Cabinet
        ch.times["access_lost_japan_decision_h"],
        consult + p["japan.survival_certification_delay_h"] - detect,
    )


def test_wilson_interval() -> None:
    lo, hi = wilson(50, 100)
    assert lo == pytest.approx(0.4038, abs=1e-4) and hi == pytest.approx(0.5962, abs=1e-4)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


def test_cli_sweep_of_the_denial_probability() -> None:
    r = subprocess.run(
        [str(ANPO), "simulate", str(ROOT / "examples/sim/taiwan-strikes-2026.yaml"), "--trials", "16384",
         "--format", "json", "--sweep", "denial.adversary_units=60,200",
         "--sweep-metric", "p_deny_objective"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    pts = json.loads(r.stdout)["sweep"]["results"]["denial.adversary_units"]
    assert pts[0]["metric"] > pts[1]["metric"]


def test_bad_closed_base_is_named() -> None:
    raw = yaml.safe_load((ROOT / "examples/sim/senkaku-2026.yaml").read_text(encoding="utf-8"))
    with pytest.raises(InputError) as err:
        compile_plan(
            sim.parse_sim_scenario({**raw, "closed_bases": ["kadena", "atlantis"]}), sim.load_parameters()
        )
    assert err.value.field == "closed_bases[1]"


def test_deterrence_by_denial_tips_with_the_laws_date() -> None:
    # With a risk threshold of 0.8 the adversary acts against the 2015 law (no collective
    # self-defense: it succeeds every time) and is deterred under the 2016 law.
    raw = {"parameters": {"adversary.risk_threshold": 0.8}, "fait_accompli_h": 72}
    before = objective({**raw, "scenario": {**TAIWAN, "date": "2015-06-01"}})["deterrence"]
    after = objective({**raw, "scenario": TAIWAN})["deterrence"]
    assert before["decision"] == "acts" and after["decision"] == "deterred"
    assert after["adversary_success_probability"] < 0.8 <= before["adversary_success_probability"]


def test_deterrence_decision_respects_the_interval() -> None:
    from anpo.sim.run import deterrence

    assert deterrence(0.3, (0.29, 0.31), 0.5)["decision"] == "acts"  # success 0.7
    assert deterrence(0.7, (0.69, 0.71), 0.5)["decision"] == "deterred"  # success 0.3
    assert deterrence(0.5, (0.45, 0.55), 0.5)["decision"] == "undecided"
