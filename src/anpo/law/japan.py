"""Japanese law: Article 9 of the Constitution as the 1972 and 2014 government views read it,
the SDF Act (Arts 76, 82, 82-2/82-3, 84-3/84-4, 95-2), the Armed Attack Situations Act, the
2015 Legislation for Peace and Security, rear-area support.

Where the law leaves the decision to the Cabinet (certifying a survival-threatening
situation, whether a country is in a close relationship with Japan) the value is
`case_by_case` unless the scenario states the decision under `assume`.
"""

from __future__ import annotations

import numpy as np

from anpo.core.codes import NULL, Event, Zone
from anpo.core.dates import FOREVER
from anpo.law.common import (
    CASE_BY_CASE,
    NO,
    NOT_STATED,
    STATED_FALSE,
    STATED_TRUE,
    TRI,
    YES,
    LawContext,
    by_day,
    coded,
    codes,
    event_table,
    instrument_in_force,
    is_code,
    iso,
    lookup,
    none_stated,
    since,
    where,
)
from anpo.law.engine import Column, Columns, Condition, Row
from anpo.law.whatif import Timeline

SDF_ACT = "jp-sdf-act"
AASA = "jp-armed-attack-situations-act"
SURVIVAL = "jp-armed-attack-situations-act/art-2/item-4"
SURVIVAL_LABELS = ("no", "certified", "case_by_case", "not_certified")
ARTICLE9_LABELS = ("none", "individual_self_defense", "limited_collective_self_defense")
CONSTITUTION = "jp-constitution/art-9"
VIEW_1972 = "jp-government-view-1972-10-14/collective-self-defense"
DECISION_2014 = "jp-cabinet-decision-2014-07-01"
LEGISLATION_2015 = "jp-peace-security-legislation-2015"
ASSET_PROTECTION = "jp-sdf-act/art-95-2"
# Provisions that kept their power but changed their number: (provision, ...) oldest first;
# the law cites the one in force on the day.
BMD_NUMBERS = ("jp-sdf-act/art-82-2/bmd", "jp-sdf-act/art-82-3")
TRANSPORT_NUMBERS = ("jp-sdf-act/art-100-8", "jp-sdf-act/art-84-3/transport", "jp-sdf-act/art-84-4")
PROTECTION = "jp-sdf-act/art-84-3"
ANTICIPATED = "jp-armed-attack-situations-act/art-2/item-3"
SITUATION_LABELS = ("none", "armed_attack_situation", "survival_threatening_situation", "case_by_case")
REAR_AREA_LABELS = ("none", "areas_surrounding_japan", "important_influence")
AREAS_SURROUNDING = "jp-areas-surrounding-japan-act-1999"
IMPORTANT_INFLUENCE = "jp-important-influence-act"

_HOSTILE = event_table(Event.armed_attack, Event.cyber_attack, Event.space_attack, Event.gray_zone,
                       Event.missile_inbound, Event.armed_attack_anticipated)


def _tl(c: Columns | Row) -> Timeline:
    return c.context.timeline


def numbered(timeline: Timeline, succession: tuple[str, ...], day: int) -> str:
    """The number a provision bore on `day`: the last of its succession in force by then."""
    current = succession[0]
    for pid in succession[1:]:
        if timeline.provision_day(pid) <= day:
            current = pid
    return current


def _since(r: Row, pid: str, what: str) -> str:
    day = _tl(r).provision_day(pid)
    if day == FOREVER:
        return f"{what} is switched off in this what-if"
    return f"from {iso(day)}, when {what} took effect"


def _sdf_act(c: Columns) -> Column:
    return instrument_in_force(c, SDF_ACT)


def _sdf_hint(r: Row) -> str | None:
    return _since(r, "jp-sdf-act/art-76", "the SDF Act")


# --- Article 9 and the government views it rests on ------------------------------------------

def _article9(c: Columns) -> Column:
    # The reading of Article 9 on the day: from the SDF Act, force only to meet an armed attack
    # on Japan (the 1972 view: collective self-defense is impermissible); from the 2014 Cabinet
    # decision, also limited collective self-defense under the three new conditions.
    tl = _tl(c)

    def reading(day: int) -> int:
        return 2 if day >= tl.start(DECISION_2014) else int(tl.applies(SDF_ACT, day))

    return by_day(c, (tl.start(SDF_ACT), tl.end(SDF_ACT), tl.start(DECISION_2014)), reading)


