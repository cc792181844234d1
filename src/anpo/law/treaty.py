"""The security treaties: 1951 and 1960 (Arts V, VI, X), the Agreed Minute, the Exchange of
Notes on prior consultation and the Korea Minute.

Each condition below is one legal concept; its formula works on whole columns.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from anpo.core.codes import NULL, Article5Status, Event, OperationArea, UsAction, Zone, country_name
from anpo.core.dates import FOREVER, to_day
from anpo.core.errors import InputError
from anpo.law import instruments
from anpo.law.common import (
    CASE_BY_CASE,
    NO,
    NOT_STATED,
    STATED_TRUE,
    TRI,
    TRI_PLACE,
    UNKNOWN,
    YES,
    LawContext,
    anniversary,
    coded,
    codes,
    day_of,
    event_table,
    instrument_in_force,
    is_code,
    iso,
    lookup,
    none_stated,
    zone_in_territory,
)
from anpo.law.engine import Column, Columns, Condition, Row

T1960 = "us-japan-1960"
TREATY_LABELS = ("none", "1951", "1960")
CYBER_STATEMENT = "scc-2019-cyber/cyber-article-5"
SPACE_STATEMENT = "scc-2023-space/space-article-5"
SENKAKU_STATEMENTS = (
    "us-statements-senkaku/clinton-2010",
    "us-statements-senkaku/obama-2014",
    "us-statements-senkaku/joint-statement-2017",
    "us-statements-senkaku/joint-statement-2025",
)
NOT_ADMINISTERED = "jp-cabinet-answer-2019-11-29/not-administered"
# Reversion agreements with their own article applying the security treaty to the returned
# islands (the instrument of each reversion comes from the geography, units.yaml).
TREATIES_EXTENDED_BY = {"okinawa-reversion-1971": ("okinawa-reversion-1971/art-2",)}
PEACE_TREATY = "treaty-of-peace-1951"

_JUDGEABLE = event_table(Event.cyber_attack, Event.space_attack)


# --- Treaty in force (1951 treaty; 1960 treaty Arts VIII, IX, X) ---------------------------

def _t1951(c: Columns) -> Column:
    # The 1951 treaty ended when the 1960 treaty took effect (its Art. IX): `ended_with`.
    return instrument_in_force(c, "us-japan-1951")


def termination_day(notice_day: Column) -> Column:
    """Article X: the day the treaty stops being in force, one year after the notice."""
    out = np.full(notice_day.shape, FOREVER, dtype=np.int32)
    given = notice_day != FOREVER
    if given.any():
        for n in np.unique(notice_day[given]).tolist():
            out[notice_day == n] = anniversary(n)
    return out


def _terminated(c: Columns) -> Column:
    notice = c["termination_notice_day"]
    # (Asked twice an evaluation: for the value and for the assumption mark. Two reductions,
    # no column: every row is FOREVER when the least and the greatest are.)
    given = c.shared("notice_given", lambda: bool(notice.size) and (
        int(notice.min()) != FOREVER or int(notice.max()) != FOREVER))
    if not given:
        return np.zeros(notice.shape, dtype=bool)  # no notice assumed (the usual batch): nothing ends
    return c["day"] >= termination_day(notice)


def _terminated_hint(r: Row) -> str | None:
    notice = r["termination_notice_day"]
    if notice == FOREVER:
        return None
    return f"notice assumed on {iso(notice)}: the treaty ends on {iso(anniversary(notice))}"


def _t1960(c: Columns) -> Column:
    # In force and not terminated: on booleans a > b is a and not b (one pass).
    return np.greater(instrument_in_force(c, T1960), c["article10_termination_effective"])


def _t1960_hint(r: Row) -> str | None:
    start = r.context.timeline.start(T1960)
    if start == FOREVER:
        return "the 1960 treaty is switched off in this what-if"
    if r["day"] < start:
        return f"would apply from {iso(start)}, when the 1960 treaty entered into force"
    notice = r["termination_notice_day"]
    if notice != FOREVER:
        return (
            f"the treaty ended on {iso(anniversary(notice))}, one year after the termination "
            f"notice assumed on {iso(notice)} (Art. X)"
        )
    return None


def _treaty(c: Columns) -> Column:
    out = coded(c["security_treaty_1951_in_force"], 1)
    return np.maximum(out, coded(c["mutual_cooperation_treaty_1960_in_force"], 2), out=out)  # 1960 wins


# --- Article V ------------------------------------------------------------------------------

def _armed_attack(c: Columns) -> Column:
    event, judged = c["event"], c["armed_attack_judged"]
    out = (event == int(Event.armed_attack)).view(np.int8)  # YES (1): the comparison itself
    judgeable = lookup(_JUDGEABLE, event)
    if judgeable.any():
        # Whether a cyber or space attack is an armed attack is for the two governments, case
        # by case, at every date: the SCC statements (2019, 2023) affirmed that reading of
        # Article V, they did not create it. A stated judgment decides (NO is code 0).
        if none_stated(c, "armed_attack_judged"):
            out += coded(judgeable, CASE_BY_CASE)
            return out
        verdict = coded(judged == NOT_STATED, CASE_BY_CASE)
        verdict += (judged == STATED_TRUE).view(np.int8)  # YES
        verdict *= judgeable.view(np.int8)
        out += verdict  # disjoint from the armed attacks
    return out


def _armed_attack_assumed(c: Columns) -> Column:
    if none_stated(c, "armed_attack_judged"):
        return np.zeros(c["armed_attack_judged"].shape, dtype=bool)
    stated = c["armed_attack_judged"] != NOT_STATED
    if stated.any():
        stated &= lookup(_JUDGEABLE, c["event"])
    return stated


def _statement(event: int) -> str | None:
    if event == Event.cyber_attack:
        return CYBER_STATEMENT
    if event == Event.space_attack:
        return SPACE_STATEMENT
    return None


def _armed_attack_cites(r: Row) -> tuple[str, ...]:
    # The SCC statement only from the day it was made (and not in a what-if without it).
    statement = _statement(r["event"])
    if statement is not None and r["day"] >= r.context.timeline.provision_day(statement):
        return (statement,)
    return ()


def _armed_attack_hint(r: Row) -> str | None:
    event, value = Event(r["event"]), r["armed_attack"]
    statement = _statement(int(event))
    if statement is not None:
        if value != CASE_BY_CASE:
            return None
        since = r.context.timeline.provision_day(statement)
        kind = event.name.replace("_", " ")
        if r["day"] < since:
            said = f"the SCC first said so on {iso(since)}" if since != FOREVER else "none in this what-if"
            return (
                f"no alliance statement yet says a {kind} can be an armed attack under Article V "
                f"({said}); the reading does not depend on one: the two governments would decide "
                "case by case; state assume.armed_attack_judged to evaluate either answer"
            )
        return (
            "the two governments decide case by case whether this is an armed attack; "
            "state assume.armed_attack_judged to evaluate either answer"
        )
    if event is Event.gray_zone:
        return (
            "coercion below the armed-attack threshold: police, the Japan Coast Guard and "
            "maritime security operations (SDF Act Art. 82) respond, not Article V"
        )
    if event is Event.missile_inbound:
        return (
            "an inbound missile not judged an armed attack: destruction measures under the SDF "
            "Act (Art. 82-2 from 2005, renumbered 82-3 in 2009), not Article V"
        )
    if event is Event.armed_attack_anticipated:
        return "an armed attack is anticipated, none has occurred: not yet Article V"
    if event is Event.emergency_abroad:
        return "an emergency abroad endangering Japanese nationals: not an armed attack"
    if event is Event.none:
        return "no hostile event in the scenario"
    return None


def _party(c: Columns) -> Column:
    ctx: LawContext = c.context
    return (is_code(c, "target", ctx.jpn)) | (is_code(c, "target", ctx.usa))


def _party_hint(r: Row) -> str | None:
    target = country_name(r["target"])
    if target is None:
        return "Article V concerns an armed attack against Japan or the United States; no target given"
    return f"Article V concerns an armed attack against Japan or the United States, not {target}"


def _administered(c: Columns) -> Column:
    ctx: LawContext = c.context
    out = (zone_in_territory(c["zone"]) & (is_code(c, "administered_by", ctx.jpn))).view(np.int8)  # YES (1)
    out += coded(c["zone"] == NULL, UNKNOWN)  # no place is no territory: disjoint codes add
    return out


def _administered_cites(r: Row) -> tuple[str, ...]:
    ctx: LawContext = r.context
    day, value = r["day"], r["in_territories_under_japanese_administration"]
    out: list[str] = []
    tl = ctx.timeline
    if day >= tl.provision_day("jp-cabinet-answer-2014-05-30/administration"):
        out.append("jp-cabinet-answer-2014-05-30/administration")
    # The unit and its claims are read only where a citation depends on them: a list's texts
    # are kept by what their build read (`api.full_results`), so rows at places whose
    # citations do not name the place share one text.
    if value == YES:
        code = r["unit"]
        if code != NULL:
            # The instrument that returned the unit, as the geography records it.
            returned_by = ctx.reversion_instrument[code]
            if returned_by is not None and int(ctx.reversion_day[code]) <= day:
                out.append(returned_by)
                out.extend(TREATIES_EXTENDED_BY.get(instruments.instrument_of(returned_by).id, ()))
            claims = r["claims"]
            if claims != NULL and ctx.claim_sets[claims]:
                # A disputed island Japan administers: administration decides (U.S. statements).
                out.extend(p for p in SENKAKU_STATEMENTS if tl.provision_day(p) <= day)
    elif value == NO:
        claims = r["claims"]
        if claims != NULL and bool(ctx.japan_claims[claims]):
            # A place Japan claims but does not administer: the statement the geography names
            # for the period (Takeshima, the Northern Territories), once it was made, then the
            # 2019 answer that covers both.
            stated = ctx.period_instrument(r["unit"], day)
            if stated is not None and tl.provision_day(stated) <= day:
                out.append(stated)
            if day >= tl.provision_day(NOT_ADMINISTERED):
                out.append(NOT_ADMINISTERED)
    at_sea = r["zone"] == Zone.territorial_sea or r["specified_area"] != NULL
    if at_sea:
        # Japan's law draws only Japan's territorial sea (not Korea's side of the Tsushima Strait).
        unit = ctx.unit(r["unit"])
        if unit is not None and unit.regime == "japan" and day >= day_of("jp-territorial-sea-law-1977"):
            out.append("jp-territorial-sea-law-1977/art-1")
            if r["specified_area"] != NULL:
                out.append("jp-territorial-sea-law-1977/supplementary/para-2")
    return tuple(dict.fromkeys(out))


def _administered_hint(r: Row) -> str | None:
    ctx: LawContext = r.context
    value, zone, day = r["in_territories_under_japanese_administration"], r["zone"], r["day"]
    if value == UNKNOWN:
        return (
            "no location given: Article V covers only territories under the administration of "
            "Japan; give lat/lon of the affected system"
        )
    if value == YES:
        return None
    unit = ctx.unit(r["unit"])
    if zone in (Zone.land, Zone.territorial_sea) and unit is not None:
        # (`Unit.first_japanese_administration_after`, the day compared as a day number:
        # see `LawContext.period_instrument`)
        later = next((p for p in unit.history
                      if day < to_day(p.start) and p.administered_by == "JPN"), None)
        if later is not None:
            return (
                f"would apply from {later.start.isoformat()}, when {unit.name} reverted to "
                f"Japanese administration"
            )
        admin = country_name(r["administered_by"])
        claims = r["claims"]
        claimed = ctx.claim_sets[claims] if claims != NULL else ()
        claim_text = f", claimed by {', '.join(claimed)}" if claimed else ""
        return (
            f"{unit.name} is administered by {admin or 'no state'}{claim_text}: Article V follows "
            f"administration, not sovereignty"
        )
    distance, breadth = r["coast_distance_nm"], r["territorial_sea_nm"]
    if zone == Zone.outside and distance == distance:  # not NaN
        where = ""
        if r["specified_area"] != NULL:
            where = f" inside a strait ({ctx.specified_areas[r['specified_area']]})"
        sea = f" where the territorial sea is {breadth:g} nm" if breadth == breadth else ""
        return f"the point is {distance:.1f} nm from the coast{where}{sea}: outside the territorial sea"
    admin = country_name(r["administered_by"])
    if admin is not None:
        return f"the place is administered by {admin}, not Japan"
    return "the place is outside every territory under the administration of Japan"


def _article5(c: Columns) -> Column:
    treaty = c["mutual_cooperation_treaty_1960_in_force"] & c["attack_on_a_party"]
    attack, place = c["armed_attack"], c["in_territories_under_japanese_administration"]
    # Both are tri codes (no 0, yes 1, case by case or unknown 2), so their product is 0 when
    # either is no, 1 when both are yes and 2 or 4 when one is open: 4 made 2, that is the
    # status (does not apply 0, applies 1, case by case 2). (np.minimum with a scalar is not
    # vectorized: 30 times slower than these passes.)
    out = attack * place
    out -= coded(out == 4, 2)
    out *= treaty.view(np.int8)
    return out


assert (NO, YES, CASE_BY_CASE, UNKNOWN) == (0, 1, 2, 2)
assert [int(s) for s in Article5Status] == [0, 1, 2]  # does_not_apply, applies, case_by_case


def _un_report(c: Columns) -> Column:
    return c["article5"] == int(Article5Status.applies)


def _may_be_utilized(c: Columns) -> Column:
    return c["security_treaty_1951_in_force"]


# --- Agreed Minute (Article III islands) ----------------------------------------------------

def _article3_islands(c: Columns) -> Column:
    ctx: LawContext = c.context
    unit = c["unit"]
    # Only the islands Art. III placed under U.S. administration (the geography names the
    # article in their U.S. period), until they reverted: never Guam or the Northern Marianas,
    # which the U.S. administers in its own right. Art. III speaks from the Peace Treaty's entry
    # into force: U.S. rule before it was occupation, and islands returned earlier (Tokara)
    # were never Article III islands.
    day = c["day"]
    out = is_code(c, "administered_by", ctx.usa)
    rows = np.flatnonzero(out)  # few: U.S.-administered land and sea
    if len(rows):
        u, d = unit[rows], day[rows]
        out[rows] = (
            (u >= 0)
            & (d < ctx.article3_until[np.maximum(u, 0)])
            & zone_in_territory(c["zone"][rows])
            & c.context.timeline.in_force(PEACE_TREATY, d)
        )
    return out


def _article3_hint(r: Row) -> str | None:
    ctx: LawContext = r.context
    unit = ctx.unit(r["unit"])
    if unit is None:
        return None
    rev = int(ctx.reversion_day[r["unit"]])
    if rev != FOREVER and rev <= r["day"]:
        return f"{unit.name} reverted to Japanese administration on {iso(rev)}: Article V applies instead"
    if not ctx.article3_unit[r["unit"]] and r["administered_by"] == ctx.usa:
        return (
            f"{unit.name} was never placed under U.S. administration by Peace Treaty Art. III: "
            "the Agreed Minute covers only those islands, until they reverted"
        )
    return None


def _agreed_minute(c: Columns) -> Column:
    return (
        c["mutual_cooperation_treaty_1960_in_force"]
        & (c["armed_attack"] == YES)
        & c["article3_islands_under_us_administration"]
    )


# --- Prior consultation (Exchange of Notes; Korea Minute) -----------------------------------

_CONSULTED_ACTIONS = np.zeros(len(UsAction), dtype=bool)
_CONSULTED_ACTIONS[[UsAction.major_deployment_change, UsAction.major_equipment_change]] = True


def _subject(c: Columns) -> Column:
    combat = np.greater(c["us_action"] == int(UsAction.combat_operations_from_japan),
                        c["article5"] == int(Article5Status.applies))  # and not Article V
    return lookup(_CONSULTED_ACTIONS, c["us_action"]) | combat


def _subject_cites(r: Row) -> tuple[str, ...]:
    action = r["us_action"]
    if action == UsAction.major_deployment_change:
        return ("us-japan-1960-exchange-of-notes/deployment",
                "fujiyama-macarthur-understanding/deployment-threshold")
    if action == UsAction.major_equipment_change:
        return ("us-japan-1960-exchange-of-notes/equipment",
                "fujiyama-macarthur-understanding/equipment-threshold")
    return ("us-japan-1960-exchange-of-notes/combat-operations",)


def _subject_hint(r: Row) -> str | None:
    action = r["us_action"]
    if action == UsAction.none:
        return "no U.S. action in the scenario (us_action)"
    if action == UsAction.combat_operations_from_japan:
        return "combat operations under Article V are not subject to prior consultation"
    return None


def _prior_consultation(c: Columns) -> Column:
    return c["mutual_cooperation_treaty_1960_in_force"] & c["subject_of_prior_consultation"]


def _korea_minute(c: Columns) -> Column:
    ctx: LawContext = c.context
    out = (is_code(c, "administered_by", ctx.korea[0])) | (is_code(c, "administered_by", ctx.korea[1]))
    out &= c["us_action"] == int(UsAction.combat_operations_from_japan)
    rows = np.flatnonzero(out)  # few: combat operations for a place Korea administers
    if len(rows):
        claims = c["claims"][rows]
        # Takeshima is administered by Korea but is not the peninsula: leave out what Japan claims.
        japan_claims = ctx.japan_claims[np.maximum(claims, 0)] & (claims >= 0)
        out[rows] = (
            c["mutual_cooperation_treaty_1960_in_force"][rows]
            & zone_in_territory(c["zone"][rows])
            & ~japan_claims
        )
    return out


# --- Article VI: the "Far East" (1960 government view) ----------------------------------------

FAR_EAST_VIEW = "jp-government-view-1960-far-east/scope"
FAR_EAST_BEYOND = "jp-government-view-1960-far-east/action-beyond-the-area"
FAR_EAST_LABELS = ("no_operation", "inside", "outside", "case_by_case", "unknown")
NO_OPERATION, INSIDE, OUTSIDE, OPEN, UNKNOWN_AREA = range(5)

# The stated operation_area, read against the 1960 view: "roughly" the area north of the
# Philippines, Japan and its surroundings, including the areas under the control of the
# Republic of Korea and of the Republic of China (Taiwan). The Philippines sit on its edge and
# the South China Sea south of it: the view leaves them to the governments' reading.
_AREA_FAR_EAST = np.full(len(OperationArea), OPEN, dtype=np.int8)
_AREA_FAR_EAST[[OperationArea.japan, OperationArea.korea, OperationArea.taiwan]] = INSIDE
_AREA_FAR_EAST[[OperationArea.middle_east, OperationArea.indian_ocean, OperationArea.elsewhere]] = OUTSIDE
_AREA_FAR_EAST[OperationArea.none] = UNKNOWN_AREA


def _far_east(c: Columns) -> Column:
    combat = c["us_action"] == int(UsAction.combat_operations_from_japan)
    if not combat.any():
        return codes(combat.shape, NO_OPERATION)
    area = c["operation_area"]
    if not area.any():  # no area stated (none is code 0): a reduction, no column
        out = _far_east_from_place(c)
    else:
        unstated = area == int(OperationArea.none)
        out = lookup(_AREA_FAR_EAST, area)
        if unstated.any():
            out = np.where(unstated, _far_east_from_place(c), out).astype(np.int8)
    out *= combat.view(np.int8)  # NO_OPERATION (0) without combat operations
    return out


def _far_east_from_place(c: Columns) -> Column:
    # No area stated: the place of the event. Land or sea of Japan, the ROK or Taiwan (or an
    # Article III island under U.S. administration) is inside; the high seas and other states
    # are left open by the view; no place: unknown.
    ctx: LawContext = c.context
    named = (is_code(c, "administered_by", ctx.jpn)) | (is_code(c, "administered_by", ctx.korea[0]))
    named |= is_code(c, "administered_by", ctx.twn)
    # (An Article III island is land or sea, never an unknown place.)
    named &= zone_in_territory(c["zone"])
    inside = np.logical_or(named, c["article3_islands_under_us_administration"], out=named)
    out = coded(inside, INSIDE - OPEN)
    out += (c["zone"] == NULL).view(np.int8)  # UNKNOWN_AREA - OPEN (1), disjoint from inside
    out += np.int8(OPEN)
    return out


assert (NO_OPERATION, INSIDE, OPEN, UNKNOWN_AREA) == (0, 1, 3, 4)
assert int(OperationArea.none) == 0  # `area.any()`: some area is stated


def _far_east_cites(r: Row) -> tuple[str, ...]:
    if r["operation_in_far_east"] == NO_OPERATION:
        return ()
    if r["day"] < r.context.timeline.provision_day(FAR_EAST_VIEW):
        return ("us-japan-1960/art-6",) if r["day"] >= r.context.timeline.start(T1960) else ()
    out = ["us-japan-1960/art-6", FAR_EAST_VIEW]
    if r["operation_in_far_east"] in (OUTSIDE, OPEN):
        out.append(FAR_EAST_BEYOND)
    return tuple(out)


def _far_east_hint(r: Row) -> str | None:
    value = r["operation_in_far_east"]
    if value == OUTSIDE:
        return (
            "outside the Far East of the 1960 government view: Article VI grants the facilities "
            "for Japan's security and for peace and security in the Far East; the view lets U.S. "
            "action reach beyond the area only to meet an attack on, or a threat to, the area; "
            "prior consultation applies either way"
        )
    if value == OPEN:
        return (
            "the 1960 view draws the area only roughly (north of the Philippines, Japan and its "
            "surroundings, the areas under ROK and ROC control): whether this area is in it is "
            "left to the governments' reading; state operation_area to name it"
        )
    if value == UNKNOWN_AREA:
        return "no area given: state operation_area (or lat/lon of the event)"
    return None


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "security_treaty_1951_in_force", ("day",), _t1951,
        cites=("us-japan-1951/art-1", "us-japan-1960/art-9"),
        doc="the 1951 Security Treaty is in force (1952-04-28 until the 1960 treaty replaced it)",
    ),
    Condition(
        "article10_termination_effective", ("day", "termination_notice_day"), _terminated,
        cites=("us-japan-1960/art-10",),
        doc="a termination notice under Art. X has taken effect (one year after the notice)",
        assumed=_terminated, hint=_terminated_hint,
    ),
    Condition(
        "mutual_cooperation_treaty_1960_in_force",
        ("day", "article10_termination_effective"), _t1960,
        cites=("us-japan-1960/art-8", "us-japan-1960/art-10"),
        doc="the 1960 Treaty of Mutual Cooperation and Security is in force",
        hint=_t1960_hint,
    ),
    Condition(
        "security_treaty_in_force",
        ("security_treaty_1951_in_force", "mutual_cooperation_treaty_1960_in_force"), _treaty,
        cites=("us-japan-1960/art-9",), labels=TREATY_LABELS,
        doc="which security treaty is in force",
    ),
    Condition(
        "us_forces_may_be_utilized_for_japan", ("security_treaty_1951_in_force",), _may_be_utilized,
        cites=("us-japan-1951/art-1",),
        doc="1951 treaty: U.S. forces in Japan may be used for Japan's security, with no obligation",
    ),
    Condition(
        "armed_attack", ("event", "armed_attack_judged", "day"), _armed_attack,
        cites=("us-japan-1960/art-5/para-1", "un-charter/art-51"), labels=TRI,
        doc="the event is an armed attack (cyber and space: a judgment of the two governments)",
        assumed=_armed_attack_assumed, cite_row=_armed_attack_cites, hint=_armed_attack_hint,
    ),
    Condition(
        "attack_on_a_party", ("target",), _party,
        cites=("us-japan-1960/art-5/para-1",),
        doc="the target is Japan or the United States", hint=_party_hint,
    ),
    Condition(
        "in_territories_under_japanese_administration",
        ("zone", "administered_by"), _administered,
        cites=("us-japan-1960/art-5/para-1",), labels=TRI_PLACE,
        doc="the place is land or territorial sea (and the airspace above) administered by Japan",
        cite_row=_administered_cites, hint=_administered_hint,
    ),
    Condition(
        "article5",
        (
            "mutual_cooperation_treaty_1960_in_force", "attack_on_a_party", "armed_attack",
            "in_territories_under_japanese_administration",
        ),
        _article5,
        cites=("us-japan-1960/art-5/para-1",),
        labels=tuple(s.name for s in Article5Status),
        requires=(
            "mutual_cooperation_treaty_1960_in_force", "armed_attack", "attack_on_a_party",
            "in_territories_under_japanese_administration",
        ),
        doc="Article V: each party acts to meet the common danger",
    ),
    Condition(
        "un_security_council_report_required", ("article5",), _un_report,
        cites=("us-japan-1960/art-5/para-2", "un-charter/art-51"),
        doc="the attack and the measures taken are reported to the UN Security Council at once",
    ),
    Condition(
        "article3_islands_under_us_administration",
        ("day", "zone", "unit", "administered_by"), _article3_islands,
        cites=("treaty-of-peace-1951/art-3",),
        doc="the place is an Article III island (Ryukyu, Bonin...) still under U.S. administration",
        hint=_article3_hint,
    ),
    Condition(
        "agreed_minute_applies",
        ("mutual_cooperation_treaty_1960_in_force", "armed_attack",
         "article3_islands_under_us_administration"),
        _agreed_minute,
        cites=("us-japan-1960-agreed-minute/japan", "us-japan-1960-agreed-minute/us"),
        requires=(
            "mutual_cooperation_treaty_1960_in_force", "armed_attack",
            "article3_islands_under_us_administration",
        ),
        doc="Agreed Minute: the U.S. consults at once and intends to defend the islands",
    ),
    Condition(
        "subject_of_prior_consultation", ("us_action", "article5"), _subject,
        cites=(), cite_row=_subject_cites, hint=_subject_hint,
        doc="the U.S. action is one the Exchange of Notes makes subject to prior consultation",
    ),
    Condition(
        "prior_consultation_required",
        ("mutual_cooperation_treaty_1960_in_force", "subject_of_prior_consultation"),
        _prior_consultation,
        cites=("us-japan-1960/art-6",),
        requires=("mutual_cooperation_treaty_1960_in_force", "subject_of_prior_consultation"),
        doc="the United States must consult Japan before acting",
    ),
    Condition(
        "korea_minute_noted",
        ("mutual_cooperation_treaty_1960_in_force", "us_action", "zone", "administered_by", "claims"),
        _korea_minute,
        cites=("korea-minute-1960/para-1",),
        doc="combat operations for a Korean emergency: the 1960 Korea Minute is relevant",
    ),
    Condition(
        "operation_in_far_east",
        ("us_action", "operation_area", "administered_by", "zone", "article3_islands_under_us_administration",
         "day"), _far_east,
        labels=FAR_EAST_LABELS, cite_row=_far_east_cites, hint=_far_east_hint,
        doc="combat operations from Japan directed inside the Article VI 'Far East' (1960 view)",
    ),
)


def check_termination_notice(notice: dt.date | None, row: int | None = None) -> None:
    """Art. X: notice may be given only once the treaty has been in force ten years."""
    if notice is None:
        return
    earliest = instruments.named_date(T1960, "earliest_termination_notice")
    if notice < earliest:
        raise InputError(
            "assume.termination_notice",
            f"{notice.isoformat()} is before {earliest.isoformat()}: under Art. X of the 1960 "
            "treaty notice may be given only after it has been in force for ten years",
            row,
        )
