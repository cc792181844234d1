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
from anpo.posture.burden_schema import BurdenSeriesFile, Series, SeriesRow
from anpo.posture.cited import validate_file
from anpo.posture.schema import BurdenFigure, BurdenFile, validate

BURDEN_FILE = "posture/okinawa.yaml"
SERIES_FILE = "okinawa/burden.yaml"
PER = 100_000  # per-capita rates are per 100,000 residents


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
    if r.as_of is not None:
        return r.as_of.isoformat()
    assert r.start is not None and r.end is not None
    return f"{r.start.isoformat()}..{r.end.isoformat()}"


def _tiling(target: SeriesRow, rows: tuple[SeriesRow, ...]) -> list[SeriesRow] | None:
    """Other rows that cover `target`'s period exactly, end to end (at least two), or None."""
    period = target.period
    assert period is not None
    start, end = period
    candidates = [r for r in rows if r is not target and r.period is not None and not r.planned]

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
    if s.kind != "flow":
        return out
    for r in s.rows:
        if r.period is None or r.planned:
            continue
        chain = _tiling(r, s.rows)
        if chain is not None:
            out.append(SumCheck(s.id, _label(r), r.value, tuple(_label(c) for c in chain),
                                sum(c.value for c in chain)))
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
            out["population_census"] = pop[0]
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
    if r.standard is not None:
        out["over_standard"] = round(r.value - r.standard, 2)
    out.update(source=r.source, url=r.url or None, read_from=r.read_from,
               confidence=r.confidence, note=r.note)
    return out


def rows(series_id: str | None = None) -> list[dict[str, object]]:
    """Rows of one series, or of every series, in file order."""
    chosen = [series(series_id)] if series_id else list(burden_series().series)
    return [row_dict(s, r) for s in chosen for r in s.rows]


def describe(s: Series) -> dict[str, object]:
    return {"id": s.id, "title": s.title, "counts": s.counts, "unit": s.unit, "kind": s.kind,
            "publisher": s.publisher, "rows": len(s.rows), "notes": list(s.notes)}


def report(series_id: str | None = None) -> dict[str, Any]:
    """Everything `anpo okinawa` and GET /v1/okinawa return."""
    f = burden_series()
    chosen = [series(series_id)] if series_id else list(f.series)
    return {
        "series": [describe(s) for s in chosen],
        "rows": [row_dict(s, r) for s in chosen for r in s.rows],
        "sum_checks": [c.to_dict() for s in chosen for c in sum_checks(s)],
        "events": [] if series_id else [e.model_dump(mode="json") for e in f.events],
        "population": [p.model_dump(mode="json") for p in f.population],
        "gaps": [g.model_dump(mode="json") for g in f.gaps],
    }
