"""Missile defense of struck air bases: the units in service on a date, and which bases each covers.

Two layers engage a salvo before it reaches the runways (`strike_kernel.engage`):
- upper: Aegis BMD ships with SM-3 (midcourse). A ship on a BMD station defends an area:
  every struck base under Japan's administration. Each ship is on station in a trial with
  `missile_defense.aegis_on_station_probability`.
- lower: PAC-3 fire units and batteries (terminal): each defends the struck bases within
  `missile_defense.pac3_cover_km` of its site.

The units by date and place are `data/sim/air_defense.yaml` (each row sourced or a named
assumption). A scenario may switch the defenses off, keep the legacy flat interception, or
set a unit row's count (`strikes.defenses`, `parse_defenses`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from anpo import data
from anpo.core.errors import DataError, InputError

DEFENSE_FILE = "sim/air_defense.yaml"
KINDS = ("aegis_bmd", "pac3")  # in the order the layers engage: upper, then lower
UPPER, LOWER = 0, 1
MODES = ("table", "none", "flat")
LEGACY = "strike.interception_probability"


@dataclass(frozen=True)
class DefenseRow:
    id: str
    kind: str
    country: str
    place: str
    count: int
    start: dt.date
    end: dt.date | None
    provenance: str  # "source: ..." or "assumption: ...", as for the forces and parameters
    lat: float | None = None
    lon: float | None = None

    def on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def _row(i: int, u: object) -> DefenseRow:
    where = f"{DEFENSE_FILE}: units[{i}]"
    if not isinstance(u, Mapping):
        raise DataError(f"{where} is not a mapping")
    if u.get("kind") not in KINDS or u.get("country") not in ("JPN", "USA"):
        raise DataError(f"{where}: kind or country")
    if bool(u.get("source")) == bool(u.get("assumption")):
        raise DataError(f"{where}: needs exactly one of source, assumption")
    count = u.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
        raise DataError(f"{where}: count must be a positive integer")
    if not isinstance(u.get("from"), dt.date) or not isinstance(u.get("to") or dt.date.max, dt.date):
        raise DataError(f"{where}: from/to must be dates")
    prov = f"source: {u['source']}" if u.get("source") else f"assumption: {u['assumption']}"
    if u.get("count_assumption"):
        prov += f"; count: assumption: {u['count_assumption']}"
    lat, lon = u.get("lat"), u.get("lon")
    if u["kind"] == "pac3" and not (isinstance(lat, int | float) and isinstance(lon, int | float)):
        raise DataError(f"{where}: a PAC-3 row needs lat and lon (its coverage is by distance)")
    return DefenseRow(str(u["id"]), u["kind"], u["country"], str(u.get("place", "")), count, u["from"],
                      u.get("to"), prov, None if lat is None else float(lat),
                      None if lon is None else float(lon))


@cache
def defense_table() -> tuple[DefenseRow, ...]:
    """Every row of air_defense.yaml (validated once)."""
    raw = data.read_yaml(DEFENSE_FILE)
    rows = tuple(_row(i, u) for i, u in enumerate(raw.get("units", [])))
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        raise DataError(f"{DEFENSE_FILE}: a unit id is listed twice")
    return rows


@dataclass(frozen=True)
class DefenseInput:
    """The scenario's `strikes.defenses`: `table` (default), `none` or `flat`, and counts that
    replace a table row's (0 switches it off; a count places the row's unit on any date)."""

    mode: str = "table"
    counts: Mapping[str, int] = field(default_factory=dict)

    def to_input(self) -> Any:
        return {"units": dict(self.counts)} if self.counts else self.mode


def parse_defenses(raw: object) -> DefenseInput | None:
    """`none` | `flat` | `table` | {units: {row id: count}}; InputError naming the field."""
    where = "strikes.defenses"
    if raw is None:
        return None
    if isinstance(raw, str):
        if raw not in MODES:
            raise InputError(where, f"{raw!r}: expected one of {', '.join(MODES)} or {{units: {{...}}}}")
        return DefenseInput(raw)
    if not isinstance(raw, Mapping):
        raise InputError(where, "expected none, flat, table or a mapping {units: {id: count}}")
    for key in raw:
        if key != "units":
            raise InputError(f"{where}.{key}", "unknown field; accepted: units")
    units = raw.get("units")
    if not isinstance(units, Mapping) or not units:
        raise InputError(f"{where}.units", "expected a mapping of unit ids (air_defense.yaml) to counts")
    known = {r.id for r in defense_table()}
    counts = {}
    for uid, n in units.items():
        if uid not in known:
            raise InputError(f"{where}.units.{uid}", f"unknown unit; known: {', '.join(sorted(known))}")
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 1000:
            raise InputError(f"{where}.units.{uid}", f"{n!r} must be a whole number from 0 to 1000")
        counts[str(uid)] = n
    return DefenseInput("table", counts)


def mode_of(inp: DefenseInput | None, overridden: Mapping[str, object]) -> str:
    """The defense mode of a run: the scenario's, else `flat` when the run overrides the
    legacy flat interception (older scenario files keep their meaning), else `table`."""
    if inp is not None:
        return inp.mode
    return "flat" if LEGACY in overridden else "table"


@dataclass(frozen=True)
class Defender:
    """One table row in service on the scenario's date: `count` ships or fire units."""

    id: str
    kind: str
    count: int
    provenance: str

    @property
    def layer(self) -> int:
        return KINDS.index(self.kind)


def defenders(
    bases: tuple[tuple[float, float, bool], ...], day: dt.date, inp: DefenseInput | None, cover_km: float
) -> tuple[tuple[Defender, ...], tuple[tuple[bool, ...], ...]]:
    """The units in service on `day` that cover some struck base, upper layer first, and
    `covers[u][b]`. bases: (lat, lon, under Japan's administration) of each struck base."""
    from anpo import posture  # geodesics: only when there are strikes

    counts = inp.counts if inp is not None else {}
    units, covers = [], []
    for kind in KINDS:
        for r in defense_table():
            # A count the scenario gives applies on any date (a posture change: a unit placed
            # where or when it was not); otherwise the table's, while the row is in service.
            n = counts[r.id] if r.id in counts else r.count if r.on(day) else 0
            if r.kind != kind or n == 0:
                continue
            if kind == "aegis_bmd":
                cov = tuple(japan for _, _, japan in bases)
            else:
                assert r.lat is not None and r.lon is not None
                lats, lons = [b[0] for b in bases], [b[1] for b in bases]
                d = posture.distance_matrix_km([r.lat], [r.lon], lats, lons)[0]
                cov = tuple(bool(x <= cover_km) for x in d)
            if any(cov):
                units.append(Defender(r.id, kind, n, r.provenance))
                covers.append(cov)
    return tuple(units), tuple(covers)