def _article9_cites(r: Row) -> tuple[str, ...]:
    tl, day = _tl(r), r["day"]
    out = [CONSTITUTION]
    if day >= tl.provision_day(VIEW_1972):
        out.append(VIEW_1972)
    if day >= tl.start(DECISION_2014):
        out.append(f"{DECISION_2014}/three-conditions")
    return tuple(out)


def _article9_hint(r: Row) -> str | None:
    if r["article9_use_of_force"] == 1:
        since = _tl(r).start(DECISION_2014)
        later = f" until the 2014 Cabinet decision ({iso(since)})" if since != FOREVER else ""
        return (
            "Article 9 as the government read it (1972 view): force only against an armed "
            f"attack on Japan; collective self-defense impermissible{later}"
        )
    return None


def _attack_on_japan(c: Columns) -> Column:
    ctx: LawContext = c.context
    attack = c["armed_attack"]
    japan = is_code(c, "target", ctx.jpn).view(np.int8)
    # Japan's land, sea or airspace attacked (U.S. forces there included), or a judged
    # cyber/space attack on Japan with no place given: an armed attack against Japan.
    # Elsewhere (a Japanese ship on the high seas, a foreign ship in Japan's waters) or
    # before the attack is judged: the government judges the case on its facts.
    # Target Japan: the attack's own code (yes, case by case), and case by case (one more)
    # for an attack off its places. Another target: only an attack in Japan's places: yes
    # for the United States, case by case for any other state.
    out = attack * japan
    # The attack (yes) at the place that moves the code: none of Japan's (no, 0) for Japan,
    # one of them (yes, 1) for another state: place + japan == 1 on the tri place codes.
    moves = np.equal(c["in_territories_under_japanese_administration"] + japan, 1)
    moves &= attack == YES
    # By how much: 1 for Japan (yes -> case by case), 2 for another state, 1 for the U.S.
    step = np.subtract(np.int8(CASE_BY_CASE), japan)
    step -= is_code(c, "target", ctx.usa).view(np.int8)
    step *= moves.view(np.int8)
    out += step
    return out


def _attack_on_japan_hint(r: Row) -> str | None:
    if r["armed_attack_against_japan"] == CASE_BY_CASE:
        return "whether this is an armed attack against Japan is judged case by case (Cabinet)"
    return None


def _defense_operation(c: Columns) -> Column:
    return c["sdf_act_in_force"] & (c["armed_attack_against_japan"] == YES)


def _aasa(c: Columns) -> Column:
    return instrument_in_force(c, AASA)


def _survival_provisions(c: Columns) -> Column:
    return since(c, _tl(c).provision_day(SURVIVAL))


def _survival_provisions_hint(r: Row) -> str | None:
    return _since(r, SURVIVAL, "the Legislation for Peace and Security (survival-threatening situations)")


def _close_country(c: Columns) -> Column:
    ctx: LawContext = c.context
    attack = c["armed_attack"]
    japan_or_none = is_code(c, "target", c.context.jpn)
    japan_or_none |= is_code(c, "target", NULL)
    out = coded(np.greater(attack != NO, japan_or_none), CASE_BY_CASE)  # a foreign target
    # (The United States is foreign.)
    out -= ((attack == YES) & is_code(c, "target", ctx.usa)).view(np.int8)  # CASE_BY_CASE - YES
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
    # case_by_case (2): the Cabinet certifies, the Diet approves; a stated decision:
    # certified (1) or not_certified (3).
    if none_stated(c, "survival_threatening_certified"):
        return coded(candidate, 2)
    out = (certified == STATED_FALSE).view(np.int8)
    out -= (certified == STATED_TRUE).view(np.int8)
    out += np.int8(2)
    out *= candidate.view(np.int8)  # no (0) where there is no candidate
    return out


def _survival_assumed(c: Columns) -> Column:
    if none_stated(c, "survival_threatening_certified"):  # the usual batch
        return np.zeros(c["survival_threatening_certified"].shape, dtype=bool)
    stated = c["survival_threatening_certified"] != NOT_STATED
    return (c["survival_threatening_provisions_in_force"]
            & (c["armed_attack_on_close_foreign_country"] != NO)
            & stated)


def _survival_hint(r: Row) -> str | None:
    if r["survival_threatening_situation"] == 2:
        return (
            "the Cabinet certifies a survival-threatening situation (three conditions) in a basic "
            "response plan; the Diet approves, in principle beforehand; state "
            "assume.survival_threatening_certified to evaluate either answer"
        )
    return None


def _legal_basis(c: Columns) -> Column:
    # The statute (from 2016-03-29) on the constitutional reading it rests on (2014).
    return c["survival_threatening_provisions_in_force"] & (c["article9_use_of_force"] == 2)


