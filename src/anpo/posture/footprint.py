"""The footprint on a date, computed from the registry: facilities and areas by prefecture,
Okinawa's share of the exclusive-use (SOFA II-1(a)) area, and what changes when facilities
close (`footprint(date, closed=[...])`).

Every total here is summed from registry rows; the publishers' totals (published_totals.csv)
are only shown beside them, with the registry's coverage of them, so a reader sees how much
of MOD's figure the registry itemizes. Only areas known on the date (a figure dated on or
before it) are summed; a row whose first figure is later shows it for orientation, flagged
`area_carried_back`, and counts as a row without an area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from anpo.core.dates import parse_date
from anpo.core.errors import InputError
from anpo.core.geojson import collection, flat, point
from anpo.posture.areas import AreaRow, RegistryRow, TotalRow, legal_basis_on, registry
from anpo.posture.registry import facilities
from anpo.posture.registry_coverage import Coverage, Item, coverage, rough
from anpo.posture.snapshot import at

OKINAWA = "Okinawa"
# Dates the CLI and the share series show by default: the 1960 treaty year, reversion, today.
DEFAULT_SERIES_DATES = ("1960-01-01", "1972-05-15", "2026-01-01")


@dataclass(frozen=True)
class AreaPair:
    """Okinawa's share computed from two published areas of one date."""

    as_of: dt.date
    okinawa_km2: float
    national_km2: float
    approximate: bool  # a figure printed as approximate or as a bound

    @property
    def share_pct(self) -> float:
        return 100.0 * self.okinawa_km2 / self.national_km2


@dataclass(frozen=True)
class Entry:
    """A registry row on a date, with the area that applies then."""

    row: RegistryRow
    area: AreaRow | None
    lat: float | None
    lon: float | None

    day: dt.date

    @property
    def area_km2(self) -> float | None:
        """The area known on the day (a figure dated on or before it), else None."""
        if self.area is None or self.area.as_of > self.day:
            return None
        return self.area.area_km2

    def to_dict(self, day: dt.date) -> dict[str, object]:
        r, a = self.row, self.area
        joint = r.joint_use_from is not None and r.joint_use_from <= day
        return {
            "id": r.id,
            "fac": r.fac,
            "name": r.name,
            "name_ja": r.name_ja,
            "prefecture": r.prefecture,
            "basis": r.basis,
            "legal_basis": legal_basis_on(r, day),
            "joint_use_ii_4a": joint,
            "joint_use_from": None if r.joint_use_from is None else r.joint_use_from.isoformat(),
            "from": None if r.start is None else r.start.isoformat(),
            "to": None if r.end is None else r.end.isoformat(),
            "listed_on": None if r.listed_on is None else r.listed_on.isoformat(),
            "area_km2": None if a is None else a.area_km2,
            "area_as_of": None if a is None else a.as_of.isoformat(),
            "area_carried_back": a is not None and a.as_of > day,
            "area_measure": None if a is None else ("local" if a.local else "mod"),
            "area_source": None if a is None else a.source,
            "area_read_from": None if a is None else a.read_from,
            "area_confidence": None if a is None else a.confidence,
            "lat": None if self.lat is None else round(self.lat, 6),
            "lon": None if self.lon is None else round(self.lon, 6),
            "facility": r.facility,
            "source": r.source,
            "read_from": r.read_from,
            "confidence": r.confidence,
            "note": r.note,
        }


@dataclass(frozen=True)
class PrefectureTotal:
    prefecture: str
    facilities: int
    itemized_km2: float
    without_area: int
    share_pct: float | None  # of the itemized exclusive-use area on the date

    def to_dict(self) -> dict[str, object]:
        return {
            "prefecture": self.prefecture,
            "facilities": self.facilities,
            "itemized_km2": round(self.itemized_km2, 3),
            "without_area": self.without_area,
            "share_pct": None if self.share_pct is None else round(self.share_pct, 2),
        }


