"""U.S. law: the War Powers Resolution (1973) and the Taiwan Relations Act (1979)."""

from __future__ import annotations

from anpo.core.codes import Article5Status, Event, OperationArea, UsAction
from anpo.core.dates import FOREVER
from anpo.law.common import YES, LawContext, event_table, instrument_in_force, is_code, iso, lookup
from anpo.law.engine import Column, Columns, Condition, Row

WPR = "us-war-powers-resolution"
TRA = "us-taiwan-relations-act"
TRA_THREAT = "us-taiwan-relations-act/sec-3302-c"
TRA_POLICY = "us-taiwan-relations-act/sec-3301-b"
_THREATS = event_table(Event.armed_attack, Event.cyber_attack, Event.space_attack, Event.gray_zone,
                       Event.missile_inbound, Event.armed_attack_anticipated)
REPORT_HOURS = 48
CLOCK_DAYS = 60
EXTENSION_DAYS = 30


def _wpr(c: Columns) -> Column:
    return instrument_in_force(c, WPR)


def _wpr_hint(r: Row) -> str | None:
    start = r.context.timeline.start(WPR)
    if start == FOREVER:
        return "the War Powers Resolution is switched off in this what-if"
    return f"from {iso(start)}, when the War Powers Resolution was enacted"


def _taiwan(c: Columns) -> Column:
    # A threat to Taiwan's security: a hostile event against Taiwan or on what it administers,
    # or U.S. combat operations from Japan directed at Taiwan. The Act obliges the President to
    # inform Congress; it does not oblige the United States to defend Taiwan.
    ctx: LawContext = c.context
    # (Taiwan administers only its land and territorial sea: `administered_by` says so.)
    threat = (is_code(c, "target", ctx.twn)) | (is_code(c, "administered_by", ctx.twn))
    threat &= lookup(_THREATS, c["event"])
    area = c["operation_area"]
    operations = area == int(OperationArea.taiwan) if area.any() else None  # (none is code 0)
    if operations is not None and operations.any():
        threat |= operations & (c["us_action"] == int(UsAction.combat_operations_from_japan))
    threat &= instrument_in_force(c, TRA)
    return threat


def _taiwan_hint(r: Row) -> str | None:
    start = r.context.timeline.start(TRA)
    if r["day"] < start and r["target"] == r.context.twn:
        return f"from {iso(start)}, when the Taiwan Relations Act was enacted"
    return None


def _hostilities(c: Columns) -> Column:
    ctx: LawContext = c.context
    attacked = (c["armed_attack"] == YES) & (is_code(c, "target", ctx.usa))
    attacked |= c["article5"] == int(Article5Status.applies)
    attacked |= c["us_action"] == int(UsAction.combat_operations_from_japan)
    return attacked


def _hostilities_hint(r: Row) -> str | None:
    return "no armed attack on the United States, no Article V case, no combat operations from Japan"


def _report(c: Columns) -> Column:
    return c["war_powers_resolution_in_force"] & c["us_forces_introduced_into_hostilities"]


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "war_powers_resolution_in_force", ("day",), _wpr, cites=("us-war-powers-resolution/sec-3",),
        doc="the War Powers Resolution is in force (from 1973-11-07)", hint=_wpr_hint,
    ),
    Condition(
        "us_forces_introduced_into_hostilities",
        ("armed_attack", "target", "article5", "us_action"), _hostilities,
        cites=("us-japan-1960/art-5/para-1",), hint=_hostilities_hint,
        doc="U.S. forces are introduced into hostilities (attack on the U.S., Article V, combat from Japan)",
    ),
    Condition(
        "war_powers_report_required",
        ("war_powers_resolution_in_force", "us_forces_introduced_into_hostilities"), _report,
        cites=("us-war-powers-resolution/sec-4-a-1", "us-war-powers-resolution/sec-5-b"),
        requires=("war_powers_resolution_in_force", "us_forces_introduced_into_hostilities"),
        doc="the President reports to Congress within 48 hours; the 60-day (+30) clock starts",
    ),
    Condition(
        "taiwan_relations_act_applies",
        ("event", "target", "administered_by", "us_action", "operation_area", "day"), _taiwan,
        cites=(TRA_THREAT, TRA_POLICY), hint=_taiwan_hint,
        doc="a threat to Taiwan: the President informs Congress promptly; President and Congress "
            "determine the U.S. response by constitutional processes",
    ),
)
