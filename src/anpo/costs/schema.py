"""Schema of the SMA agreements file (data/costs/sma.yaml), checked at load time.

The yearly budget and settled figures live in data/costs/ledger.csv (anpo.costs.series)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from anpo.core.errors import DataError

Confidence = Literal["confirmed", "partly", "unverified", "UNVERIFIED"]
CATEGORY_IDS = (
    "labor",
    "utilities",
    "training_relocation",
    "training_equipment",
    "fip",
    "labor_welfare",
)
CategoryId = Literal[
    "labor", "utilities", "training_relocation", "training_equipment", "fip", "labor_welfare"
]
TermName = Literal[
    "labor_cap_workers",
    "utilities_jpy_bn",
    "utilities_cap_jpy_bn",
    "utilities_share",
    "training_relocation_jpy_bn",
    "training_equipment_total_jpy_bn",
    "fip_min_jpy_bn_per_jfy",
    "fip_max_total_jpy_bn",
]
AddsUp = Literal[True, False, "not_stated"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict):
    source: str  # the publisher's page(s); empty only when `document` names the official text
    confidence: Confidence
    read_from: str | None = None  # the copy actually read, when not the official page
    document: str | None = None

    @model_validator(mode="after")
    def _cited(self) -> Sourced:
        if not self.source.strip() and not (self.document or "").strip():
            raise ValueError("source is empty and no document names the official text")
        return self


class Category(Sourced):
    id: CategoryId
    name: str
    inside_sma: bool
    since_jfy: int = Field(ge=1978, le=2100)
    note: str | None = None


class Term(Sourced):
    term: TermName
    value: float = Field(ge=0)
    jfy: int | None = None
    reported: bool = False  # a press figure, not in the agreement's text
    note: str | None = None

    @model_validator(mode="after")
    def _share(self) -> Term:
        if self.term == "utilities_share" and not 0 <= self.value <= 1:
            raise ValueError("utilities_share must be within 0..1")
        return self


class PeriodTotal(Sourced):
    kind: Literal["period_total", "annual_level"]
    covers: Literal["hns", "sma"]
    value_jpy_bn: float = Field(gt=0)
    adds_up: AddsUp
    derived: bool = False
    note: str | None = None


class Period(Sourced):
    id: str
    jfy_from: int
    jfy_to: int
    agreed: dt.date | None
    signed: dt.date | None
    in_force: dt.date
    expires: dt.date | None = None
    dates_note: str | None = None
    terms: tuple[Term, ...]
    rules: dict[str, str] = {}
    totals: tuple[PeriodTotal, ...]
    note: str | None = None

    @model_validator(mode="after")
    def _checks(self) -> Period:
        if self.jfy_to < self.jfy_from:
            raise ValueError("jfy_to is before jfy_from")
        if self.agreed and self.signed and self.signed < self.agreed:
            raise ValueError("signed before agreed")
        if self.signed and self.in_force < self.signed:
            raise ValueError("in force before signed")
        if self.expires and self.expires.year != self.jfy_to + 1:
            raise ValueError("expires outside the JFY after the period's last")
        for t in self.terms:
            if t.jfy is not None and not self.jfy_from <= t.jfy <= self.jfy_to:
                raise ValueError(f"term {t.term} for JFY{t.jfy} is outside the period")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.jfy_from, self.jfy_to + 1))


class HistoryPoint(Sourced):
    jfy: int
    label: str
    note: str | None = None


class LedgerFile(_Strict):
    categories: tuple[Category, ...]
    periods: tuple[Period, ...]
    history: tuple[HistoryPoint, ...]

    @model_validator(mode="after")
    def _order(self) -> LedgerFile:
        for a, b in zip(self.periods, self.periods[1:], strict=False):
            if b.jfy_from != a.jfy_to + 1:
                raise ValueError(f"period {b.id} does not follow {a.id}")
            if b.in_force <= a.in_force:
                raise ValueError(f"period {b.id} enters into force before {a.id}")
        years = [h.jfy for h in self.history]
        if years != sorted(years):
            raise ValueError("history years are not in increasing order")
        return self


def validate_ledger(raw: object, name: str) -> LedgerFile:
    try:
        return LedgerFile.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DataError(f"{name}: {where}: {first['msg']}") from None
