"""The rule set: every condition of the treaty, Japanese and U.S. law, evaluated together."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from anpo.core.scenario import ScenarioFrame
from anpo.geo.place import Place
from anpo.law import japan, treaty, us
from anpo.law.common import INPUTS, LawContext, active_context
from anpo.law.engine import Column, Evaluation, Ruleset, ruleset_sha256

LAW_DIR = Path(__file__).parent


@cache
def ruleset() -> Ruleset:
    """The conditions in dependency order (checked against the instruments once)."""
    # (the day and the coast distance take too many values to remember results by them)
    return Ruleset(INPUTS, [*treaty.CONDITIONS, *japan.CONDITIONS, *us.CONDITIONS],
                   unremembered=("day", "coast_distance_nm"))


@cache
def ruleset_hash() -> str:
    """Hash of the instruments and of the law's source files (SOFA's excluded: not assessed)."""
    sources = [p for p in LAW_DIR.glob("*.py") if not p.name.startswith("sofa")]
    return ruleset_sha256(sources)


def inputs(frame: ScenarioFrame, place: Place) -> dict[str, Column]:
    """The law's input columns from a scenario frame and its place columns."""
    return {
        "day": frame.day,
        "event": frame.event,
        "target": frame.target,
        "us_action": frame.us_action,
        "operation_area": frame.operation_areas(),
        "termination_notice_day": frame.termination_notice_day,
        "armed_attack_judged": frame.armed_attack_judged,
        "survival_threatening_certified": frame.survival_threatening_certified,
        "zone": place.zone,
        "unit": place.unit,
        "administered_by": place.administered_by,
        "claims": place.claims,
        "coast_distance_nm": place.coast_distance_nm,
        "territorial_sea_nm": place.territorial_sea_nm,
        "specified_area": place.specified_area,
    }


def evaluate(frame: ScenarioFrame, place: Place, context: LawContext | None = None) -> Evaluation:
    """Evaluate every condition over the frame; `place` comes from `anpo.geo.resolve`.

    Without a context: the shipped geography, under the process's applied what-if if any
    (`anpo.law.common.applied`); pass `default_context().under(whatif)` to choose one.
    """
    return ruleset().evaluate(inputs(frame, place), context or active_context())