@dataclass(frozen=True)
class Footprint:
    """The registry on a date, with the closures applied."""

    date: dt.date
    closed: tuple[str, ...]
    entries: tuple[Entry, ...]
    by_prefecture: tuple[PrefectureTotal, ...]  # exclusive use (II-1(a)) only
    airfields: tuple[str, ...]  # facility ids of airfields in operation, closures applied
    published: tuple[TotalRow, ...] = field(default=())  # latest on or before the date
    removed: tuple[Entry, ...] = field(default=())  # the registry rows the closures took out
    area_pair: AreaPair | None = None  # the latest published Okinawa and national areas of one date

    @property
    def exclusive(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.row.basis == "II-1(a)")

    @property
    def exclusive_km2(self) -> float:
        return sum(p.itemized_km2 for p in self.by_prefecture)

    @property
    def without_area(self) -> tuple[str, ...]:
        """Ids of the exclusive-use rows with no area on the date: none published, or only a
        later figure (shown, not counted). While any is left the registry's share is partial."""
        return tuple(e.row.id for e in self.exclusive if e.area_km2 is None)

    @property
    def okinawa_share_pct(self) -> float | None:
        total = self.exclusive_km2
        oki = next((p.itemized_km2 for p in self.by_prefecture if p.prefecture == OKINAWA), 0.0)
        return None if total <= 0 else 100.0 * oki / total

    def coverage(self) -> Coverage:
        """The itemized exclusive-use area against the total printed for the date (the
        mainland's before reversion, the national after), with Okinawa and the mainland apart
        and the prefectures above MOD's figure for them."""
        items = (
            Item(e.row.prefecture, e.area_km2, e.area is not None and e.area.local)
            for e in self.exclusive
        )
        return coverage(self.date, items, registry().totals)

    def published_national(self) -> TotalRow | None:
        rows = [t for t in self.published if t.scope == "Japan" and t.area_km2 is not None]
        return rows[-1] if rows else None

    def coverage_pct(self) -> float | None:
        """The registry's itemized exclusive-use area as a share of MOD's latest national total."""
        pub = self.published_national()
        if pub is None or pub.area_km2 is None:
            return None
        return 100.0 * self.exclusive_km2 / pub.area_km2

    def published_okinawa(self) -> TotalRow | None:
        rows = [t for t in self.published if t.scope == OKINAWA and t.area_km2 is not None]
        return rows[-1] if rows else None

    def what_if_published(self, removed: tuple[Entry, ...]) -> dict[str, object] | None:
        """MOD's latest totals less the areas of the closed II-1(a) facilities: the published
        share recomputed for the closure. None without closures or published areas."""
        pair = self.area_pair
        if not removed or pair is None:
            return None
        missing = [e.row.id for e in removed if e.area_km2 is None]
        cut = sum(e.area_km2 or 0.0 for e in removed)
        cut_oki = sum(e.area_km2 or 0.0 for e in removed if e.row.prefecture == OKINAWA)
        total, okinawa = pair.national_km2 - cut, pair.okinawa_km2 - cut_oki
        return {
            "published_km2": pair.national_km2,
            "published_as_of": pair.as_of.isoformat(),
            "published_okinawa_km2": pair.okinawa_km2,
            "published_okinawa_as_of": pair.as_of.isoformat(),
            "published_approximate": pair.approximate,
            "closed_km2": round(cut, 3),
            "closed_without_area": missing,
            "km2_after": round(total, 3),
            "okinawa_share_before_pct": round(pair.share_pct, 2),
            "okinawa_share_after_pct": None if total <= 0 else round(100.0 * okinawa / total, 2),
        }

    def to_dict(self) -> dict[str, object]:
        d = self.date
        share = self.okinawa_share_pct
        cov = self.coverage_pct()
        return {
            "date": d.isoformat(),
            "closed": list(self.closed),
            "counts": {
                "ii_1a": len(self.exclusive),
                "ii_4b": len(self.entries) - len(self.exclusive),
                "ii_1a_with_joint_use": sum(
                    1 for e in self.exclusive
                    if e.row.joint_use_from is not None and e.row.joint_use_from <= d
                ),
            },
            "exclusive_use_km2": round(self.exclusive_km2, 3),
            "without_area": list(self.without_area),
            "okinawa_share_pct": None if share is None else round(share, 2),
            "coverage_of_published_pct": None if cov is None else round(cov, 1),
            "coverage": self.coverage().to_dict(),
            "by_prefecture": [p.to_dict() for p in self.by_prefecture],
            "published": [t.model_dump(mode="json") for t in self.published],
            "airfields_in_operation": list(self.airfields),
            "what_if_published": self.what_if_published(
                tuple(e for e in self.removed if e.row.basis == "II-1(a)")
            ),
            "facilities": [e.to_dict(d) for e in self.entries],
            "note": (
                "computed from registry rows; areas are itemized only where sourced (see "
                "coverage_of_published_pct), so the share is of the itemized area, not MOD's"
            ),
        }


