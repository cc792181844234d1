"""Japanese law: the SDF Act (Arts 76, 82, 82-3), the Armed Attack Situations Act, the 2014
Cabinet decision and the 2015 Legislation for Peace and Security, rear-area support.

Where the law leaves the decision to the Cabinet (certifying a survival-threatening
situation, whether a country is in a close relationship with Japan) the value is
`case_by_case` unless the scenario states the decision under `assume`.
"""

from __future__ import annotations

from anpo.core.codes import NULL, Event, Zone
from anpo.law.common import (
    CASE_BY_CASE,
    NO,
    NOT_STATED,
    STATED_FALSE,
    STATED_TRUE,
    TRI,
    UNKNOWN,
    YES,
    LawContext,
    assign,
    codes,
    day_of,
    event_table,
    in_force,
    iso,
    lookup,
    provision_day,
    where,
)
from anpo.law.engine import Column, Columns, Condition, Row

SDF_ACT = "jp-sdf-act"
AASA = "jp-armed-attack-situations-act"
SURVIVAL = "jp-armed-attack-situations-act/art-2/item-4"
SURVIVAL_LABELS = ("no", "certified", "case_by_case", "not_certified")
SITUATION_LABELS = ("none", "armed_attack_situation", "survival_threatening_situation", "case_by_case")
REAR_AREA_LABELS = ("none", "areas_surrounding_japan", "important_influence")
AREAS_SURROUNDING = "jp-areas-surrounding-japan-act-1999"
IMPORTANT_INFLUENCE = "jp-important-influence-act"

_HOSTILE = event_table(Event.armed_attack, Event.cyber_attack, Event.space_attack, Event.gray_zone,
                       Event.missile_inbound)


def _sdf_act(c: Columns) -> Column:
    return in_force(SDF_ACT, c["day"])


def _sdf_hint(r: Row) -> str | None:
    return f"from {iso(day_of(SDF_ACT))}, when the SDF Act took effect"


def _attack_on_japan(c: Columns) -> Column:
    ctx: LawContext = c.context
    attack, target, place = c["armed_attack"], c["target"], c["in_territories_under_japanese_administration"]
    japan, usa = target == ctx.jpn, target == ctx.usa
    out = codes(attack.shape, NO)
    # Japan's land, sea or airspace attacked (U.S. forces there included), or a judged
    # cyber/space attack on Japan with no place given: an armed attack against Japan.
    certain = (attack == YES) & (((japan | usa) & (place == YES)) | (japan & (place == UNKNOWN)))
    # Elsewhere (a Japanese ship on the high seas, a foreign ship in Japan's waters) or
    # before the attack is judged: the government judges the case on its facts.
    judged = ((attack == YES) & ((japan & (place == NO)) | (~(japan | usa) & (place == YES)))) | (
        (attack == CASE_BY_CASE) & japan
    )
    assign(out, judged, CASE_BY_CASE)
    assign(out, certain, YES)
    return out


def _attack_on_japan_hint(r: Row) -> str | None:
    if r["armed_attack_against_japan"] == CASE_BY_CASE:
        return "whether this is an armed attack against Japan is judged case by case (Cabinet)"
    return None


def _defense_operation(c: Columns) -> Column:
    return c["sdf_act_in_force"] & (c["armed_attack_against_japan"] == YES)


def _aasa(c: Columns) -> Column:
    return in_force(AASA, c["day"])


def _survival_provisions(c: Columns) -> Column:
    return c["day"] >= provision_day(SURVIVAL)


def _survival_provisions_hint(r: Row) -> str | None:
    return (
        f"from {iso(provision_day(SURVIVAL))}, when the Legislation for Peace and Security took "
        "effect (survival-threatening situations)"
    )


def _close_country(c: Columns) -> Column:
    ctx: LawContext = c.context
    attack, target = c["armed_attack"], c["target"]
    foreign = (target != ctx.jpn) & (target != NULL)
    out = codes(attack.shape, NO)
    assign(out, foreign & (attack != NO), CASE_BY_CASE)
    assign(out, foreign & (attack == YES) & (target == ctx.usa), YES)
    return out


