"""Events change the law as they happen: a strike on a base in Japan is an armed attack there."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import simpy_reference
import yaml

from anpo import sim
from anpo.core.errors import InputError
from anpo.sim.plan import compile_plan
from anpo.sim.run import run_plan
from anpo.sim.timeline import simulate_chunk

ROOT = Path(__file__).resolve().parents[2]
ANPO = Path(sys.executable).parent / "anpo"  # the anpo of the venv running the tests
TAIWAN = {"date": "2026-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}


def taiwan(**extra: Any) -> sim.SimScenario:
    return sim.parse_sim_scenario({"scenario": TAIWAN, "fait_accompli_h": 72, **extra})


def test_a_struck_base_in_japan_flips_article_v_at_the_strikes_hour() -> None:
    s = taiwan(strikes={"bases": ["kadena"]}, parameters={"strike.time_h": 10})
    p = (
        sim.load_parameters()
        .with_overrides({**s.parameters, "japan.survival_certification_probability": 0.0})
        .deterministic()
    )
    plan = compile_plan(s, p)
    first, strike = plan.events
    assert first.gates.article5 == "does_not_apply" and first.gates.prior_consultation_required
    assert strike.at_h == 10 and strike.cause == "strike on kadena"
    assert strike.gates.article5 == "applies" and strike.gates.japan.value == "individual_self_defense"
    assert not strike.gates.prior_consultation_required
    assert "us-japan-1960/art-5/para-1" in strike.citations["article5"]
    ch = simulate_chunk(plan, seed=1, start=0, stop=500, keep=True)
    seen = 10 + p["detection.armed_attack_h"]
    np.testing.assert_allclose(ch.times["japan_combat_authorized_h"], seen + p["japan.defense_order_delay_h"])
    assert (ch.paths["japan_path"] == 0).all() and (ch.paths["japan_authorized_by_event"] == 1).all()
    # U.S. sorties from Japan: the decision, the consultation and the strike's detection, no consent
    detect = p["detection.armed_attack_h"]
    us_dec = detect + p["us.decision_delay_h"]
    consult = detect + p["consultation.acm_jjoc_h"]
    consent = max(us_dec, consult + p["us.consent_delay_h"])  # the consent path, where granted
    expect = np.minimum(max(us_dec, consult, seen), np.where(ch.paths["us_path"] == 1, consent, np.inf))
    np.testing.assert_allclose(ch.times["us_sorties_from_japan_h"], expect)


def test_a_strike_on_guam_does_not_change_japans_law() -> None:
    plan = compile_plan(taiwan(strikes={"bases": ["andersen"]}), sim.load_parameters())
    assert len(plan.events) == 1  # same gates as the triggering event: no new decision


def test_struck_bases_leave_no_trial_with_rear_area_support_only() -> None:
    raw = yaml.safe_load((ROOT / "examples/sim/taiwan-strikes-2026.yaml").read_text(encoding="utf-8"))
    spec = sim.parse_sim_scenario(raw)
    d = sim.run_simulation(spec, sim.load_parameters(), trials=20_000, seed=3).to_dict()
    paths = d["legal_paths"]
    assert paths["japan_path"]["rear_area_support_only"] == 0.0
    assert paths["japan_path"]["defense_operation"] > 0.95
    assert paths["us_path"]["consent_refused"] == 0.0
    assert [e["article5"] for e in d["legal_events"]] == ["does_not_apply", "applies"]
    # without the strikes, the same attack near Taiwan leaves Japan out in some trials
    calm = sim.run_simulation(
        sim.parse_sim_scenario({"scenario": raw["scenario"]}), sim.load_parameters(), trials=20_000, seed=3
    ).to_dict()
    assert calm["legal_paths"]["japan_path"]["rear_area_support_only"] > 0.2


def test_cli_shows_the_change_of_law_with_its_citation() -> None:
    r = subprocess.run(
        [str(ANPO), "simulate", str(ROOT / "examples/sim/taiwan-strikes-2026.yaml"), "--trials", "16384"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "(strike on kadena): Japan individual_self_defense; Article V applies" in r.stdout
    assert "us-japan-1960/art-5/para-1" in r.stdout
    assert "rear_area_support_only" not in r.stdout


LATER = [{"at_h": 6, "event": "armed_attack", "target": "JPN", "lat": 24.34, "lon": 124.16}]


def test_events_of_the_run_agree_with_the_simpy_reference() -> None:
    plan = compile_plan(taiwan(events=LATER), sim.load_parameters())
    assert [e.gates.japan.value for e in plan.events] == ["survival_certification", "individual_self_defense"]
    ref = simpy_reference.run(plan, 10_000, seed=11)
    fast = run_plan(plan, 200_000, seed=5)
    for key in ("japan_combat_authorized_h", "first_response_JPN_h", "first_response_USA_h",
                "us_sorties_from_japan_h"):  # fmt: skip
        r = ref[key]
        stat = fast.times[key].to_dict()
        fin = np.isfinite(r)
        p_ref = 1 - fin.mean()
        assert abs(stat["p_never"] - p_ref) < 4 * math.sqrt(max(p_ref * (1 - p_ref), 1e-4) / len(r)), key
        se = r[fin].std(ddof=1) / math.sqrt(fin.sum())
        assert abs(stat["mean"] - r[fin].mean()) < 4 * se + 1e-9, key


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ({"at_h": 1}, "events"),
        ([{"at_h": -1, "event": "armed_attack", "lat": 26, "lon": 127}], "events[0].at_h"),
        ([{"at_h": 1, "event": "armed_attack", "lat": 26, "lon": 127, "x": 1}], "events[0].x"),
        ([{"at_h": 1, "event": "bombing", "lat": 26, "lon": 127}], "events[0].event"),
    ],
)
def test_bad_events_name_the_field(events: object, field: str) -> None:
    with pytest.raises(InputError) as err:
        taiwan(events=events)
    assert err.value.field == field


def test_the_one_event_fast_path_draws_what_the_general_path_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    from anpo.sim import timeline

    for spec in (
        sim.parse_sim_scenario({"scenario": TAIWAN}),  # no deadline: the fast path
        sim.parse_sim_scenario({"scenario": {**TAIWAN, "target": "JPN", "lat": 25.7, "lon": 123.5}}),
    ):
        plan = compile_plan(spec, sim.load_parameters())
        fast = simulate_chunk(plan, seed=3, start=0, stop=20_000, keep=True)
        monkeypatch.setattr(timeline, "FORCE_GENERAL", True)
        general = simulate_chunk(plan, seed=3, start=0, stop=20_000, keep=True)
        monkeypatch.setattr(timeline, "FORCE_GENERAL", False)
        for key, col in fast.times.items():
            # the fast path's exp is arithmetic (`fast_exp`), the general path's the C
            # library's: within a few units in the last place; other draws would differ at once
            np.testing.assert_array_equal(np.isinf(col), np.isinf(general.times[key]), err_msg=key)
            np.testing.assert_allclose(col, general.times[key], rtol=2e-15, atol=0, err_msg=key)
        for key in ("japan_path", "us_path"):
            np.testing.assert_array_equal(fast.paths[key], general.paths[key])
