"""The administration table (units.yaml) and the specified areas, parsed and validated."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from anpo import data
from anpo.core.codes import parse_country
from anpo.core.dates import FIRST_DATE
from anpo.core.errors import DataError, InputError
from anpo.geo.place import AdminPeriod, Unit

REGIMES = {"japan", "12nm"}
CONFIDENCE = {"confirmed", "partly", "unverified", "assumption"}  # anpo.core.source, plus assumption
UNIT_FIELDS = {"id", "name", "regime", "select", "also_country", "country", "history",
               "administered_by"}
PERIOD_FIELDS = {"start", "administered_by", "claimed_by", "event", "source", "confidence", "instrument",
                 "document", "read_from"}


@dataclass(frozen=True)
class UnitSpec:
    """A unit and how the build tool picks its land."""

    unit: Unit
    select: tuple[tuple[float, float, float, float], ...]
    also_country: str | None
    country: str | None


def _country(value: Any, where: str) -> str:
    try:
        return parse_country(value, where)
    except InputError as err:
        raise DataError(f"units.yaml: {err}") from None


def _period(raw: Any, where: str) -> AdminPeriod:
    unknown = set(raw) - PERIOD_FIELDS
    if unknown:
        raise DataError(f"units.yaml: {where}: unknown fields {sorted(unknown)}")
    start = raw["start"]
    if not isinstance(start, dt.date):
        raise DataError(f"units.yaml: {where}: start must be a date")
    if raw["confidence"] not in CONFIDENCE:
        raise DataError(f"units.yaml: {where}: confidence {raw['confidence']!r}")
    source = _source(raw, where)
    admin = raw["administered_by"]
    return AdminPeriod(
        start=start,
        administered_by=None if admin is None else _country(admin, f"{where}.administered_by"),
        claimed_by=tuple(_country(c, f"{where}.claimed_by") for c in raw["claimed_by"]),
        event=str(raw["event"]),
        source=source,
        confidence=str(raw["confidence"]),
        instrument=raw.get("instrument"),
    )


def _source(raw: Any, where: str) -> str:
    """The official page a period cites, or, when its address is unknown, the document named
    (anpo.core.source: a listed publisher's URL, never a local path; copies go in read_from)."""
    from anpo.core.source import check_source

    src = check_source(raw, f"units.yaml: {where}", allow_assumption=True, url_key="source")
    return src.url or f"{src.document} (official address not known)"


def _country_history(country: str, admin: str | None) -> tuple[AdminPeriod, ...]:
    return (
        AdminPeriod(
            start=FIRST_DATE,
            administered_by=admin or country,
            claimed_by=(),
            event=(
                "attributed to its present-day administering state throughout "
                "(neighbours' own histories are out of scope)"
            ),
            source="https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-0-countries/",
            confidence="assumption",
        ),
    )


@cache
def unit_specs() -> tuple[UnitSpec, ...]:
    """Every unit of units.yaml, validated, in file order (the order of `select` priority)."""
    raw = data.read_yaml("geo/units.yaml")["units"]
    specs = []
    seen: set[str] = set()
    for code, u in enumerate(raw):
        unknown = set(u) - UNIT_FIELDS
        if unknown:
            raise DataError(f"units.yaml: {u.get('id')}: unknown fields {sorted(unknown)}")
        if u["id"] in seen:
            raise DataError(f"units.yaml: {u['id']} defined twice")
        seen.add(u["id"])
        if u["regime"] not in REGIMES:
            raise DataError(f"units.yaml: {u['id']}: regime {u['regime']!r}")
        country = u.get("country")
        if "history" in u:
            history = tuple(_period(p, f"{u['id']}[{i}]") for i, p in enumerate(u["history"]))
        elif country:
            history = _country_history(
                _country(country, u["id"]),
                _country(u["administered_by"], u["id"]) if u.get("administered_by") else None,
            )
        else:
            raise DataError(f"units.yaml: {u['id']}: no history and no country")
        starts = [p.start for p in history]
        if starts[0] != FIRST_DATE or starts != sorted(set(starts)):
            raise DataError(f"units.yaml: {u['id']}: history must start {FIRST_DATE} and be ordered")
        select = tuple(tuple(float(v) for v in box) for box in u.get("select", []))
        if any(len(b) != 4 or b[0] >= b[2] or b[1] >= b[3] for b in select):
            raise DataError(f"units.yaml: {u['id']}: select boxes are [west, south, east, north]")
        specs.append(
            UnitSpec(
                unit=Unit(code, u["id"], u["name"], u["regime"], history),
                select=select,  # type: ignore[arg-type]
                also_country=u.get("also_country"),
                country=country,
            )
        )
    return tuple(specs)


def units() -> list[Unit]:
    return [s.unit for s in unit_specs()]


def geometry_fingerprint() -> str:
    """SHA-256 of everything the derived geodata depends on: unit selection rules, the
    specified areas and the grid constants. Histories are left out: editing who administers
    a unit, or since when, needs no rebuild."""
    from anpo.geo import region as R

    payload = {
        "units": [[s.unit.id, s.unit.regime, s.select, s.also_country, s.country] for s in unit_specs()],
        "areas": [[a.id, a.ring] for a in specified_areas()],
        "grid": [R.WEST, R.SOUTH, R.EAST, R.NORTH, R.MARGIN_DEG, R.CELLS_PER_DEG, R.COAST_SAMPLE_KM,
                 R.SIMPLIFY_DEG, R.TS_NARROW_NM, R.TS_WIDE_NM],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class SpecifiedArea:
    id: str
    name: str
    ring: tuple[tuple[float, float], ...]


@cache
def specified_areas() -> tuple[SpecifiedArea, ...]:
    raw = data.read_yaml("geo/specified_areas.yaml")["areas"]
    return tuple(
        SpecifiedArea(a["id"], a["name"], tuple((float(x), float(y)) for x, y in a["ring"]))
        for a in raw
    )


@dataclass(frozen=True)
class InternalWaters:
    """Waters behind a closing line, reported as part of a unit's territorial sea."""

    id: str
    name: str
    unit_id: str
    ring: tuple[tuple[float, float], ...]
    source: str
    confidence: str


@cache
def internal_waters() -> tuple[InternalWaters, ...]:
    raw = data.read_yaml("geo/internal_waters.yaml")["waters"]
    ids = {s.unit.id for s in unit_specs()}
    out = []
    for w in raw:
        unknown = set(w) - {"id", "name", "unit", "ring", "source", "confidence"}
        if unknown:
            raise DataError(f"internal_waters.yaml: {w.get('id')}: unknown fields {sorted(unknown)}")
        if w["unit"] not in ids:
            raise DataError(f"internal_waters.yaml: {w['id']}: unknown unit {w['unit']!r}")
        if w["confidence"] not in CONFIDENCE:
            raise DataError(f"internal_waters.yaml: {w['id']}: confidence {w['confidence']!r}")
        out.append(
            InternalWaters(
                w["id"], w["name"], w["unit"], tuple((float(x), float(y)) for x, y in w["ring"]),
                str(w["source"]), str(w["confidence"]),
            )
        )
    return tuple(out)