def _close_country_hint(r: Row) -> str | None:
    value = r["armed_attack_on_close_foreign_country"]
    if value == CASE_BY_CASE:
        return (
            "the Cabinet decides whether the country attacked is in a close relationship with "
            "Japan (or whether the attack is an armed attack)"
        )
    if value == NO and r["target"] == r.context.jpn:
        return "the attack is on Japan itself: individual, not collective, self-defense"
    return None


def _survival(c: Columns) -> Column:
    candidate = c["survival_threatening_provisions_in_force"] & (
        c["armed_attack_on_close_foreign_country"] != NO
    )
    certified = c["survival_threatening_certified"]
    out = where(candidate, 2, 0)  # case_by_case: the Cabinet certifies, the Diet approves
    assign(out, candidate & (certified == STATED_TRUE), 1)
    assign(out, candidate & (certified == STATED_FALSE), 3)
    return out


def _survival_assumed(c: Columns) -> Column:
    return (c["survival_threatening_provisions_in_force"]
            & (c["armed_attack_on_close_foreign_country"] != NO)
            & (c["survival_threatening_certified"] != NOT_STATED))


def _survival_hint(r: Row) -> str | None:
    if r["survival_threatening_situation"] == 2:
        return (
            "the Cabinet certifies a survival-threatening situation (three conditions) in a basic "
            "response plan; the Diet approves, in principle beforehand; state "
            "assume.survival_threatening_certified to evaluate either answer"
        )
    return None


def _collective(c: Columns) -> Column:
    survival = c["survival_threatening_situation"]
    return (survival == 1) | ((survival == 2) & (c["armed_attack_on_close_foreign_country"] == YES))


def _situation(c: Columns) -> Column:
    aasa, on_japan, survival = c["armed_attack_situations_act_in_force"], c["armed_attack_against_japan"], c[
        "survival_threatening_situation"
    ]
    out = where(aasa & ((on_japan == CASE_BY_CASE) | (survival == 2)), 3, 0)
    assign(out, aasa & (survival == 1), 2)
    assign(out, aasa & (on_japan == YES), 1)
    return out


def _situation_cites(r: Row) -> tuple[str, ...]:
    value = r["japan_situation"]
    if value == 1:
        return ("jp-armed-attack-situations-act/art-2/item-2",)
    if value in (2, 3) and r["survival_threatening_situation"] != 0:
        return (SURVIVAL,)
    return ()


def _diet(c: Columns) -> Column:
    return c["defense_operation_available"] | c["collective_self_defense_available"]


def _diet_cites(r: Row) -> tuple[str, ...]:
    return ("jp-armed-attack-situations-act/art-9",) if r["day"] >= day_of(AASA) else ()


def _rear_area(c: Columns) -> Column:
    day, hostile = c["day"], lookup(_HOSTILE, c["event"])
    out = where(hostile & in_force(AREAS_SURROUNDING, day), 1, 0)
    assign(out, hostile & in_force(IMPORTANT_INFLUENCE, day), 2)
    return out


def _rear_area_cites(r: Row) -> tuple[str, ...]:
    value = r["rear_area_support"]
    if value == 1:
        return ("jp-areas-surrounding-japan-act-1999/rear-area-support",)
    if value == 2:
        return ("jp-important-influence-act/logistic-support",)
    return ()


def _rear_area_hint(r: Row) -> str | None:
    if r["rear_area_support"] == 0 and r["day"] < day_of(AREAS_SURROUNDING) and _HOSTILE[r["event"]]:
        since = iso(day_of(AREAS_SURROUNDING))
        return f"from {since}, when the Act on Situations in Areas Surrounding Japan took effect"
    return None


def _maritime_security(c: Columns) -> Column:
    zone = c["zone"]
    at_sea = (zone == Zone.territorial_sea) | (zone == Zone.outside)
    return c["sdf_act_in_force"] & (c["event"] == Event.gray_zone) & at_sea


def _maritime_hint(r: Row) -> str | None:
    if r["event"] == Event.gray_zone and r["zone"] == Zone.land:
        return "on land the police respond first; maritime security operations are for the sea"
    return None


def _missile_destruction(c: Columns) -> Column:
    return (c["event"] == Event.missile_inbound) & (c["day"] >= provision_day("jp-sdf-act/art-82-3"))


