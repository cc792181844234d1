"""The computed sea route factors (tools/sea_route_factor.py -> data/sim/sea_routes.csv) and
how the simulation uses them (issue 18 item 8: a parameter from the shipped geodata)."""

from __future__ import annotations

import csv
import importlib.util
import statistics
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import yaml

from anpo import data
from anpo.sim import parameters
from anpo.sim.forces import SHIPS
from anpo.sim.plan import Plan, compile_plan
from anpo.sim.scenario import parse_sim_scenario
from anpo.sim.sea_routes import route_factors

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sea_route_factor", ROOT / "tools" / "sea_route_factor.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rows() -> list[dict[str, str]]:
    with data.path("sim/sea_routes.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_every_ratio_is_at_least_one_and_the_parameter_is_their_median() -> None:
    rows = _rows()
    ratios = [float(r["ratio"]) for r in rows]
    assert ratios and min(ratios) >= 1.0
    for r in rows:  # the ratio is the two distances' quotient, as written
        quotient = float(r["sea_km"]) / float(r["great_circle_km"])
        assert float(r["ratio"]) == pytest.approx(quotient, abs=1.5e-3)
    p = parameters.defaults()["sea_route_factor"]
    assert p.source and "tools/sea_route_factor.py" in p.source
    assert p.default == round(statistics.median(ratios), 3)
    assert p.low is not None and p.high is not None
    assert p.low <= min(ratios) and max(ratios) <= p.high


def test_the_table_covers_the_pairs_the_simulation_uses(tool: ModuleType) -> None:
    # a new ship port, a moved facility or a new example objective makes the table stale
    want = {
        (port, f"{plat}", f"{plon}", f"{olat}", f"{olon}")
        for (olat, olon) in tool.objectives()
        for port, (plat, plon) in tool.ship_ports().items()
    }
    keys = ("port", "port_lat", "port_lon", "objective_lat", "objective_lon")
    have = {tuple(r[k] for k in keys) for r in _rows()}
    assert have == want


def test_rerunning_the_tool_reproduces_a_row(tool: ModuleType) -> None:
    row = next(r for r in _rows() if r["port"] == "new-ishigaki" and r["objective"] == "senkaku-2026")
    port = (float(row["port_lat"]), float(row["port_lon"]))
    route = tool.sea_route(port, (float(row["objective_lat"]), float(row["objective_lon"])))
    assert f"{route.sea_km:.1f}" == row["sea_km"]
    assert f"{route.great_circle_km:.1f}" == row["great_circle_km"]
    assert f"{route.ratio:.3f}" == row["ratio"]


def test_round_kyushu_is_longer_than_the_great_circle(tool: ModuleType) -> None:
    # Sasebo to the Pacific off Miyazaki: the great circle crosses Kyushu; the sea route goes
    # round it (south through the Osumi Strait, or north through Kanmon and the Inland Sea)
    route = tool.sea_route((33.16, 129.71), (31.8, 132.2))
    assert route.ratio > 1.05
    assert route.ratio > 1.3  # about 270 km direct; no route round the island is under 350 km


def test_the_kanmon_strait_is_open(tool: ModuleType) -> None:
    # Hibiki-nada to Suo-nada: about 50 km through Kanmon, about 700 km round Kyushu without it
    route = tool.sea_route((34.05, 130.75), (33.95, 131.30))
    assert route.great_circle_km < 60
    assert route.ratio < 1.6


def test_open_sea_is_close_to_the_great_circle(tool: ModuleType) -> None:
    route = tool.sea_route((30.0, 140.5), (25.0, 135.0))  # the Philippine Sea, no island between
    assert 1.0 <= route.ratio < 1.005


def _plan(overrides: dict[str, float] | None = None) -> Plan:
    raw = yaml.safe_load((ROOT / "examples" / "sim" / "senkaku-2026.yaml").read_text(encoding="utf-8"))
    sim = parse_sim_scenario(raw)
    return compile_plan(sim, parameters.load(overrides))


def test_the_simulation_uses_each_ships_computed_factor() -> None:
    plan = _plan()
    sc = plan.sim.scenario
    table = route_factors()
    checked = 0
    for k, (r, f) in enumerate(zip(plan.forces.rows, plan.forces.facilities, strict=True)):
        speed = plan.params[f"speed.{r.type}_kmh"]
        factor = table[(f.id, sc.lat, sc.lon)] if r.type in SHIPS else 1.0
        expected = plan.forces.distance_km[k] * factor / speed
        if np.isfinite(plan.transit_h[k]):
            assert plan.transit_h[k] == pytest.approx(expected, rel=1e-12)
            checked += r.type in SHIPS
    assert checked >= 3  # ships from more than one port, with different factors


def test_a_run_that_sets_the_factor_applies_it_to_every_ship() -> None:
    plan = _plan({"sea_route_factor": 1.3})
    for k, r in enumerate(plan.forces.rows):
        if r.type in SHIPS:
            speed = plan.params[f"speed.{r.type}_kmh"]
            want = plan.forces.distance_km[k] * 1.3 / speed
            assert plan.transit_h[k] == pytest.approx(want, rel=1e-12)
