"""The public entry: scenarios in, cited determinations out (the output contract).

    results, was_list = assess_raw(parsed_json)      # strict parsing, then assessment
    results = assess(scenarios)                      # already parsed scenarios
    evaluation = assess_frame(frame)                 # columns only: the batch path

A result is a plain dict: `id, date, treaty, place, article5, agreed_minute,
prior_consultation, japan, us, explanation, receipt`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from anpo import geo
from anpo.core.codes import Article5Status, Event
from anpo.core.errors import InputError
from anpo.core.scenario import Scenario, ScenarioFrame, parse_scenarios
from anpo.geo.place import Place
from anpo.geo.resolver import internal_water_names
from anpo.law import instruments, treaty
from anpo.law.common import LawContext, default_context
from anpo.law.engine import Evaluation, receipt
from anpo.law.rules import evaluate, ruleset_hash
from anpo.law.us import CLOCK_DAYS, EXTENSION_DAYS, REPORT_HOURS

# Who decides, where the law leaves a decision to a government.
DECIDES_ARMED_ATTACK = (
    "the governments of Japan and the United States, case by case in close consultation "
    "(SCC statements of 2019 and 2023)"
)
DECIDES_LOCATION = "unresolved fact: the place of the affected system (give lat/lon)"
DECIDES_SURVIVAL = (
    "the Cabinet of Japan certifies it in a basic response plan; the Diet approves, in principle "
    "beforehand"
)
DECIDES_CLOSE_COUNTRY = "the Cabinet of Japan (whether the country is in a close relationship with Japan)"
DECIDES_REAR_AREA = "the Cabinet of Japan adopts a basic plan; the Diet approves"
DECIDES_ATTACK_ON_JAPAN = "the Cabinet of Japan, on the facts of the case"
# The Korea Minute is noted, never applied: its present standing is not settled.
KOREA_MINUTE_STANDING = (
    "uncertain: the minute was secret until Japan's 2010 investigation of the secret "
    "agreements; Japan is said to regard it as superseded by the 1969 Sato 'Korea clause' "
    "statement (unverified), while scholars treat it as formally valid; anpo does not waive "
    "prior consultation on its strength"
)


def parse(raw: object) -> tuple[list[Scenario], bool]:
    """Strictly parse one scenario or a list; legal preconditions are input errors too."""
    scenarios, was_list = parse_scenarios(raw)
    for i, s in enumerate(scenarios):
        treaty.check_termination_notice(s.assume.termination_notice, i if was_list else None)
    return scenarios, was_list


def resolve(frame: ScenarioFrame, *, exact: bool = False) -> Place:
    """Place columns of a frame through the real geography (`exact`: coast distances too)."""
    return geo.resolve(frame.lat, frame.lon, frame.day, exact=exact)


def assess_frame(frame: ScenarioFrame, context: LawContext | None = None) -> Evaluation:
    """Geography and law over a whole frame; no per-row objects (the fast path)."""
    return evaluate(frame, resolve(frame), context)


def assess(scenarios: Sequence[Scenario], *, explain: bool = True) -> list[dict[str, Any]]:
    """One result dict per scenario, in order."""
    frame = ScenarioFrame.from_scenarios(scenarios)
    place = resolve(frame, exact=explain)
    context = default_context()
    evaluation = evaluate(frame, place, context)
    return [result(evaluation, place, i, s, explain=explain) for i, s in enumerate(scenarios)]


def assess_raw(raw: object, *, explain: bool = True) -> tuple[list[dict[str, Any]], bool]:
    """Parse and assess; returns (results, whether the input was a list)."""
    scenarios, was_list = parse(raw)
    return assess(scenarios, explain=explain), was_list


def _citations(ev: Evaluation, i: int, names: Sequence[str]) -> list[dict[str, Any]]:
    ids: dict[str, None] = {}
    for name in names:
        ids.update(dict.fromkeys(ev.citations(name, i)))
    return [instruments.cite(pid).to_dict() for pid in ids]


def _blocked(ev: Evaluation, i: int, name: str) -> dict[str, Any] | None:
    """The single condition that blocks a determination, and what would change it."""
    blockers = ev.blockers(name, i)
    if len(blockers) != 1:
        return None
    return {"condition": blockers[0], "would_change": ev.hint(blockers[0], i)}


def _article5(ev: Evaluation, i: int) -> dict[str, Any]:
    status = ev.value("article5", i)
    out: dict[str, Any] = {
        "status": status,
        "citations": _citations(ev, i, ("article5", *ev.ruleset.by_name["article5"].requires)),
        "un_security_council_report_required": ev.value("un_security_council_report_required", i),
    }
    if out["un_security_council_report_required"]:
        out["citations"] += _citations(ev, i, ("un_security_council_report_required",))
    if status == Article5Status.case_by_case.name:
        place_open = ev.value("in_territories_under_japanese_administration", i) == "unknown"
        out["decides"] = DECIDES_LOCATION if place_open else DECIDES_ARMED_ATTACK
    if ev.value("us_forces_may_be_utilized_for_japan", i):
        out["us_forces_may_be_utilized"] = True
        out["citations"] += _citations(ev, i, ("us_forces_may_be_utilized_for_japan",))
        out["note"] = (
            "1951 treaty: no U.S. obligation to defend Japan, but U.S. forces in Japan "
            "may be utilized for its security"
        )
    if status != Article5Status.applies.name:
        blocked = _blocked(ev, i, "article5")
        if blocked is not None:
            out["blocked_by"] = blocked
    return out


def _measures(ev: Evaluation, i: int) -> list[str]:
    out = []
    if ev.value("defense_operation_available", i):
        out.append("defense_operation")
    if ev.value("maritime_security_operations_available", i):
        out.append("maritime_security_operations")
    if ev.value("ballistic_missile_destruction_measures_available", i):
        out.append("ballistic_missile_destruction_measures")
    return out


def _japan(ev: Evaluation, i: int) -> dict[str, Any]:
    survival = ev.value("survival_threatening_situation", i)
    out: dict[str, Any] = {
        "individual_self_defense": ev.value("defense_operation_available", i),
        "collective_self_defense_available": ev.value("collective_self_defense_available", i),
        "survival_threatening_situation": survival,
        "situation": ev.value("japan_situation", i),
        "rear_area_support": ev.value("rear_area_support", i),
        "measures": _measures(ev, i),
        "diet_approval_required": ev.value("diet_approval_required", i),
    }
    decides: dict[str, str] = {}
    if survival == "case_by_case":
        decides["survival_threatening_situation"] = DECIDES_SURVIVAL
    if ev.value("armed_attack_on_close_foreign_country", i) == "case_by_case":
        decides["close_relationship"] = DECIDES_CLOSE_COUNTRY
    if ev.value("armed_attack_against_japan", i) == "case_by_case":
        decides["armed_attack_against_japan"] = DECIDES_ATTACK_ON_JAPAN
    if out["rear_area_support"] != "none":
        decides["rear_area_support"] = DECIDES_REAR_AREA
    if decides:
        out["decides"] = decides
    out["citations"] = _citations(
        ev, i,
        [n for n in (
            "defense_operation_available", "armed_attack_against_japan",
            "collective_self_defense_available", "survival_threatening_situation", "japan_situation",
            "rear_area_support", "maritime_security_operations_available",
            "ballistic_missile_destruction_measures_available",
        ) if ev.holds(n, i)],
    )
    for name in ("defense_operation_available", "collective_self_defense_available"):
        if not ev.holds(name, i):
            blocked = _blocked(ev, i, name)
            if blocked is not None and blocked["would_change"]:
                out.setdefault("blocked_by", {})[name] = blocked
    return out


def _us(ev: Evaluation, i: int) -> dict[str, Any]:
    report = ev.value("war_powers_report_required", i)
    out: dict[str, Any] = {
        "war_powers_report_hours": REPORT_HOURS if report else None,
        "war_powers_clock_days": CLOCK_DAYS if report else None,
        "war_powers_extension_days": EXTENSION_DAYS if report else None,
        "citations": _citations(ev, i, ("war_powers_report_required",)) if report else [],
    }
    if not report:
        blocked = _blocked(ev, i, "war_powers_report_required")
        if blocked is not None and blocked["condition"] == "war_powers_resolution_in_force":
            out["blocked_by"] = blocked
    return out


def _prior_consultation(ev: Evaluation, i: int) -> dict[str, Any]:
    korea = ev.value("korea_minute_noted", i)
    out: dict[str, Any] = {
        "required": ev.value("prior_consultation_required", i),
        "korea_minute": korea,
        "citations": _citations(
            ev, i,
            ("prior_consultation_required", "subject_of_prior_consultation")
            + (("korea_minute_noted",) if korea else ()),
        ) if ev.value("prior_consultation_required", i) else [],
    }
    if korea:
        out["korea_minute_standing"] = KOREA_MINUTE_STANDING
    return out


def result(
    ev: Evaluation, place: Place, i: int, scenario: Scenario, *, explain: bool = True
) -> dict[str, Any]:
    """The output-contract object for row i."""
    ctx: LawContext = ev.context
    treaty_label = ev.value("security_treaty_in_force", i)
    out: dict[str, Any] = {
        "id": scenario.id,
        "date": scenario.date.isoformat(),
        "event": scenario.event.name,
        "target": scenario.target,
        "us_action": scenario.us_action.name,
        "treaty": None if treaty_label == "none" else treaty_label,
        "place": place.row(i, list(ctx.units), list(ctx.claim_sets)),
        "article5": _article5(ev, i),
        "agreed_minute": {
            "applies": ev.value("agreed_minute_applies", i),
            "citations": _citations(ev, i, ("agreed_minute_applies",))
            if ev.value("agreed_minute_applies", i) else [],
        },
        "prior_consultation": _prior_consultation(ev, i),
        "japan": _japan(ev, i),
        "us": _us(ev, i),
    }
    if scenario.lat is not None:
        out["place"]["detail"] = place.detail(i, list(ctx.specified_areas), internal_water_names())
    if scenario.event is Event.none:
        out["target"] = None
    if explain:
        out["explanation"] = [step.to_dict() for step in ev.trace(i)]
    out["receipt"] = receipt(ruleset_hash(), scenario.to_input_dict())
    return out


__all__ = ["InputError", "assess", "assess_frame", "assess_raw", "parse", "result"]
