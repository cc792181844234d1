"""Okinawa's burden: the headline figures and the dated series, with what each counts.

Two files: `posture/okinawa.yaml` (the latest headline figures `anpo posture` prints) and
`okinawa/burden.yaml` (series by year or period, events, population, gaps). Sums are checked,
shares and per-capita rates computed, never typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from anpo import data
from anpo.core.errors import DataError, InputError
from anpo.posture.burden_schema import ADDITIVE_UNITS, LINEAR_UNITS, BurdenSeriesFile, Series, SeriesRow
from anpo.posture.cited import validate_file
from anpo.posture.schema import BurdenFigure, BurdenFile, validate

BURDEN_FILE = "posture/okinawa.yaml"
SERIES_FILE = "okinawa/burden.yaml"
PER = 100_000  # per-capita rates are per 100,000 residents
PER_SOFA = 10_000  # rates among U.S. forces personnel are per 10,000 of them, as the press reads them
SOFA_COUNT_MAX_AGE = dt.timedelta(days=730)  # an older head count is not used for a rate


@cache
def okinawa() -> BurdenFile:
    """Okinawa burden figures (validated at load)."""
    parsed = validate(BurdenFile, data.read_yaml(BURDEN_FILE), BURDEN_FILE)
    for f in parsed.figures:
        if f.unit == "percent" and f.value > 100:
            raise DataError(f"{BURDEN_FILE}: {f.id}: a percentage above 100")
    return parsed


def figure(figure_id: str) -> BurdenFigure:
    """One figure by id (DataError if absent: the id is anpo's own, not the user's)."""
    for f in okinawa().figures:
        if f.id == figure_id:
            return f
    raise DataError(f"{BURDEN_FILE}: no figure {figure_id!r}")


def latest(measure_prefix: str, day: dt.date) -> BurdenFigure | None:
    """The most recent figure whose id starts with `measure_prefix`, as of `day`."""
    best: BurdenFigure | None = None
    for f in okinawa().figures:
        if (
            f.id.startswith(measure_prefix)
            and f.as_of <= day
            and (best is None or f.as_of > best.as_of)
        ):
            best = f
    return best


@dataclass(frozen=True)
class SumCheck:
    """A published total against the sum of other published rows that tile its period."""

    series: str
    total_period: str
    published_total: float
    parts: tuple[str, ...]
    computed_total: float

    @property
    def ok(self) -> bool:
        return abs(self.published_total - self.computed_total) < 0.5

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


def _label(r: SeriesRow) -> str:
    if r.year is not None:
        return str(r.year)
    if r.one_year is not None:
        assert r.start is not None
        return str(r.one_year) if r.start.month == 1 else f"FY{r.one_year}"
    if r.as_of is not None:
        return r.as_of.isoformat()
    assert r.start is not None and r.end is not None
    return f"{r.start.isoformat()}..{r.end.isoformat()}"


def _tiling(target: SeriesRow, rows: tuple[SeriesRow, ...]) -> list[SeriesRow] | None:
    """Other rows that cover `target`'s period exactly, end to end (at least two), or None."""
    period = target.period
    assert period is not None
    start, end = period
    candidates = [r for r in rows if r is not target and r.period is not None and not r.planned
                  and r.group == target.group]

    def walk(day: dt.date, chain: list[SeriesRow]) -> list[SeriesRow] | None:
        if day == end + dt.timedelta(days=1):
            return chain if len(chain) >= 2 else None
        for r in sorted(candidates, key=lambda x: x.period[1] if x.period else day, reverse=True):
            p = r.period
            if p is not None and p[0] == day and p[1] <= end and (p[0], p[1]) != (start, end):
                found = walk(p[1] + dt.timedelta(days=1), [*chain, r])
                if found is not None:
                    return found
        return None

    return walk(start, [])


def sum_checks(s: Series) -> list[SumCheck]:
    """Every published period total that other rows of the series add up to."""
    out: list[SumCheck] = []
    if s.kind != "flow" or s.unit not in ADDITIVE_UNITS:
        return out
    for r in s.rows:
        if r.period is None or r.planned:
            continue
        chain = _tiling(r, s.rows)
        if chain is not None:
            out.append(SumCheck(s.id, _label(r), r.value, tuple(_label(c) for c in chain),
                                sum(c.value for c in chain)))
    return out


@dataclass(frozen=True)
class BoundCheck:
    """A published period total against the other rows of the series that fall inside it.

    The rows chosen are those inside the period, not overlapping, with the largest sum; they
    cannot add up to more than the total. What is left (`remainder`) is the total of the
    uncovered stretches (`uncovered`), which the publisher gives only as part of the total.
    """

    series: str
    total_period: str
    published_total: float
    parts: tuple[str, ...]
    known_sum: float
    uncovered: tuple[str, ...]

    @property
    def remainder(self) -> float:
        return round(self.published_total - self.known_sum, 6)

    @property
    def ok(self) -> bool:
        return self.remainder > -0.5

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "remainder": self.remainder, "ok": self.ok}


