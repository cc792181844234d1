"""Realignment as plans against outcomes: targets, what happened, slippage, cost estimates.

Slippage is computed from the target's last allowed day to the outcome's date; for an item
still open it is a lower bound, measured to the date of the latest source that shows it open.
A schedule (e.g. MOD's '12 years from the design-change approval') is projected from the dated
event it counts from, so the Futenma return estimate is computed, not typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from anpo import data
from anpo.core.errors import DataError, InputError
from anpo.posture.cited import validate_file
from anpo.posture.realignment_schema import PlanItem, RealignmentFile, Schedule

PLANS_FILE = "realignment/plans.yaml"
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Slippage:
    """Years from the target to the outcome (negative: early); `at_least` for open items."""

    years: float | None
    at_least: bool
    measured_to: dt.date | None

    def text(self) -> str:
        if self.years is None:
            when = "" if self.measured_to is None else f" as of {self.measured_to.isoformat()}"
            return f"not due{when}"
        if self.at_least:
            return f">= {self.years:.1f} y (open)"
        return "on time" if self.years <= 0 else f"{self.years:.1f} y"


@cache
def realignment() -> RealignmentFile:
    """The plans file, validated (references, dates and parts checked)."""
    parsed = validate_file(RealignmentFile, data.read_yaml(PLANS_FILE), PLANS_FILE)
    from anpo.posture.changes import changes

    events = {c.id for c in changes()}
    for s in parsed.schedules:
        if s.from_event not in events:
            raise DataError(
                f"{PLANS_FILE}: {s.id}: from_event {s.from_event!r} is not in posture/changes.yaml"
            )
    return parsed


def _years(a: dt.date, b: dt.date) -> float:
    return round((b - a).days / DAYS_PER_YEAR, 2)


def slippage(item: PlanItem) -> Slippage:
    """How late the item came (or, if open, how late it is at least)."""
    o = item.outcome
    if o.date is not None:
        return Slippage(_years(item.target.date, o.date), False, o.date)
    assert o.as_of is not None
    if o.as_of <= item.target.date:
        return Slippage(None, False, o.as_of)
    return Slippage(_years(item.target.date, o.as_of), True, o.as_of)


def plan_ids() -> tuple[str, ...]:
    return tuple(p.id for p in realignment().plans)


def items(plan: str | None = None) -> list[PlanItem]:
    """Items of one plan (InputError naming `plan` if unknown) or of all plans."""
    if plan is not None and plan not in plan_ids():
        raise InputError("plan", f"unknown plan {plan!r}; accepted: {', '.join(plan_ids())}")
    return [i for i in realignment().items if plan is None or i.plan == plan]


def _plan_title_ja(plan_id: str) -> str | None:
    return next((p.title_ja for p in realignment().plans if p.id == plan_id), None)


def item_dict(item: PlanItem) -> dict[str, object]:
    s = slippage(item)
    o, t = item.outcome, item.target
    return {
        "id": item.id, "plan": item.plan, "plan_ja": _plan_title_ja(item.plan),
        "item": item.item, "item_ja": item.item_ja,
        "target": t.wording, "target_ja": item.target_ja, "target_date": t.date.isoformat(),
        "target_precision": t.precision,
        "status": o.status, "outcome_date": o.date.isoformat() if o.date else None,
        "outcome_precision": o.precision if o.date else None,
        "open_as_of": o.as_of.isoformat() if o.as_of and o.date is None else None,
        "outcome": o.text, "outcome_ja": item.outcome_ja, "area_ha": o.area_ha,
        "slippage_years": s.years, "slippage_at_least": s.at_least, "slippage": s.text(),
        "target_source": t.source, "target_url": t.url or None, "target_confidence": t.confidence,
        "outcome_source": o.source, "outcome_url": o.url or None, "outcome_read_from": o.read_from,
        "outcome_confidence": o.confidence,
    }


def projected(schedule: Schedule) -> dt.date:
    """The date a schedule gives: its start event's date plus its years."""
    from anpo.posture.changes import changes

    start = next(c.date for c in changes() if c.id == schedule.from_event)
    whole = int(schedule.years)
    base = start.replace(year=start.year + whole) if not (start.month == 2 and start.day == 29) \
        else dt.date(start.year + whole, 2, 28)
    return base + dt.timedelta(days=round((schedule.years - whole) * DAYS_PER_YEAR))


def schedule_dict(s: Schedule) -> dict[str, object]:
    return {"id": s.id, "project": s.project, "published": s.date.isoformat(), "years": s.years,
            "from_event": s.from_event, "projected_completion": projected(s).isoformat(),
            "text": s.text, "text_ja": s.text_ja, "source": s.source, "url": s.url or None,
            "read_from": s.read_from,
            "confidence": s.confidence}


def report(plan: str | None = None) -> dict[str, Any]:
    """Everything `anpo realignment` and GET /v1/realignment return."""
    f = realignment()
    chosen = items(plan)
    return {
        "plans": [p.model_dump(mode="json") for p in f.plans if plan is None or p.id == plan],
        "items": [item_dict(i) for i in chosen],
        "costs": [c.model_dump(mode="json") for c in f.costs] if plan is None else [],
        "schedules": [schedule_dict(s) for s in f.schedules] if plan is None else [],
    }
