"""Forces that fly: the sorties a base's aircraft generate, and what strikes and the air fight take.

A unit's aircraft fly a cycle of sorties: each lasts the type's endurance E (longer for
fighters that tank) and is followed by a turnaround T on the ground. Three limits bound the
share of a unit's aircraft in the air:

- the cycle itself, E / (E + T);
- the crews: crews per aircraft x the hours a crew flies a day / 24;
- the base's open runways: runways x launches per runway-hour x E, shared by the aircraft
  of the class (fighters; large aircraft) based there.

Of the airborne share, (E - 2 transit) / E is on station (`presence`); a unit generates
airborne share / E sorties per aircraft an hour while its base is open (`sortie_rate`).
After a salvo that closes a base, its crews restore one strip (`strikes`): the base then
generates what one runway allows. Every figure is a named parameter (`sortie.*`,
`shelters.<facility>`); the kernel applies them trial by trial (`timeline_kernel`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from anpo.posture.registry import Facility
from anpo.sim.parameters import Parameters

FT = 0.3048
FLYING = ("fighter", "maritime_patrol")  # combat aircraft that hold station by sortie cycles
DEFAULT_WIDTH_FT = 150  # as strikes.DEFAULT_WIDTH_FT: a runway without a width


def endurance_h(kind: str, tanker: bool, p: Parameters) -> float:
    """One sortie's length, transit included (fighters that tank fly longer)."""
    return p[f"sortie.{kind}_endurance_h"] + (p["sortie.tanker_extension_h"] if tanker else 0.0)


def airborne_share(kind: str, tanker: bool, p: Parameters, runway_share: float = np.inf) -> float:
    """The share of a unit's aircraft in the air over the sortie cycle: the least of what the
    cycle, the crews and the base's runways (`runway_share`, see `runway_share`) allow."""
    e = endurance_h(kind, tanker, p)
    cycle = e / (e + p[f"sortie.{kind}_turnaround_h"])
    crews = p[f"sortie.{kind}_crew_ratio"] * p["sortie.crew_flight_h_per_day"] / 24.0
    return min(cycle, crews, runway_share)


def runway_share(runways: int, aircraft_at_base: int, kind: str, tanker: bool, p: Parameters) -> float:
    """The airborne share the base's open runways allow its aircraft of one class: launches
    an hour (runways x `sortie.launches_per_runway_h`) times the sortie's length, shared by
    the aircraft of the class based there."""
    if aircraft_at_base <= 0:
        return np.inf
    launches = runways * p["sortie.launches_per_runway_h"]
    return launches * endurance_h(kind, tanker, p) / aircraft_at_base


def presence(kind: str, transit_h: float, tanker: bool, p: Parameters, runway: float = np.inf) -> float:
    """The share of a unit's aircraft kept on station over the event by its sortie cycle.

    The time on station is what the round trip leaves of the endurance, a share of the
    airborne share (`airborne_share`). Ships and the landing force stay once there (1); a
    unit out of reach holds nothing (0). Tankers and the Coast Guard do not count toward
    denial.
    """
    if not np.isfinite(transit_h):
        return 0.0
    if kind not in FLYING:
        return 1.0
    e = endurance_h(kind, tanker, p)
    on_station = max(0.0, e - 2.0 * transit_h)
    return on_station / e * airborne_share(kind, tanker, p, runway)


def runways_serving(facility: Facility, cls: str, p: Parameters) -> int:
    """Open runways of a base that serve an aircraft class: the main (longest) one always,
    others when at least the class's minimum operating strip (the rule of `strikes`)."""
    rws = [r for r in facility.runways if not r.closed]
    n = 0
    for j, r in enumerate(rws):
        length, width = r.length_ft * FT, (r.width_ft or DEFAULT_WIDTH_FT) * FT
        n += j == 0 or (length >= p[f"mos.{cls}_length_m"] and width >= p[f"mos.{cls}_width_m"])
    return n


@dataclass(frozen=True)
class AirUnits:
    """Per unit row: the sortie model's constants (0 for ships and units out of reach).

    `presence` / `presence_one`: share on station with all the base's runways / one
    repaired strip; `rate` / `rate_one`: sorties per aircraft an hour likewise (combat
    aircraft that can hold station only); `sheltered`: the share of the unit's aircraft the
    base's hardened shelters hold (fighters only); `on_station_h`: hours on station per
    sortie; `ground`: share of the unit on the ground after its first departure.
    """

    presence: npt.NDArray[np.float64]
    presence_one: npt.NDArray[np.float64]
    rate: npt.NDArray[np.float64]
    rate_one: npt.NDArray[np.float64]
    sheltered: npt.NDArray[np.float64]
    on_station_h: npt.NDArray[np.float64]
    ground: npt.NDArray[np.float64]


def air_units(
    kinds: list[str],
    facilities: list[Facility],
    counts: npt.NDArray[np.int64],
    classes: tuple[str, ...],
    transit_h: npt.NDArray[np.float64],
    tanker: npt.NDArray[np.bool_],
    p: Parameters,
    can_tank: npt.NDArray[np.bool_] | None = None,
) -> AirUnits:
    """The sortie model's constants for every unit row (`plan.compile_plan`).

    `tanker`: the unit needs a tanker to reach the event; `can_tank`: it may tank on station
    (its country has tankers in the run), which it does when that keeps it there longer.
    """
    n = len(kinds)
    at_base: dict[tuple[str, str], int] = {}
    fighters: dict[str, int] = {}
    for kind, fac, c, cls in zip(kinds, facilities, counts, classes, strict=True):
        if kind in ("fighter", "tanker", "maritime_patrol"):
            at_base[fac.id, cls] = at_base.get((fac.id, cls), 0) + int(c)
        if kind == "fighter":
            fighters[fac.id] = fighters.get(fac.id, 0) + int(c)
    names = ("presence", "presence_one", "rate", "rate_one", "sheltered", "on_station_h")
    out = {k: np.zeros(n) for k in names}
    ground = np.ones(n)
    for i, (kind, fac, cls) in enumerate(zip(kinds, facilities, classes, strict=True)):
        tr, tk = float(transit_h[i]), bool(tanker[i])
        if not tk and kind == "fighter" and can_tank is not None and can_tank[i]:
            tk = presence(kind, tr, True, p) > presence(kind, tr, False, p)
        if kind == "fighter":
            name = f"shelters.{fac.id}"
            shelters = p[name] if name in p.table else 0.0
            out["sheltered"][i] = min(1.0, shelters / fighters[fac.id])
        if kind not in FLYING:
            out["presence"][i] = out["presence_one"][i] = presence(kind, tr, tk, p)
            continue
        base = at_base[fac.id, cls]
        full = runway_share(runways_serving(fac, cls, p), base, kind, tk, p)
        one = runway_share(1, base, kind, tk, p)
        e = endurance_h(kind, tk, p)
        ground[i] = 1.0 - airborne_share(kind, tk, p, full)
        out["presence"][i] = presence(kind, tr, tk, p, full)
        out["presence_one"][i] = presence(kind, tr, tk, p, one)
        if out["presence"][i] > 0.0:  # a unit that cannot hold station does not fly there
            out["rate"][i] = airborne_share(kind, tk, p, full) / e
            out["rate_one"][i] = airborne_share(kind, tk, p, one) / e
            out["on_station_h"][i] = e - 2.0 * tr
    return AirUnits(ground=ground, **out)
