"""Legal gates of a scenario, read from the assessment engine (never re-derived here).

The simulation asks the law what each government may do, once for the triggering event and
once for every later event of the run (a missile strike on a base in Japan, an attack on a
unit): each event is assessed at its own place, and from its hour its gates join the ones
before (`legal_events`). A strike on Kadena is an armed attack in territory under Japan's
administration, so from that hour Article V applies and a defense operation is available,
whatever the triggering event was. The answers fix which stochastic stages run (a
certification that may or may not come, a consent that may be refused); the stages
themselves live in `timeline.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, NamedTuple

from anpo.core.codes import Event, UsAction
from anpo.core.scenario import Scenario, ScenarioFrame
from anpo.law.assess import KOREA_MINUTE_STANDING, assess_frame
from anpo.law.engine import Evaluation


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
    # Citations of the 1960 Korea Minute when the law notes it (a Korean emergency); noted
    # only: prior consultation is not waived on its strength (anpo.law.assess).
    korea_minute: tuple[str, ...] = ()

    def key(self) -> tuple[JapanGate, bool, bool, bool]:
        """What the timeline does with the gates: an event with the same key changes nothing."""
        return (
            self.japan,
            self.survival_certified_by_assumption,
            self.rear_area_available,
            self.prior_consultation_required,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "japan_gate": self.japan.value,
            "rear_area_support_available": self.rear_area_available,
            "prior_consultation_required": self.prior_consultation_required,
            "article5": self.article5,
            "war_powers_report_required": self.war_powers_report_required,
            "coordination_arrangement": self.arrangement.value,
            "determinations": self.determinations,
            **(
                {"korea_minute": {"noted": True, "citations": list(self.korea_minute),
                                  "standing": KOREA_MINUTE_STANDING}}
                if self.korea_minute
                else {}
            ),
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
    "maritime_security_operations_available",
)


# The determinations whose citations a legal event shows.
CITED = (
    "article5",
    "defense_operation_available",
    "prior_consultation_required",
    "survival_threatening_situation",
)


def _asked(scenario: Scenario) -> Scenario:
    # Evaluated as U.S. combat operations launched from Japan (the action simulated).
    return replace(scenario, us_action=UsAction.combat_operations_from_japan)


def legal_gates(scenario: Scenario) -> LegalGates:
    """The gates of one event, from the assessment engine."""
    ev = assess_frame(ScenarioFrame.from_scenarios([_asked(scenario)]))
    return _gates(ev, 0, scenario.date)


class TimedEvent(NamedTuple):
    """An event of the run: at `at_h` (a median when `spread` > 0), in a share of trials."""

    at_h: float
    cause: str  # "triggering event", "strike on kadena", "events[0]: armed_attack on JPN"
    scenario: Scenario
    probability: float = 1.0
    spread: float = 0.0


@dataclass(frozen=True)
class LegalEvent:
    """An event of the run at an hour and place, with the gates the law gives it."""

    at_h: float
    cause: str
    scenario: Scenario
    gates: LegalGates
    citations: dict[str, tuple[str, ...]]
    probability: float = 1.0
    spread: float = 0.0

    @property
    def us_combat(self) -> bool:
        """An armed attack the U.S. may answer with combat; a gray-zone incident is not one."""
        return self.scenario.event is not Event.gray_zone

    def to_dict(self) -> dict[str, Any]:
        g = self.gates.to_dict()
        g.pop("determinations")
        g.pop("coordination_arrangement")
        return {
            "at_h": self.at_h,
            **({"at_h_spread": self.spread} if self.spread else {}),
            **({"probability": self.probability} if self.probability < 1 else {}),
            "cause": self.cause,
            "event": self.scenario.event.name,
            "target": self.scenario.target,
            "lat": None if self.scenario.lat is None else round(self.scenario.lat, 4),
            "lon": None if self.scenario.lon is None else round(self.scenario.lon, 4),
            **g,
            "citations": {k: list(v) for k, v in self.citations.items()},
        }


def legal_events(timeline: list[TimedEvent]) -> tuple[LegalEvent, ...]:
    """Assess every event of the run in one batch; keep, in time order, the first event of
    each kind of gates (a later event with the same gates gives no new decision).

    The first entry is the triggering event (hour 0)."""
    frame = ScenarioFrame.from_scenarios([_asked(t.scenario) for t in timeline])
    ev = assess_frame(frame)
    order = sorted(range(len(timeline)), key=lambda i: (timeline[i].at_h, i))
    out: list[LegalEvent] = []
    seen: set[tuple[JapanGate, bool, bool, bool]] = set()
    for i in order:
        t = timeline[i]
        g = _gates(ev, i, t.scenario.date)
        if g.key() in seen and t.probability == 1.0:
            continue
        seen.add(g.key())
        cites = {n: ev.citations(n, i) for n in CITED}
        out.append(LegalEvent(t.at_h, t.cause, t.scenario, g, cites, t.probability, t.spread))
    return tuple(out)


def _gates(ev: Evaluation, i: int, day: dt.date) -> LegalGates:
    v = {name: ev.value(name, i) for name in NAMES}
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
        arrangement=coordination_arrangement(day),
        determinations=v,
        korea_minute=(
            tuple(ev.citations("korea_minute_noted", i)) if ev.value("korea_minute_noted", i) else ()
        ),
    )