def _legal_basis_hint(r: Row) -> str | None:
    if r["article9_use_of_force"] == 2:
        return _survival_provisions_hint(r)
    return _article9_hint(r) or _survival_provisions_hint(r)


def _collective(c: Columns) -> Column:
    # Available (exercisable) only once the Cabinet has certified a survival-threatening
    # situation; while that is undecided, case by case. The legal basis alone is not enough.
    survival, basis = c["survival_threatening_situation"], c["collective_self_defense_legal_basis"]
    # certified (1) -> YES (1), case_by_case (2) -> CASE_BY_CASE (2), no and not_certified -> NO.
    return survival * (basis & (survival < 3)).view(np.int8)


def _collective_hint(r: Row) -> str | None:
    if r["collective_self_defense_available"] == CASE_BY_CASE:
        return (
            "the legal basis exists, but collective self-defense may be exercised only once the "
            "Cabinet certifies a survival-threatening situation (assume.survival_threatening_certified)"
        )
    return None


def _anticipated(c: Columns) -> Column:
    # Tension in which an attack on Japan is anticipated: the Cabinet recognizes the situation
    # in a basic response plan (Diet approval); the Act draws the category from 2003.
    ctx: LawContext = c.context
    candidate = c["event"] == int(Event.armed_attack_anticipated)
    if not candidate.any():  # the usual batch: no such event, one pass
        return codes(candidate.shape, NO)
    candidate &= is_code(c, "target", ctx.jpn)
    return where(candidate & c["armed_attack_situations_act_in_force"], CASE_BY_CASE, NO)


def _anticipated_hint(r: Row) -> str | None:
    if r["anticipated_armed_attack_situation"] == CASE_BY_CASE:
        return (
            "the Cabinet recognizes an anticipated armed attack situation in a basic response "
            "plan (Diet approval): defense-operation standby and preparations, no use of force"
        )
    if r["event"] == Event.armed_attack_anticipated and r["target"] == r.context.jpn:
        return _since(r, ANTICIPATED, "the Armed Attack Situations Act")
    return None


def _situation(c: Columns) -> Column:
    aasa, on_japan, survival = c["armed_attack_situations_act_in_force"], c["armed_attack_against_japan"], c[
        "survival_threatening_situation"
    ]
    anticipated = c["anticipated_armed_attack_situation"]
    # By priority: an armed attack situation (1), a certified survival-threatening one (2),
    # then an open one (3). On codes 4 - priority (3, 2, 1; 0 for none) the first is the
    # maximum, and (4 - maximum) & 3 is its code again (4 -> 0).
    yes = coded(on_japan == YES, 3)
    np.maximum(yes, coded(survival == 1, 2), out=yes)
    # Open: the attack on Japan or the anticipated attack is case by case (2), or the
    # survival-threatening situation is (2). On tri codes (0, 1, 2) "either is 2" is bit 1
    # of their bitwise or.
    open_ = np.bitwise_or(on_japan, anticipated).view(np.uint8) >> np.uint8(1)
    open_ |= (survival == 2).view(np.uint8)
    np.maximum(yes, open_.view(np.int8), out=yes)
    out = np.subtract(np.int8(4), yes, out=yes)
    out &= np.int8(3)
    out *= aasa.view(np.int8)
    return out


def _situation_cites(r: Row) -> tuple[str, ...]:
    value = r["japan_situation"]
    if value == 1:
        return ("jp-armed-attack-situations-act/art-2/item-2",)
    if value in (2, 3) and r["survival_threatening_situation"] != 0:
        return (SURVIVAL,)
    if value == 3 and r["anticipated_armed_attack_situation"] != NO:
        return (ANTICIPATED,)
    return ()


def _diet(c: Columns) -> Column:
    # A defense operation, or collective self-defense once certified, or while the Cabinet's
    # certification is pending for an attack on the United States (the close country anpo names).
    collective = c["collective_self_defense_available"]
    pending = (collective == CASE_BY_CASE) & (c["armed_attack_on_close_foreign_country"] == YES)
    return c["defense_operation_available"] | (collective == YES) | pending


def _diet_cites(r: Row) -> tuple[str, ...]:
    return ("jp-armed-attack-situations-act/art-9",) if r["day"] >= _tl(r).start(AASA) else ()


def _rear_area(c: Columns) -> Column:
    tl = _tl(c)

    def regime(day: int) -> int:  # the later act wins where both apply (a what-if)
        return 2 if tl.applies(IMPORTANT_INFLUENCE, day) else int(tl.applies(AREAS_SURROUNDING, day))

    acts = (AREAS_SURROUNDING, IMPORTANT_INFLUENCE)
    out = by_day(c, [d for a in acts for d in (tl.start(a), tl.end(a))], regime)
    out *= lookup(_HOSTILE, c["event"]).view(np.int8)
    return out


