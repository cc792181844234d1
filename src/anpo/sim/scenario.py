"""The simulation's input file: an assessable scenario plus what the Monte Carlo needs.

scenario: {date, event, target, lat, lon, ...}   # exactly as for `anpo assess`
fait_accompli_h: 72                               # optional: adversary's objective time
strikes: {bases: [kadena, futenma]}               # optional: air bases struck
parameters: {strike.cep_m: 50}                    # optional: parameter overrides
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from anpo.core.errors import InputError
from anpo.core.scenario import Scenario
from anpo.law.assess import parse

FIELDS = ("scenario", "fait_accompli_h", "strikes", "parameters")
STRIKE_FIELDS = ("bases",)


@dataclass(frozen=True)
class SimScenario:
    scenario: Scenario
    fait_accompli_h: float | None = None
    strike_bases: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scenario": self.scenario.to_input_dict()}
        if self.fait_accompli_h is not None:
            out["fait_accompli_h"] = self.fait_accompli_h
        if self.strike_bases:
            out["strikes"] = {"bases": list(self.strike_bases)}
        if self.parameters:
            out["parameters"] = dict(self.parameters)
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
    strikes = raw.get("strikes")
    if strikes is not None:
        if not isinstance(strikes, Mapping):
            raise InputError("strikes", "expected a mapping with `bases`")
        for key in strikes:
            if key not in STRIKE_FIELDS:
                raise InputError(
                    f"strikes.{key}", "unknown field; accepted: bases (salvo size etc. are parameters)"
                )
        lst = strikes.get("bases")
        if not isinstance(lst, list) or not lst or not all(isinstance(b, str) for b in lst):
            raise InputError("strikes.bases", "expected a non-empty list of facility ids")
        if len(set(lst)) != len(lst):
            raise InputError("strikes.bases", "a base is listed twice")
        bases = tuple(lst)
    params = raw.get("parameters") or {}
    if not isinstance(params, Mapping):
        raise InputError("parameters", "expected a mapping of parameter names to values")
    return SimScenario(sc, fa, bases, dict(params))
