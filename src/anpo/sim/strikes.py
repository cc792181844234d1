"""Missile salvos on air bases -> per-trial closure intervals for fighters and tankers.

Each struck base receives `strike.missiles_per_base` missiles per salvo, shared among its
open runways in proportion to length, aimed at evenly spaced points on each centreline.
A missile lands if it works (reliability) and is not intercepted; its impact is circular
normal about the aim point. After each salvo the crews repair the fewest craters that free
one MOS (`runway.repairs_for_strips`), on the runway where that is quickest; crews work salvo
after salvo in order, so a backlog carries over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from anpo import posture
from anpo.core.errors import InputError
from anpo.sim.parameters import Parameters
from anpo.sim.runway import Strip, repairs_for_strips
from anpo.sim.weaponeering import sigma_from_cep

FT = 0.3048
DEFAULT_WIDTH_FT = 150  # a runway without a width in OurAirports (none at the struck bases today)
CLASSES = ("fighter", "tanker")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RunwayTarget:
    ident: str
    length_m: float
    width_m: float
    missiles: int
    strips: dict[str, Strip]  # by aircraft class


@dataclass(frozen=True)
class BaseTarget:
    facility: str
    runways: tuple[RunwayTarget, ...]


def _strip(length: float, width: float, p: Parameters, cls: str) -> Strip:
    # A runway shorter than the class MOS still serves the aircraft based there when intact:
    # the MOS is capped at the runway's own size.
    return Strip(
        length,
        width,
        min(p[f"mos.{cls}_length_m"], length),
        min(p[f"mos.{cls}_width_m"], width),
        p["strike.crater_diameter_m"],
    )


def targets(bases: tuple[str, ...], day: dt.date, p: Parameters) -> tuple[BaseTarget, ...]:
    """The struck bases' runway geometry on `day`; InputError for a base that cannot be struck."""
    active = {f.facility.id: f.facility for f in posture.at(day).facilities}
    out = []
    m = int(p["strike.missiles_per_base"])
    for i, fid in enumerate(bases):
        fac = active.get(fid)
        if fac is None:
            raise InputError(f"strikes.bases[{i}]", f"{fid!r} is not a facility in operation on {day}")
        rws = [r for r in fac.runways if not r.closed]
        if fac.kind != "airfield" or not rws:
            raise InputError(f"strikes.bases[{i}]", f"{fid!r} is not an airfield with runways")
        lengths = np.array([r.length_ft * FT for r in rws])
        share = np.floor(m * lengths / lengths.sum()).astype(int)
        share[0] += m - int(share.sum())  # runways are longest first: the rest goes there
        rt = []
        for r, k in zip(rws, share, strict=True):
            length, width = r.length_ft * FT, (r.width_ft or DEFAULT_WIDTH_FT) * FT
            rt.append(
                RunwayTarget(
                    r.ident, length, width, int(k), {c: _strip(length, width, p, c) for c in CLASSES}
                )
            )
        out.append(BaseTarget(fid, tuple(rt)))
    return tuple(out)


def salvo_repairs(
    gen: np.random.Generator, n: int, base: BaseTarget, p: Parameters, shortcut: bool = True
) -> dict[str, npt.NDArray[np.int64]]:
    """Craters to repair after one salvo on one base, by aircraft class, for n trials."""
    sigma = sigma_from_cep(p["strike.cep_m"])
    p_land = p["strike.reliability"] * (1.0 - p["strike.interception_probability"])
    best = {c: np.full(n, np.iinfo(np.int64).max, np.int64) for c in CLASSES}
    for rw in base.runways:
        k = rw.missiles
        if k == 0:
            for c in CLASSES:
                best[c][:] = 0  # an untargeted runway stays open
            continue
        lands = gen.random((n, k)) < p_land
        aim = (np.arange(k) + 0.5) * (rw.length_m / k)
        cx = gen.standard_normal((n, k)) * sigma + aim
        cy = gen.standard_normal((n, k)) * sigma + rw.width_m / 2.0
        cx[~lands] = np.nan
        # Both classes in one pass over the craters (same runway, same draws).
        got = repairs_for_strips(tuple(rw.strips[c] for c in CLASSES), cx, cy, shortcut=shortcut)
        for c, g in zip(CLASSES, got, strict=True):
            np.minimum(best[c], g, out=best[c])
    return best


@dataclass
class Closures:
    """Closure intervals [start, end) per salvo, by base and class; arrays over trials."""

    starts: list[float]
    ends: dict[tuple[int, str], list[FloatArray]]

    def open_after(self, base: int, cls: str, t: FloatArray) -> FloatArray:
        """The first time >= t at which the base has a usable MOS for the class."""
        out = t
        for s, e in zip(self.starts, self.ends[(base, cls)], strict=True):
            out = np.where((out >= s) & (out < e), e, out)
        return out

    def closed_hours(self, base: int, cls: str) -> FloatArray:
        total = np.zeros_like(self.ends[(base, cls)][0])
        prev = np.full_like(total, -np.inf)
        for s, e in zip(self.starts, self.ends[(base, cls)], strict=True):
            total += np.maximum(0.0, e - np.maximum(s, prev))
            prev = e
        return total


def closures(
    tiles: list[tuple[int, int, np.random.Generator]], n: int, bases: tuple[BaseTarget, ...], p: Parameters
) -> Closures:
    """Draw every salvo on every base (tile by tile, to bound memory) and queue the repairs."""
    salvos = int(p["strike.salvos"])
    starts = [p["strike.time_h"] + s * p["strike.salvo_interval_h"] for s in range(salvos)]
    crews = p["repair.crews_per_base"]
    med, spread = p["repair.hours_per_crater"], p.spread("repair.hours_per_crater")
    ends: dict[tuple[int, str], list[FloatArray]] = {}
    for b, base in enumerate(bases):
        reps = {c: np.zeros((salvos, n), np.int64) for c in CLASSES}
        hours = np.empty(n)
        for lo, hi, gen in tiles:
            hours[lo:hi] = med * (np.exp(spread * gen.standard_normal(hi - lo)) if spread else 1.0)
            for s in range(salvos):
                got = salvo_repairs(gen, hi - lo, base, p)
                for c in CLASSES:
                    reps[c][s, lo:hi] = got[c]
        for c in CLASSES:
            prev = np.full(n, -np.inf)
            lst = []
            for s, start in enumerate(starts):
                dur = np.ceil(reps[c][s] / crews) * hours
                end = np.where(dur > 0, np.maximum(prev, start) + dur, np.maximum(prev, start))
                lst.append(end)
                prev = end
            ends[(b, c)] = lst
    return Closures(starts, ends)