def _rear_area_cites(r: Row) -> tuple[str, ...]:
    value = r["rear_area_support"]
    if value == 1:
        return ("jp-areas-surrounding-japan-act-1999/rear-area-support",)
    if value == 2:
        return ("jp-important-influence-act/logistic-support",)
    return ()


def _rear_area_hint(r: Row) -> str | None:
    since = _tl(r).start(AREAS_SURROUNDING)
    if r["rear_area_support"] == 0 and r["day"] < since and _HOSTILE[r["event"]]:
        return f"from {iso(since)}, when the Act on Situations in Areas Surrounding Japan took effect"
    return None


def _maritime_security(c: Columns) -> Column:
    # Territorial sea or outside (codes 1 and 2): one unsigned range test (land 0 and NULL
    # -1 wrap to 255 and 254).
    zone = c["zone"]
    if zone.dtype == np.int8:
        at_sea = zone.view(np.uint8) - np.uint8(Zone.territorial_sea) < np.uint8(2)
    else:
        at_sea = (zone == int(Zone.territorial_sea)) | (zone == int(Zone.outside))
    at_sea &= c["sdf_act_in_force"]
    at_sea &= c["event"] == int(Event.gray_zone)
    return at_sea


def _maritime_hint(r: Row) -> str | None:
    if r["event"] == Event.gray_zone and r["zone"] == Zone.land:
        return "on land the police respond first; maritime security operations are for the sea"
    return None


def _missile_destruction(c: Columns) -> Column:
    return (c["event"] == int(Event.missile_inbound)) & since(c, _tl(c).provision_day(BMD_NUMBERS[0]))


def _missile_cites(r: Row) -> tuple[str, ...]:
    return (numbered(_tl(r), BMD_NUMBERS, r["day"]),)


def _missile_hint(r: Row) -> str | None:
    if r["event"] == Event.missile_inbound and r["day"] < _tl(r).provision_day(BMD_NUMBERS[0]):
        return _since(r, BMD_NUMBERS[0], "SDF Act Art. 82-2 (now 82-3; date assumed, see the instrument)")
    return None


# --- U.S. forces' assets; Japanese nationals abroad -----------------------------------------

def _asset_protection(c: Columns) -> Column:
    # Art. 95-2: SDF personnel may use weapons to protect the assets of U.S. (and other) forces
    # engaged in activities contributing to Japan's defense, at their request, never where
    # combat is under way: a gray-zone incident against U.S. forces, not an armed attack.
    ctx: LawContext = c.context
    out = c["event"] == int(Event.gray_zone)
    if not out.any():
        return out
    out &= is_code(c, "target", ctx.usa)
    out &= c["sdf_act_in_force"]
    out &= since(c, _tl(c).provision_day(ASSET_PROTECTION))
    return out


def _asset_protection_hint(r: Row) -> str | None:
    if r["event"] == Event.gray_zone and r["target"] == r.context.usa:
        return _since(r, ASSET_PROTECTION, "SDF Act Art. 95-2 (added by the 2015 legislation)")
    if r["event"] == Event.armed_attack:
        return "Art. 95-2 excludes the scene of combat: an armed attack is met under Art. 76"
    return None


def _abroad(c: Columns) -> Column:
    """An emergency in a foreign state, the SDF Act in force (read-only: transport and
    protection, evaluated one after the other, share it)."""
    event, sdf = c["event"], c["sdf_act_in_force"]

    def make() -> Column:
        out = event == int(Event.emergency_abroad)
        if out.any():  # the usual batch has none: one pass
            japan_or_none = is_code(c, "target", c.context.jpn)
            japan_or_none |= is_code(c, "target", NULL)
            np.greater(out, japan_or_none, out=out)  # and a foreign target
            out &= sdf
        return out

    return c.shared("abroad", make, uses=2)


def _transport(c: Columns) -> Column:
    out = _abroad(c)
    if out.any():
        out = out & since(c, _tl(c).provision_day(TRANSPORT_NUMBERS[0]))
    return out


def _transport_cites(r: Row) -> tuple[str, ...]:
    return (numbered(_tl(r), TRANSPORT_NUMBERS, r["day"]),)


