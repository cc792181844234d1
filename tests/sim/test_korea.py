"""A Korean contingency from bases in Japan: the legal path names the 1960 Korea Minute
(noted, not applied) and prior consultation stays a gate on U.S. sorties from Japan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from anpo.sim import load_parameters, parse_sim_scenario, run_plan
from anpo.sim.plan import Plan, compile_plan

EXAMPLE = Path(__file__).parents[2] / "examples" / "sim" / "korea-2026.yaml"


def _plan(raw: dict[str, Any]) -> Plan:
    return compile_plan(parse_sim_scenario(raw), load_parameters())


def test_legal_path_names_the_korea_minute() -> None:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    summary = run_plan(_plan(raw), 4_096, 7).to_dict()
    gates = summary["legal_gates"]
    assert gates["prior_consultation_required"] is True
    assert gates["article5"] == "does_not_apply"
    minute = gates["korea_minute"]
    assert minute["noted"] is True
    assert any(c.startswith("korea-minute-1960") for c in minute["citations"])
    assert "does not waive prior consultation" in minute["standing"]
    # noted, never applied: some trials still lose U.S. sorties from Japan to consultation
    assert summary["legal_paths"]["us_path"].get("consent_refused", 0) > 0


def test_no_korea_minute_outside_korea() -> None:
    raw = yaml.safe_load((EXAMPLE.parent / "senkaku-2026.yaml").read_text(encoding="utf-8"))
    summary = run_plan(_plan(raw), 1_024, 7).to_dict()
    assert "korea_minute" not in summary["legal_gates"]
