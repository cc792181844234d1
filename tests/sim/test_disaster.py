"""Disaster response (SDF Act Art. 83 relief, U.S. support): Operation Tomodachi as a validation case.

The committed sizes in examples/sim/tomodachi-2011.yaml are the published peaks (the governments'
decisions, inputs); what these tests check is the timing the model adds: that each force reaches
the published figure by the date it was reported, within a stated band (docs/model.md).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from sim_cli_helpers import run_anpo as _anpo

from anpo.core.errors import InputError
from anpo.sim import load_parameters, parse_sim_scenario
from anpo.sim.disaster import TILE, run_disaster
from anpo.sim.plan import compile_plan

EXAMPLE = Path(__file__).parents[2] / "examples" / "sim" / "tomodachi-2011.yaml"


def _raw() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    spec = parse_sim_scenario(_raw())
    assert spec.disaster is not None
    return run_disaster(spec.disaster, 20_000, 7)


def _at(result: dict[str, Any], force: str, hour: int) -> dict[str, Any]:
    row = next(r for r in result["forces"] if r["force"] == force)
    return row["on_station_by_h"][str(hour)]


def test_legal_path_is_relief_dispatch_not_armed_attack(result: dict[str, Any]) -> None:
    lp = result["legal_path"]
    assert "Art. 83" in lp["japan"]["basis"]
    assert "Minister of Defense" in lp["japan"]["who_decides"]
    assert "governor" in lp["japan"]["request"]
    assert "Art. VI" in lp["usa"]["basis"] and "no combat" in lp["usa"]["basis"]
    assert lp["article5"].startswith("does not apply")


def test_without_a_request_names_the_urgent_proviso() -> None:
    raw = _raw()
    raw["disaster"]["governor_request"] = False
    spec = parse_sim_scenario(raw)
    assert spec.disaster is not None
    out = run_disaster(spec.disaster, 100, 1)
    assert "para. 2" in out["legal_path"]["japan"]["request"]


# Published figures (docs/model.md, "Disaster response: Operation Tomodachi").
JSDF_100K_BY_H = 177  # "surpassed 100,000 by March 18" (Defense of Japan 2012): the end of 18 March
PEAKS = {"JPN.personnel": 107_000, "USA.personnel": 24_000, "USA.aircraft": 189, "USA.ships": 24}
US_22_MARCH = {"USA.personnel": 19_703, "USA.ships": 20}  # U.S. Navy report as of 22 March (partly)


def test_jsdf_passes_100000_within_about_a_week(result: dict[str, Any]) -> None:
    jsdf = _at(result, "JPN.personnel", 168)
    assert 90_000 <= jsdf["p50"] <= 107_000
    assert _at(result, "JPN.personnel", 72)["p50"] < 90_000  # not instantly: the build-up takes days
    row = next(r for r in result["forces"] if r["force"] == "JPN.personnel")
    assert row["mean_h_to_90pct"] <= JSDF_100K_BY_H


@pytest.mark.parametrize("force", sorted(PEAKS))
def test_peak_within_ten_percent_of_published(result: dict[str, Any], force: str) -> None:
    # by six weeks (1008 h) the median trial holds the published peak within +-10 %
    assert abs(_at(result, force, 1008)["p50"] - PEAKS[force]) <= 0.10 * PEAKS[force]


@pytest.mark.parametrize("force", sorted(US_22_MARCH))
def test_us_build_up_on_22_march_within_a_quarter(result: dict[str, Any], force: str) -> None:
    # 264 h = 22 March 14:46; the reported figures are as of that day
    assert abs(_at(result, force, 264)["p50"] - US_22_MARCH[force]) <= 0.25 * US_22_MARCH[force]


def test_us_aircraft_on_22_march_run_ahead_of_the_report(result: dict[str, Any]) -> None:
    # known gap (docs/model.md): the linear ramp puts more aircraft on station than the 140 reported
    assert _at(result, "USA.aircraft", 264)["p50"] > 140 * 1.25


def test_seeded_runs_repeat_to_the_bit_across_tiles() -> None:
    spec = parse_sim_scenario(_raw())
    assert spec.disaster is not None
    a = run_disaster(spec.disaster, TILE + 37, 11)
    assert a == run_disaster(spec.disaster, TILE + 37, 11)
    assert a != run_disaster(spec.disaster, TILE + 37, 12)


def test_every_figure_needs_a_source_or_an_assumption() -> None:
    raw = _raw()
    del raw["disaster"]["forces"][3]["ramp_h"]["assumption"]
    with pytest.raises(InputError) as err:
        parse_sim_scenario(raw)
    assert err.value.field == "disaster.forces[3].ramp_h"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda r: r["disaster"]["forces"][0].update(committed=0), "disaster.forces[0].committed"),
        (lambda r: r["disaster"]["forces"][1].update(measure="tanks"), "disaster.forces[1].measure"),
        (lambda r: r["disaster"].update(checkpoints_h=[24, 6]), "disaster.checkpoints_h"),
        (lambda r: r["scenario"].update(event="armed_attack", target="JPN"), "disaster"),
        (lambda r: r.update(fait_accompli_h=48), "fait_accompli_h"),
    ],
)
def test_bad_input_names_the_field(edit: Any, field: str) -> None:
    raw = copy.deepcopy(_raw())
    edit(raw)
    with pytest.raises(InputError) as err:
        parse_sim_scenario(raw)
    assert err.value.field == field


def test_crisis_kernels_refuse_a_disaster_and_point_to_it() -> None:
    spec = parse_sim_scenario(_raw())
    with pytest.raises(InputError, match="own model"):
        compile_plan(spec, load_parameters())
    raw = _raw()
    del raw["disaster"]
    with pytest.raises(InputError, match="disaster"):
        compile_plan(parse_sim_scenario(raw), load_parameters())




def test_cli_prints_the_build_up(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = _anpo(["simulate", str(EXAMPLE), "--trials", "2000"], capsys, monkeypatch)
    assert code == 0
    assert "Art. 83" in out and "USA.ships" in out and "1008 h" in out
    code, _, err = _anpo(["simulate", str(EXAMPLE), "--format", "csv"], capsys, monkeypatch)
    assert code == 2 and "--format" in err
