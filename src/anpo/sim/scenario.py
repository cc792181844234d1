"""The simulation's input file: an assessable scenario plus what the Monte Carlo needs.

scenario: {date, event, target, lat, lon, ...}   # exactly as for `anpo assess`
fait_accompli_h: 72                               # optional: adversary's objective time
strikes: {bases: [kadena, futenma]}               # optional: air bases struck
  # defenses: none | flat | {units: {us-1-1-ada: 0}}   (optional: missile_defense.py)
events:                                           # optional: later events (the law re-assesses each)
  - {at_h: 12, event: armed_attack, target: JPN, lat: 24.34, lon: 124.16}
closed_bases: [kadena]                            # optional: their units do not respond
parameters: {strike.cep_m: 50}                    # optional: parameter overrides
disaster: {kind, order_h, forces: [...]}          # instead of an event: relief build-up (disaster.py)
evacuation: {evacuees, lift, protection, ...}     # emergency abroad: evacuation of nationals (evacuation.py)
blockade: {threat, lane, escort, decisions, ...}  # sea-lane disruption: escort and minesweeping (blockade.py)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from anpo.core.codes import Event
from anpo.core.errors import InputError
from anpo.core.scenario import Scenario
from anpo.law.assess import parse
from anpo.sim.blockade import Blockade, parse_blockade
from anpo.sim.blockade import check_scenario as check_blockade
from anpo.sim.disaster import Disaster, parse_disaster
from anpo.sim.evacuation import Evacuation, parse_evacuation
from anpo.sim.evacuation import check_scenario as check_evacuation
from anpo.sim.missile_defense import DefenseInput, parse_defenses

FIELDS = (
    "scenario", "fait_accompli_h", "strikes", "events", "closed_bases", "parameters", "disaster",
    "evacuation", "blockade",
)
OWN_MODELS = ("disaster", "evacuation", "blockade")  # each runs its own small model, not the kernels
EVENT_FIELDS = ("at_h", "event", "target", "lat", "lon")
STRIKE_FIELDS = ("bases", "defenses")


@dataclass(frozen=True)
class SimScenario:
    scenario: Scenario
    fait_accompli_h: float | None = None
    strike_bases: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[tuple[float, Scenario], ...] = ()  # (hour, event) after the triggering one
    closed_bases: tuple[str, ...] = ()  # facilities whose units do not respond (a posture change)
    disaster: Disaster | None = None  # a relief operation (its own model), not a crisis
    disaster_input: Mapping[str, Any] | None = None
    evacuation: Evacuation | None = None  # nationals carried out of an emergency abroad (own model)
    evacuation_input: Mapping[str, Any] | None = None
    blockade: Blockade | None = None  # a sea-lane disruption: escort and minesweeping (own model)
    blockade_input: Mapping[str, Any] | None = None
    strike_defenses: DefenseInput | None = None  # strikes.defenses (None: the table, or flat)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scenario": self.scenario.to_input_dict()}
        if self.fait_accompli_h is not None:
            out["fait_accompli_h"] = self.fait_accompli_h
        if self.strike_bases:
            out["strikes"] = {"bases": list(self.strike_bases)}
            if self.strike_defenses is not None:
                out["strikes"]["defenses"] = self.strike_defenses.to_input()
        if self.events:
            out["events"] = [
                {"at_h": at, **{k: v for k, v in sc.to_input_dict().items() if k in EVENT_FIELDS}}
                for at, sc in self.events
            ]
        if self.closed_bases:
            out["closed_bases"] = list(self.closed_bases)
        if self.parameters:
            out["parameters"] = dict(self.parameters)
        if self.disaster_input is not None:
            out["disaster"] = dict(self.disaster_input)
        if self.evacuation_input is not None:
            out["evacuation"] = dict(self.evacuation_input)
        if self.blockade_input is not None:
            out["blockade"] = dict(self.blockade_input)
        return out


def parse_sim_scenario(raw: object) -> SimScenario:
    """Strictly parse a simulation input; InputError names the field."""
    if not isinstance(raw, Mapping):
        raise InputError("simulation", f"expected a mapping, got {type(raw).__name__}")
    for key in raw:
        if key not in FIELDS:
            raise InputError(str(key), f"unknown field; accepted: {', '.join(FIELDS)}")
    if "scenario" not in raw:
        raise InputError("scenario", "missing (the event, as for `anpo assess`)")
    try:
        scenarios, was_list = parse(raw["scenario"])
    except InputError as err:
        raise InputError(f"scenario.{err.field}", err.reason) from None
    if was_list:
        raise InputError("scenario", "one scenario per simulation (not a list)")
    sc = scenarios[0]
    if sc.lat is None or sc.lon is None:
        raise InputError("scenario.lat", "the simulation needs the event's location (lat, lon)")
    fa = raw.get("fait_accompli_h")
    if fa is not None:
        if isinstance(fa, bool) or not isinstance(fa, int | float) or not math.isfinite(fa) or fa <= 0:
            raise InputError("fait_accompli_h", f"{fa!r} must be a number of hours > 0")
        fa = float(fa)
    bases: tuple[str, ...] = ()
    defenses = None
    strikes = raw.get("strikes")
    if strikes is not None:
        if not isinstance(strikes, Mapping):
            raise InputError("strikes", "expected a mapping with `bases`")
        for key in strikes:
            if key not in STRIKE_FIELDS:
                raise InputError(
                    f"strikes.{key}", "unknown field; accepted: bases, defenses (salvo size etc.: parameters)"
                )
        lst = strikes.get("bases")
        if not isinstance(lst, list) or not lst or not all(isinstance(b, str) for b in lst):
            raise InputError("strikes.bases", "expected a non-empty list of facility ids")
        if len(set(lst)) != len(lst):
            raise InputError("strikes.bases", "a base is listed twice")
        bases = tuple(lst)
        defenses = parse_defenses(strikes.get("defenses"))
    params = raw.get("parameters") or {}
    if not isinstance(params, Mapping):
        raise InputError("parameters", "expected a mapping of parameter names to values")
    closed = raw.get("closed_bases") or []
    if not isinstance(closed, list) or not all(isinstance(b, str) for b in closed):
        raise InputError("closed_bases", "expected a list of facility ids")
    disaster = None
    if "disaster" in raw:
        if sc.event is not Event.none:
            raise InputError("disaster", "a disaster scenario has `event: none` (no armed attack)")
        for key in ("fait_accompli_h", "strikes", "events", "closed_bases", "parameters"):
            if raw.get(key):
                raise InputError(key, "not used by a disaster response run; leave it out")
        disaster = parse_disaster(raw["disaster"])
    own = [k for k in OWN_MODELS if k in raw]
    if len(own) > 1:
        raise InputError(own[1], f"one scenario type per file: {own[0]} and {own[1]} are both given")
    evacuation = None
    if "evacuation" in raw:
        check_evacuation(sc)
        for key in ("fait_accompli_h", "strikes", "events", "closed_bases", "parameters"):
            if raw.get(key):
                raise InputError(key, "not used by an evacuation run; leave it out")
        evacuation = parse_evacuation(raw["evacuation"])
    blockade = None
    if "blockade" in raw:
        for key in ("fait_accompli_h", "strikes", "events", "closed_bases", "parameters"):
            if raw.get(key):
                raise InputError(key, "not used by a blockade run; leave it out")
        blockade = parse_blockade(raw["blockade"])
        check_blockade(sc, blockade)
    return SimScenario(
        sc, fa, bases, dict(params), _events(raw.get("events"), sc), tuple(closed), disaster,
        dict(raw["disaster"]) if disaster is not None else None,
        evacuation=evacuation, evacuation_input=dict(raw["evacuation"]) if evacuation is not None else None,
        blockade=blockade, blockade_input=dict(raw["blockade"]) if blockade is not None else None,
        strike_defenses=defenses,
    )


def _events(raw: object, first: Scenario) -> tuple[tuple[float, Scenario], ...]:
    """Later events: each at an hour, assessed like the triggering event (same date and
    assumptions) at its own place."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError("events", "expected a list of {at_h, event, target, lat, lon}")
    out = []
    for i, e in enumerate(raw):
        where = f"events[{i}]"
        if not isinstance(e, Mapping):
            raise InputError(where, "expected a mapping {at_h, event, target, lat, lon}")
        for key in e:
            if key not in EVENT_FIELDS:
                raise InputError(f"{where}.{key}", f"unknown field; accepted: {', '.join(EVENT_FIELDS)}")
        at = e.get("at_h")
        if isinstance(at, bool) or not isinstance(at, int | float) or not math.isfinite(at) or at < 0:
            raise InputError(f"{where}.at_h", f"{at!r} must be a number of hours >= 0")
        body = {k: v for k, v in e.items() if k != "at_h"}
        body["date"] = first.date.isoformat()
        try:
            (sc,), _ = parse(body)
        except InputError as err:
            raise InputError(f"{where}.{err.field}", err.reason) from None
        if sc.lat is None or sc.lon is None:
            raise InputError(f"{where}.lat", "an event of the run needs its place (lat, lon)")
        out.append((float(at), replace(sc, assume=first.assume)))
    return tuple(out)