def _transport_hint(r: Row) -> str | None:
    if r["event"] == Event.emergency_abroad and not r["transport_of_nationals_available"]:
        if r["target"] == r.context.jpn or r["target"] == NULL:
            return "the emergency must be abroad: give the country (target) where it happens"
        return _since(r, TRANSPORT_NUMBERS[0], "SDF Act Art. 100-8 (transport of nationals, now 84-4)")
    return None


def _protection(c: Columns) -> Column:
    # Art. 84-3 (from 2016): guarding and rescuing nationals abroad, only where the local
    # authorities keep order and no combat takes place, with the state's consent and assured
    # cooperation; the Prime Minister approves: always case by case.
    abroad = _abroad(c)
    if not abroad.any():
        return codes(abroad.shape, NO)
    return where(abroad & since(c, _tl(c).provision_day(PROTECTION)), CASE_BY_CASE, NO)


def _protection_hint(r: Row) -> str | None:
    if r["protection_of_nationals_abroad"] == CASE_BY_CASE:
        return (
            "protection measures need the local authorities keeping order with no combat there, "
            "the state's consent and assured cooperation; the Prime Minister approves"
        )
    if r["event"] == Event.emergency_abroad:
        return _since(r, PROTECTION, "SDF Act Art. 84-3 (protection measures, 2015 legislation)")
    return None


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "sdf_act_in_force", ("day",), _sdf_act, cites=("jp-sdf-act/art-76",),
        doc="the Self-Defense Forces Act is in force (from 1954-07-01)", hint=_sdf_hint,
    ),
    Condition(
        "article9_use_of_force", ("day",), _article9, labels=ARTICLE9_LABELS,
        cite_row=_article9_cites, hint=_article9_hint,
        doc="the use of force Article 9 permits, as the government reads it on the day",
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
        "collective_self_defense_legal_basis",
        ("survival_threatening_provisions_in_force", "article9_use_of_force"), _legal_basis,
        cites=("jp-sdf-act/art-76/para-1/item-2", "jp-cabinet-decision-2014-07-01/three-conditions"),
        requires=("article9_use_of_force", "survival_threatening_provisions_in_force"),
        hint=_legal_basis_hint,
        doc="the law provides for limited collective self-defense (whether or not it is exercised)",
    ),
    Condition(
        "collective_self_defense_available",
        ("survival_threatening_situation", "collective_self_defense_legal_basis"), _collective,
        cites=("jp-sdf-act/art-76/para-1/item-2", "jp-cabinet-decision-2014-07-01/three-conditions"),
        labels=TRI, hint=_collective_hint,
        requires=("collective_self_defense_legal_basis", "armed_attack_on_close_foreign_country",
                  "survival_threatening_situation"),
        doc="limited collective self-defense may be exercised: only once a survival-threatening "
            "situation is certified",
    ),
    Condition(
        "anticipated_armed_attack_situation",
        ("event", "target", "armed_attack_situations_act_in_force"), _anticipated,
        cites=(ANTICIPATED,), labels=TRI, hint=_anticipated_hint,
        doc="an armed attack on Japan is anticipated (Cabinet recognition)",
    ),
    Condition(
        "japan_situation",
        ("armed_attack_situations_act_in_force", "armed_attack_against_japan",
         "survival_threatening_situation", "anticipated_armed_attack_situation"),
        _situation, labels=SITUATION_LABELS, cite_row=_situation_cites,
        doc="the situation category under the Armed Attack Situations Act",
    ),
    Condition(
        "diet_approval_required",
        ("defense_operation_available", "collective_self_defense_available",
         "armed_attack_on_close_foreign_country", "day"),
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
        cite_row=_missile_cites, hint=_missile_hint,
        doc="inbound missile: destruction measures (Minister of Defense, PM approval)",
    ),
    Condition(
        "us_forces_asset_protection_available", ("sdf_act_in_force", "event", "target", "day"),
        _asset_protection, cites=(ASSET_PROTECTION,), hint=_asset_protection_hint,
        doc="SDF may protect the assets of U.S. forces defending Japan (on U.S. request; Minister "
            "of Defense; not where combat is under way)",
    ),
    Condition(
        "transport_of_nationals_available", ("sdf_act_in_force", "event", "target", "day"),
        _transport, cite_row=_transport_cites, hint=_transport_hint,
        doc="SDF transport of Japanese nationals out of an emergency abroad (Foreign Minister's "
            "request; Minister of Defense, if it can be done safely)",
    ),
    Condition(
        "protection_of_nationals_abroad", ("sdf_act_in_force", "event", "target", "day"),
        _protection, cites=(PROTECTION,), labels=TRI, hint=_protection_hint,
        doc="SDF protection measures (guarding, rescue) for nationals abroad (PM approval)",
    ),
)
