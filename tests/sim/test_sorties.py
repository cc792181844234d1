"""Forces that fly: sorties limited by open runways and crews, aircraft lost on the ground
to the salvos (shelters protect) and in the air to attrition, against the SimPy reference."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import simpy_reference

from anpo import sim
from anpo.core.errors import InputError
from anpo.sim.forces import TYPES
from anpo.sim.plan import Plan, compile_plan
from anpo.sim.run import run_plan
from anpo.sim.sorties import airborne_share, presence, runway_share
from anpo.sim.streams import TILE
from anpo.sim.timeline import simulate_chunk

ROOT = Path(__file__).resolve().parents[2]
ANPO = Path(sys.executable).parent / "anpo"  # the anpo of the venv running the tests
SENKAKU = {"date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473}
TAIWAN = {"date": "2026-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}
HEAVY = {"strike.missiles_per_base": 60, "strike.cep_m": 10, "repair.crews_per_base": 1}


def plan_of(raw: dict[str, Any], deterministic: bool = False, **overrides: Any) -> Plan:
    s = sim.parse_sim_scenario(raw)
    p = sim.load_parameters().with_overrides({**s.parameters, **overrides})
    return compile_plan(s, p.deterministic() if deterministic else p)


def units_at(plan: Plan, facility: str) -> list[int]:
    return [k for k, r in enumerate(plan.forces.rows) if r.facility == facility and r.type in ("fighter",
            "tanker", "maritime_patrol")]  # fmt: skip


def test_crews_and_runways_bound_the_airborne_share() -> None:
    p = sim.load_parameters()
    # 1.25 crews flying 8 h a day keep a fighter airborne 5/12 of the time, under the 3 h
    # sortie / 3 h turnaround cycle's half
    assert airborne_share("fighter", False, p) == pytest.approx(1.25 * 8 / 24)
    roomy = p.with_overrides({"sortie.fighter_crew_ratio": 2.0})
    assert airborne_share("fighter", False, roomy) == pytest.approx(0.5)
    # one runway launching 12 an hour for 3 h sorties keeps 36 fighters airborne: 72 share it
    assert runway_share(1, 72, "fighter", False, p) == pytest.approx(0.5)
    assert airborne_share("fighter", False, roomy, runway_share(1, 72, "fighter", False, p)) == 0.5
    assert airborne_share("fighter", False, roomy, runway_share(1, 144, "fighter", False, p)) == 0.25
    assert presence("fighter", 0.5, False, p) == pytest.approx(2 / 3 * 1.25 * 8 / 24)


def test_a_closed_base_generates_no_sorties_while_closed() -> None:
    # Naha is struck 20 h into the run, after its fighters and patrol aircraft left; each
    # loses exactly the sorties of the hours its class's runway is closed before the deadline.
    deadline, at = 23.0, 20.0
    raw = {"scenario": SENKAKU, "fait_accompli_h": deadline}
    over = {**HEAVY, "strike.missiles_per_base": 150, "strike.time_h": at, "sortie.ground_kill_share": 0.0,
            "us.ships_at_sea_probability": 0.0}  # fmt: skip
    calm = plan_of(raw, True, **over)
    hit = plan_of({**raw, "strikes": {"bases": ["naha"]}}, True, **over)
    a = simulate_chunk(calm, seed=3, start=0, stop=2000, keep=True)
    b = simulate_chunk(hit, seed=3, start=0, stop=2000, keep=True)
    p = hit.params
    depart = p["detection.armed_attack_h"] + p["japan.defense_order_delay_h"]
    lost = np.zeros(2000)
    closed_any = np.zeros(2000, bool)
    for k in units_at(hit, "naha"):
        kind = hit.forces.rows[k].type
        assert hit.air.rate_one[k] == hit.air.rate[k] > 0  # one strip launches all Naha needs
        shut = b.times[f"runway_closed_naha_{hit.mos_class[k]}_h"]
        closed_any |= shut > 0
        t = depart + p[f"readiness.{kind}_h"]
        assert t < at
        lost += hit.count[k] * hit.air.rate[k] * np.clip(np.minimum(at + shut, deadline) - at, 0.0, None)
    assert closed_any.mean() > 0.3  # the salvo closes Naha's two runways in many trials
    assert (b.times["runway_closed_naha_fighter_h"] > deadline - at).any()  # closed past the deadline
    got = a.times["sorties_by_deadline"] - b.times["sorties_by_deadline"]
    np.testing.assert_allclose(got, lost, rtol=1e-12, atol=1e-9)


def test_shelters_reduce_ground_losses() -> None:
    # The salvo lands with the triggering event, before any unit leaves: each salvo that
    # closes Kadena destroys the ground-kill share of the aircraft in the open there.
    raw = {"scenario": TAIWAN, "fait_accompli_h": 72, "strikes": {"bases": ["kadena"]}}
    heavy = {**HEAVY, "strike.missiles_per_base": 200}  # enough to cut both of Kadena's runways
    open_, sheltered = (plan_of(raw, **heavy, **{"shelters.kadena": n}) for n in (0, 1000))
    kill = open_.params["sortie.ground_kill_share"]
    here = units_at(open_, "kadena")
    every = sum(int(open_.count[k]) for k in here)
    # tankers and patrol aircraft do not fit a fighter's shelter
    large = sum(int(open_.count[k]) for k in here if TYPES[open_.kind[k]] != "fighter")
    assert every > large > 0
    a = simulate_chunk(open_, seed=5, start=0, stop=1500, keep=True)
    b = simulate_chunk(sheltered, seed=5, start=0, stop=1500, keep=True)
    hit = (a.times["runway_closed_kadena_fighter_h"] > 0) | (a.times["runway_closed_kadena_tanker_h"] > 0)
    assert hit.mean() > 0.3
    np.testing.assert_allclose(a.times["aircraft_lost_on_ground"], every * kill * hit, rtol=1e-12)
    np.testing.assert_allclose(b.times["aircraft_lost_on_ground"], large * kill * hit, rtol=1e-12)
    default = simulate_chunk(plan_of(raw, **heavy), seed=5, start=0, stop=1500, keep=True)
    mean = default.times["aircraft_lost_on_ground"].mean()
    assert b.times["aircraft_lost_on_ground"].mean() < mean < a.times["aircraft_lost_on_ground"].mean()


def test_attrition_lowers_the_units_held_on_station() -> None:
    raw = {"scenario": SENKAKU, "fait_accompli_h": 48}
    runs = {
        p: run_plan(plan_of(raw, **{"sortie.attrition_per_sortie": p}), 3 * TILE, seed=7).to_dict()
        for p in (0.0, 0.02)
    }
    safe, risky = runs[0.0], runs[0.02]
    assert safe["air_operations"]["aircraft_lost_in_air_by_deadline"]["mean"] == 0.0
    assert risky["air_operations"]["aircraft_lost_in_air_by_deadline"]["mean"] > 1.0
    held = "combat_on_station_at_deadline"
    assert risky["forces_on_station"][held]["mean"] < safe["forces_on_station"][held]["mean"] - 0.5
    assert risky["objective"]["p_deny"] <= safe["objective"]["p_deny"]
    # the same sorties fly (attrition is applied to what is held, not to the sortie count)
    assert risky["air_operations"]["sorties_by_deadline"] == safe["air_operations"]["sorties_by_deadline"]


def test_same_seed_same_result_for_any_chunk_size_and_threads() -> None:
    raw = {"scenario": TAIWAN, "fait_accompli_h": 60, "strikes": {"bases": ["kadena", "naha"]}}
    plan = plan_of(raw, **{"strike.missiles_per_base": 12, "strike.salvos": 3, "strike.salvo_interval_h": 18})
    n = 2 * TILE + 777
    ref = run_plan(plan, n, seed=3).to_dict()
    ref.pop("receipt")
    assert ref["air_operations"]["aircraft_lost_on_ground"]["mean"] > 0
    for chunk, workers in ((TILE, 1), (3000, 1), (TILE, 2)):
        got = run_plan(plan, n, seed=3, chunk=chunk, workers=workers).to_dict()
        got.pop("receipt")
        assert json.dumps(got, sort_keys=True) == json.dumps(ref, sort_keys=True)


def test_forces_that_fly_agree_with_the_simpy_reference() -> None:
    # Two daily salvos on Naha and Kadena, the second after the units left: sorties stop
    # while the runways are closed, the aircraft on the ground burn, attrition takes its share.
    raw = {"scenario": TAIWAN, "fait_accompli_h": 40, "strikes": {"bases": ["kadena", "naha"]}}
    plan = plan_of(raw, **{"strike.missiles_per_base": 20, "strike.salvos": 2, "strike.salvo_interval_h": 20,
                           "sortie.attrition_per_sortie": 0.02})  # fmt: skip
    ref = simpy_reference.air(plan, 1200, seed=11)
    fast = run_plan(plan, 4 * TILE, seed=5)
    for key in ("sorties_by_deadline", "aircraft_lost_in_air_by_deadline", "aircraft_lost_on_ground"):
        r = ref[key]
        se = r.std(ddof=1) / math.sqrt(len(r))
        assert r.mean() > 0, key
        assert abs(fast.times[key].to_dict()["mean"] - r.mean()) < 4 * se + 1e-9, key
    held = np.floor(ref["held"] + 1e-9)  # whole units, as the kernel counts them
    got = fast.counts["combat_on_station_at_deadline"].total / fast.trials
    assert abs(got - held.mean()) < 4 * held.std(ddof=1) / math.sqrt(len(held))


def test_without_a_deadline_only_ground_losses_are_measured() -> None:
    d = run_plan(plan_of({"scenario": TAIWAN, "strikes": {"bases": ["kadena"]}}), TILE, seed=1).to_dict()
    assert list(d["air_operations"]) == ["aircraft_lost_on_ground"]
    assert "aircraft_lost_on_ground" not in d["metrics_h"]


@pytest.mark.parametrize(("name", "value"), [("shelters.kadena", 2.5), ("sortie.attrition_per_sortie", 1.5),
                                             ("sortie.fighter_crew_ratio", 0)])  # fmt: skip
def test_bad_sortie_parameters_are_named(name: str, value: float) -> None:
    with pytest.raises(InputError) as err:
        sim.load_parameters({name: value})
    assert err.value.field == name


def test_cli_text_reports_the_air_operations() -> None:
    r = subprocess.run(
        [str(ANPO), "simulate", str(ROOT / "examples/sim/taiwan-strikes-2026.yaml"), "--trials", "16384"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    for name in ("sorties_by_deadline", "aircraft_lost_in_air_by_deadline", "aircraft_lost_on_ground"):
        assert name in r.stdout


def test_the_python_api_lists_the_air_operations() -> None:
    import anpo

    r = anpo.simulate(str(ROOT / "examples/sim/taiwan-strikes-2026.yaml"), trials=2000, seed=1)
    rows = r.summary[r.summary["group"] == "air_operations"]
    assert set(rows["measure"]) == {"sorties_by_deadline", "aircraft_lost_in_air_by_deadline",
                                    "aircraft_lost_on_ground"}  # fmt: skip
    assert (rows["mean"] >= 0).all()


def test_the_run_record_gives_each_units_sortie_model() -> None:
    raw = {"scenario": TAIWAN, "fait_accompli_h": 72, "strikes": {"bases": ["kadena"]}}
    units = {(u["facility"], u["country"], u["type"]): u for u in plan_of(raw).units()}
    fighters = units["kadena", "USA", "fighter"]
    assert 0 < fighters["on_station_share"] < 1 and fighters["sorties_per_aircraft_h"] > 0
    assert 0 < fighters["sheltered_share"] <= 1  # Kadena's hardened shelters
    assert units["kadena", "USA", "tanker"]["sheltered_share"] == 0.0  # no fighter shelter fits a tanker


def test_a_gray_zone_patrol_loses_no_aircraft_in_the_air() -> None:
    # Below an armed attack nobody shoots: the patrol aircraft of a maritime security
    # operation fly their sorties without attrition; only the escalated trials have any.
    at_sea = {**SENKAKU, "event": "gray_zone", "lat": 25.70, "lon": 123.55}  # where the law allows one
    raw = {"scenario": at_sea, "fait_accompli_h": 72}
    outmatched = {"ladder.escalation_probability": 0.0, "ladder.coast_guard_outmatched_probability": 1.0}
    calm = plan_of(raw, **outmatched)
    assert calm.gates.determinations["maritime_security_operations_available"]
    d = run_plan(calm, TILE, seed=2).to_dict()
    assert d["air_operations"]["sorties_by_deadline"]["mean"] > 0
    assert d["air_operations"]["aircraft_lost_in_air_by_deadline"]["mean"] == 0.0
    war = run_plan(plan_of(raw, **{"ladder.escalation_probability": 1.0}), TILE, seed=2).to_dict()
    assert war["air_operations"]["aircraft_lost_in_air_by_deadline"]["mean"] > 0


def test_a_longer_fighter_radius_never_shortens_time_on_station() -> None:
    """A fighter inside its radius still tanks on station when its country has tankers, so
    growing the radius (fewer fighters that must tank to get there) never lowers presence."""
    raw = {"scenario": {"date": "2026-01-15", "event": "armed_attack", "target": "JPN",
                        "lat": 25.743, "lon": 123.473}, "fait_accompli_h": 48}
    spec = sim.parse_sim_scenario(raw)
    before = None
    for radius in (900.0, 1100.0, 1300.0, 1600.0):
        plan = compile_plan(spec, sim.load_parameters().with_overrides({"combat_radius.fighter_km": radius}))
        fighters = [k for k, r in enumerate(plan.forces.rows) if r.type == "fighter"]
        now = plan.air.presence[fighters]
        if before is not None:
            assert (now >= before - 1e-12).all(), radius
        before = now
