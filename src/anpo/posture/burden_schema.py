"""Schema of Okinawa's burden series (data/okinawa/burden.yaml), checked when loaded."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from anpo.posture.cited import Cited, Strict
from anpo.posture.japanese import JaText
from anpo.posture.schema import Precision

Unit = Literal["percent", "hectare", "facilities", "accidents", "crashes", "cases", "persons",
               "noise_events", "noise_events_per_day", "noise_events_per_month", "db_lden",
               "db_wecpnl", "db_peak", "stations", "sites", "ng_per_l", "spills"]
# Units whose values over periods add up (so published totals can be checked against their parts)
ADDITIVE_UNITS = frozenset({"hectare", "accidents", "crashes", "cases", "persons", "noise_events",
                            "spills"})
# Units on a linear scale, where "n times the standard" means something (not decibels)
LINEAR_UNITS = frozenset({"ng_per_l"})
ID = r"^[a-z0-9][a-z0-9-]*$"


class SeriesRow(Cited):
    """One published figure: a flow over a period (`year` or `from`/`to`) or a stock (`as_of`)."""

    value: float = Field(ge=0)
    year: int | None = Field(default=None, ge=1945, le=2100)
    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="to")
    as_of: dt.date | None = None
    planned: bool = False
    parts: dict[str, float] = Field(default_factory=dict)
    parts_complete: bool = False
    published_share_pct: float | None = Field(default=None, ge=0, le=100)
    base: str | None = None  # the facility a per-base row is about
    station: str | None = None  # a monitoring station
    standard: float | None = None  # the environmental standard the value is read against
    out_of: float | None = Field(default=None, gt=0)  # the published whole the value is part of
    note: str | None = None

    @model_validator(mode="after")
    def _when(self) -> SeriesRow:
        kinds = [self.year is not None, self.start is not None or self.end is not None,
                 self.as_of is not None]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of year, from/to, as_of")
        if kinds[1] and (self.start is None or self.end is None or self.end < self.start):
            raise ValueError("from and to go together, to not before from")
        if self.parts_complete and not self.parts:
            raise ValueError("parts_complete without parts")
        if self.out_of is not None and self.value > self.out_of:
            raise ValueError(f"value {self.value:g} is more than out_of {self.out_of:g}")
        if self.parts_complete and abs(sum(self.parts.values()) - self.value) > 1e-9:
            raise ValueError(
                f"parts add up to {sum(self.parts.values()):g}, not the value {self.value:g}"
            )
        return self

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The inclusive period a flow row covers (None for a stock)."""
        if self.year is not None:
            return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if self.start is not None and self.end is not None:
            return self.start, self.end
        return None

    @property
    def group(self) -> tuple[str | None, str | None]:
        """Rows of one base and station; rows of different groups are never added together."""
        return self.base, self.station

    @property
    def one_year(self) -> int | None:
        """The year a row covers when it covers exactly one calendar or fiscal (April-March)
        year, else None. A fiscal year is named by the year it starts in (FY2018 = 2018-04-01
        to 2019-03-31)."""
        if self.year is not None:
            return self.year
        if self.start is None or self.end is None:
            return None
        y = self.start.year
        if (self.start, self.end) in ((dt.date(y, 1, 1), dt.date(y, 12, 31)),
                                      (dt.date(y, 4, 1), dt.date(y + 1, 3, 31))):
            return y
        return None

    @property
    def date(self) -> dt.date:
        """The date the row describes: its stock date, or the last day of its period."""
        if self.as_of is not None:
            return self.as_of
        period = self.period
        assert period is not None
        return period[1]


class Ratio(Strict):
    """A share series whose rows can be recomputed from two stock series on the same date."""

    numerator: str
    denominator: str


class Series(Strict):
    id: str = Field(pattern=ID)
    title: str
    title_ja: JaText | None = None
    counts: str = Field(min_length=10)
    counts_ja: JaText | None = None
    unit: Unit
    kind: Literal["flow", "stock"]
    publisher: str
    publisher_ja: JaText | None = None
    per_capita: bool = False
    per_sofa: str | None = None  # a stock series of U.S. forces personnel to divide by
    yearly_from: int | None = Field(default=None, ge=1945, le=2100)  # first year published
    share_of: str | None = None
    ratio: Ratio | None = None
    rows: tuple[SeriesRow, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _rows_fit(self) -> Series:
        for i, r in enumerate(self.rows):
            if (self.kind == "stock") != (r.as_of is not None):
                raise ValueError(f"rows.{i}: a {self.kind} series row needs "
                                 + ("as_of" if self.kind == "stock" else "year or from/to"))
            if self.unit == "percent" and r.value > 100:
                raise ValueError(f"rows.{i}: a percentage above 100")
        return self


class PopulationRow(Cited):
    year: int = Field(ge=1945, le=2100)
    value: int = Field(gt=0)
    note: str | None = None


class BurdenEvent(Cited):
    id: str = Field(pattern=ID)
    date: dt.date
    precision: Precision
    kind: Literal["pfas", "red_soil", "other"]
    summary: str
    summary_ja: JaText | None = None


class Gap(Strict):
    topic: str
    text: str
    text_ja: JaText | None = None


class BurdenSeriesFile(Strict):
    population: tuple[PopulationRow, ...]
    series: tuple[Series, ...]
    events: tuple[BurdenEvent, ...] = ()
    gaps: tuple[Gap, ...] = ()

    @model_validator(mode="after")
    def _ids(self) -> BurdenSeriesFile:
        ids = [s.id for s in self.series]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"series defined twice: {sorted(dup)}")
        for s in self.series:
            if s.share_of is not None and s.share_of not in ids:
                raise ValueError(f"{s.id}: share_of names no series {s.share_of!r}")
            if s.per_sofa is not None:
                head = next((o for o in self.series if o.id == s.per_sofa), None)
                if head is None or head.kind != "stock" or head.unit != "persons":
                    raise ValueError(f"{s.id}: per_sofa names no stock series of persons "
                                     f"{s.per_sofa!r}")
            if s.ratio is not None:
                for ref in (s.ratio.numerator, s.ratio.denominator):
                    if ref not in ids:
                        raise ValueError(f"{s.id}: ratio names no series {ref!r}")
        return self
