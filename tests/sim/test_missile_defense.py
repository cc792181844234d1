"""Missile defense of struck bases: units by date, engagements, inventories that run out."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from anpo import sim
from anpo.core.errors import InputError
from anpo.sim import strike_kernel as sk
from anpo.sim.missile_defense import Defender, defense_table
from anpo.sim.plan import Plan, compile_plan
from anpo.sim.rng import load
from anpo.sim.streams import stream
from anpo.sim.strikes import Defense, Salvos, closures, engagement_summary

TAIWAN = {"event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}


def _plan(day: str, bases: list[str], params: dict[str, Any] | None = None, defenses: Any = None) -> Plan:
    strikes: dict[str, Any] = {"bases": bases}
    if defenses is not None:
        strikes["defenses"] = defenses
    s = sim.parse_sim_scenario({"scenario": {"date": day, **TAIWAN}, "strikes": strikes})
    return compile_plan(s, sim.load_parameters(params or {}))


def _draw(plan: Plan, n: int, seed: int) -> Salvos:
    salvos = closures(plan.bases, plan.params, n)
    salvos.draw(stream(seed, 0), 0, n)
    return salvos


def _ids(plan: Plan) -> set[str]:
    return {u.id for u in plan.bases[0].defense.units}


def test_the_table_is_sourced_or_assumed_and_dated() -> None:
    rows = defense_table()
    assert {r.kind for r in rows} == {"aegis_bmd", "pac3"}
    for r in rows:
        assert r.provenance.startswith(("source: ", "assumption: "))
        assert r.end is None or r.start < r.end


def test_a_base_with_no_defenses_in_1990_lets_every_missile_through() -> None:
    n = 4000
    plan = _plan("1990-06-01", ["kadena"], {"strike.salvos": 3, "strike.reliability": 1.0})
    assert plan.bases[0].defense.mode == "table" and not plan.bases[0].defense.units
    salvos = _draw(plan, n, seed=1)
    total = engagement_summary(salvos.tally, plan.bases, n)["total"]
    assert total["missiles_launched"] == total["missiles_arrived"] == total["missiles_through"] == 90
    assert total["missiles_intercepted"] == 0 and total["leak_rate"] == 1.0
    assert total["sm3_fired"] == total["pac3_fired"] == 0


@pytest.mark.parametrize(
    ("unit", "before", "after"),
    [
        ("us-1-1-ada", "2006-10-08", "2006-10-09"),
        ("jasdf-1st-group-iruma", "2007-03-29", "2007-03-30"),
        ("jmsdf-kongo", "2007-12-16", "2007-12-17"),
        ("jasdf-5th-group-naha", "2013-04-17", "2013-04-18"),
        ("us-7th-fleet-bmd-2014", "2014-04-05", "2014-04-06"),
    ],
)
def test_dates_switch_units_on(unit: str, before: str, after: str) -> None:
    bases = ["yokota"] if "iruma" in unit else ["kadena", "naha"]
    assert unit not in _ids(_plan(before, bases))
    assert unit in _ids(_plan(after, bases))


def test_dates_switch_units_off_and_ships_cover_only_bases_in_japan() -> None:
    plan = _plan("2020-06-01", ["kadena", "andersen"])
    d = plan.bases[0].defense
    assert "us-7th-fleet-bmd-2018" in _ids(plan) and "us-7th-fleet-bmd-2014" not in _ids(plan)
    for u, cov in zip(d.units, d.covers, strict=True):
        assert cov[1] is False, u.id  # nothing in the table defends Guam
        assert cov[0] is True, u.id
    # PAC-3 covers by distance: Iruma's fire unit covers Yokota (about 11 km), not Atsugi.
    far = _plan("2020-06-01", ["atsugi"])
    assert "jasdf-1st-group-iruma" not in _ids(far)


def test_inventories_run_out_across_salvos() -> None:
    # Kadena alone, every ship on station, 100 missiles a salvo that all fly: the SM-3
    # (15 ships x 8) go in the first salvo, the PAC-3 (4 + 1 fire units x 32) in the first
    # two; the third salvo meets nothing.
    n = 2000
    params = {"strike.salvos": 3, "strike.missiles_per_base": 100, "strike.reliability": 1.0,
              "missile_defense.aegis_on_station_probability": 1.0}
    plan = _plan("2026-06-01", ["kadena"], params)
    assert sorted(_ids(plan)) == sorted(
        ["jmsdf-kongo", "jmsdf-chokai", "jmsdf-myoko", "jmsdf-kirishima", "jmsdf-atago-class",
         "jmsdf-maya-class", "us-7th-fleet-bmd-2018", "us-1-1-ada", "jasdf-5th-group-onna"])
    salvos = _draw(plan, n, seed=2)
    by = engagement_summary(salvos.tally, plan.bases, n)["by_salvo"]
    assert [b["sm3_fired"] for b in by] == [120, 0, 0]
    assert sum(b["pac3_fired"] for b in by) == 160 and by[0]["pac3_fired"] > 0 and by[1]["pac3_fired"] > 0
    assert by[2]["pac3_fired"] == 0 and by[2]["leak_rate"] == 1.0
    rates = [b["leak_rate"] for b in by]
    assert rates[0] < rates[1] < rates[2]
    # Engaged missiles: each engagement 2 shots (the last one may be short), destroyed at
    # 1 - 0.3^2 = 0.91 per engagement.
    t = salvos.tally.sum(axis=(0, 1))
    assert t[sk.T_ENGAGED] == 60 * n and t[sk.T_FIRED] == 120 * n
    p = t[sk.T_KILLED] / t[sk.T_ENGAGED]
    assert abs(p - 0.91) < 4 * math.sqrt(0.91 * 0.09 / t[sk.T_ENGAGED])


def test_a_short_layer_engages_a_random_share_of_the_missiles() -> None:
    # One fire unit of 8 PAC-3 at Iwakuni, 2 shots, sure kills: 4 engagements against 30
    # missiles that all fly. The missiles engaged are any 4 of the 30, so each aim point is
    # spared as often.
    n = 5000
    params = {"strike.reliability": 1.0, "missile_defense.pac3_interceptors_per_fire_unit": 8,
              "missile_defense.pac3_kill_probability": 1.0}
    plan = _plan("2026-06-01", ["iwakuni"], params, defenses="none")
    d = Defense("table", (Defender("test", "pac3", 1, "assumption: a test unit"),), ((True,),))
    bases = (replace(plan.bases[0], defense=d),)
    salvos = closures(bases, plan.params, n)
    for lo in range(0, n, 1000):
        salvos.draw(stream(3, lo // 1000), lo, lo + 1000)
    t = salvos.tally.sum(axis=(0, 1))
    assert t[sk.T_KILLED + 3] == 4 * n and t[sk.T_FIRED + 3] == 8 * n and t[sk.T_KILLED] == 0
    # Which missiles are destroyed, per aim index, with `engage` called directly.
    alive = np.empty((1, 30), np.uint8)
    mag = sk.magazine(salvos.units, salvos.unit_p, salvos.covers, 30)
    tally = np.zeros((1, 1, sk.NT), np.int64)
    r = load(stream(4, 0))
    killed = np.zeros(30)
    for _ in range(n):
        mag.stock[0] = 8
        mag.engagements[0] = -(-8 // int(salvos.units[0, sk.U_SHOTS]))
        r = sk.engage(r, 0, np.array([0, 1]), np.array([0, 30]), 1.0, salvos.units, salvos.unit_p,
                      salvos.covers, mag, alive, tally)
        killed += 1 - alive[0]
    share = killed / n  # each missile destroyed with 4 / 30
    assert np.abs(share - 4 / 30).max() < 5 * math.sqrt(4 / 30 * 26 / 30 / n)


def test_more_pac3_lowers_closure_hours() -> None:
    # Futenma (one runway) under four salvos of 60 missiles, 6 h apart: the PAC-3 that cover
    # it (the U.S. battalion at Kadena, Naha's and Chinen's fire units) run out sooner with
    # fewer batteries, and the runway is closed longer.
    n = 3000
    params = {"strike.salvos": 4, "strike.salvo_interval_h": 6.0, "strike.missiles_per_base": 60}
    hours = {}
    for name, units in (("none", {"us-1-1-ada": 0, "jasdf-5th-group-naha": 0, "jasdf-5th-group-chinen": 0}),
                        ("table", None), ("more", {"us-1-1-ada": 12})):
        plan = _plan("2026-06-01", ["futenma"], params, None if units is None else {"units": units})
        salvos = _draw(plan, n, seed=5)
        hours[name] = salvos.closed[:, 0]
    for a, b in (("none", "table"), ("table", "more")):
        diff = hours[a].mean() - hours[b].mean()
        se = math.sqrt(hours[a].var() / n + hours[b].var() / n)
        assert diff > 4 * se, (a, b, hours[a].mean(), hours[b].mean())


def test_a_count_given_for_a_unit_places_it_on_any_date() -> None:
    plan = _plan("1990-06-01", ["kadena"], defenses={"units": {"us-1-1-ada": 2}})
    (unit,) = plan.bases[0].defense.units
    assert (unit.id, unit.count) == ("us-1-1-ada", 2)


def test_modes_and_backward_compatible_input() -> None:
    assert _plan("2026-06-01", ["kadena"]).bases[0].defense.mode == "table"
    off = _plan("2026-06-01", ["kadena"], defenses="none").bases[0].defense
    assert off.mode == "none" and not off.units
    # An older file that sets the flat interception keeps its meaning.
    old = _plan("2026-06-01", ["kadena"], {"strike.interception_probability": 0.5})
    assert old.bases[0].defense.mode == "flat" and not old.bases[0].defense.units
    salvos = closures(old.bases, old.params, 1)
    assert salvos.scalars[sk.P_LAND] == pytest.approx(0.9 * 0.5)
    s = sim.parse_sim_scenario({"scenario": {"date": "2026-06-01", **TAIWAN},
                                "strikes": {"bases": ["kadena"], "defenses": {"units": {"us-1-1-ada": 0}}}})
    assert s.to_dict()["strikes"] == {"bases": ["kadena"], "defenses": {"units": {"us-1-1-ada": 0}}}
    assert sim.parse_sim_scenario(s.to_dict()) == s


@pytest.mark.parametrize(
    ("defenses", "field"),
    [("some", "strikes.defenses"), ({"units": {"nope": 1}}, "strikes.defenses.units.nope"),
     ({"units": {"us-1-1-ada": -1}}, "strikes.defenses.units.us-1-1-ada"),
     ({"bogus": 1}, "strikes.defenses.bogus"), ({"units": {}}, "strikes.defenses.units")],
)
def test_bad_defenses_name_the_field(defenses: Any, field: str) -> None:
    with pytest.raises(InputError) as err:
        sim.parse_sim_scenario({"scenario": {"date": "2026-06-01", **TAIWAN},
                                "strikes": {"bases": ["kadena"], "defenses": defenses}})
    assert err.value.field == field


def test_engagements_are_the_same_for_any_chunk_size_and_workers() -> None:
    from anpo.sim.run import run_plan
    from anpo.sim.streams import TILE

    plan = _plan("2026-06-01", ["kadena", "futenma", "iwakuni"],
                 {"strike.salvos": 3, "strike.missiles_per_base": 40, "strike.salvo_interval_h": 6})
    n = 2 * TILE + 123
    ref = run_plan(plan, n, seed=3).to_dict()
    ref.pop("receipt")
    for chunk, workers in ((TILE, 1), (5000, 2)):
        got = run_plan(plan, n, seed=3, chunk=chunk, workers=workers).to_dict()
        got.pop("receipt")
        assert got == ref
    assert ref["metrics_h"]["runway_closed_futenma_fighter_h"]["mean"] > 0


def test_engagements_agree_with_the_simpy_reference() -> None:
    import simpy_reference

    params = {"strike.salvos": 3, "strike.missiles_per_base": 40, "strike.salvo_interval_h": 6}
    plan = _plan("2026-06-01", ["kadena", "futenma", "iwakuni"], params)
    ref = simpy_reference.engagements(plan, 1500, seed=9).astype(float)
    n = 30_000
    kernel = _draw(plan, n, seed=10).tally / n  # (salvo, base, NT) means
    mean, se = ref.mean(axis=0), ref.std(axis=0, ddof=1) / math.sqrt(ref.shape[0])
    through = ref[..., sk.T_ARRIVED] - ref[..., sk.T_KILLED] - ref[..., sk.T_KILLED + 3]
    k_through = kernel[..., sk.T_ARRIVED] - kernel[..., sk.T_KILLED] - kernel[..., sk.T_KILLED + 3]
    checks = [(mean[..., t], se[..., t], kernel[..., t], f"T{t}") for t in range(sk.NT)]
    se_through = through.std(axis=0, ddof=1) / math.sqrt(ref.shape[0])
    checks.append((through.mean(axis=0), se_through, k_through, "through"))
    for m, s, k, name in checks:
        # 4 standard errors of the reference (the kernel's 20x as many trials add little)
        assert (np.abs(m - k) <= 4 * s * math.sqrt(1.05) + 1e-9).all(), (name, m, k)
    # the stage does something here: SM-3 and PAC-3 fire, and later salvos leak more
    assert kernel[0, 0, sk.T_FIRED] > 0 and kernel[..., sk.T_FIRED + 3].sum() > 0
    assert k_through[2].sum() > k_through[0].sum()


def test_the_api_input_carries_the_defenses() -> None:
    from pydantic import ValidationError

    from anpo.api.models import SimulationIn

    scenario = {"date": "2026-06-01", **TAIWAN}
    for defenses in ("none", {"units": {"us-1-1-ada": 0}}, None):
        strikes: dict[str, Any] = {"bases": ["kadena"]}
        if defenses is not None:
            strikes["defenses"] = defenses
        spec = SimulationIn.model_validate({"scenario": scenario, "strikes": strikes}).spec()
        assert spec["strikes"] == strikes
        got = sim.parse_sim_scenario(spec).strike_defenses
        assert (got is None) if defenses is None else got is not None and got.to_input() == defenses
    with pytest.raises(ValidationError):
        bad = {"bases": ["kadena"], "defenses": "some"}
        SimulationIn.model_validate({"scenario": scenario, "strikes": bad})
