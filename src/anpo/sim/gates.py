"""Legal gates of a scenario, read from the assessment engine (never re-derived here).

The simulation asks the law one question per scenario: what may each government do? The
answer fixes which stochastic stages run (a certification that may or may not come, a
consent that may be refused); the stages themselves live in `timeline.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from anpo.core.codes import UsAction
from anpo.core.scenario import Scenario, ScenarioFrame
from anpo.law.assess import assess_frame


class JapanGate(StrEnum):
    individual_self_defense = "individual_self_defense"  # defense operation order
    armed_attack_judgment = "armed_attack_judgment"  # the Cabinet must judge an armed attack first
    survival_certification = "survival_certification"  # collective self-defense if certified
    rear_area_support = "rear_area_support"  # logistics only, no combat forces
    nothing = "nothing"


class Arrangement(StrEnum):
    pre_acm = "pre_acm"
    acm = "acm"
    acm_jjoc = "acm_jjoc"


@dataclass(frozen=True)
class LegalGates:
    japan: JapanGate
    survival_certified_by_assumption: bool  # `assume: survival_threatening_certified: true`
    rear_area_available: bool
    prior_consultation_required: bool
    article5: str
    war_powers_report_required: bool
    arrangement: Arrangement
    determinations: dict[str, Any]  # the engine's values, echoed in the summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "japan_gate": self.japan.value,
            "rear_area_support_available": self.rear_area_available,
            "prior_consultation_required": self.prior_consultation_required,
            "article5": self.article5,
            "war_powers_report_required": self.war_powers_report_required,
            "coordination_arrangement": self.arrangement.value,
            "determinations": self.determinations,
        }


def coordination_arrangement(day: dt.date) -> Arrangement:
    """Which coordination arrangements are in force on `day`, from the posture registry."""
    from anpo.posture.command import in_force

    ids = {a.id for a in in_force(day) if a.status == "in_force"}
    if "acm" not in ids:
        return Arrangement.pre_acm
    return Arrangement.acm_jjoc if "jjoc" in ids else Arrangement.acm


NAMES = (
    "security_treaty_in_force",
    "article5",
    "defense_operation_available",
    "armed_attack_against_japan",
    "collective_self_defense_available",
    "survival_threatening_situation",
    "rear_area_support",
    "prior_consultation_required",
    "war_powers_report_required",
)


def legal_gates(scenario: Scenario) -> LegalGates:
    """Evaluate the scenario as U.S. combat operations launched from Japan (the action simulated)."""
    asked = Scenario(
        scenario.date,
        scenario.event,
        scenario.target,
        scenario.lat,
        scenario.lon,
        UsAction.combat_operations_from_japan,
        scenario.assume,
        scenario.id,
    )
    ev = assess_frame(ScenarioFrame.from_scenarios([asked]))
    v = {name: ev.value(name, 0) for name in NAMES}
    survival = v["survival_threatening_situation"]
    if v["defense_operation_available"]:
        japan = JapanGate.individual_self_defense
    elif v["armed_attack_against_japan"] == "case_by_case":
        japan = JapanGate.armed_attack_judgment
    elif survival in ("certified", "case_by_case"):
        japan = JapanGate.survival_certification
    elif v["rear_area_support"] != "none":
        japan = JapanGate.rear_area_support
    else:
        japan = JapanGate.nothing
    return LegalGates(
        japan=japan,
        survival_certified_by_assumption=survival == "certified",
        rear_area_available=v["rear_area_support"] != "none",
        prior_consultation_required=bool(v["prior_consultation_required"]),
        article5=str(v["article5"]),
        war_powers_report_required=bool(v["war_powers_report_required"]),
        arrangement=coordination_arrangement(scenario.date),
        determinations=v,
    )
