"""Simulation parameters: the shipped defaults, their provenance, and validated overrides.

Every parameter has a default, a unit, a distribution and either a source or an explicit
assumption. Overrides are checked against the unit: delays >= 0, probabilities in [0, 1],
counts whole and >= 0 (some >= 1), lengths and speeds > 0. An error names the parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from anpo import data
from anpo.core.errors import DataError, InputError

PARAMETERS_FILE = "sim/parameters.yaml"
DISTRIBUTIONS = ("fixed", "lognormal", "bernoulli")
KEYS = frozenset({"default", "unit", "distribution", "spread", "source", "assumption", "max", "range"})
# Counts that make no sense at zero.
AT_LEAST_ONE = frozenset({"strike.salvos", "repair.crews_per_base"})


@dataclass(frozen=True)
class Parameter:
    name: str
    default: float
    unit: str
    distribution: str
    spread: float = 0.0
    source: str | None = None
    assumption: str | None = None
    maximum: float | None = None  # a bound on what a run accepts (memory and time), not a fact
    low: float | None = None  # the range the figure may take (`range: [low, high]`), which
    high: float | None = None  # the tornado sweeps (anpo simulate --tornado)

    def provenance(self) -> str:
        return f"source: {self.source}" if self.source else f"assumption: {self.assumption}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "default": self.default,
            "unit": self.unit,
            "distribution": self.distribution,
        }
        if self.distribution == "lognormal":
            out["spread"] = self.spread
        if self.maximum is not None:
            out["max"] = self.maximum
        if self.low is not None:
            out["range"] = [self.low, self.high]
        if self.source:
            out["source"] = self.source
        else:
            out["assumption"] = self.assumption
        return out


def check_value(name: str, unit: str, value: object, maximum: float | None = None) -> float:
    """The value as a float if it suits the unit (and the maximum); InputError naming the
    parameter otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(name, f"expected a number, got {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v):
        raise InputError(name, f"{value!r} is not a finite number")
    if unit == "probability":
        if not 0.0 <= v <= 1.0:
            raise InputError(name, f"probability {v:g} is outside [0, 1]")
    elif unit == "count":
        if v < 0 or v != int(v):
            raise InputError(name, f"{value!r} is not a whole number >= 0")
        if name in AT_LEAST_ONE and v < 1:
            raise InputError(name, "must be at least 1")
    elif unit in ("h", "log"):
        if v < 0:
            raise InputError(name, f"{v:g} is negative; a delay or spread must be >= 0")
    elif v <= 0:
        raise InputError(name, f"{v:g} must be > 0 ({unit})")
    if maximum is not None and v > maximum:
        raise InputError(name, f"{v:g} is above the maximum a run accepts ({maximum:g})")
    return v


def _load(raw: object) -> dict[str, Parameter]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("parameters"), Mapping):
        raise DataError(f"{PARAMETERS_FILE}: expected a mapping under 'parameters'")
    out: dict[str, Parameter] = {}
    for name, entry in raw["parameters"].items():
        if not isinstance(entry, Mapping):
            raise DataError(f"{PARAMETERS_FILE}: {name}: expected a mapping")
        extra = set(entry) - KEYS
        if extra:
            raise DataError(f"{PARAMETERS_FILE}: {name}: unknown keys {sorted(extra)}")
        if bool(entry.get("source")) == bool(entry.get("assumption")):
            raise DataError(f"{PARAMETERS_FILE}: {name}: needs exactly one of source, assumption")
        dist = entry.get("distribution")
        if dist not in DISTRIBUTIONS:
            raise DataError(f"{PARAMETERS_FILE}: {name}: distribution {dist!r}")
        if dist == "bernoulli" and entry.get("unit") != "probability":
            raise DataError(f"{PARAMETERS_FILE}: {name}: bernoulli needs unit probability")
        maximum = entry.get("max")
        if maximum is not None and (isinstance(maximum, bool) or not isinstance(maximum, int | float)):
            raise DataError(f"{PARAMETERS_FILE}: {name}: max must be a number")
        try:
            default = check_value(name, str(entry["unit"]), entry["default"], maximum)
            spread = check_value(f"{name}.spread", "log", entry.get("spread", 0.0))
            low, high = _range(name, str(entry["unit"]), entry.get("range"), default, maximum)
        except (InputError, KeyError) as err:
            raise DataError(f"{PARAMETERS_FILE}: {err}") from None
        out[name] = Parameter(
            name,
            default,
            str(entry["unit"]),
            str(dist),
            spread,
            entry.get("source"),
            entry.get("assumption"),
            None if maximum is None else float(maximum),
            low,
            high,
        )
    return out


