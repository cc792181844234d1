"""The ladder below an armed attack: Coast Guard, maritime security operation, public security
operation, defense operation once an armed attack comes; no U.S. combat without one."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import simpy_reference
import yaml

from anpo import sim
from anpo.sim.plan import compile_plan
from anpo.sim.run import run_plan
from anpo.sim.timeline import JAPAN_PATHS, simulate_chunk

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = yaml.safe_load((ROOT / "examples/sim/senkaku-grayzone-2026.yaml").read_text(encoding="utf-8"))


def plan_for(deterministic: bool = False, **overrides: Any) -> Any:
    p = sim.load_parameters().with_overrides(overrides)
    return compile_plan(sim.parse_sim_scenario(EXAMPLE), p.deterministic() if deterministic else p)


def test_gray_zone_without_armed_attack_uses_the_coast_guard_and_no_us_combat() -> None:
    d = run_plan(plan_for(**{"ladder.escalation_probability": 0.0}), 40_000, seed=4).to_dict()
    m = d["metrics_h"]
    assert m["arrival_JPN_coast_guard_h"]["p_never"] == 0.0  # the Coast Guard always goes
    none = ("us_decision_h", "us_sorties_from_japan_h", "first_response_USA_h", "japan_combat_authorized_h")
    for key in (*none, "arrival_JPN_fighter_h"):
        assert m[key]["p_never"] == 1.0, key
    assert d["legal_paths"]["us_path"]["no_armed_attack"] == 1.0
    assert d["forces_on_station"]["on_station_USA_72h"]["mean"] == 0
    jp = d["legal_paths"]["japan_path"]
    assert jp["defense_operation"] == 0.0 and jp["coast_guard_only"] > 0.4
    # where the Coast Guard is outmatched (30 %), a maritime security operation sends ships
    # and patrol aircraft, but no fighters
    p_mso = 1 - m["japan_maritime_forces_authorized_h"]["p_never"]
    assert abs(p_mso - 0.3) < 0.01
    assert m["arrival_JPN_surface_ship_h"]["p_never"] == m["japan_maritime_forces_authorized_h"]["p_never"]


def test_escalation_to_an_armed_attack_brings_article_v_from_its_hour() -> None:
    plan = plan_for(
        deterministic=True,
        **{
            "ladder.escalation_probability": 1.0,
            "ladder.escalation_h": 30.0,
            "us.ships_at_sea_probability": 0.0,
        },
    )
    first, attack = plan.events
    assert first.gates.article5 == "does_not_apply" and attack.gates.article5 == "applies"
    assert attack.gates.japan.value == "individual_self_defense" and attack.at_h == 30.0
    p = plan.params
    ch = simulate_chunk(plan, seed=2, start=0, stop=300, keep=True)
    seen = 30.0 + p["detection.armed_attack_h"]
    detect = p["detection.gray_zone_h"]
    consult = detect + p["consultation.acm_jjoc_h"]
    np.testing.assert_allclose(ch.times["japan_combat_authorized_h"], seen + p["japan.defense_order_delay_h"])
    np.testing.assert_allclose(ch.times["us_decision_h"], seen + p["us.decision_delay_h"])
    np.testing.assert_allclose(
        ch.times["us_sorties_from_japan_h"], max(seen + p["us.decision_delay_h"], consult)
    )
    mso = np.where(ch.times["japan_maritime_forces_authorized_h"] < seen, detect, np.inf)  # ordered earlier
    np.testing.assert_allclose(
        ch.times["japan_maritime_forces_authorized_h"],
        np.minimum(
            mso + p["ladder.maritime_security_order_delay_h"], seen + p["japan.defense_order_delay_h"]
        ),
    )
    assert (ch.paths["japan_path"] == JAPAN_PATHS.index("defense_operation")).all()


def test_ladder_agrees_with_the_simpy_reference() -> None:
    plan = plan_for(**{"ladder.escalation_probability": 0.4, "ladder.armed_landing_probability": 0.3})
    ref = simpy_reference.run(plan, 10_000, seed=12)
    fast = run_plan(plan, 200_000, seed=6)
    japan = ("japan_combat_authorized_h", "japan_maritime_forces_authorized_h")
    japan += ("japan_landing_force_authorized_h",)
    for key in (*japan, "first_response_JPN_h", "first_response_USA_h", "us_sorties_from_japan_h"):
        r = ref[key]
        stat = fast.times[key].to_dict()
        fin = np.isfinite(r)
        p_ref = 1 - fin.mean()
        assert abs(stat["p_never"] - p_ref) < 4 * math.sqrt(max(p_ref * (1 - p_ref), 1e-4) / len(r)), key
        se = r[fin].std(ddof=1) / math.sqrt(fin.sum())
        assert abs(stat["mean"] - r[fin].mean()) < 4 * se + 1e-9, key


def test_an_armed_attack_needs_no_ladder() -> None:
    # At the Senkakus under armed attack the defense operation lets every unit go at once.
    s = sim.parse_sim_scenario(
        yaml.safe_load((ROOT / "examples/sim/senkaku-2026.yaml").read_text(encoding="utf-8"))
    )
    ch = simulate_chunk(compile_plan(s, sim.load_parameters()), seed=1, start=0, stop=2000, keep=True)
    assert "japan_maritime_forces_authorized_h" not in ch.times
    jp = ch.times["japan_combat_authorized_h"]
    for kind in ("maritime_patrol", "surface_ship", "amphibious", "fighter"):
        assert (ch.times[f"arrival_JPN_{kind}_h"] > jp).all(), kind
    assert (ch.times["arrival_JPN_coast_guard_h"] < jp).mean() > 0.2  # the Coast Guard need not wait