def to_geojson(fp: Footprint) -> dict[str, object]:
    """The registry on the date as GeoJSON: flat, typed properties (`core.geojson`: objects
    as `parent_child`, lists of objects as a count and maxima), [lon, lat] to 6 decimals;
    rows without a point have a null geometry."""
    feats = []
    for e in fp.entries:
        props = {k: v for k, v in e.to_dict(fp.date).items() if k not in ("lat", "lon")}
        if e.lat is not None and e.lon is not None:
            feats.append(point(e.lon, e.lat, props))
        else:
            feats.append({"type": "Feature", "geometry": None, "properties": flat(props)})
    return {**collection(feats), "date": fp.date.isoformat(), "coverage": fp.coverage().to_dict()}


def _area_on(areas: tuple[AreaRow, ...], day: dt.date) -> AreaRow | None:
    """The latest figure on or before `day`, else the earliest later one (carried back)."""
    before = [a for a in areas if a.as_of <= day]
    if before:
        return before[-1]
    return areas[0] if areas else None


def check_closed(ids: Iterable[str], field: str = "close") -> tuple[str, ...]:
    """Validate facility ids to close; InputError names the unknown one and where to look."""
    reg = registry()
    known = {r.id for r in reg.rows} | set(facilities())
    out = []
    for rid in ids:
        rid = rid.strip()
        if not rid:
            continue
        if rid not in known:
            raise InputError(
                field, f"unknown facility {rid!r}; see `anpo bases --date D --registry` for ids"
            )
        out.append(rid)
    return tuple(dict.fromkeys(out))


def _published_on(totals: tuple[TotalRow, ...], day: dt.date) -> tuple[TotalRow, ...]:
    """The latest national area, national share and Okinawa area printed on or before `day`."""
    latest: dict[tuple[str, str], TotalRow] = {}
    for t in totals:
        if t.as_of > day or t.scope not in ("Japan", "Mainland", OKINAWA):
            continue
        if t.area_km2 is not None:
            latest[(t.scope, "area")] = t
        elif t.facilities is not None:  # a count printed without an area
            latest[(t.scope, "count")] = t
        if t.okinawa_share_pct is not None:
            latest[(t.scope, "share")] = t
    for scope in ("Japan", "Mainland", OKINAWA):
        count, area = latest.get((scope, "count")), latest.get((scope, "area"))
        if count is not None and area is not None and area.facilities and area.as_of >= count.as_of:
            del latest[(scope, "count")]  # a later area row gives the count too
    # a mainland figure is shown only until a national one of the same or a later date replaces it
    nat = latest.get(("Japan", "area"))
    for kind in ("area", "count"):
        main = latest.get(("Mainland", kind))
        if nat is not None and main is not None and main.as_of < nat.as_of:
            del latest[("Mainland", kind)]
    return tuple(sorted(set(latest.values()), key=lambda t: (t.as_of, t.scope)))


def footprint(day: dt.date | str, closed: Iterable[str] = ()) -> Footprint:
    """The registry on `day` with the `closed` facility ids returned (a what-if)."""
    d = parse_date(day, "date")
    shut = check_closed(closed)
    reg = registry()
    fac = facilities()
    entries: list[Entry] = []
    removed: list[Entry] = []
    for r in reg.rows:
        if not r.in_force(d):
            continue
        lat, lon = r.lat, r.lon
        if lat is None and r.facility is not None:
            lat, lon = fac[r.facility].lat, fac[r.facility].lon
        e = Entry(r, _area_on(reg.areas.get(r.id, ()), d), lat, lon, d)
        closed_now = r.id in shut or (r.facility is not None and r.facility in shut)
        (removed if closed_now else entries).append(e)
    per: dict[str, list[Entry]] = {}
    for e in entries:
        if e.row.basis == "II-1(a)":
            per.setdefault(e.row.prefecture, []).append(e)
    total = sum(e.area_km2 or 0.0 for es in per.values() for e in es)
    pref = []
    for name, es in per.items():
        km2 = sum(e.area_km2 or 0.0 for e in es)
        pref.append(
            PrefectureTotal(
                name,
                len(es),
                km2,
                sum(1 for e in es if e.area_km2 is None),
                None if total <= 0 else 100.0 * km2 / total,
            )
        )
    pref.sort(key=lambda p: (-p.itemized_km2, -p.facilities, p.prefecture))
    airfields = tuple(
        f.facility.id
        for f in at(d).facilities
        if f.facility.kind == "airfield" and f.facility.id not in shut
    )
    return Footprint(
        d, shut, tuple(entries), tuple(pref), airfields, _published_on(reg.totals, d), tuple(removed),
        _area_pair(reg.totals, d),
    )


