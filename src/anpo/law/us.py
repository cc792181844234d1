"""U.S. law: the War Powers Resolution (1973)."""

from __future__ import annotations

from anpo.core.codes import Article5Status, UsAction
from anpo.law.common import YES, LawContext, day_of, in_force, iso
from anpo.law.engine import Column, Columns, Condition, Row

WPR = "us-war-powers-resolution"
REPORT_HOURS = 48
CLOCK_DAYS = 60
EXTENSION_DAYS = 30


def _wpr(c: Columns) -> Column:
    return in_force(WPR, c["day"])


def _wpr_hint(r: Row) -> str | None:
    return f"from {iso(day_of(WPR))}, when the War Powers Resolution was enacted"


def _hostilities(c: Columns) -> Column:
    ctx: LawContext = c.context
    attacked = (c["armed_attack"] == YES) & (c["target"] == ctx.usa)
    return (
        attacked
        | (c["article5"] == Article5Status.applies)
        | (c["us_action"] == UsAction.combat_operations_from_japan)
    )


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
)
