"""How much of the publishers' total area the registry itemizes on a date.

The registry sums areas facility by facility; MOD (and, for 1952-1972, the news of record that
quotes it) prints totals. On any date the registry's total is the published total's share that
is itemized, never the total itself, while rows lack an area. This module pairs the two:

- the total that applies on the date: before Okinawa's reversion the mainland's (Okinawa's
  bases were not facilities provided by Japan), after it the national total, or the mainland's
  plus Okinawa's printed for one date, whichever is later;
- the same split for Okinawa and the mainland;
- the prefectures where the itemized area exceeds MOD's latest figure for them, with how much
  of it comes from local governments' own land figures (`measure` = local), which may count
  parts MOD does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from anpo.posture.areas import OKINAWA_REVERSION, TotalRow
from anpo.posture.schema import Precision, dated

OKINAWA = "Okinawa"
KM2_PRINTED = 0.0005  # the publishers print thousand m²: half a unit of rounding


def rough(t: TotalRow) -> bool:
    """A total printed as approximate ('about', 約) or as a bound, as its note records it."""
    return (t.note or "").split(":")[0] in ("approximate", "lower bound") or "約" in (t.note or "")


@dataclass(frozen=True)
class PublishedArea:
    """A total area the publishers print for a scope, possibly the sum of two printed parts."""

    scope: str
    km2: float
    as_of: dt.date
    approximate: bool
    rows: tuple[TotalRow, ...]

    @property
    def precision(self) -> Precision:
        """The coarsest precision of the printed figures it rests on."""
        known = {t.precision or "day" for t in self.rows}
        return next(p for p in ("year", "month", "day") if p in known or p == "day")

    @property
    def as_of_label(self) -> str:
        return dated(self.as_of, self.precision)

    def to_dict(self) -> dict[str, object]:
        return {
            "scope": self.scope,
            "km2": round(self.km2, 3),
            "as_of": self.as_of.isoformat(),
            "as_of_precision": self.precision,
            "approximate": self.approximate,
            "sources": [
                {"scope": t.scope, "km2": t.area_km2, "source": t.source, "read_from": t.read_from,
                 "confidence": t.confidence}
                for t in self.rows
            ],
        }


@dataclass(frozen=True)
class ItemizedPart:
    """What the registry itemizes of one scope (national, mainland, Okinawa) on a date."""

    scope: str
    rows: int
    without_area: int
    itemized_km2: float
    local_km2: float  # of which local governments' own figures
    published: PublishedArea | None
    counted: TotalRow | None = None  # the latest facility count printed for the scope

    @property
    def itemized_pct(self) -> float | None:
        if self.published is None or self.published.km2 <= 0:
            return None
        return 100.0 * self.itemized_km2 / self.published.km2

    @property
    def complete(self) -> bool:
        """Every row has an area: only then may the itemized sum be read as the total."""
        return self.rows > 0 and self.without_area == 0

    def to_dict(self) -> dict[str, object]:
        pct = self.itemized_pct
        return {
            "scope": self.scope,
            "rows": self.rows,
            "rows_without_area": self.without_area,
            "itemized_km2": round(self.itemized_km2, 3),
            "itemized_local_km2": round(self.local_km2, 3),
            "published": None if self.published is None else self.published.to_dict(),
            "itemized_pct": None if pct is None else round(pct, 1),
            "complete": self.complete,
            "published_facilities": None if self.counted is None else self.counted.facilities,
            "published_facilities_as_of": None if self.counted is None else self.counted.as_of.isoformat(),
        }


@dataclass(frozen=True)
class PrefectureExcess:
    """A prefecture whose itemized area exceeds MOD's latest printed figure for it."""

    prefecture: str
    itemized_km2: float
    local_km2: float
    mod_km2: float
    mod_as_of: dt.date

    def to_dict(self) -> dict[str, object]:
        return {
            "prefecture": self.prefecture,
            "itemized_km2": round(self.itemized_km2, 3),
            "itemized_local_km2": round(self.local_km2, 3),
            "mod_km2": self.mod_km2,
            "mod_as_of": self.mod_as_of.isoformat(),
            "excess_km2": round(self.itemized_km2 - self.mod_km2, 3),
        }


@dataclass(frozen=True)
class Coverage:
    """The registry's itemized area against the published totals on a date."""

    date: dt.date
    total: ItemizedPart
    okinawa: ItemizedPart | None  # None before reversion
    mainland: ItemizedPart
    above_mod: tuple[PrefectureExcess, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "total": self.total.to_dict(),
            "okinawa": None if self.okinawa is None else self.okinawa.to_dict(),
            "mainland": self.mainland.to_dict(),
            "above_mod": [x.to_dict() for x in self.above_mod],
            "note": (
                "itemized_km2 sums the registry's areas known on the date; while rows lack an "
                "area it is part of the published total, never the total; local figures "
                "(itemized_local_km2) may count land MOD does not count as exclusive use"
            ),
        }


@dataclass(frozen=True)
class Item:
    """One exclusive-use row on the date: its prefecture and the area known then, if any."""

    prefecture: str
    km2: float | None
    local: bool