def _span_label(start: dt.date, end: dt.date) -> str:
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
    return f"{start.isoformat()}..{end.isoformat()}"


def _heaviest_inside(target: SeriesRow, rows: tuple[SeriesRow, ...]) -> list[SeriesRow]:
    """Rows inside `target`'s period (same base and station, not planned, not the same
    period), not overlapping one another, with the largest total (weighted interval
    scheduling)."""
    period = target.period
    assert period is not None
    inside = sorted(
        (r for r in rows if r is not target and not r.planned and r.period is not None
         and r.group == target.group and r.period != period
         and period[0] <= r.period[0] and r.period[1] <= period[1]),
        key=lambda r: r.period[1] if r.period else period[1],
    )
    best: list[tuple[float, list[SeriesRow]]] = [(0.0, [])]
    for i, r in enumerate(inside):
        assert r.period is not None
        start = r.period[0]
        j = max((k + 1 for k in range(i) if (inside[k].period or period)[1] < start), default=0)
        take = (best[j][0] + r.value, [*best[j][1], r])
        best.append(take if take[0] >= best[i][0] else best[i])  # a zero row still covers
    return best[-1][1]


def bound_checks(s: Series) -> list[BoundCheck]:
    """Published period totals that other rows fall inside without tiling them exactly."""
    out: list[BoundCheck] = []
    if s.kind != "flow" or s.unit not in ADDITIVE_UNITS:
        return out
    for r in s.rows:
        if r.period is None or r.planned or _tiling(r, s.rows) is not None:
            continue
        chosen = _heaviest_inside(r, s.rows)
        if not chosen:
            continue
        gaps: list[str] = []
        day = r.period[0]
        for c in chosen:
            assert c.period is not None
            if c.period[0] > day:
                gaps.append(_span_label(day, c.period[0] - dt.timedelta(days=1)))
            day = c.period[1] + dt.timedelta(days=1)
        if day <= r.period[1]:
            gaps.append(_span_label(day, r.period[1]))
        out.append(BoundCheck(s.id, _label(r), r.value, tuple(_label(c) for c in chosen),
                              sum(c.value for c in chosen), tuple(gaps)))
    return out


@cache
def burden_series() -> BurdenSeriesFile:
    """The series file, validated; a published total its parts contradict is a DataError."""
    parsed = validate_file(BurdenSeriesFile, data.read_yaml(SERIES_FILE), SERIES_FILE)
    for s in parsed.series:
        for c in sum_checks(s):
            if not c.ok:
                raise DataError(
                    f"{SERIES_FILE}: {s.id}: {c.total_period} is {c.published_total:g} but "
                    f"{' + '.join(c.parts)} add up to {c.computed_total:g}"
                )
        for b in bound_checks(s):
            if not b.ok:
                raise DataError(
                    f"{SERIES_FILE}: {s.id}: {b.total_period} is {b.published_total:g} but "
                    f"rows inside it ({', '.join(b.parts)}) add up to more: {b.known_sum:g}"
                )
    return parsed


def series_ids() -> tuple[str, ...]:
    return tuple(s.id for s in burden_series().series)


def series(series_id: str) -> Series:
    """One series by id; InputError (field `series`) names the accepted ids."""
    for s in burden_series().series:
        if s.id == series_id:
            return s
    raise InputError("series", f"unknown series {series_id!r}; accepted: {', '.join(series_ids())}")


def population(year: int) -> tuple[int, int] | None:
    """(census year, population) of the latest census on or before `year`, or None."""
    best = None
    for p in burden_series().population:
        if p.year <= year and (best is None or p.year > best.year):
            best = p
    return None if best is None else (best.year, best.value)


def sofa_count(series_id: str, r: SeriesRow) -> SeriesRow | None:
    """The head count of U.S. forces personnel to divide a row of at most a year by: the
    latest count dated within the row's period or before it, at most two years before its
    end (None when there is none: a rate is not made from an old or a later count)."""
    period = r.period
    if period is None or (period[1] - period[0]).days > 366:
        return None
    best: SeriesRow | None = None
    for c in series(series_id).rows:
        if (c.as_of is not None and period[1] - SOFA_COUNT_MAX_AGE <= c.as_of <= period[1]
                and (best is None or best.as_of is None or c.as_of > best.as_of)):
            best = c
    return best


def years_covered(s: Series) -> tuple[list[int], list[int]]:
    """(years with a one-year row, years since `yearly_from` up to the latest such year
    that have none). Fiscal-year rows count for the year they start in."""
    present = sorted({y for r in s.rows if not r.planned and (y := r.one_year) is not None})
    if s.yearly_from is None:
        return present, []
    # up to the last whole year any row reaches (a half-year row does not make its year whole)
    last = max((r.one_year if r.one_year is not None
                else r.date.year - (0 if (r.date.month, r.date.day) == (12, 31) else 1))
               for r in s.rows if not r.planned)
    return present, [y for y in range(s.yearly_from, last + 1) if y not in present]


