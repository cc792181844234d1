"""A simulation compiled to plain numbers and arrays: what every chunk of trials shares.

Compiling reads the law (legal gates), the posture (units, distances, runways) and the
parameters once; the chunks then only draw random numbers and combine columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo import posture
from anpo.core.codes import Event
from anpo.core.errors import InputError
from anpo.core.scenario import Scenario
from anpo.sim.forces import AIRCRAFT, COUNTRIES, SHIPS, TYPES, Forces, UnitRow, forces_on
from anpo.sim.gates import LegalEvent, LegalGates, TimedEvent, legal_events
from anpo.sim.parameters import Parameters, defaults
from anpo.sim.scenario import SimScenario
from anpo.sim.sea_routes import route_factor
from anpo.sim.sorties import AirUnits, air_units
from anpo.sim.strikes import BaseTarget, targets


@dataclass(frozen=True)
class Plan:
    sim: SimScenario
    params: Parameters
    gates: LegalGates  # of the triggering event
    events: tuple[LegalEvent, ...]  # the triggering event first, then each change of the law
    forces: Forces
    bases: tuple[BaseTarget, ...]
    # per unit row
    country: npt.NDArray[np.int64]  # index into COUNTRIES
    kind: npt.NDArray[np.int64]  # index into TYPES
    count: npt.NDArray[np.int64]
    transit_h: npt.NDArray[np.float64]  # inf where out of reach
    readiness_h: npt.NDArray[np.float64]
    needs_tanker: npt.NDArray[np.bool_]
    from_japan: npt.NDArray[np.bool_]  # a U.S. unit at a base in Japan (prior consultation)
    ship: npt.NDArray[np.bool_]
    base: npt.NDArray[np.int64]  # index into `bases`, -1 when its base is not struck
    presence: npt.NDArray[np.float64]  # share of the unit held on station (`sorties.presence`)
    mos_class: tuple[str, ...]
    air: AirUnits  # the sortie model's constants per unit (`sorties.air_units`)

    @property
    def detection_param(self) -> str:
        return f"detection.{self.sim.scenario.event.name}_h"

    @property
    def consultation_param(self) -> str:
        return f"consultation.{self.gates.arrangement.value}_h"

    def event_detection_params(self) -> list[str]:
        return [f"detection.{e.scenario.event.name}_h" for e in self.events]

    def units(self) -> list[dict[str, Any]]:
        return [
            {
                "unit": r.unit,
                "facility": r.facility,
                "country": r.country,
                "type": r.type,
                "count": r.count,
                **({"count_range": [r.low, r.high]} if r.low is not None else {}),
                "distance_km": round(float(d), 1),
                "transit_h": None if not np.isfinite(t) else round(float(t), 3),
                "needs_tanker": bool(nt),
                # the sortie model (`sorties`): share held on station, sorties per aircraft an
                # hour, share of its aircraft the base's shelters hold
                "on_station_share": round(float(self.air.presence[k]), 4),
                "sorties_per_aircraft_h": round(float(self.air.rate[k]), 4),
                "sheltered_share": round(float(self.air.sheltered[k]), 4),
                "basis": r.provenance,
            }
            for k, (r, d, t, nt) in enumerate(
                zip(self.forces.rows, self.forces.distance_km, self.transit_h, self.needs_tanker, strict=True)
            )
        ]


def compile_plan(sim: SimScenario, params: Parameters) -> Plan:
    sc = sim.scenario
    if sim.disaster is not None:
        raise InputError(
            "disaster", "a disaster response runs in its own model (anpo.sim.disaster.run_disaster)"
        )
    if sim.evacuation is not None:
        raise InputError("evacuation", "an evacuation runs in its own model (anpo.sim.evacuation)")
    if sim.blockade is not None:
        raise InputError("blockade", "a blockade runs in its own model (anpo.sim.blockade)")
    if sc.event is Event.none:
        raise InputError(
            "scenario.event",
            "nothing happens in this scenario: give an event to simulate, or a `disaster:` block",
        )
    assert sc.lat is not None and sc.lon is not None
    known = set(posture.facilities())
    for i, fid in enumerate(sim.closed_bases):
        if fid not in known:
            raise InputError(f"closed_bases[{i}]", f"{fid!r} is not a facility of the posture registry")
    forces = forces_on(sc.date, sc.lat, sc.lon, closed=frozenset(sim.closed_bases))
    bases = targets(sim.strike_bases, sc.date, params, sim.strike_defenses) if sim.strike_bases else ()
    events = legal_events(_timeline(sim, params))
    base_index = {b.facility: i for i, b in enumerate(bases)}
    rows = forces.rows
    kind = np.array([TYPES.index(r.type) for r in rows], np.int64)
    ship = np.array([r.type in SHIPS for r in rows], bool)
    speed = np.array([params[f"speed.{r.type}_kmh"] for r in rows])
    route = _route_factors(rows, forces.facilities, sc.lat, sc.lon, params)
    transit = forces.distance_km * route / speed if rows else np.zeros(0)
    needs_tanker = np.array(
        [
            r.type == "fighter" and d > params["combat_radius.fighter_km"]
            for r, d in zip(rows, forces.distance_km, strict=True)
        ],
        bool,
    )
    out_of_reach = np.array(
        [
            r.type == "maritime_patrol" and d > params["combat_radius.maritime_patrol_km"]
            for r, d in zip(rows, forces.distance_km, strict=True)
        ],
        bool,
    )
    transit = np.where(out_of_reach, np.inf, transit)
    classes = tuple("fighter" if r.type == "fighter" else "tanker" for r in rows)
    # A fighter within its radius may still tank on station when its country has tankers in
    # the run: its time on station then never falls as its radius grows.
    tanking = {r.country for r in rows if r.type == "tanker"}
    can_tank = np.array([r.type == "fighter" and r.country in tanking for r in rows], bool) | needs_tanker
    air = air_units(
        [r.type for r in rows], list(forces.facilities), np.array([r.count for r in rows], np.int64), classes,
        np.asarray(transit, np.float64), needs_tanker, params, can_tank,
    )  # fmt: skip
    return Plan(
        sim=sim,
        params=params,
        gates=events[0].gates,
        events=events,
        forces=forces,
        bases=bases,
        country=np.array([COUNTRIES.index(r.country) for r in rows], np.int64),
        kind=kind,
        count=np.array([r.count for r in rows], np.int64),
        transit_h=np.asarray(transit, np.float64),
        readiness_h=np.array([params[f"readiness.{r.type}_h"] for r in rows]),
        needs_tanker=needs_tanker,
        from_japan=np.array([r.country == "USA" for r in rows], bool) & forces.host_is_japan,
        ship=ship,
        base=np.array([base_index.get(r.facility, -1) if r.type in AIRCRAFT else -1 for r in rows], np.int64),
        mos_class=classes,
        presence=air.presence,
        air=air,
    )


def _route_factors(
    rows: tuple[UnitRow, ...],
    facilities: tuple[posture.Facility, ...],
    lat: float,
    lon: float,
    params: Parameters,
) -> npt.NDArray[np.float64]:
    """Route over water / geodesic per unit row: 1 for aircraft; for a ship the computed factor
    of its port and this objective (data/sim/sea_routes.csv), else `sea_route_factor`. A run
    that sets `sea_route_factor` (an override, a tornado sweep) applies it to every ship."""
    scalar = params["sea_route_factor"]
    own = scalar == defaults()["sea_route_factor"].default
    return np.array(
        [
            1.0 if r.type not in SHIPS else route_factor(f.id, lat, lon, scalar) if own else scalar
            for r, f in zip(rows, facilities, strict=True)
        ],
        np.float64,
    )


def _timeline(sim: SimScenario, params: Parameters) -> list[TimedEvent]:
    """Every event the law is asked about: the triggering one, the first salvo on each struck
    base (an armed attack at the base, on the forces stationed there), the scenario's events,
    and for a gray-zone incident its escalation to an armed attack on Japan at the same place
    (in a share of trials, at a random hour: `ladder.escalation_*`)."""
    sc = sim.scenario
    out = [TimedEvent(0.0, "triggering event", sc)]
    if sc.event is Event.gray_zone:
        attack = Scenario(sc.date, Event.armed_attack, "JPN", sc.lat, sc.lon, assume=sc.assume)
        p, name = params["ladder.escalation_probability"], "ladder.escalation_h"
        if p > 0:
            cause = "escalation: armed attack on JPN"
            out.append(TimedEvent(params[name], cause, attack, p, params.spread(name)))
    if sim.strike_bases:
        active = {f.facility.id: f.facility for f in posture.at(sc.date).facilities}
        for fid in sim.strike_bases:
            fac = active[fid]
            owner = "USA" if any(s.startswith("US") for s in fac.record.services) else "JPN"
            hit = Scenario(sc.date, Event.armed_attack, owner, fac.lat, fac.lon, assume=sc.assume)
            out.append(TimedEvent(float(params["strike.time_h"]), f"strike on {fid}", hit))
    for i, (h, e) in enumerate(sim.events):
        out.append(TimedEvent(h, f"events[{i}]: {e.event.name} on {e.target or 'unspecified'}", e))
    return out
