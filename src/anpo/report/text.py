"""A readable explanation of one assessment: each determination, the conditions behind it
with their citations, and what would change a blocked result. Reads only the result dict
(the output contract), so text and JSON can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# The conditions shown under each determination, in the order a reader follows them.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Treaty in force", ("security_treaty_1951_in_force", "mutual_cooperation_treaty_1960_in_force",
                         "article10_termination_effective")),
    ("Article V", ("armed_attack", "attack_on_a_party", "in_territories_under_japanese_administration",
                   "article5", "un_security_council_report_required")),
    ("Agreed Minute (Article III islands)", ("article3_islands_under_us_administration",
                                             "agreed_minute_applies")),
    ("Prior consultation", ("subject_of_prior_consultation", "prior_consultation_required",
                            "korea_minute_noted", "operation_in_far_east")),
    ("Japan", ("sdf_act_in_force", "article9_use_of_force", "armed_attack_against_japan",
               "defense_operation_available", "armed_attack_on_close_foreign_country",
               "survival_threatening_situation", "collective_self_defense_legal_basis",
               "collective_self_defense_available", "anticipated_armed_attack_situation",
               "japan_situation", "diet_approval_required", "rear_area_support",
               "maritime_security_operations_available", "ballistic_missile_destruction_measures_available",
               "us_forces_asset_protection_available", "transport_of_nationals_available",
               "protection_of_nationals_abroad")),
    ("United States", ("war_powers_resolution_in_force", "us_forces_introduced_into_hostilities",
                       "war_powers_report_required", "taiwan_relations_act_applies")),
)


def _value(v: Any) -> str:
    if v is True:
        return "yes"
    if v is False:
        return "no"
    return str(v).replace("_", " ")


def _headline(r: dict[str, Any]) -> str:
    name = f"[{r['id']}] " if r.get("id") else ""
    what = r["event"].replace("_", " ")
    if r.get("target"):
        what += f" on {r['target']}"
    place = r["place"]
    where = ""
    if place["zone"] is not None:
        at = place["name"] or "open sea"
        where = f" at {at} ({place['zone'].replace('_', ' ')}"
        if place["administered_by"]:
            where += f", administered by {place['administered_by']}"
        if place["claimed_by"]:
            where += f", claimed by {', '.join(place['claimed_by'])}"
        where += ")"
    action = f"; U.S. action: {r['us_action'].replace('_', ' ')}" if r["us_action"] != "none" else ""
    return f"{name}{what}{where}, {r['date']}{action}"


def _conditions(steps: dict[str, dict[str, Any]], names: Sequence[str]) -> list[str]:
    lines = []
    for name in names:
        step = steps.get(name)
        if step is None:
            continue
        mark = "  (assumed)" if step["assumed"] else ""
        cites = f"  [{', '.join(step['citation'])}]" if step["citation"] else ""
        lines.append(f"    - {name.replace('_', ' ')}: {_value(step['value'])}{mark}{cites}")
    return lines


def _blocked(block: dict[str, Any] | None, indent: str = "    ") -> list[str]:
    if not block or not block.get("would_change"):
        return []
    return [f"{indent}what would change it: {block['would_change']}"]


def render_assessment(r: dict[str, Any]) -> str:
    """The text explanation of one result dict."""
    steps = {s["condition"]: s for s in r.get("explanation", [])}
    a5, japan, us = r["article5"], r["japan"], r["us"]
    verdicts = {
        "Treaty in force": r["treaty"] or "none",
        "Article V": a5["status"].replace("_", " "),
        "Agreed Minute (Article III islands)": (
            "applies" if r["agreed_minute"]["applies"] else "does not apply"
        ),
        "Prior consultation": "required" if r["prior_consultation"]["required"] else "not required",
        "Japan": (
            f"individual self-defense {_value(japan['individual_self_defense'])}; collective "
            f"self-defense: legal basis {_value(japan['collective_self_defense_legal_basis'])}, "
            f"available {_value(japan['collective_self_defense_available'])}; "
            f"rear-area support {_value(japan['rear_area_support'])}"
        ),
        "United States": (
            f"War Powers report within {us['war_powers_report_hours']} hours, "
            f"{us['war_powers_clock_days']}-day clock (+{us['war_powers_extension_days']})"
            if us["war_powers_report_hours"] else "no War Powers report"
        ),
    }
    lines = [_headline(r)]
    detail = r["place"].get("detail")
    if detail and detail.get("coast_distance_nm") not in (None, 0.0):
        extra = f"  {detail['coast_distance_nm']} nm from the nearest coast"
        if detail.get("territorial_sea_nm"):
            extra += f"; territorial sea there {detail['territorial_sea_nm']:g} nm"
        if detail.get("specified_area"):
            extra += f"; specified area: {detail['specified_area']}"
        lines.append(extra)
    for title, names in SECTIONS:
        lines.append(f"  {title}: {verdicts[title]}")
        lines.extend(_conditions(steps, names))
        if title == "Article V":
            lines.extend(_blocked(a5.get("blocked_by")))
            if a5.get("decides"):
                lines.append(f"    who decides: {a5['decides']}")
            if a5.get("note"):
                lines.append(f"    note: {a5['note']}")
            if a5.get("armed_attack_note"):
                lines.append(f"    armed attack? {a5['armed_attack_note']}")
        elif title == "Agreed Minute (Article III islands)":
            lines.extend(_blocked(r["agreed_minute"].get("blocked_by")))
        elif title == "Prior consultation":
            pc = r["prior_consultation"]
            if pc.get("far_east"):
                lines.append(f"    Article VI Far East (1960 view): {_value(pc['far_east'])}"
                             + (f"; {pc['far_east_note']}" if pc.get("far_east_note") else ""))
            if pc["korea_minute"]:
                lines.append("    note: the 1960 Korea Minute foresaw combat operations for a Korean "
                             "emergency without prior consultation")
                lines.append(f"    its present standing: {pc['korea_minute_standing']}")
        elif title == "Japan":
            if japan["measures"]:
                lines.append(f"    measures: {', '.join(m.replace('_', ' ') for m in japan['measures'])}")
            for block in (japan.get("blocked_by") or {}).values():
                lines.extend(_blocked(block))
            for what, who in (japan.get("decides") or {}).items():
                lines.append(f"    who decides ({what.replace('_', ' ')}): {who}")
        elif title == "United States":
            lines.extend(_blocked(us.get("blocked_by")))
            if us.get("taiwan_relations_act"):
                lines.append("    Taiwan Relations Act: the President informs Congress promptly; "
                             f"{us['decides']['taiwan_relations_act']} decide the response")
    assumed = [s["condition"] for s in r.get("explanation", []) if s["assumed"]]
    if assumed:
        lines.append(f"  Rests on assumptions stated under `assume`: {', '.join(assumed)}")
    whatif = r.get("what_if")
    if whatif:
        lines.append(f"  WHAT-IF, not the actual law: {'; '.join(whatif['changes'])}")
        lines.append(f"    changed against the actual law: {whatif['summary']}")
    receipt = r["receipt"]
    lines.append(
        f"  receipt: anpo {receipt['anpo_version']}, ruleset {receipt['ruleset_sha256'][:12]}, "
        f"data {receipt['data_sha256'][:12]}, input {receipt['input_sha256'][:12]}"
    )
    return "\n".join(lines)
