"""Schema of the realignment plans against outcomes (data/realignment/plans.yaml)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from anpo.posture.cited import Cited, Strict
from anpo.posture.japanese import JaText
from anpo.posture.schema import Precision

ID = r"^[a-z0-9][a-z0-9-]*$"
TargetPrecision = Literal["day", "month", "year", "fy"]


class Plan(Cited):
    id: str = Field(pattern=ID)
    date: dt.date
    title: str
    title_ja: JaText | None = None  # the plan's official Japanese title where it has one
    note: str | None = None


class Target(Cited):
    """A plan's target: its wording and the last day that wording allows."""

    wording: str
    date: dt.date
    precision: TargetPrecision
    note: str | None = None

    @model_validator(mode="after")
    def _last_day(self) -> Target:
        d = self.date
        if self.precision == "fy" and (d.month, d.day) != (3, 31):
            raise ValueError(f"a fiscal-year target ends on 31 March, not {d}")
        if self.precision == "year" and (d.month, d.day) != (12, 31):
            raise ValueError(f"a year target ends on 31 December, not {d}")
        if self.precision == "month" and d.day != calendar.monthrange(d.year, d.month)[1]:
            raise ValueError(f"a month target ends on the month's last day, not {d}")
        return self


class Outcome(Cited):
    """What happened: done/partly with a date, or open as of the latest source's date."""

    status: Literal["done", "partly", "open"]
    date: dt.date | None = None
    precision: Precision = "day"
    as_of: dt.date | None = None
    area_ha: float | None = Field(default=None, gt=0)
    parts_ha: dict[str, float] = Field(default_factory=dict)
    text: str
    note: str | None = None

    @model_validator(mode="after")
    def _dated(self) -> Outcome:
        if self.status == "open" and (self.as_of is None or self.date is not None):
            raise ValueError("an open outcome has as_of (the latest source's date) and no date")
        if self.status != "open" and self.date is None:
            raise ValueError(f"a {self.status} outcome needs its date")
        if self.parts_ha and self.area_ha is not None:
            total = sum(self.parts_ha.values())
            if abs(total - self.area_ha) > 0.5:
                raise ValueError(f"parts_ha add up to {total:g}, not area_ha {self.area_ha:g}")
        return self


class PlanItem(Strict):
    id: str = Field(pattern=ID)
    plan: str
    item: str
    item_ja: JaText | None = None
    target_ja: JaText | None = None  # the target's wording in Japanese
    outcome_ja: JaText | None = None  # the outcome's text in Japanese
    target: Target
    outcome: Outcome


class CostEstimate(Cited):
    id: str = Field(pattern=ID)
    project: str
    date: dt.date
    precision: Precision
    value_jpy_bn: float = Field(gt=0)
    bound: Literal["estimate", "at_least"]
    by: str
    text: str
    text_ja: JaText | None = None
    parts: dict[str, float] = Field(default_factory=dict)
    parts_complete: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _parts(self) -> CostEstimate:
        total = sum(self.parts.values())
        if self.parts_complete and abs(total - self.value_jpy_bn) > 0.05:
            raise ValueError(f"parts add up to {total:g}, not {self.value_jpy_bn:g}")
        if total > self.value_jpy_bn + 0.05:
            raise ValueError(f"parts ({total:g}) exceed the total {self.value_jpy_bn:g}")
        return self


class Schedule(Cited):
    """A published duration from a dated event (in posture/changes.yaml) to completion."""

    id: str = Field(pattern=ID)
    project: str
    date: dt.date
    years: float = Field(gt=0, le=50)
    from_event: str
    text: str
    text_ja: JaText | None = None


class RealignmentFile(Strict):
    plans: tuple[Plan, ...]
    items: tuple[PlanItem, ...]
    costs: tuple[CostEstimate, ...] = ()
    schedules: tuple[Schedule, ...] = ()

    @model_validator(mode="after")
    def _refs(self) -> RealignmentFile:
        plans = {p.id: p for p in self.plans}
        seen: set[str] = set()
        for it in self.items:
            if it.id in seen:
                raise ValueError(f"item {it.id} defined twice")
            seen.add(it.id)
            if it.plan not in plans:
                raise ValueError(f"item {it.id}: unknown plan {it.plan!r}")
            if it.target.date < plans[it.plan].date:
                raise ValueError(f"item {it.id}: target {it.target.date} before its plan")
        return self
