"""The vectorized core: against the SimPy reference, across chunkings, deterministic, bad input."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import simpy_reference

from anpo import posture, sim
from anpo.core.errors import InputError
from anpo.sim.plan import compile_plan
from anpo.sim.run import run_plan
from anpo.sim.streams import TILE
from anpo.sim.timeline import simulate_chunk

ROOT = Path(__file__).resolve().parents[2]
ANPO = Path(sys.executable).parent / "anpo"  # the anpo of the venv running the tests


def spec(**scenario: Any) -> sim.SimScenario:
    base: dict[str, Any] = {
        "date": "2026-06-01",
        "event": "armed_attack",
        "target": "USA",
        "lat": 24.2,
        "lon": 122.3,
    }
    base.update(scenario)
    return sim.parse_sim_scenario({"scenario": base, "fait_accompli_h": 48})


PATHS = {
    "individual_self_defense": spec(target="JPN", lat=25.743, lon=123.473),
    "survival_certification": spec(),
    "rear_area_support": spec(date="2010-06-01"),
    "nothing": spec(date="1995-06-01"),
    "armed_attack_judgment": spec(event="cyber_attack", target="JPN", lat=35.0, lon=139.0),
}


@pytest.mark.parametrize("gate", sorted(PATHS))
def test_each_legal_path_is_reached(gate: str) -> None:
    plan = compile_plan(PATHS[gate], sim.load_parameters())
    assert plan.gates.japan.value == gate


@pytest.mark.parametrize("gate", sorted(PATHS))
def test_vectorized_core_agrees_with_simpy_reference(gate: str) -> None:
    plan = compile_plan(PATHS[gate], sim.load_parameters())
    ref = simpy_reference.run(plan, 10_000, seed=11)
    fast = run_plan(plan, 200_000, seed=5)
    for key in ("first_response_JPN_h", "first_response_USA_h", "us_sorties_from_japan_h"):
        r = ref[key]
        stat = fast.times[key].to_dict()
        fin = np.isfinite(r)
        p_ref = 1 - fin.mean()
        se_p = math.sqrt(max(p_ref * (1 - p_ref), 1e-4) / len(r))
        assert abs(stat["p_never"] - p_ref) < 4 * se_p, key
        if fin.sum() > 100:
            se = r[fin].std(ddof=1) / math.sqrt(fin.sum())
            assert abs(stat["mean"] - r[fin].mean()) < 4 * se + 1e-9, key


def test_same_seed_same_result_for_any_chunk_size_and_workers() -> None:
    s = sim.parse_sim_scenario(
        {
            "scenario": {
                "date": "2026-06-01",
                "event": "armed_attack",
                "target": "USA",
                "lat": 24.2,
                "lon": 122.3,
            },
            "strikes": {"bases": ["kadena", "naha"]},
            "parameters": {"strike.missiles_per_base": 12},
        }
    )
    plan = compile_plan(s, sim.load_parameters().with_overrides(s.parameters))
    n = 3 * TILE + 1234
    ref = run_plan(plan, n, seed=3).to_dict()
    ref.pop("receipt")
    for chunk, workers in ((TILE, 1), (2 * TILE, 1), (5000, 1), (TILE, 2)):
        got = run_plan(plan, n, seed=3, chunk=chunk, workers=workers).to_dict()
        got.pop("receipt")
        assert json.dumps(got, sort_keys=True) == json.dumps(ref, sort_keys=True)
    other = run_plan(plan, n, seed=4).to_dict()
    assert other["metrics_h"] != ref["metrics_h"]


def test_deterministic_mode_equals_the_hand_computed_timeline() -> None:
    s = PATHS["individual_self_defense"]
    p = sim.load_parameters().with_overrides({"us.ships_at_sea_probability": 0.0}).deterministic()
    plan = compile_plan(s, p)
    ch = simulate_chunk(plan, seed=1, start=0, stop=100, keep=True)
    detect = p["detection.armed_attack_h"]
    consult = detect + p["consultation.acm_jjoc_h"]  # 2026: ACM with the JJOC
    japan = detect + p["japan.defense_order_delay_h"]
    us = detect + p["us.decision_delay_h"]
    us_japan = max(us, consult)  # Article V: no prior consultation, coordinated via the ACM
    lat, lon = 25.743, 123.473

    def km(fid: str) -> float:
        f = posture.facility(fid)
        return float(posture.distance_km(f.lat, f.lon, lat, lon)[0])

    jp_fighter = min(
        japan + p["readiness.fighter_h"] + km(f) / p["speed.fighter_kmh"]
        for f in ("naha", "nyutabaru", "tsuiki", "misawa")
    )
    us_fighter = min(
        us_japan + p["readiness.fighter_h"] + km(f) / p["speed.fighter_kmh"]
        for f in ("kadena", "misawa", "iwakuni")
    )
    expect = {
        "detection_h": detect,
        "consultation_h": consult,
        "japan_combat_authorized_h": japan,
        "us_decision_h": us,
        "us_sorties_from_japan_h": us_japan,
        "arrival_JPN_fighter_h": jp_fighter,
        "arrival_USA_fighter_h": us_fighter,
    }
    for key, value in expect.items():
        np.testing.assert_allclose(ch.times[key], value, rtol=0, atol=1e-9, err_msg=key)
    assert (ch.paths["japan_path"] == 0).all()


def test_strikes_delay_departures_from_struck_bases() -> None:
    s = sim.parse_sim_scenario(
        {
            "scenario": {
                "date": "2026-06-01",
                "event": "armed_attack",
                "target": "JPN",
                "lat": 25.743,
                "lon": 123.473,
            },
            "strikes": {"bases": ["naha"]},
            "parameters": {
                "strike.missiles_per_base": 60,
                "strike.interception_probability": 0.0,
                "repair.crews_per_base": 1,
                "strike.cep_m": 10,
            },
        }
    )
    p = sim.load_parameters().with_overrides(s.parameters)
    hit = run_plan(compile_plan(s, p), 20_000, seed=2).to_dict()
    calm = run_plan(
        compile_plan(sim.parse_sim_scenario({"scenario": s.scenario.to_input_dict()}), p), 20_000, seed=2
    ).to_dict()
    assert hit["metrics_h"]["runway_closed_naha_fighter_h"]["mean"] > 0
    assert (
        hit["metrics_h"]["arrival_JPN_fighter_h"]["mean"]
        >= calm["metrics_h"]["arrival_JPN_fighter_h"]["mean"]
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"no.such_parameter": 1}, "no.such_parameter"),
        ({"japan.defense_order_delay_h": -1}, "japan.defense_order_delay_h"),
        ({"us.consent_probability": 1.5}, "us.consent_probability"),
        ({"strike.cep_m": 0}, "strike.cep_m"),
        ({"strike.missiles_per_base": -3}, "strike.missiles_per_base"),
        ({"strike.missiles_per_base": 2.5}, "strike.missiles_per_base"),
        ({"detection.armed_attack_h": {"spread": -0.1}}, "detection.armed_attack_h.spread"),
        ({"strike.missiles_per_base": 2001}, "strike.missiles_per_base"),
        ({"strike.salvos": {"default": 101}}, "strike.salvos"),
        ({"repair.crews_per_base": 0}, "repair.crews_per_base"),
    ],
)
def test_bad_parameters_name_the_parameter(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        sim.load_parameters(overrides)
    assert err.value.field == field


def test_bad_runs_and_files() -> None:
    s = PATHS["individual_self_defense"]
    with pytest.raises(InputError, match="trials"):
        sim.run_simulation(s, sim.load_parameters(), trials=0)
    with pytest.raises(InputError, match="trials"):
        sim.run_simulation(s, sim.load_parameters(), trials=sim.MAX_TRIALS + 1)
    with pytest.raises(InputError) as err:
        compile_plan(
            sim.parse_sim_scenario(
                {"scenario": s.scenario.to_input_dict(), "strikes": {"bases": ["nowhere"]}}
            ),
            sim.load_parameters(),
        )
    assert err.value.field == "strikes.bases[0]"
    with pytest.raises(InputError) as err:
        sim.parse_sim_scenario({"scenario": s.scenario.to_input_dict(), "surprise": 1})
    assert err.value.field == "surprise"


SENKAKU_YAML = "scenario: {date: 2026-01-15, event: armed_attack, target: JPN, lat: 25.743, lon: 123.473}\n"


def test_cli_bad_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(SENKAKU_YAML + "parameters: {us.consent_probability: 2}\n", encoding="utf-8")
    out = tmp_path / "out"
    r = subprocess.run(
        [str(ANPO), "simulate", str(scen), "--trials", "1000", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert "us.consent_probability" in r.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"]


def test_cli_json_and_outputs(tmp_path: Path) -> None:
    out = tmp_path / "run"
    r = subprocess.run(
        [
            str(ANPO),
            "simulate",
            str(ROOT / "examples/sim/senkaku-2026.yaml"),
            "--trials",
            "20000",
            "--format",
            "json",
            "--out",
            str(out),
            "--sweep",
            "us.decision_delay_h=6,24",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    d = json.loads(r.stdout)
    assert d["legal_paths"]["japan_path"]["defense_operation"] == 1.0
    assert 0 <= d["p_respond_before_fait_accompli"] <= 1
    assert {"summary.json", "response_cdf.png", "forces_on_station.png", "tornado.png"} <= {
        p.name for p in out.iterdir()
    }
    assert dt.date.fromisoformat(d["receipt"]["date"])


@pytest.mark.parametrize(("date", "reaches"), [("2005-06-01", False), ("2026-06-01", True)])
def test_japanese_fighters_beyond_their_radius_need_japanese_tankers(date: str, reaches: bool) -> None:
    # Minamitorishima is beyond every JASDF fighter base's combat radius; Japan's tankers
    # (Komaki KC-767J from 2009, Miho KC-46A from 2021) bring the fighters there.
    s = spec(date=date, target="JPN", lat=24.287, lon=153.98)
    stat = run_plan(compile_plan(s, sim.load_parameters()), 20_000, seed=1).times["arrival_JPN_fighter_h"]
    assert stat.to_dict()["p_never"] == (0.0 if reaches else 1.0)


def test_every_unit_says_whether_its_count_is_sourced_or_assumed() -> None:
    units = compile_plan(PATHS["individual_self_defense"], sim.load_parameters()).units()
    kinds = {u["basis"].split(":", 1)[0] for u in units}
    assert kinds == {"source", "assumption"}
    jcg = next(u for u in units if u["type"] == "coast_guard" and u["facility"] == "new-ishigaki")
    assert jcg["basis"].startswith("source: ") and "kaiho.mlit.go.jp" in jcg["basis"]


def test_cli_params_file_overrides_the_scenarios_parameters(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    own = "parameters: {us.decision_delay_h: 5, us.consent_delay_h: 7}\n"
    scen.write_text(SENKAKU_YAML + own, encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text("us.decision_delay_h: 9\n", encoding="utf-8")
    r = subprocess.run(
        [str(ANPO), "simulate", str(scen), "--trials", "1000", "--params", str(mine), "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    used = json.loads(r.stdout)["parameters_overridden"]
    assert used["us.decision_delay_h"]["value"] == 9  # the command line has the last word
    assert used["us.consent_delay_h"]["value"] == 7  # the scenario's own stays where not overridden


def test_cli_reads_the_scenario_from_stdin_and_names_a_missing_params_file(tmp_path: Path) -> None:
    scen = SENKAKU_YAML
    r = subprocess.run([str(ANPO), "simulate", "-", "--trials", "1000", "--format", "json"], input=scen,
                       capture_output=True, text=True, check=True)
    assert json.loads(r.stdout)["legal_gates"]["japan_gate"] == "individual_self_defense"
    missing = tmp_path / "nope.yaml"
    r = subprocess.run([str(ANPO), "simulate", "-", "--params", str(missing)], input=scen,
                       capture_output=True, text=True)
    assert r.returncode == 2 and f"--params: {missing}: file: no such file" in r.stderr
