"""Sensitivity sweeps: parsing, the metric read from a run, and the direction of effects."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from anpo import sim
from anpo.core.errors import InputError
from anpo.sim.plan import Plan, compile_plan
from anpo.sim.run import Summary, run_plan
from anpo.sim.sweep import DEFAULT_METRIC, parse_metric, parse_sweep, run_sweep, tornado_grid

ROOT = Path(__file__).resolve().parents[2]
ANPO = Path(sys.executable).parent / "anpo"  # the anpo of the venv running the tests
SENKAKU = sim.parse_sim_scenario(
    {
        "scenario": {
            "date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473
        },
        "fait_accompli_h": 12,
    }
)


def runner(plan: Plan) -> Summary:
    return run_plan(plan, 20_000, seed=3)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return compile_plan(SENKAKU, sim.load_parameters())


@pytest.mark.parametrize(
    ("items", "field"),
    [
        (["us.decision_delay_h"], "--sweep"),
        (["=1,2"], "--sweep"),
        (["no.such_parameter=1,2"], "no.such_parameter"),
        (["us.decision_delay_h=6,soon"], "us.decision_delay_h"),
        (["us.consent_probability=0.5,1.5"], "us.consent_probability"),
        (["strike.cep_m=0"], "strike.cep_m"),
        (["us.decision_delay_h=1", "us.decision_delay_h=2"], "--sweep"),
    ],
)
def test_bad_sweeps_name_the_field(items: list[str], field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_sweep(items, sim.load_parameters())
    assert err.value.field == field


def test_sweep_values_keep_whole_numbers_whole() -> None:
    items = ["strike.missiles_per_base=10,60", "us.decision_delay_h=1.5, 3"]
    grid = parse_sweep(items, sim.load_parameters())
    assert grid == [("strike.missiles_per_base", [10, 60]), ("us.decision_delay_h", [1.5, 3])]
    assert isinstance(grid[0][1][0], int)


@pytest.mark.parametrize(
    "text",
    [
        "nowhere_h",
        "first_response_h:p99",
        "on_station_JPN_24h:p_never",
        "p_respond_before_fait_accompli:mean",
    ],
)
def test_bad_metrics_are_refused(plan: Plan, text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_metric(text, plan)
    assert err.value.field == "--sweep-metric"


def test_fait_accompli_metric_needs_the_objective_time() -> None:
    bare = sim.parse_sim_scenario({"scenario": SENKAKU.scenario.to_input_dict()})
    with pytest.raises(InputError, match="fait_accompli_h"):
        parse_metric("p_respond_before_fait_accompli", compile_plan(bare, sim.load_parameters()))


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (DEFAULT_METRIC, ("metrics_h", "first_response_h", "mean")),
        ("first_response_JPN_h:p95", ("metrics_h", "first_response_JPN_h", "p95")),
        ("on_station_USA_72h:p50", ("forces_on_station", "on_station_USA_72h", "p50")),
        ("p_respond_before_fait_accompli", ("p_respond_before_fait_accompli",)),
    ],
)
def test_the_metric_is_the_summary_value(plan: Plan, text: str, path: tuple[str, ...]) -> None:
    summary = runner(plan)
    value: Any = summary.to_dict()
    for key in path:
        value = value[key]
    assert parse_metric(text, plan).of(summary) == value


def test_a_slower_japanese_defense_order_delays_the_japanese_response(plan: Plan) -> None:
    params = sim.load_parameters()
    grid = parse_sweep(["japan.defense_order_delay_h=1,6,24", "us.decision_delay_h=3,48"], params)
    metric = parse_metric("first_response_JPN_h:mean", plan)
    out = run_sweep(SENKAKU, params, grid, metric, runner, runner(plan))
    japan = [p["metric"] for p in out["results"]["japan.defense_order_delay_h"]]
    assert japan[0] < japan[1] < japan[2]
    # The default delay (6 h) with the same seed is the base run itself.
    assert japan[1] == out["base"]
    # Japan's own response does not wait for the U.S. decision.
    us = [p["metric"] for p in out["results"]["us.decision_delay_h"]]
    assert us[0] == us[1] == out["base"]
    assert out["swing"]["us.decision_delay_h"] == 0.0
    assert out["swing"]["japan.defense_order_delay_h"] == pytest.approx(japan[2] - japan[0])


def test_cli_sweep_text_and_json(tmp_path: Path) -> None:
    args = [
        str(ANPO), "simulate", str(ROOT / "examples/sim/senkaku-2026.yaml"), "--trials", "20000",
        "--sweep", "japan.defense_order_delay_h=1,24", "--sweep-metric", "first_response_JPN_h:p50",
    ]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    assert "sweep of first_response_JPN_h p50" in text
    assert "japan.defense_order_delay_h: 1 -> " in text
    run = subprocess.run([*args, "--format", "json"], capture_output=True, text=True, check=True)
    d = json.loads(run.stdout)
    pts = d["sweep"]["results"]["japan.defense_order_delay_h"]
    assert pts[0]["metric"] < d["sweep"]["base"] < pts[1]["metric"]
    r = subprocess.run(args[:5] + ["--sweep-metric", "first_response_h"], capture_output=True, text=True)
    assert r.returncode == 2 and "--sweep-metric" in r.stderr


def test_the_tornado_sweeps_every_stated_range_to_its_ends() -> None:
    params = sim.load_parameters()
    grid, unranged = tornado_grid(params)
    swept = dict(grid)
    assert set(swept) | set(unranged) == set(params.table)
    for name, ends in swept.items():
        p = params.table[name]
        assert ends == [p.low, p.high] and p.low is not None and p.low <= p.default <= p.high
        if p.unit == "count":
            assert all(isinstance(v, int) for v in ends)
    assert swept["denial.adversary_units"] == [30, 300]
    # every assumption of the blocks that state ranges has one (the strike and sortie blocks
    # give theirs in words, so the tornado lists them as not swept)
    ranged_blocks = ("detection", "consultation", "japan", "ladder", "denial", "us", "readiness", "speed")
    ranged_blocks += ("mos", "repair", "combat_radius")
    for name in params.table:
        if name.split(".")[0] in ranged_blocks:
            assert name in swept, name


def test_a_range_must_hold_the_default() -> None:
    from anpo.core.errors import DataError
    from anpo.sim.parameters import _load

    entry = {"default": 6.0, "unit": "h", "distribution": "fixed", "assumption": "x", "range": [8, 12]}
    with pytest.raises(DataError, match=r"p\.range"):
        _load({"parameters": {"p": entry}})
    with pytest.raises(DataError, match=r"p\.range"):
        _load({"parameters": {"p": {**entry, "range": [-1, 12]}}})
    assert _load({"parameters": {"p": {**entry, "range": [1, 12]}}})["p"].high == 12


def test_cli_tornado_ranks_the_ranged_parameters_by_swing() -> None:
    args = [
        str(ANPO), "simulate", str(ROOT / "examples/sim/senkaku-2026.yaml"), "--trials", "4000",
        "--tornado", "--format", "json",
    ]
    d = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    sw = d["sweep"]
    assert sw["metric"] == "p_deny_objective"
    # the shipped table as the CLI reads it: ranged parameters swept, the others named
    table = json.loads(
        subprocess.run(
            [str(ANPO), "simulate", "--explain-parameters", "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert set(sw["results"]) == {p["name"] for p in table if "range" in p}
    assert set(sw["unranged"]) == {p["name"] for p in table if "range" not in p}
    # the force requirement decides denial; the hours of a cyber attack's attribution do not
    assert sw["swing"]["denial.adversary_units"] > 0.5
    assert sw["swing"]["detection.cyber_attack_h"] == 0.0
    both = subprocess.run([*args, "--sweep", "us.decision_delay_h=1,2"], capture_output=True, text=True)
    assert both.returncode == 2 and "--tornado" in both.stderr
    relief = [str(ANPO), "simulate", str(ROOT / "examples/sim/tomodachi-2011.yaml"), "--tornado"]
    own = subprocess.run(relief, capture_output=True, text=True)
    assert own.returncode == 2 and "--tornado" in own.stderr
