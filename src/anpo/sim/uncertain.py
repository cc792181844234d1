"""Uncertain inputs of the small scenario models (evacuation, blockade): strict parsing.

Every figure in such a block is either sourced or a named assumption, so each carries exactly
one of `source` or `assumption`. A delay is lognormal (median_h, spread = log-sd, as in
`anpo.sim.disaster`); a share or a rate that is only known as a range is {low, high}, drawn
uniformly per trial; a probability is {p, source | assumption}.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo.core.errors import InputError
from anpo.sim.disaster import Delay

DELAY_FIELDS = ("median_h", "spread", "source", "assumption")
RANGE_FIELDS = ("low", "high", "source", "assumption")
CHANCE_FIELDS = ("p", "source", "assumption")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Range:
    """A value known only as a range [low, high]: uniform per trial (low == high: fixed)."""

    low: float
    high: float
    basis: str

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        if self.low == self.high:
            return np.full(n, self.low)
        return rng.uniform(self.low, self.high, n)


@dataclass(frozen=True)
class Chance:
    """The probability that something holds in a trial."""

    p: float
    basis: str

    def draw(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.bool_]:
        return rng.random(n) < self.p


def basis(raw: Mapping[str, Any], where: str) -> str:
    """'source: ...' or 'assumption: ...'; exactly one must be given."""
    src, ass = raw.get("source"), raw.get("assumption")
    if bool(src) == bool(ass) or not isinstance(src or ass, str):
        raise InputError(where, "give exactly one of `source` (where the figure comes from) or `assumption`")
    return f"source: {src}" if src else f"assumption: {ass}"


def number(v: object, where: str, lo: float = 0.0, hi: float = math.inf) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not lo <= v <= hi:
        bound = f" and <= {hi:g}" if math.isfinite(hi) else ""
        raise InputError(where, f"{v!r} must be a number >= {lo:g}{bound}")
    return float(v)


def whole(v: object, where: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise InputError(where, f"{v!r} must be a whole number {lo:,}..{hi:,}")
    return v


def mapping(raw: object, where: str, accepted: Sequence[str]) -> Mapping[str, Any]:
    """A mapping whose keys are all among `accepted` (the error names the first stranger)."""
    if not isinstance(raw, Mapping):
        raise InputError(where, f"expected a mapping {{{', '.join(accepted)}}}")
    for key in raw:
        if key not in accepted:
            raise InputError(f"{where}.{key}", f"unknown field; accepted: {', '.join(accepted)}")
    return raw


def delay(raw: object, where: str) -> Delay:
    m = mapping(raw, where, DELAY_FIELDS)
    return Delay(
        number(m.get("median_h"), f"{where}.median_h"),
        number(m.get("spread", 0.0), f"{where}.spread"),
        basis(m, where),
    )


def value_range(raw: object, where: str, lo: float = 0.0, hi: float = math.inf) -> Range:
    m = mapping(raw, where, RANGE_FIELDS)
    low = number(m.get("low"), f"{where}.low", lo, hi)
    high = number(m.get("high"), f"{where}.high", lo, hi)
    if high < low:
        raise InputError(f"{where}.high", f"{high:g} is below low {low:g}")
    return Range(low, high, basis(m, where))


def chance(raw: object, where: str) -> Chance:
    m = mapping(raw, where, CHANCE_FIELDS)
    return Chance(number(m.get("p"), f"{where}.p", 0.0, 1.0), basis(m, where))


def checkpoints(raw: object, where: str, default: Sequence[float]) -> tuple[float, ...]:
    cps = list(default) if raw is None else raw
    if not isinstance(cps, list) or not cps:
        raise InputError(where, "expected a non-empty list")
    out = tuple(number(c, f"{where}[{i}]") for i, c in enumerate(cps))
    if list(out) != sorted(set(out)):
        raise InputError(where, "values must be distinct and increasing")
    return out


def spread_stats(values: FloatArray) -> dict[str, float]:
    """Mean and 5/50/95 % of per-trial values (rounded for the output)."""
    if values.size == 0:
        return {"mean": math.nan, "p5": math.nan, "p50": math.nan, "p95": math.nan}
    p5, p50, p95 = np.quantile(values, (0.05, 0.5, 0.95))
    return {
        "mean": round(math.fsum(values.tolist()) / values.size, 4),
        "p5": round(float(p5), 4),
        "p50": round(float(p50), 4),
        "p95": round(float(p95), 4),
    }


def ramp(t: FloatArray, start: FloatArray, length: FloatArray) -> FloatArray:
    """Share of a linear build-up done at each hour of `t` (trials x hours)."""
    return np.clip((t[None, :] - start[:, None]) / np.maximum(length, 1e-9)[:, None], 0.0, 1.0)