def _missile_hint(r: Row) -> str | None:
    since = provision_day("jp-sdf-act/art-82-3")
    if r["event"] == Event.missile_inbound and r["day"] < since:
        return f"from {iso(since)}, when SDF Act Art. 82-3 was added (date assumed, see the instrument)"
    return None


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "sdf_act_in_force", ("day",), _sdf_act, cites=("jp-sdf-act/art-76",),
        doc="the Self-Defense Forces Act is in force (from 1954-07-01)", hint=_sdf_hint,
    ),
    Condition(
        "armed_attack_against_japan",
        ("armed_attack", "target", "in_territories_under_japanese_administration"), _attack_on_japan,
        cites=("jp-cabinet-answer-2002-07-16/armed-attack-against-japan",), labels=TRI,
        doc="an armed attack from outside against Japan (its land, sea or airspace)",
        hint=_attack_on_japan_hint,
    ),
    Condition(
        "defense_operation_available", ("sdf_act_in_force", "armed_attack_against_japan"),
        _defense_operation, cites=("jp-sdf-act/art-76", "un-charter/art-51"),
        requires=("sdf_act_in_force", "armed_attack_against_japan"),
        doc="individual self-defense: the Prime Minister may order a defense operation",
    ),
    Condition(
        "armed_attack_situations_act_in_force", ("day",), _aasa,
        cites=("jp-armed-attack-situations-act/art-2/item-2",),
        doc="the Armed Attack Situations Act's situation categories exist (from 2003)",
    ),
    Condition(
        "survival_threatening_provisions_in_force", ("day",), _survival_provisions,
        cites=("jp-peace-security-legislation-2015/survival-threatening",),
        doc="the law provides for survival-threatening situations (from 2016-03-29)",
        hint=_survival_provisions_hint,
    ),
    Condition(
        "armed_attack_on_close_foreign_country", ("armed_attack", "target"), _close_country,
        cites=("jp-cabinet-answer-2015-02-06/close-relationship",), labels=TRI,
        doc="an armed attack on a foreign country in a close relationship with Japan",
        hint=_close_country_hint,
    ),
    Condition(
        "survival_threatening_situation",
        ("survival_threatening_provisions_in_force", "armed_attack_on_close_foreign_country",
         "survival_threatening_certified"),
        _survival,
        cites=(SURVIVAL, "jp-cabinet-decision-2014-07-01/three-conditions"), labels=SURVIVAL_LABELS,
        assumed=_survival_assumed, hint=_survival_hint,
        doc="the Cabinet certifies that the attack threatens Japan's survival (three conditions)",
    ),
    Condition(
        "collective_self_defense_available",
        ("survival_threatening_situation", "armed_attack_on_close_foreign_country"), _collective,
        cites=("jp-sdf-act/art-76/para-1/item-2", "jp-cabinet-decision-2014-07-01/three-conditions"),
        requires=("survival_threatening_provisions_in_force", "armed_attack_on_close_foreign_country",
                  "survival_threatening_situation"),
        doc="limited collective self-defense is legally available (subject to Cabinet certification)",
    ),
    Condition(
        "japan_situation",
        ("armed_attack_situations_act_in_force", "armed_attack_against_japan",
         "survival_threatening_situation"),
        _situation, labels=SITUATION_LABELS, cite_row=_situation_cites,
        doc="the situation category under the Armed Attack Situations Act",
    ),
    Condition(
        "diet_approval_required", ("defense_operation_available", "collective_self_defense_available", "day"),
        _diet, cites=("jp-sdf-act/art-76",), cite_row=_diet_cites,
        doc="a defense operation needs the Diet's approval, prior in principle",
    ),
    Condition(
        "rear_area_support", ("day", "event"), _rear_area, labels=REAR_AREA_LABELS,
        cite_row=_rear_area_cites, hint=_rear_area_hint,
        doc="the regime under which Japan may support U.S. forces (Cabinet basic plan, Diet approval)",
    ),
    Condition(
        "maritime_security_operations_available", ("sdf_act_in_force", "event", "zone"),
        _maritime_security, cites=("jp-sdf-act/art-82",), hint=_maritime_hint,
        doc="gray-zone incident at sea: maritime security operations (Minister of Defense, PM approval)",
    ),
    Condition(
        "ballistic_missile_destruction_measures_available", ("event", "day"), _missile_destruction,
        cites=("jp-sdf-act/art-82-3",), hint=_missile_hint,
        doc="inbound missile: destruction measures (Minister of Defense, PM approval)",
    ),
)
