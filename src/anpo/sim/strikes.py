"""Missile salvos on air bases -> per-trial closure intervals for fighters and tankers.

Each struck base receives `strike.missiles_per_base` missiles per salvo, shared among its
open runways in proportion to length, aimed at evenly spaced points on each centreline.
A missile lands if it works (reliability) and is not intercepted; its impact is circular
normal about the aim point. After each salvo the crews repair the fewest craters that free
one MOS (the exact search of `runway`), on the runway where that is quickest; crews work
salvo after salvo in order, so a backlog carries over. The draws and the search run
compiled, trial by trial (`strike_kernel`); this module finds the targets and packs them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from anpo import posture
from anpo.core.errors import InputError
from anpo.sim import strike_kernel as sk
from anpo.sim.parameters import Parameters
from anpo.sim.rng import Stream
from anpo.sim.runway import Strip, kernel_constants
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


@dataclass
class Salvos:
    """The struck runways packed for `strike_kernel`, and the closures of one chunk.

    `ends[trial, b, class, salvo]`: when the salvo's closure of base b for the aircraft
    class ends (a closure is [start, end); end == start when nothing needs repair);
    `closed[trial, b * 2 + class]`: hours closed in all.
    """

    starts: FloatArray
    ends: FloatArray
    closed: FloatArray
    scalars: FloatArray
    base_first: npt.NDArray[np.int64]
    missiles: npt.NDArray[np.int64]
    dims: FloatArray
    floors: npt.NDArray[np.int64]

    def draw(self, s: Stream, lo: int, hi: int) -> None:
        """Trials lo..hi-1 of the chunk."""
        sk.strike_tile(
            s,
            lo,
            hi,
            self.scalars,
            self.starts,
            self.base_first,
            self.missiles,
            self.dims,
            self.floors,
            self.ends,
            self.closed,
        )


def closures(bases: tuple[BaseTarget, ...], p: Parameters, n: int) -> Salvos:
    """Pack the salvos on `bases` for a chunk of n trials (drawn tile by tile with `draw`)."""
    salvos = int(p["strike.salvos"])
    starts = np.array([p["strike.time_h"] + s * p["strike.salvo_interval_h"] for s in range(salvos)])
    scalars = np.zeros(sk.NS)
    scalars[sk.SIGMA] = sigma_from_cep(p["strike.cep_m"])
    scalars[sk.P_LAND] = p["strike.reliability"] * (1.0 - p["strike.interception_probability"])
    scalars[sk.CREWS] = p["repair.crews_per_base"]
    scalars[sk.REPAIR_H] = p["repair.hours_per_crater"]
    scalars[sk.REPAIR_S] = p.spread("repair.hours_per_crater")
    runways = [rw for base in bases for rw in base.runways]
    first = np.cumsum([0] + [len(base.runways) for base in bases])
    dims = np.stack([kernel_constants(tuple(rw.strips[c] for c in CLASSES)) for rw in runways])
    floors = np.array([[max(rw.strips[c].bound, 1) for c in CLASSES] for rw in runways], np.int64)
    return Salvos(
        starts=starts,
        ends=np.empty((n, len(bases), len(CLASSES), salvos)),
        closed=np.empty((n, len(bases) * len(CLASSES))),
        scalars=scalars,
        base_first=first.astype(np.int64),
        missiles=np.array([rw.missiles for rw in runways], np.int64),
        dims=dims,
        floors=floors,
    )