def share_series(dates: Iterable[str | dt.date] | None = None) -> list[dict[str, object]]:
    """Okinawa's share of the exclusive-use area computed from the registry on each date, beside
    the publishers' share and area on or before it. Default dates: every published total's
    date plus 1960-01-01, reversion and 2026-01-01."""
    reg = registry()
    if dates is None:
        days = {t.as_of for t in reg.totals} | {parse_date(x, "date") for x in DEFAULT_SERIES_DATES}
    else:
        days = {parse_date(x, "dates") for x in dates}
    out = []
    for d in sorted(days):
        fp = footprint(d)
        pub_share = next(
            (t for t in reversed(reg.totals) if t.as_of <= d and t.okinawa_share_pct is not None),
            None,
        )
        pub_area = fp.published_national()
        pair = _area_pair(reg.totals, d)
        share = fp.okinawa_share_pct
        cov = fp.coverage_pct()
        printed = None if pub_share is None else pub_share.okinawa_share_pct
        same_day = pair is not None and pub_share is not None and pair.as_of == pub_share.as_of
        total = fp.coverage().total
        tot_pub = total.published
        tot_pct = total.itemized_pct
        out.append({
            "date": d.isoformat(),
            "registry_ii_1a": len(fp.exclusive),
            "registry_km2": round(fp.exclusive_km2, 3),
            "registry_okinawa_share_pct": None if share is None else round(share, 2),
            "published_okinawa_share_pct": None if pub_share is None else pub_share.okinawa_share_pct,
            "published_share_as_of": None if pub_share is None else pub_share.as_of.isoformat(),
            "published_share_source": None if pub_share is None else pub_share.source,
            "published_km2": None if pub_area is None else pub_area.area_km2,
            "published_km2_as_of": None if pub_area is None else pub_area.as_of.isoformat(),
            "coverage_of_published_pct": None if cov is None else round(cov, 1),
            "without_area": len(fp.without_area),
            # the total that applies on the date (the mainland's before reversion) and the
            # share of it the registry itemizes (local governments' figures included)
            "published_total_scope": total.scope,
            "published_total_km2": None if tot_pub is None else round(tot_pub.km2, 3),
            "published_total_as_of": None if tot_pub is None else tot_pub.as_of.isoformat(),
            "published_total_approximate": None if tot_pub is None else tot_pub.approximate,
            "itemized_pct_of_total": None if tot_pct is None else round(tot_pct, 1),
            # complete: every exclusive-use row has an area on the date; only then is the
            # registry's share Okinawa's share rather than a share of what is itemized
            "registry_complete": bool(fp.exclusive) and not fp.without_area,
            # Okinawa's printed area over the national printed area (or Okinawa + mainland)
            "published_areas_share_pct": None if pair is None else round(pair.share_pct, 2),
            "published_areas_as_of": None if pair is None else pair.as_of.isoformat(),
            "published_areas_approximate": None if pair is None else pair.approximate,
            "computed_minus_printed_pct": (
                round(pair.share_pct - printed, 2) + 0.0 if same_day and pair and printed else None
            ),
        })
    return out


def published_share_on(day: dt.date | str) -> AreaPair | None:
    """Okinawa's share on `day` computed from the latest pair of areas published on or before it."""
    return _area_pair(registry().totals, parse_date(day, "date"))


def _area_pair(totals: tuple[TotalRow, ...], day: dt.date) -> AreaPair | None:
    """The latest date on or before `day` with Okinawa's area and either the national area or
    the mainland's (national = mainland + Okinawa) printed, and the share computed from them."""
    by: dict[tuple[dt.date, str], TotalRow] = {
        (t.as_of, t.scope): t for t in totals if t.area_km2 and t.scope in ("Japan", "Mainland", OKINAWA)
    }
    for d in sorted({k[0] for k in by if k[0] <= day}, reverse=True):
        oki = by.get((d, OKINAWA))
        if oki is None or oki.area_km2 is None:
            continue
        nat, main = by.get((d, "Japan")), by.get((d, "Mainland"))
        if nat is not None and nat.area_km2:
            return AreaPair(d, oki.area_km2, nat.area_km2, rough(oki) or rough(nat))
        if main is not None and main.area_km2:
            return AreaPair(d, oki.area_km2, main.area_km2 + oki.area_km2, rough(oki) or rough(main))
    return None
