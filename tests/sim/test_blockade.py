"""A blockade or sea-lane disruption: the legal ladder by date and threat, and shipping through.

The law changes the answer by date: before 2016-03-29 mines laid in a war on another state may
be swept only once hostilities end; the Anti-Piracy Act (2009-07-24) changes the basis of escort
against pirates; before the SDF Act (1954-07-01) nothing. The throughput arithmetic is checked
on a case worked by hand.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from sim_cli_helpers import on_date as _on
from sim_cli_helpers import run_anpo as _anpo

from anpo.core.errors import InputError
from anpo.sim import load_parameters, parse_sim_scenario
from anpo.sim.blockade import TILE, run_blockade
from anpo.sim.plan import compile_plan

EXAMPLES = Path(__file__).parents[2] / "examples" / "sim"
HORMUZ = EXAMPLES / "blockade-hormuz-mines-2026.yaml"
SOUTHWEST = EXAMPLES / "blockade-southwest-2026.yaml"
ADEN = EXAMPLES / "blockade-aden-piracy-2009.yaml"


def _raw(path: Path = HORMUZ) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _run(raw: dict[str, Any], trials: int = 2000, seed: int = 7) -> dict[str, Any]:
    spec = parse_sim_scenario(raw)
    assert spec.blockade is not None
    return run_blockade(spec.scenario, spec.blockade, trials, seed)




def _rung(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in result["legal_path"]["ladder"] if r["name"] == name)


@pytest.fixture(scope="module")
def hormuz() -> dict[str, Any]:
    return _run(_raw())


def test_hormuz_2026_minesweeping_in_collective_self_defense_if_certified(hormuz: dict[str, Any]) -> None:
    csd = _rung(hormuz, "collective_self_defense")
    assert csd["available"] and csd["force"] and csd["judged"]
    assert csd["basis"] == "jp-sdf-act/art-76/para-1/item-2"
    assert "Cabinet" in csd["who_decides"] and "Diet" in csd["who_decides"]
    assert _rung(hormuz, "abandoned_mine_removal")["basis"] == "jp-sdf-act/art-84-2"
    assert 0.25 < hormuz["p_force_authorized"] < 0.35  # the stated chance, 0.3


def test_hormuz_2015_only_after_the_ceasefire(hormuz: dict[str, Any]) -> None:
    before = _run(_on(_raw(), "2015-06-01"))
    csd = _rung(before, "collective_self_defense")
    assert not csd["available"] and csd["basis"] is None and "2016-03-29" in csd["note"]
    assert "cabinet_judgment" not in before["legal_gates"]
    # the same draws: without the certification route less shipping gets through
    assert before["mean_share_of_normal_shipping"]["mean"] < hormuz["mean_share_of_normal_shipping"]["mean"]
    # the ceasefire gate costs more when it is the only way in
    assert before["legal_gates"]["ceasefire"]["share_lost"] > hormuz["legal_gates"]["ceasefire"]["share_lost"]


def test_mine_removal_article_number_by_date() -> None:
    res = _run(_on(_raw(), "1991-04-24"), trials=50)
    assert _rung(res, "abandoned_mine_removal")["basis"] == "jp-sdf-act/art-99"


def test_before_the_sdf_act_no_one_may_sweep_or_escort() -> None:
    res = _run(_on(_raw(), "1953-06-01"), trials=200)
    assert not any(r["available"] for r in res["legal_path"]["ladder"])
    # only the unprotected share sails, all the time
    assert res["mean_share_of_normal_shipping"]["p95"] <= 0.15
    assert res["days_to_90pct_of_normal"]["p_never"] == 1.0


def test_piracy_basis_changes_with_the_anti_piracy_act() -> None:
    march = _run(_raw(ADEN), trials=500)
    august = _run(_on(_raw(ADEN), "2009-08-01"), trials=500)
    (m,) = march["legal_path"]["ladder"]
    (a,) = august["legal_path"]["ladder"]
    assert (m["name"], m["basis"]) == ("maritime_security_operation", "jp-sdf-act/art-82")
    assert (a["name"], a["basis"]) == ("counter_piracy_operation", "jp-sdf-act/art-82-2/piracy")
    assert "Diet" in a["who_decides"] and "Japan-related" in m["note"]
    assert not m["force"] and not a["force"]


def test_southwest_police_escort_first_then_force_if_judged() -> None:
    res = _run(_raw(SOUTHWEST))
    mso, dop = _rung(res, "maritime_security_operation"), _rung(res, "defense_operation")
    assert mso["available"] and not mso["force"] and not mso["judged"]
    assert dop["available"] and dop["force"] and dop["judged"]  # outside the territorial sea: judged
    assert res["legal_path"]["article5"].startswith("does_not_apply")
    s = res["mean_share_of_normal_shipping"]
    assert 0.0 < s["p5"] <= s["p50"] <= s["p95"] < 1.0
    # more escorts carry more: the escort force, not the law, is what limits here
    raw = _raw(SOUTHWEST)
    raw["blockade"]["escort"]["ships"] = 40
    assert _run(raw)["mean_share_of_normal_shipping"]["mean"] > s["mean"] + 0.1


def _hand_case() -> dict[str, Any]:
    fixed = {"spread": 0, "assumption": "test"}
    return {
        "scenario": {"date": "2026-06-01", "event": "gray_zone", "target": "JPN", "lat": 25.5, "lon": 125.5},
        "blockade": {
            "threat": "harassment",
            "lane": "test",
            "days": 10,
            "ships_per_day": {"low": 100, "high": 100, "assumption": "test"},
            "unescorted_share": {"low": 0.5, "high": 0.5, "assumption": "test"},
            "escort": {
                "ships": 4,
                "merchant_per_escort": {"low": 5, "high": 5, "assumption": "test"},
                "cycle_days": {"low": 2, "high": 2, "assumption": "test"},
                "first_h": {"median_h": 24, **fixed},
                "effect_police": {"low": 0.5, "high": 0.5, "assumption": "test"},
                "effect_force": {"low": 1, "high": 1, "assumption": "test"},
                "assumption": "test",
            },
            "decisions": {"order_h": {"median_h": 36, **fixed}},
            "checkpoints_days": [1, 2, 3, 9],
        },
    }


def test_throughput_worked_by_hand() -> None:
    # order at 36 h, convoys from 60 h (day 2, counted from its middle at 60 h); 4 escorts x 5
    # ships / 2 days = 10 a day, at half effect 5: 50 % unprotected + 5 % escorted
    res = _run(_hand_case(), trials=10)
    got = {d: v["p50"] for d, v in res["share_of_normal_by_day"].items()}
    assert got == {"1": 0.5, "2": 0.55, "3": 0.55, "9": 0.55}
    assert _rung(res, "maritime_security_operation")["basis"] == "jp-sdf-act/art-82"
    assert res["legal_gates"]["order"]["mean_h"] == 36


def test_seeded_runs_repeat_to_the_bit_across_tiles() -> None:
    a = _run(_raw(SOUTHWEST), TILE + 37, 11)
    assert a == _run(_raw(SOUTHWEST), TILE + 37, 11)
    assert a != _run(_raw(SOUTHWEST), TILE + 37, 12)


@pytest.mark.parametrize(
    ("path", "edit", "field"),
    [
        (HORMUZ, lambda r: r["blockade"].update(threat="torpedoes"), "blockade.threat"),
        (HORMUZ, lambda r: r["blockade"].pop("minesweeping"), "blockade.minesweeping"),
        (HORMUZ, lambda r: r["blockade"]["decisions"].pop("ceasefire_h"), "blockade.decisions.ceasefire_h"),
        (
            HORMUZ,
            lambda r: r["blockade"]["decisions"]["judgment"].update(p=1.5),
            "blockade.decisions.judgment.p",
        ),
        (HORMUZ, lambda r: r["blockade"].update(checkpoints_days=[7, 400]), "blockade.checkpoints_days"),
        (HORMUZ, lambda r: r["scenario"].update(event="gray_zone", target="JPN"), "scenario.event"),
        (SOUTHWEST, lambda r: r["blockade"]["escort"].pop("assumption"), "blockade.escort"),
        (SOUTHWEST, lambda r: r["blockade"]["escort"].update(ships=0), "blockade.escort.ships"),
        (SOUTHWEST, lambda r: r["blockade"]["decisions"].pop("order_h"), "blockade.decisions.order_h"),
        (SOUTHWEST, lambda r: r.update(strikes={"bases": ["kadena"]}), "strikes"),
        (ADEN, lambda r: r.update(evacuation={}), "blockade"),
    ],
)
def test_bad_input_names_the_field(path: Path, edit: Any, field: str) -> None:
    raw = copy.deepcopy(_raw(path))
    edit(raw)
    with pytest.raises(InputError) as err:
        parse_sim_scenario(raw)
    assert err.value.field == field


def test_crisis_kernels_refuse_a_blockade() -> None:
    with pytest.raises(InputError, match="own model"):
        compile_plan(parse_sim_scenario(_raw(SOUTHWEST)), load_parameters())




def test_cli_text_json_and_what_if(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _anpo(["simulate", str(HORMUZ), "--trials", "500"], capsys, monkeypatch)
    assert code == 0 and "collective_self_defense" in out and "share of normal" in out
    code, out, _ = _anpo(
        ["simulate", str(HORMUZ), "--trials", "500", "--format", "json",
         "--without", "jp-peace-security-legislation-2015"], capsys, monkeypatch,
    )  # fmt: skip
    doc = json.loads(out)
    assert code == 0 and doc["scenario"]["blockade"]["threat"] == "mines" and "what_if" in doc
    assert not _rung(doc, "collective_self_defense")["available"]
    code, _, err = _anpo(["simulate", str(HORMUZ), "--sweep", "x=1,2"], capsys, monkeypatch)
    assert code == 2 and "blockade" in err


def test_aden_escort_capacity_matches_the_mods_monthly_counts() -> None:
    # MOD press releases: 69 ships (September 2009), 90 (February 2010), 75 (March 2010) a month
    res = _run(_raw(ADEN), trials=2000)
    per_month = res["escort_capacity_ships_per_day"]["p50"] * 30
    assert 60 <= per_month <= 100
