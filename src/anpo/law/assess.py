"""The public entry: scenarios in, cited determinations out (the output contract).

    results, was_list = assess_raw(parsed_json)      # strict parsing, then assessment
    results = assess(scenarios)                      # already parsed scenarios
    evaluation = assess_frame(frame)                 # columns only: the batch path
    results = assess(scenarios, whatif=WhatIf.parse(without=["jp-peace-security-legislation-2015"]))

A result is a plain dict: `id, date, treaty, place, article5, agreed_minute,
prior_consultation, japan, us, explanation, receipt` (and `what_if` under a what-if: what
was changed, and which conditions then differ from the actual law).
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
from anpo.law.common import LawContext, active_context, default_context
from anpo.law.engine import Evaluation, receipt
from anpo.law.rules import evaluate, ruleset_hash
from anpo.law.treaty import NO_OPERATION
from anpo.law.us import CLOCK_DAYS, EXTENSION_DAYS, REPORT_HOURS
from anpo.law.whatif import WhatIf

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
DECIDES_ANTICIPATED = "the Cabinet of Japan recognizes it in a basic response plan; the Diet approves"
DECIDES_PROTECTION = (
    "the Minister of Defense at the Foreign Minister's request, with the Prime Minister's approval "
    "(local order kept and no combat there, the state's consent, assured cooperation)"
)
DECIDES_TRANSPORT = "the Minister of Defense at the Foreign Minister's request, if it can be done safely"
DECIDES_ASSET_PROTECTION = "the Minister of Defense, at the request of the U.S. forces"
DECIDES_FAR_EAST = "the governments' reading of the 1960 view (the area is drawn only roughly)"
DECIDES_TAIWAN = "the President and Congress, by constitutional processes (22 U.S.C. 3302(c))"
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


def assess(
    scenarios: Sequence[Scenario], *, explain: bool = True, whatif: WhatIf | None = None
) -> list[dict[str, Any]]:
    """One result dict per scenario, in order; `whatif` changes the law it is assessed under
    (else the process's applied what-if, if any: `anpo.law.common.applied`)."""
    frame = ScenarioFrame.from_scenarios(scenarios)
    place = resolve(frame, exact=explain)
    context = active_context() if whatif is None else default_context().under(whatif)
    evaluation = evaluate(frame, place, context)
    actual = None
    if context.timeline.whatif:
        actual = evaluate(frame, place, default_context())
    return [result(evaluation, place, i, s, explain=explain, actual=actual) for i, s in enumerate(scenarios)]


def assess_raw(
    raw: object, *, explain: bool = True, whatif: WhatIf | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """Parse and assess; returns (results, whether the input was a list)."""
    scenarios, was_list = parse(raw)
    return assess(scenarios, explain=explain, whatif=whatif), was_list


def changed_conditions(ev: Evaluation, actual: Evaluation, i: int) -> list[dict[str, Any]]:
    """The conditions of row i whose value under the what-if differs from the actual law."""
    return [
        {"condition": c.name, "actual": actual.value(c.name, i), "what_if": ev.value(c.name, i)}
        for c in ev.ruleset.conditions
        if ev.value(c.name, i) != actual.value(c.name, i)
    ]


def _word(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _what_if(ev: Evaluation, actual: Evaluation, i: int) -> dict[str, Any]:
    changed = changed_conditions(ev, actual, i)
    return {
        "changes": ev.context.timeline.changes(),
        "changed": changed,
        "summary": (
            "; ".join(f"{c['condition']}: {_word(c['actual'])} -> {_word(c['what_if'])}" for c in changed)
            or "no condition changes for this scenario"
        ),
    }


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
    if ev.value("armed_attack", i) == "case_by_case":
        # Why it is open: the judgment, and whether an alliance statement yet says so.
        out["armed_attack_note"] = ev.hint("armed_attack", i)
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


MEASURES = (
    ("defense_operation_available", "defense_operation"),
    ("maritime_security_operations_available", "maritime_security_operations"),
    ("ballistic_missile_destruction_measures_available", "ballistic_missile_destruction_measures"),
    ("us_forces_asset_protection_available", "us_forces_asset_protection"),
    ("transport_of_nationals_available", "transport_of_nationals_abroad"),
)


def _measures(ev: Evaluation, i: int) -> list[str]:
    return [measure for condition, measure in MEASURES if ev.value(condition, i)]


def _japan(ev: Evaluation, i: int) -> dict[str, Any]:
    survival = ev.value("survival_threatening_situation", i)
    out: dict[str, Any] = {
        "article9_use_of_force": ev.value("article9_use_of_force", i),
        "individual_self_defense": ev.value("defense_operation_available", i),
        # The law provides for it (from 2016-03-29) / it may be exercised now (only once a
        # survival-threatening situation is certified): two questions, two fields.
        "collective_self_defense_legal_basis": ev.value("collective_self_defense_legal_basis", i),
        "collective_self_defense_available": ev.value("collective_self_defense_available", i),
        "survival_threatening_situation": survival,
        "anticipated_armed_attack_situation": ev.value("anticipated_armed_attack_situation", i),
        "protection_of_nationals_abroad": ev.value("protection_of_nationals_abroad", i),
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
    if out["anticipated_armed_attack_situation"] == "case_by_case":
        decides["anticipated_armed_attack_situation"] = DECIDES_ANTICIPATED
    if out["protection_of_nationals_abroad"] == "case_by_case":
        decides["protection_of_nationals_abroad"] = DECIDES_PROTECTION
    if ev.value("transport_of_nationals_available", i):
        decides["transport_of_nationals_abroad"] = DECIDES_TRANSPORT
    if ev.value("us_forces_asset_protection_available", i):
        decides["us_forces_asset_protection"] = DECIDES_ASSET_PROTECTION
    if decides:
        out["decides"] = decides
    # The legal basis of collective self-defense is cited only where a foreign country is attacked.
    foreign = ev.holds("armed_attack_on_close_foreign_country", i)
    basis = ("collective_self_defense_legal_basis",) if foreign else ()
    out["citations"] = _citations(
        ev, i,
        [n for n in (
            "defense_operation_available", "armed_attack_against_japan",
            *basis, "collective_self_defense_available",
            "survival_threatening_situation", "anticipated_armed_attack_situation", "japan_situation",
            "rear_area_support", "maritime_security_operations_available",
            "ballistic_missile_destruction_measures_available", "us_forces_asset_protection_available",
            "transport_of_nationals_available", "protection_of_nationals_abroad",
        ) if ev.holds(n, i)],
    )
    for name in ("defense_operation_available", "collective_self_defense_legal_basis",
                 "collective_self_defense_available"):
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
        "taiwan_relations_act": ev.value("taiwan_relations_act_applies", i),
    }
    if out["taiwan_relations_act"]:
        out["citations"] += _citations(ev, i, ("taiwan_relations_act_applies",))
        out["decides"] = {"taiwan_relations_act": DECIDES_TAIWAN}
    if not report:
        blocked = _blocked(ev, i, "war_powers_report_required")
        if blocked is not None and blocked["condition"] == "war_powers_resolution_in_force":
            out["blocked_by"] = blocked
    return out


def _agreed_minute(ev: Evaluation, i: int) -> dict[str, Any]:
    applies = ev.value("agreed_minute_applies", i)
    out: dict[str, Any] = {
        "applies": applies,
        "citations": _citations(ev, i, ("agreed_minute_applies",)) if applies else [],
    }
    if not applies:
        # Why not, where it could be asked (a U.S.-administered island: Guam is never one).
        blocked = _blocked(ev, i, "agreed_minute_applies")
        if blocked is not None and blocked["would_change"]:
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
    far_east = ev.values["operation_in_far_east"][i]
    if far_east != NO_OPERATION:
        out["far_east"] = ev.value("operation_in_far_east", i)
        out["far_east_citations"] = _citations(ev, i, ("operation_in_far_east",))
        hint = ev.hint("operation_in_far_east", i)
        if hint is not None:
            out["far_east_note"] = hint
        if out["far_east"] == "case_by_case":
            out["decides"] = {"far_east": DECIDES_FAR_EAST}
    return out


def result(
    ev: Evaluation, place: Place, i: int, scenario: Scenario, *, explain: bool = True,
    actual: Evaluation | None = None,
) -> dict[str, Any]:
    """The output-contract object for row i (`actual`: the same rows under the actual law,
    given under a what-if so the result can say what changed)."""
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
        "agreed_minute": _agreed_minute(ev, i),
        "prior_consultation": _prior_consultation(ev, i),
        "japan": _japan(ev, i),
        "us": _us(ev, i),
    }
    if scenario.lat is not None:
        out["place"]["detail"] = place.detail(i, list(ctx.specified_areas), internal_water_names())
    if scenario.event is Event.none:
        out["target"] = None
    if actual is not None:
        out["what_if"] = _what_if(ev, actual, i)
    if explain:
        out["explanation"] = [step.to_dict() for step in ev.trace(i)]
    out["receipt"] = receipt(ruleset_hash(), scenario.to_input_dict())
    whatif = ctx.timeline.whatif
    if whatif:
        out["receipt"]["what_if"] = whatif.to_dict()
    return out


__all__ = ["InputError", "assess", "assess_frame", "assess_raw", "parse", "result"]