def _national(s: Series, r: SeriesRow) -> SeriesRow | None:
    if s.share_of is None or r.period is None:
        return None
    for other in series(s.share_of).rows:
        if other.period == r.period:
            return other
    return None


def _at(series_id: str, day: dt.date) -> SeriesRow | None:
    return next((r for r in series(series_id).rows if r.as_of == day), None)


def computed_ratio_pct(s: Series, r: SeriesRow) -> float | None:
    """A share recomputed from its numerator and denominator series on the row's date."""
    if s.ratio is None or r.as_of is None:
        return None
    num, den = _at(s.ratio.numerator, r.as_of), _at(s.ratio.denominator, r.as_of)
    if num is None or den is None or not den.value:
        return None
    return round(num.value / den.value * 100, 2)


def row_dict(s: Series, r: SeriesRow) -> dict[str, object]:
    """A row as the table, CSV and JSON show it, with computed per-capita rate and share."""
    out: dict[str, object] = {
        "series": s.id, "period": _label(r), "value": r.value, "unit": s.unit,
        "planned": r.planned, "parts": dict(r.parts) or None,
    }
    if s.per_capita and r.year is not None:
        pop = population(r.year)
        if pop is not None:
            out["per_100k_residents"] = round(r.value / pop[1] * PER, 2)
            out["per_10k_residents"] = round(r.value / pop[1] * PER_SOFA, 2)
            out["population_census"] = pop[0]
    if s.per_sofa is not None:
        head = sofa_count(s.per_sofa, r)
        if head is not None and head.as_of is not None:
            out["per_10k_sofa"] = round(r.value / head.value * PER_SOFA, 2)
            out["sofa_count_as_of"] = head.as_of.isoformat()
    nat = _national(s, r)
    if nat is not None and nat.value:
        out["share_of_national_pct"] = round(r.value / nat.value * 100, 1)
    if r.published_share_pct is not None:
        out["published_share_pct"] = r.published_share_pct
    ratio = computed_ratio_pct(s, r)
    if ratio is not None:
        out["computed_pct"] = ratio
    for key in ("base", "station", "standard"):
        if getattr(r, key) is not None:
            out[key] = getattr(r, key)
    if r.out_of is not None:
        out["out_of"] = r.out_of
        out["pct_of_total"] = round(r.value / r.out_of * 100, 1)
    if r.standard is not None:
        out["over_standard"] = round(r.value - r.standard, 2)
        if s.unit in LINEAR_UNITS and r.standard:
            out["times_standard"] = round(r.value / r.standard, 1)
    out.update(source=r.source, url=r.url or None, read_from=r.read_from,
               confidence=r.confidence, note=r.note)
    return out


def _in_order(s: Series) -> list[SeriesRow]:
    """A series' rows by the start of what they cover, then its end (stable for equal ones)."""
    def key(r: SeriesRow) -> tuple[dt.date, dt.date]:
        period = r.period
        return period if period is not None else (r.date, r.date)
    return sorted(s.rows, key=key)


def rows(series_id: str | None = None) -> list[dict[str, object]]:
    """Rows of one series, or of every series (in file order), each series in date order."""
    chosen = [series(series_id)] if series_id else list(burden_series().series)
    return [row_dict(s, r) for s in chosen for r in _in_order(s)]


def describe(s: Series) -> dict[str, object]:
    present, missing = years_covered(s)
    return {"id": s.id, "title": s.title, "title_ja": s.title_ja, "counts": s.counts,
            "counts_ja": s.counts_ja, "unit": s.unit, "kind": s.kind, "publisher": s.publisher,
            "publisher_ja": s.publisher_ja, "rows": len(s.rows), "per_sofa": s.per_sofa,
            "yearly_from": s.yearly_from, "years_present": present, "years_missing": missing,
            "notes": list(s.notes)}


def report(series_id: str | None = None) -> dict[str, Any]:
    """Everything `anpo okinawa` and GET /v1/okinawa return."""
    f = burden_series()
    chosen = [series(series_id)] if series_id else list(f.series)
    return {
        "series": [describe(s) for s in chosen],
        "rows": [row_dict(s, r) for s in chosen for r in _in_order(s)],
        "sum_checks": [c.to_dict() for s in chosen for c in sum_checks(s)],
        "bound_checks": [b.to_dict() for s in chosen for b in bound_checks(s)],
        "events": [] if series_id else [e.model_dump(mode="json")
                                        for e in sorted(f.events, key=lambda e: e.date)],
        "population": [p.model_dump(mode="json") for p in f.population],
        "gaps": [g.model_dump(mode="json") for g in f.gaps],
    }