def _latest(totals: Iterable[TotalRow], scope: str, day: dt.date) -> TotalRow | None:
    rows = [t for t in totals if t.scope == scope and t.area_km2 and t.as_of <= day]
    return max(rows, key=lambda t: t.as_of) if rows else None


def by_mod(t: TotalRow) -> bool:
    """A total of MOD's own (its site, its white paper or its figures in a Cabinet answer),
    as opposed to a prefecture's or a newspaper's count."""
    return "mod.go.jp" in t.source or t.source.startswith("MOD") or "shugiin.go.jp" in t.source


def published_area(totals: tuple[TotalRow, ...], scope: str, day: dt.date) -> PublishedArea | None:
    """The total printed for `scope` ("Japan", "Mainland", "Okinawa") latest on or before `day`.

    The national total may be the mainland's plus Okinawa's printed for one date, and the
    mainland's the national less Okinawa's of one date; of the candidates the latest wins (on
    a tie, the one printed as a single figure)."""
    cands: list[tuple[dt.date, int, PublishedArea]] = []
    direct = _latest(totals, scope, day)
    if direct is not None and direct.area_km2:
        cands.append((direct.as_of, 1, PublishedArea(scope, direct.area_km2, direct.as_of,
                                                     rough(direct), (direct,))))
    if scope in ("Japan", "Mainland"):
        dates = sorted({t.as_of for t in totals if t.as_of <= day}, reverse=True)
        other = "Mainland" if scope == "Japan" else "Japan"
        for d in dates:
            oki = next((t for t in totals if t.as_of == d and t.scope == OKINAWA and t.area_km2), None)
            part = next((t for t in totals if t.as_of == d and t.scope == other and t.area_km2), None)
            if oki is None or part is None or oki.area_km2 is None or part.area_km2 is None:
                continue
            km2 = part.area_km2 + oki.area_km2 if scope == "Japan" else part.area_km2 - oki.area_km2
            cands.append((d, 0, PublishedArea(scope, km2, d, rough(part) or rough(oki), (part, oki))))
            break
    if not cands:
        return None
    return max(cands, key=lambda c: (c[0], c[1]))[2]


def _counted(totals: tuple[TotalRow, ...], scope: str, day: dt.date) -> TotalRow | None:
    """The latest facility count printed for `scope` on or before `day`; for the mainland also
    the national count less Okinawa's of one date, whichever is later (a row built for it)."""
    rows = [t for t in totals if t.scope == scope and t.facilities and t.as_of <= day]
    if scope == "Mainland":
        for d in sorted({t.as_of for t in totals if t.as_of <= day}, reverse=True):
            nat = next((t for t in totals if t.as_of == d and t.scope == "Japan" and t.facilities), None)
            oki = next((t for t in totals if t.as_of == d and t.scope == OKINAWA and t.facilities), None)
            if nat is None or oki is None or nat.facilities is None or oki.facilities is None:
                continue
            rows.append(TotalRow(
                as_of=d, scope="Mainland", facilities=nat.facilities - oki.facilities,
                source=nat.source, read_from=nat.read_from, confidence=nat.confidence,
                note=f"computed: the national count less Okinawa's ({nat.facilities} - {oki.facilities})",
            ))
            break
    return max(rows, key=lambda t: t.as_of) if rows else None


def _part(
    scope: str, items: list[Item], published: PublishedArea | None, counted: TotalRow | None = None
) -> ItemizedPart:
    known = [i for i in items if i.km2 is not None]
    return ItemizedPart(
        scope,
        len(items),
        len(items) - len(known),
        sum(i.km2 or 0.0 for i in known),
        sum(i.km2 or 0.0 for i in known if i.local),
        published,
        counted,
    )


def coverage(day: dt.date, items: Iterable[Item], totals: tuple[TotalRow, ...]) -> Coverage:
    """The registry's exclusive-use rows on `day` against the totals printed on or before it."""
    rows = list(items)
    oki = [i for i in rows if i.prefecture == OKINAWA]
    main = [i for i in rows if i.prefecture != OKINAWA]
    before_reversion = day < OKINAWA_REVERSION
    total_scope = "Mainland" if before_reversion else "Japan"
    above = []
    for pref in sorted({i.prefecture for i in rows}):
        mod = _latest((t for t in totals if by_mod(t)), pref, day) if pref != OKINAWA else None
        if mod is None or mod.area_km2 is None:
            continue
        part = _part(pref, [i for i in rows if i.prefecture == pref], None)
        if part.itemized_km2 > mod.area_km2 + KM2_PRINTED:
            above.append(PrefectureExcess(pref, part.itemized_km2, part.local_km2, mod.area_km2, mod.as_of))
    def scoped(scope: str, items: list[Item]) -> ItemizedPart:
        return _part(scope, items, published_area(totals, scope, day), _counted(totals, scope, day))

    return Coverage(
        day,
        scoped(total_scope, rows),
        None if before_reversion else scoped(OKINAWA, oki),
        scoped("Mainland", main),
        tuple(above),
    )
