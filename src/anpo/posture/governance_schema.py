"""Schema of the alliance's governance records (data/governance/alliance.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from anpo.posture.burden_schema import Gap
from anpo.posture.cited import Cited, Strict
from anpo.posture.japanese import JaText
from anpo.posture.schema import Precision

ID = r"^[a-z0-9][a-z0-9-]*$"


class SccMeeting(Cited):
    id: str = Field(pattern=ID)
    date: dt.date
    place: str
    place_ja: JaText | None = None
    kind: Literal["establishment", "meeting", "statement"]
    decided: str
    decided_ja: JaText | None = None
    note: str | None = None


class ExerciseSize(Strict):
    japan_persons: int | None = Field(default=None, gt=0)
    us_persons: int | None = Field(default=None, gt=0)
    total_persons: int | None = Field(default=None, gt=0)
    vessels: int | None = Field(default=None, gt=0)
    aircraft: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _total(self) -> ExerciseSize:
        if self.total_persons is not None and self.japan_persons and self.us_persons:
            both = self.japan_persons + self.us_persons
            if both > self.total_persons:
                raise ValueError(f"Japan + U.S. persons ({both}) exceed total_persons")
        return self


class Exercise(Cited):
    id: str = Field(pattern=ID)
    name: str
    name_ja: JaText | None = None
    summary_ja: JaText | None = None  # what it was, in Japanese (the English is `note`)
    edition: str
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="to")
    from_precision: Precision = "day"
    where: str
    where_ja: JaText | None = None
    size: ExerciseSize | None = None
    note: str | None = None
    confidence_note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Exercise:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"'to' {self.end} is before 'from' {self.start}")
        return self


class InformationInstrument(Cited):
    id: str = Field(pattern=ID)
    name: str
    name_ja: JaText | None = None  # the official Japanese title where the instrument has one
    signed: dt.date
    in_force: dt.date
    summary: str
    summary_ja: JaText | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> InformationInstrument:
        if self.in_force < self.signed:
            raise ValueError(f"in_force {self.in_force} before signed {self.signed}")
        return self


class ProtectionStart(Cited):
    date: dt.date
    precision: Precision
    text: str
    text_ja: JaText | None = None


class ProtectionYear(Cited):
    year: int = Field(ge=2016, le=2100)
    value: int = Field(ge=0)
    covers: Literal["us", "us_and_australia"]
    parts: dict[str, int] = Field(default_factory=dict)
    parts_complete: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _parts(self) -> ProtectionYear:
        if self.parts_complete and sum(self.parts.values()) != self.value:
            raise ValueError(f"parts add up to {sum(self.parts.values())}, not {self.value}")
        return self


class AssetProtection(Strict):
    started: ProtectionStart
    years: tuple[ProtectionYear, ...]

    @model_validator(mode="after")
    def _years(self) -> AssetProtection:
        ys = [y.year for y in self.years]
        if ys != sorted(set(ys)):
            raise ValueError("years repeated or out of order")
        if ys and ys[0] < self.started.date.year:
            raise ValueError(f"a count for {ys[0]}, before operations began")
        return self


class GovernanceFile(Strict):
    scc_meetings: tuple[SccMeeting, ...]
    exercises: tuple[Exercise, ...]
    information_sharing: tuple[InformationInstrument, ...]
    asset_protection: AssetProtection
    gaps: tuple[Gap, ...] = ()

    @model_validator(mode="after")
    def _order(self) -> GovernanceFile:
        dates = [m.date for m in self.scc_meetings]
        if dates != sorted(dates):
            raise ValueError("scc_meetings out of date order")
        ids = [m.id for m in self.scc_meetings] + [e.id for e in self.exercises] + [
            i.id for i in self.information_sharing]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"ids defined twice: {sorted(dup)}")
        return self