def _range(
    name: str, unit: str, value: object, default: float, maximum: float | None
) -> tuple[float | None, float | None]:
    """`range: [low, high]`, each end valid for the unit, around the default."""
    if value is None:
        return None, None
    if not isinstance(value, list) or len(value) != 2:
        raise InputError(f"{name}.range", "expected [low, high]")
    low, high = (check_value(f"{name}.range", unit, v, maximum) for v in value)
    if not low <= default <= high:
        raise InputError(f"{name}.range", f"[{low:g}, {high:g}] does not hold the default {default:g}")
    return low, high


@cache
def defaults() -> dict[str, Parameter]:
    """The shipped parameters by name (validated once)."""
    return _load(data.read_yaml(PARAMETERS_FILE))


@dataclass(frozen=True)
class Parameters:
    """A full parameter set: the defaults with any overrides applied."""

    table: Mapping[str, Parameter]

    def __getitem__(self, name: str) -> float:
        return self.table[name].default

    def spread(self, name: str) -> float:
        return self.table[name].spread

    def overridden(self) -> dict[str, dict[str, float]]:
        """What differs from the shipped defaults (for the run record)."""
        base = defaults()
        out = {}
        for name, p in self.table.items():
            b = base[name]
            if (p.default, p.spread) != (b.default, b.spread):
                out[name] = {"value": p.default, "spread": p.spread}
        return out

    def with_overrides(self, overrides: Mapping[str, object] | None) -> Parameters:
        """Apply `{name: value}` or `{name: {default, spread}}`; `name.spread` also accepted."""
        if not overrides:
            return self
        table = dict(self.table)
        for key, value in overrides.items():
            name = str(key)
            if name.endswith(".spread") and name[: -len(".spread")] in table:
                base = name[: -len(".spread")]
                table[base] = _with_spread(table[base], value, name)
                continue
            if name not in table:
                raise InputError(
                    name, "unknown parameter; list them with `anpo simulate --explain-parameters`"
                )
            p = table[name]
            if isinstance(value, Mapping):
                unknown = set(value) - {"default", "spread"}
                if unknown:
                    raise InputError(f"{name}.{sorted(unknown)[0]}", "accepted keys: default, spread")
                if "default" in value:
                    p = replace(p, default=check_value(name, p.unit, value["default"], p.maximum))
                if "spread" in value:
                    p = _with_spread(p, value["spread"], f"{name}.spread")
            else:
                p = replace(p, default=check_value(name, p.unit, value, p.maximum))
            table[name] = p
        return Parameters(table)

    def deterministic(self) -> Parameters:
        """Every spread set to zero (probabilities stay: set them to 0 or 1 for a fixed path)."""
        table = {n: replace(p, spread=0.0) for n, p in self.table.items()}
        table["readiness.spread"] = replace(table["readiness.spread"], default=0.0)
        return Parameters(table)


def _with_spread(p: Parameter, value: object, field: str) -> Parameter:
    if p.distribution != "lognormal":
        raise InputError(field, f"{p.name} is {p.distribution}: it has no spread")
    return replace(p, spread=check_value(field, "log", value))


def load(overrides: Mapping[str, object] | None = None) -> Parameters:
    """Defaults with overrides applied (InputError on an unknown or invalid one)."""
    return Parameters(defaults()).with_overrides(overrides)
